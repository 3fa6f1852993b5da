package probe

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/suites/auth"
)

// TestFollowedRedirectRepeatsTheRequest checks that a followed 301 or 302
// sends the case's method and body on, as 307 and 308 do, and that a
// 303 is followed as the GET it asks for.
func TestFollowedRedirectRepeatsTheRequest(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if code, ok := map[string]int{"/301": 301, "/302": 302, "/303": 303, "/307": 307}[r.URL.Path]; ok {
			w.Header().Set("Location", "/echo")
			w.WriteHeader(code)
			return
		}
		body, _ := io.ReadAll(r.Body)
		io.WriteString(w, r.Method+" "+r.Header.Get("Content-Type")+" "+string(body))
	}))
	defer srv.Close()
	client := newClient(Options{FollowRedirects: true, Concurrency: 1, Auth: auth.None{}})
	for path, want := range map[string]string{
		"/301": "POST application/json {\"ids\":[1,2]}",
		"/302": "POST application/json {\"ids\":[1,2]}",
		"/303": "GET  ",
		"/307": "POST application/json {\"ids\":[1,2]}",
	} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(`{"ids":[1,2]}`))
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if string(got) != want {
			t.Errorf("%s: the redirected request was %q, want %q", path, got, want)
		}
	}
}
