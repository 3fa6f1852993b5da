package runner

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
)

// TestNoArtifactHoldsAToken runs the whole job with known tokens against
// servers that echo the Authorization header back, in a response header
// and in the body, and then reads every file of the report directory
// (junit.xml, results.json, report.html, summary.md and anything else)
// and the console: no token value may appear anywhere, and the reports
// must show the variable's name in its place.
func TestNoArtifactHoldsAToken(t *testing.T) {
	const token, forbidden = "valid-7f3a9c2e41d8b6a05e", "forbidden-0b1c2d3e4f5a6b7c8d"
	api := fixtures.New(fixtures.Options{
		Auth:   &fixtures.AuthOptions{Scheme: "Bearer", Token: token, ForbiddenToken: forbidden},
		MaxIDs: 50,
	})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth := r.Header.Get("Authorization")
		w.Header().Set("X-Echo-Authorization", auth)
		if strings.HasPrefix(r.URL.Path, "/echo/") {
			// A careless API that reflects the caller's credentials.
			w.Header().Set("Content-Type", "application/json")
			_, _ = w.Write([]byte(`{"data":[],"debug":{"authorization":"` + auth + `","query":"` + r.URL.RawQuery + `"}}`))
			return
		}
		api.ServeHTTP(w, r)
	}))
	defer srv.Close()

	for _, prefix := range []string{"lenient", "echo", fixtures.AntiPattern} {
		t.Run(prefix, func(t *testing.T) {
			dir := t.TempDir()
			vars := map[string]string{"API_TOKEN": token, "FORBIDDEN_TOKEN": forbidden}
			var stdout, stderr bytes.Buffer
			env := Env{Stdout: &stdout, Stderr: &stderr, LookupEnv: func(name string) (string, bool) {
				v, ok := vars[name]
				return v, ok
			}}
			code := Main(context.Background(), []string{"run",
				"--base-url", srv.URL + "/" + prefix, "--profile", "lenient",
				"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc", "--max-ids", "50",
				"--token-env", "API_TOKEN", "--forbidden-token-env", "FORBIDDEN_TOKEN", "--wrong-method", "DELETE",
				"--report-dir", dir, "--verbose",
			}, env)
			if code != ExitPass && code != ExitFail {
				t.Fatalf("exit %d, want a verdict (0 or 1)\n%s%s", code, stdout.String(), stderr.String())
			}

			files, err := os.ReadDir(dir)
			if err != nil {
				t.Fatal(err)
			}
			seen := map[string]bool{}
			for _, f := range files {
				data, err := os.ReadFile(filepath.Join(dir, f.Name()))
				if err != nil {
					t.Fatal(err)
				}
				seen[f.Name()] = true
				for _, secret := range []string{token, forbidden} {
					if bytes.Contains(data, []byte(secret)) {
						t.Errorf("%s holds a token value", f.Name())
					}
				}
			}
			for _, a := range reports.Artifacts() {
				if !seen[a.Name] {
					t.Errorf("%s was not written", a.Name)
				}
			}
			for name, out := range map[string]string{"stdout": stdout.String(), "stderr": stderr.String()} {
				if strings.Contains(out, token) || strings.Contains(out, forbidden) {
					t.Errorf("the console (%s) shows a token value", name)
				}
			}

			// The redaction is visible, so the scan above is not vacuous.
			page, _ := os.ReadFile(filepath.Join(dir, reports.HTMLFile))
			for _, want := range []string{"Authorization: Bearer ${API_TOKEN}", "X-Echo-Authorization: Bearer ${API_TOKEN}", "Bearer ${FORBIDDEN_TOKEN}", `&#39;Authorization: Bearer &#39;&#34;${API_TOKEN}&#34;`} {
				if !strings.Contains(string(page), want) {
					t.Errorf("report.html lacks %q", want)
				}
			}
		})
	}
}
