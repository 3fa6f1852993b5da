package auth

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Query sends an API key in a query parameter: ?api_key=<key>.
type Query struct {
	Param        string // e.g. "api_key"
	Valid        string // the valid key
	ValidEnv     string // the environment variable it came from
	Forbidden    string // a valid key without rights ("" when none is configured)
	ForbiddenEnv string
	Wrong        string // a well-formed wrong key generated for this run
}

// newQuery builds an API key in a query parameter.
func newQuery(spec Spec, getenv Getenv) (Method, error) {
	q := &Query{Param: spec.Param, ValidEnv: spec.TokenEnv, ForbiddenEnv: spec.ForbiddenTokenEnv}
	if q.Param == "" {
		q.Param = "api_key"
	}
	if !isUnreservedName(q.Param) {
		return nil, &FieldError{Key: "param", Value: strconv.Quote(q.Param), Msg: "not a query parameter name: use letters, digits and - . _ ~ only"}
	}
	var err error
	if q.Valid, err = secretFrom(getenv, "token_env", spec.TokenEnv); err != nil {
		return nil, err
	}
	if spec.ForbiddenTokenEnv != "" {
		if q.Forbidden, err = secretFrom(getenv, "forbidden_token_env", spec.ForbiddenTokenEnv); err != nil {
			return nil, err
		}
		if q.Forbidden == q.Valid {
			return nil, &FieldError{Key: "forbidden_token_env", Value: spec.ForbiddenTokenEnv, Msg: "holds the same key as token_env " + spec.TokenEnv}
		}
	}
	q.Wrong = InvalidTokenLike(q.Valid)
	return q, nil
}

// isUnreservedName reports whether name is made of the characters that
// RFC 3986 leaves unreserved, so it reads the same escaped or not and
// every server parses it alike.
func isUnreservedName(name string) bool {
	if name == "" {
		return false
	}
	for _, r := range name {
		if !strings.ContainsRune("-._~", r) && (r > 0x7f || !('0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z')) {
			return false
		}
	}
	return true
}

// Apply appends the parameter for variant v to the query of req, leaving
// the parameters already there as they are written.
func (q *Query) Apply(_ context.Context, req *http.Request, v Variant) error {
	var key string
	switch v {
	case Valid:
		key = q.Valid
	case Invalid:
		key = q.Wrong
	case Forbidden:
		if q.Forbidden == "" {
			return errNoForbidden("forbidden_token_env")
		}
		key = q.Forbidden
	default:
		return nil
	}
	pair := q.Param + "=" + url.QueryEscape(key)
	if req.URL.RawQuery == "" {
		req.URL.RawQuery = pair
	} else {
		req.URL.RawQuery += "&" + pair
	}
	return nil
}

// Offers reports whether q can make v: Forbidden needs its own key.
func (q *Query) Offers(v Variant) bool { return v != Forbidden || q.Forbidden != "" }

// Secrets returns each key as it is and as it is written in a URL, so a
// recorded URL is redacted whatever its escaping; the generated wrong key
// is shown as a marker so that reports do not change from run to run.
func (q *Query) Secrets() []Secret {
	s := withEscaped(nil, q.Valid, envRef(q.ValidEnv))
	if q.Forbidden != "" {
		s = withEscaped(s, q.Forbidden, envRef(q.ForbiddenEnv))
	}
	return withEscaped(s, q.Wrong, "<invalid-token>")
}

// withEscaped appends value, and its query escaping when that differs.
func withEscaped(s []Secret, value, shown string) []Secret {
	s = append(s, Secret{value, shown})
	if esc := url.QueryEscape(value); esc != value {
		s = append(s, Secret{esc, shown})
	}
	return s
}

// Header is empty: the key travels in the URL, not in a header.
func (q *Query) Header() string { return "" }
