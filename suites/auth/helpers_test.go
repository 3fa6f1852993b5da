package auth

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
)

// strictItems is an honest list request of the reference API.
const strictItems = "/strict/items?id=2,3"

// serveAPI serves the reference API with credentials of type au.Type.
func serveAPI(t *testing.T, au fixtures.AuthOptions) (*httptest.Server, *fixtures.API) {
	t.Helper()
	api := fixtures.New(fixtures.Options{Auth: &au})
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return srv, api
}

// sent is one request as it went out and as it is recorded.
type sent struct {
	status    int
	challenge string // WWW-Authenticate of the answer
	url       string // the recorded URL, redacted
	header    string // the recorded Authorization, redacted
}

// send applies variant v to a GET of path and sends it.
func send(t *testing.T, srv *httptest.Server, m Method, path string, v Variant) sent {
	t.Helper()
	req, err := http.NewRequest("GET", srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := m.Apply(context.Background(), req, v); err != nil {
		t.Fatalf("%q: Apply: %v", v, err)
	}
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := RedactHeader(m, req.Header.Clone())
	return sent{resp.StatusCode, resp.Header.Get("WWW-Authenticate"), Redact(m, req.URL.String()), h.Get("Authorization")}
}

// checkVariants sends the four variants to the honest strict prefix and
// checks each answer, and that what is recorded holds none of secrets.
func checkVariants(t *testing.T, srv *httptest.Server, m Method, secrets ...string) map[Variant]sent {
	t.Helper()
	got := map[Variant]sent{}
	for v, want := range map[Variant]int{Valid: 200, Missing: 401, Invalid: 401, Forbidden: 403} {
		s := send(t, srv, m, strictItems, v)
		if s.status != want {
			t.Errorf("%q: status %d, want %d", v, s.status, want)
		}
		if v == Missing && s.challenge == "" {
			t.Errorf("missing: 401 without WWW-Authenticate")
		}
		for _, secret := range secrets {
			if strings.Contains(s.url+s.header, secret) {
				t.Errorf("%q: recorded %q %q holds the secret %q", v, s.url, s.header, secret)
			}
		}
		got[v] = s
	}
	if !Configured(m) || !m.Offers(Forbidden) {
		t.Error("a method with forbidden credentials offers every variant")
	}
	return got
}

// wantFieldError checks that err is a FieldError naming key.
func wantFieldError(t *testing.T, name string, err error, key string) {
	t.Helper()
	fe, ok := err.(*FieldError)
	if !ok || fe.Key != key {
		t.Errorf("%s: error %v, want one naming %s", name, err, key)
	}
}
