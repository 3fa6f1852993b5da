package auth

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
)

// The client secret has characters that client_secret_basic form-encodes.
const (
	clientSecret    = "s3cret+/=client"
	roClientSecret  = "read-only-secret"
	wrongSecret     = "not-the-secret-at-all"
	clientSecretEsc = "s3cret%2B%2F%3Dclient"
)

var oauthVars = map[string]string{"CID": "app", "CSECRET": clientSecret, "RO_CID": "ro-app", "RO_CSECRET": roClientSecret, "WRONG": wrongSecret}

func oauthAPI(t *testing.T, ttl time.Duration) (*httptest.Server, *fixtures.API) {
	return serveAPI(t, fixtures.AuthOptions{Type: fixtures.AuthOAuth2, ClientID: "app", ClientSecret: clientSecret,
		ForbiddenClientID: "ro-app", ForbiddenClientSecret: roClientSecret, TokenTTL: ttl})
}

func oauthSpec(tokenURL string) Spec {
	return Spec{Type: "oauth2", TokenURL: tokenURL, ClientIDEnv: "CID", ClientSecretEnv: "CSECRET",
		ForbiddenClientIDEnv: "RO_CID", ForbiddenClientSecretEnv: "RO_CSECRET"}
}

func oauthMethod(t *testing.T, srv *httptest.Server, spec Spec) Method {
	t.Helper()
	m, err := NewWith(spec, env(oauthVars), srv.Client())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestOAuth2Variants checks the four variants against the reference API
// and that recorded headers show markers, never a token or a secret.
func TestOAuth2Variants(t *testing.T) {
	srv, api := oauthAPI(t, 0)
	m := oauthMethod(t, srv, oauthSpec(srv.URL+"/oauth/token"))
	got := checkVariants(t, srv, m)
	for v, want := range map[Variant]string{Valid: "Bearer <oauth2-token>", Missing: "", Invalid: "Bearer <invalid-token>", Forbidden: "Bearer <oauth2-forbidden-token>"} {
		if got[v].header != want {
			t.Errorf("%q: recorded Authorization %q, want %q", v, got[v].header, want)
		}
	}
	if n := api.TokenRequests(); n != 2 {
		t.Errorf("%d token requests for the two clients, want 2", n)
	}
	shown := map[string]int{}
	for _, s := range m.Secrets() {
		shown[s.Shown]++
		if len(s.Value) < MinSecretLength {
			t.Errorf("secret %q shown %q is too short to redact", s.Value, s.Shown)
		}
	}
	for _, want := range []string{"${CSECRET}", "${RO_CSECRET}", "${CID}:${CSECRET}", "<oauth2-token>", "<oauth2-forbidden-token>", "<invalid-token>"} {
		if shown[want] == 0 {
			t.Errorf("Secrets shows nothing as %s: %v", want, shown)
		}
	}
	if got := Redact(m, "a "+clientSecret+" b "+clientSecretEsc); got != "a ${CSECRET} b ${CSECRET}" {
		t.Errorf("Redact = %q", got)
	}
	if m.Header() != "Authorization" {
		t.Errorf("Header %q", m.Header())
	}
}

// TestOAuth2FetchesOnce checks that concurrent requests share one token,
// and that Secrets may be read meanwhile.
func TestOAuth2FetchesOnce(t *testing.T) {
	srv, api := oauthAPI(t, 0)
	o := oauthMethod(t, srv, Spec{Type: "oauth2", TokenURL: srv.URL + "/oauth/token", ClientIDEnv: "CID", ClientSecretEnv: "CSECRET"})
	var wg sync.WaitGroup
	headers := make([]string, 20)
	for i := range headers {
		wg.Go(func() {
			req, _ := http.NewRequest("GET", srv.URL+strictItems, nil)
			v := Valid
			if i%4 == 0 {
				v = Invalid
			}
			if err := o.Apply(context.Background(), req, v); err != nil {
				t.Error(err)
			}
			_ = o.Secrets()
			headers[i] = req.Header.Get("Authorization")
		})
	}
	wg.Wait()
	if n := api.TokenRequests(); n != 1 {
		t.Errorf("%d token requests for 20 concurrent requests, want 1", n)
	}
	if headers[1] != headers[2] || headers[0] != headers[4] || headers[0] == headers[1] {
		t.Errorf("the valid requests share one token and the invalid ones another: %q", headers)
	}
	if o.Offers(Forbidden) || !o.Offers(Invalid) {
		t.Error("without a forbidden client, Forbidden alone is not offered")
	}
}

// TestOAuth2ScopesAndAudience checks that both reach the token endpoint.
func TestOAuth2ScopesAndAudience(t *testing.T) {
	srv, api := oauthAPI(t, 0)
	spec := oauthSpec(srv.URL + "/oauth/token")
	spec.Scopes, spec.Audience = []string{"items:read", "items:list"}, "https://api.example.com"
	m := oauthMethod(t, srv, spec)
	if err := Prepare(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if scope, audience := api.LastTokenRequest(); scope != "items:read items:list" || audience != "https://api.example.com" {
		t.Errorf("token request scope %q audience %q", scope, audience)
	}
	if err := Prepare(context.Background(), None{}); err != nil {
		t.Errorf("Prepare(None) = %v", err)
	}
}

// TestOAuth2Refreshes checks that a token about to expire is fetched
// again: the library renews a token 10s before its expiry, so a 2s token
// is renewed at once.
func TestOAuth2Refreshes(t *testing.T) {
	srv, api := oauthAPI(t, 2*time.Second)
	m := oauthMethod(t, srv, oauthSpec(srv.URL+"/oauth/token"))
	first := send(t, srv, m, strictItems, Valid)
	second := send(t, srv, m, strictItems, Valid)
	if n := api.TokenRequests(); n != 2 {
		t.Errorf("%d token requests, want a second one for the expiring token", n)
	}
	if first.status != 200 || second.status != 200 || second.header != "Bearer <oauth2-token>" {
		t.Errorf("after the refresh: %+v %+v", first, second)
	}
	tokens := 0
	for _, s := range m.Secrets() {
		if s.Shown == "<oauth2-token>" {
			tokens++
		}
	}
	if tokens != 2 {
		t.Errorf("Secrets holds %d valid tokens, want both fetched", tokens)
	}
}

// TestOAuth2Refused checks that a wrong client secret ends Prepare and
// Apply with words that name the endpoint and its answer, and no secret.
func TestOAuth2Refused(t *testing.T) {
	srv, _ := oauthAPI(t, 0)
	tokenURL := srv.URL + "/oauth/token"
	spec := oauthSpec(tokenURL)
	spec.ClientSecretEnv = "WRONG"
	m := oauthMethod(t, srv, spec)
	want := "the token endpoint " + tokenURL + " refused the client credentials (401 invalid_client)"
	req, _ := http.NewRequest("GET", srv.URL+strictItems, nil)
	for name, err := range map[string]error{"Prepare": Prepare(context.Background(), m), "Apply": m.Apply(context.Background(), req, Valid)} {
		var te *TokenError
		switch {
		case err == nil || err.Error() != want:
			t.Errorf("%s: %v, want %q", name, err, want)
		case strings.Contains(err.Error(), wrongSecret):
			t.Errorf("%s: the error holds the secret: %v", name, err)
		case !errors.As(err, &te) || te.Status != 401 || te.Code != "invalid_client":
			t.Errorf("%s: %#v is not a TokenError of the 401", name, err)
		}
	}
	spec = oauthSpec(tokenURL)
	spec.ForbiddenClientSecretEnv = "WRONG"
	err := Prepare(context.Background(), oauthMethod(t, srv, spec))
	if err == nil || !strings.Contains(err.Error(), "refused the client credentials of the forbidden client (401 invalid_client)") {
		t.Errorf("forbidden client refused: %v", err)
	}
}

// TestOAuth2Unreachable checks the words for a token endpoint that does
// not listen.
func TestOAuth2Unreachable(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	tokenURL := "http://" + ln.Addr().String() + "/oauth/token"
	ln.Close()
	m, err := New(oauthSpec(tokenURL), env(oauthVars))
	if err != nil {
		t.Fatal(err)
	}
	err = Prepare(context.Background(), m)
	if want := "cannot reach the token endpoint " + tokenURL + ": connection refused"; err == nil || err.Error() != want {
		t.Errorf("Prepare: %v, want %q", err, want)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("%v does not unwrap to ECONNREFUSED", err)
	}
}

// TestOAuth2Answers checks the words for other answers of the endpoint,
// and that a description echoing the secret is redacted.
func TestOAuth2Answers(t *testing.T) {
	for name, tc := range map[string]struct {
		status int
		body   string
		want   string
	}{
		"scope":      {400, `{"error":"invalid_scope","error_description":"no scope x for ` + clientSecret + `"}`, `refused the scopes "x" (400 invalid_scope): "no scope x for ${CSECRET}"`},
		"down":       {503, `unavailable`, `failed (503)`},
		"no token":   {200, `{"token_type":"Bearer"}`, `answered without a usable token: server response missing access_token`},
		"short":      {200, `{"access_token":"abc","token_type":"Bearer"}`, `issued an access token shorter than 8 characters`},
		"grant type": {400, `{"error":"unsupported_grant_type"}`, `does not support the client credentials grant (400 unsupported_grant_type)`},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(tc.status)
			_, _ = w.Write([]byte(tc.body))
		}))
		spec := oauthSpec(srv.URL + "/token")
		spec.Scopes = []string{"x"}
		err := Prepare(context.Background(), oauthMethod(t, srv, spec))
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), srv.URL+"/token") || strings.Contains(err.Error(), clientSecret) {
			t.Errorf("%s: %v, want %q", name, err, tc.want)
		}
		srv.Close()
	}
}

