package auth

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
)

// A key with characters that a URL escapes, so both forms are on trial.
const (
	queryKey      = "key+with/slash=1234"
	forbiddenKey  = "read-only-key-5678"
	queryKeyInURL = "key%2Bwith%2Fslash%3D1234"
)

func queryMethod(t *testing.T, spec Spec) Method {
	t.Helper()
	spec.Type, spec.TokenEnv, spec.ForbiddenTokenEnv = "query", "API_KEY", "RO_KEY"
	m, err := New(spec, env(map[string]string{"API_KEY": queryKey, "RO_KEY": forbiddenKey}))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestQueryVariants checks the four variants against the reference API
// and that a recorded URL shows the variables, not the keys.
func TestQueryVariants(t *testing.T) {
	srv, _ := serveAPI(t, fixtures.AuthOptions{Type: fixtures.AuthQuery, Token: queryKey, ForbiddenToken: forbiddenKey})
	m := queryMethod(t, Spec{})
	got := checkVariants(t, srv, m, queryKey, queryKeyInURL, forbiddenKey)
	base := srv.URL + strictItems
	for v, want := range map[Variant]string{
		Valid:     base + "&api_key=${API_KEY}",
		Missing:   base,
		Invalid:   base + "&api_key=<invalid-token>",
		Forbidden: base + "&api_key=${RO_KEY}",
	} {
		if got[v].url != want {
			t.Errorf("%q: recorded URL %q, want %q", v, got[v].url, want)
		}
		if got[v].header != "" {
			t.Errorf("%q: Authorization %q; the key belongs in the URL", v, got[v].header)
		}
	}
	if m.Header() != "" {
		t.Errorf("Header %q, want none", m.Header())
	}
}

// TestQueryParamAndShape checks a custom parameter, that the query
// already there is kept as written, and the invalid key's shape.
func TestQueryParamAndShape(t *testing.T) {
	m := queryMethod(t, Spec{Param: "key"})
	req, _ := http.NewRequest("GET", "http://x/items?filter=(id='2'||id='3')&b=a%20b", nil)
	raw := req.URL.RawQuery
	_ = m.Apply(context.Background(), req, Invalid)
	wrong, ok := strings.CutPrefix(req.URL.RawQuery, raw+"&key=")
	if !ok {
		t.Fatalf("query %q does not keep %q and append key=", req.URL.RawQuery, raw)
	}
	if plain, _ := url.QueryUnescape(wrong); len(plain) != len(queryKey) || plain == queryKey {
		t.Errorf("invalid key %q is not a wrong key of the valid one's length", plain)
	}
	shown := map[string]string{}
	for _, s := range m.Secrets() {
		shown[s.Value] = s.Shown
	}
	for value, want := range map[string]string{queryKey: "${API_KEY}", queryKeyInURL: "${API_KEY}", forbiddenKey: "${RO_KEY}"} {
		if shown[value] != want {
			t.Errorf("Secrets shows %q as %q, want %q", value, shown[value], want)
		}
	}
	if m, _ := New(Spec{Type: "query", TokenEnv: "K"}, env(map[string]string{"K": "valid-key-1"})); m.Offers(Forbidden) {
		t.Error("without a forbidden key, Forbidden is not offered")
	}
}

// TestQuerySpecErrors checks that bad query specs name the field, and
// that the fields of the header types are not read.
func TestQuerySpecErrors(t *testing.T) {
	vars := map[string]string{"K": "valid-key-1", "F": "other-key-2", "S": "abc"}
	for name, tc := range map[string]struct {
		spec Spec
		key  string
	}{
		"param with a space": {Spec{Param: "api key", TokenEnv: "K"}, "param"},
		"param with a colon": {Spec{Param: "a:b", TokenEnv: "K"}, "param"},
		"no token_env":       {Spec{}, "token_env"},
		"unset key":          {Spec{TokenEnv: "NOPE"}, "token_env"},
		"short key":          {Spec{TokenEnv: "S"}, "token_env"},
		"short forbidden":    {Spec{TokenEnv: "K", ForbiddenTokenEnv: "S"}, "forbidden_token_env"},
		"same keys":          {Spec{TokenEnv: "K", ForbiddenTokenEnv: "K"}, "forbidden_token_env"},
	} {
		tc.spec.Type = "query"
		_, err := New(tc.spec, env(vars))
		wantFieldError(t, name, err, tc.key)
	}
	if _, err := New(Spec{Type: "query", TokenEnv: "K", Header: "not a header", Param: "api-key.v2_~"}, env(vars)); err != nil {
		t.Errorf("a query spec does not read header: %v", err)
	}
}
