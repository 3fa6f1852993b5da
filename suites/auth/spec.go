package auth

import (
	"regexp"
	"strconv"

	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/apiconform/apiconform/suites/httpsyntax"
)

// MinSecretLength is the shortest value accepted as a secret. Shorter
// values would match ordinary text everywhere, so a secret shorter than
// this is refused rather than half-protected.
const MinSecretLength = 8

// Spec describes credentials as the config file or the flags do. Each
// type reads the fields it needs; secrets are never values here, only the
// names of the environment variables that hold them.
type Spec struct {
	Type              string `yaml:"type"`                // Type is the kind of credentials (see Types).
	Header            string `yaml:"header"`              // Header carries the token (token types).
	Scheme            string `yaml:"scheme"`              // Scheme prefixes the token of type bearer (default "Bearer").
	TokenEnv          string `yaml:"token_env"`           // TokenEnv names the variable holding the valid token.
	ForbiddenTokenEnv string `yaml:"forbidden_token_env"` // ForbiddenTokenEnv names the variable holding a token without rights.

	Param string `yaml:"param"` // Param is the query parameter of type query (default "api_key").

	UsernameEnv          string `yaml:"username_env"`           // UsernameEnv names the variable holding the user of type basic.
	PasswordEnv          string `yaml:"password_env"`           // PasswordEnv names the variable holding that user's password.
	ForbiddenUsernameEnv string `yaml:"forbidden_username_env"` // ForbiddenUsernameEnv names the variable holding a user without rights.
	ForbiddenPasswordEnv string `yaml:"forbidden_password_env"` // ForbiddenPasswordEnv names the variable holding that user's password.

	TokenURL                 string   `yaml:"token_url"`                   // TokenURL is the token endpoint of type oauth2 (absolute http or https).
	ClientIDEnv              string   `yaml:"client_id_env"`               // ClientIDEnv names the variable holding the client id.
	ClientSecretEnv          string   `yaml:"client_secret_env"`           // ClientSecretEnv names the variable holding the client secret.
	ForbiddenClientIDEnv     string   `yaml:"forbidden_client_id_env"`     // ForbiddenClientIDEnv names the variable holding a client without rights.
	ForbiddenClientSecretEnv string   `yaml:"forbidden_client_secret_env"` // ForbiddenClientSecretEnv names the variable holding that client's secret.
	Scopes                   []string `yaml:"scopes"`                      // Scopes are asked for in the token request.
	Audience                 string   `yaml:"audience"`                    // Audience is sent as the token request's audience parameter when set.
}

// envName is the syntax of an environment variable name.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// Getenv looks a variable up in the environment of the run.
type Getenv func(name string) string

// builder makes the Method of a spec; client is the HTTP client for the
// requests a Method sends itself (a token endpoint), nil for the default.
type builder func(spec Spec, getenv Getenv, client *http.Client) (Method, error)

// types maps each type name to its constructor: adding a kind of
// credentials is one file with its Method and one line here.
var types = map[string]builder{
	"basic":  offline(newBasic),
	"bearer": offline(newToken),
	"header": offline(newToken),
	"oauth2": newOAuth2,
	"query":  offline(newQuery),
}

// offline adapts the constructor of a type that sends no request itself.
func offline(build func(Spec, Getenv) (Method, error)) builder {
	return func(spec Spec, getenv Getenv, _ *http.Client) (Method, error) { return build(spec, getenv) }
}