// TestOAuth2Cancelled checks that a request stops waiting for a slow
// token endpoint when its context ends.
func TestOAuth2Cancelled(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-release }))
	defer srv.Close()
	defer close(release)
	m := oauthMethod(t, srv, oauthSpec(srv.URL+"/token"))
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequest("GET", srv.URL, nil)
	if err := m.Apply(ctx, req, Valid); !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), srv.URL+"/token") {
		t.Errorf("Apply: %v, want the deadline and the endpoint", err)
	}
}

// TestOAuth2SpecErrors checks that bad oauth2 specs name the field.
func TestOAuth2SpecErrors(t *testing.T) {
	vars := map[string]string{"ID": "app", "SECRET": "client-secret-1", "S": "short", "ID2": "ro-app", "SECRET2": "client-secret-2"}
	const u = "https://auth.example.com/oauth/token"
	for name, tc := range map[string]struct {
		spec Spec
		key  string
	}{
		"no token_url":          {Spec{ClientIDEnv: "ID", ClientSecretEnv: "SECRET"}, "token_url"},
		"relative token_url":    {Spec{TokenURL: "/oauth/token", ClientIDEnv: "ID", ClientSecretEnv: "SECRET"}, "token_url"},
		"ftp token_url":         {Spec{TokenURL: "ftp://auth.example.com/t", ClientIDEnv: "ID", ClientSecretEnv: "SECRET"}, "token_url"},
		"no host":               {Spec{TokenURL: "https:///t", ClientIDEnv: "ID", ClientSecretEnv: "SECRET"}, "token_url"},
		"fragment":              {Spec{TokenURL: u + "#x", ClientIDEnv: "ID", ClientSecretEnv: "SECRET"}, "token_url"},
		"no client_id_env":      {Spec{TokenURL: u, ClientSecretEnv: "SECRET"}, "client_id_env"},
		"unset client id":       {Spec{TokenURL: u, ClientIDEnv: "NOPE", ClientSecretEnv: "SECRET"}, "client_id_env"},
		"no client_secret_env":  {Spec{TokenURL: u, ClientIDEnv: "ID"}, "client_secret_env"},
		"short secret":          {Spec{TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "S"}, "client_secret_env"},
		"forbidden id alone":    {Spec{TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "SECRET", ForbiddenClientIDEnv: "ID2"}, "forbidden_client_secret_env"},
		"forbidden secret only": {Spec{TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "SECRET", ForbiddenClientSecretEnv: "SECRET2"}, "forbidden_client_id_env"},
		"short forbidden":       {Spec{TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "SECRET", ForbiddenClientIDEnv: "ID2", ForbiddenClientSecretEnv: "S"}, "forbidden_client_secret_env"},
		"same client":           {Spec{TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "SECRET", ForbiddenClientIDEnv: "ID", ForbiddenClientSecretEnv: "SECRET2"}, "forbidden_client_id_env"},
		"scope with a space":    {Spec{TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "SECRET", Scopes: []string{"a b"}}, "scopes"},
		"empty scope":           {Spec{TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "SECRET", Scopes: []string{""}}, "scopes"},
	} {
		tc.spec.Type = "oauth2"
		_, err := New(tc.spec, env(vars))
		wantFieldError(t, name, err, tc.key)
	}
	_, err := New(Spec{Type: "oauth2", TokenURL: "https://user:hunter22@auth.example.com/t", ClientIDEnv: "ID", ClientSecretEnv: "SECRET"}, env(vars))
	if wantFieldError(t, "credentials in token_url", err, "token_url"); err != nil && strings.Contains(err.Error(), "hunter22") {
		t.Errorf("the error repeats the password of the URL: %v", err)
	}
	if _, err := New(Spec{Type: "oauth2", TokenURL: u, ClientIDEnv: "ID", ClientSecretEnv: "SECRET", Header: "not a header"}, env(vars)); err != nil {
		t.Errorf("token_env and header are not read by oauth2: %v", err)
	}
}

// TestTypes checks the list of kinds of credentials.
func TestTypes(t *testing.T) {
	if got := strings.Join(Types(), ","); got != "basic,bearer,header,oauth2,query" {
		t.Errorf("Types = %s", got)
	}
	_, err := New(Spec{Type: "kerberos"}, env(nil))
	if err == nil || !strings.Contains(err.Error(), "basic, bearer, header, oauth2, query") {
		t.Errorf("unknown type: %v", err)
	}
}
