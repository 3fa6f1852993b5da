package runner

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
)

// assertNoSecrets fails when any token value appears in the console output
// or in any file of the report directory.
func assertNoSecrets(t *testing.T, res runResult, secrets ...string) {
	t.Helper()
	texts := map[string]string{"stdout": res.stdout, "stderr": res.stderr}
	entries, err := os.ReadDir(res.dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) < 2 {
		t.Fatalf("expected report files in %s, found %d", res.dir, len(entries))
	}
	for _, e := range entries {
		data, err := os.ReadFile(filepath.Join(res.dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		texts[e.Name()] = string(data)
	}
	for name, text := range texts {
		for _, s := range secrets {
			for form, encoded := range secretForms(s) {
				if strings.Contains(text, encoded) {
					t.Errorf("%s contains a secret value (%s)", name, form)
				}
			}
		}
	}
}

// secretForms are the shapes a secret can leave in: as is, and encoded
// the ways servers echo it.
func secretForms(s string) map[string]string {
	var unicode strings.Builder
	for _, r := range s {
		fmt.Fprintf(&unicode, "\\u%04x", r)
	}
	forms := map[string]string{
		"plain": s, "base64": base64.StdEncoding.EncodeToString([]byte(s)), "base64url": base64.RawURLEncoding.EncodeToString([]byte(s)),
		"url-encoded": url.QueryEscape(s), "hex": hex.EncodeToString([]byte(s)), "JSON \\u escapes": unicode.String(),
	}
	if len(s) < 12 {
		// The base64 of a short value is short too: keep the forms that
		// cannot occur by chance.
		delete(forms, "base64url")
	}
	return forms
}

// TestTokensNeverAppearInOutput runs every case, the burst included, in
// verbose mode, and greps every artifact and console line for the tokens.
func TestTokensNeverAppearInOutput(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{MaxIDs: 5, RateLimit: 20, RateWindow: time.Second}))
	res := runMain(t, nil, fullArgs(base, "lenient", "lenient", "--rate-limit-burst", "40", "-v")...)
	if res.code != ExitPass {
		t.Fatalf("exit %d\n%s", res.code, res.stdout)
	}
	assertNoSecrets(t, res, testToken, testForbiddenToken)
	if !strings.Contains(res.stdout+readFile(t, filepath.Join(res.dir, "results.json")), "${"+testTokenEnv+"}") {
		t.Error("the recorded requests should name the variable that holds the token")
	}
}

// TestTokensAreNeverFlags checks that no flag takes a token value.
func TestTokensAreNeverFlags(t *testing.T) {
	cfg := Defaults()
	fs := newRunFlagSet(&cfg)
	for _, name := range []string{"token", "forbidden-token", "api-key", "password"} {
		if fs.Lookup(name) != nil {
			t.Errorf("--%s would put a secret on the command line", name)
		}
	}
}

func readFile(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