// Types lists the kinds of credentials, sorted.
func Types() []string {
	names := make([]string, 0, len(types))
	for n := range types {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// New returns the Method that spec describes, reading its secrets with
// getenv. A spec without a type or variable is None.
func New(spec Spec, getenv Getenv) (Method, error) { return NewWith(spec, getenv, nil) }

// NewWith is New with the HTTP client that a Method uses for the requests
// it sends itself (the token endpoint of oauth2), so that they go through
// the run's TLS and proxy settings; nil means http.DefaultClient.
func NewWith(spec Spec, getenv Getenv, client *http.Client) (Method, error) {
	if spec.Type == "" && spec.TokenEnv == "" {
		return None{}, nil
	}
	if spec.Type == "" {
		spec.Type = "bearer"
	}
	build, ok := types[spec.Type]
	if !ok {
		return nil, &FieldError{Key: "type", Value: spec.Type, Msg: "unknown type (known: " + strings.Join(Types(), ", ") + ")"}
	}
	return build(spec, getenv, client)
}

// FieldError names the field of a Spec at fault, so the command line can
// say which flag or config key to fix.
type FieldError struct {
	Key   string // the Spec field's YAML key, e.g. "token_env"
	Value string
	Msg   string
}

func (e *FieldError) Error() string { return e.Key + " " + e.Value + ": " + e.Msg }

// secretFrom reads the secret in the variable named by the field key.
func secretFrom(getenv Getenv, key, name string) (string, error) {
	if name == "" {
		return "", &FieldError{Key: key, Msg: "names no environment variable"}
	}
	if !envName.MatchString(name) || LooksLikeSecret(name) {
		// Most likely the secret itself, given where its name belongs:
		// say so without repeating it.
		return "", &FieldError{Key: key, Msg: "expects the NAME of an environment variable (such as API_TOKEN); the value given is not one, and it is not shown because it may be the secret itself"}
	}
	v := strings.TrimSpace(getenv(name))
	switch {
	case v == "":
		return "", &FieldError{Key: key, Value: name, Msg: fmt.Sprintf("the environment variable %s is empty or unset", name)}
	case len(v) < MinSecretLength:
		return "", &FieldError{Key: key, Value: name, Msg: fmt.Sprintf("the secret is shorter than %d characters, too short to keep out of the reports reliably", MinSecretLength)}
	}
	return v, nil
}

// newToken builds a bearer token or a raw key in a header.
func newToken(spec Spec, getenv Getenv) (Method, error) {
	t := &Token{HeaderName: spec.Header, Scheme: spec.Scheme, ValidEnv: spec.TokenEnv, ForbiddenEnv: spec.ForbiddenTokenEnv}
	if t.HeaderName == "" {
		t.HeaderName = "Authorization"
	}
	switch {
	case spec.Type == "header":
		t.Scheme = "" // a raw key
	case t.Scheme == "":
		t.Scheme = "Bearer"
	}
	if !httpsyntax.IsToken(t.HeaderName) {
		if strings.ContainsAny(t.HeaderName, ": ") {
			return nil, &FieldError{Key: "header", Msg: "expects a header name only (such as Authorization); the value given holds more, and it is not shown because it may carry a credential: give the token with --token-env"}
		}
		return nil, &FieldError{Key: "header", Value: strconv.Quote(t.HeaderName), Msg: "not a valid header name"}
	}
	var err error
	if t.Valid, err = secretFrom(getenv, "token_env", spec.TokenEnv); err != nil {
		return nil, err
	}
	if spec.ForbiddenTokenEnv != "" {
		if t.Forbidden, err = secretFrom(getenv, "forbidden_token_env", spec.ForbiddenTokenEnv); err != nil {
			return nil, err
		}
		if t.Forbidden == t.Valid {
			return nil, &FieldError{Key: "forbidden_token_env", Value: spec.ForbiddenTokenEnv, Msg: "holds the same token as token_env " + spec.TokenEnv}
		}
	}
	t.Wrong = InvalidTokenLike(t.Valid)
	return t, nil
}

// valueFrom reads a value that is not a secret (a user name, a client id)
// from the variable named by the field key: any length will do, as it is
// never redacted.
func valueFrom(getenv Getenv, key, name string) (string, error) {
	if name == "" {
		return "", &FieldError{Key: key, Msg: "names no environment variable"}
	}
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return "", &FieldError{Key: key, Value: name, Msg: fmt.Sprintf("the environment variable %s is empty or unset", name)}
	}
	return v, nil
}

// bothOrNeither refuses half of a pair of fields: a forbidden user or
// client needs both its name and its secret.
func bothOrNeither(keyA, a, keyB, b string) error {
	switch {
	case a != "" && b == "":
		return &FieldError{Key: keyB, Msg: "names no environment variable, but " + keyA + " " + a + " does: the forbidden variant needs both"}
	case a == "" && b != "":
		return &FieldError{Key: keyA, Msg: "names no environment variable, but " + keyB + " " + b + " does: the forbidden variant needs both"}
	}
	return nil
}
