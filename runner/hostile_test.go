package runner

import (
	"bufio"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

// TestHugeHeadersStayBounded: a server that sends megabytes of headers on
// every answer cannot blow up the reports; the cut is said.
func TestHugeHeadersStayBounded(t *testing.T) {
	junk := strings.Repeat("x", 1<<20)
	api := fixtures.New(fixtures.Options{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for i := range 8 {
			w.Header().Set(fmt.Sprintf("X-Junk-%d", i), junk)
		}
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	// A generous timeout: 8 MiB of headers per answer is slow to parse
	// under the race detector on a busy machine, and a timeout would be
	// an inconclusive run, not the bound this test is about.
	res := runMain(t, nil, "run", "--base-url", srv.URL+"/strict", "--path", "/items", "--found", "2,3", "--missing", "1", "--malformed", "abc",
		"--timeout", "2m")
	if res.code != ExitPass {
		t.Fatalf("exit %d: the honest answers under the junk must pass\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, name := range []string{reports.JUnitFile, reports.ResultsFile, reports.HTMLFile} {
		info, err := os.Stat(filepath.Join(res.dir, name))
		if err != nil || info.Size() > 4<<20 {
			t.Errorf("%s: %d bytes for 8 MiB of headers per answer (err %v)", name, info.Size(), err)
		}
	}
	if c := caseByKind(t, res.run, "found"); c.Response == nil || c.Response.HeaderBytes < 8<<20 {
		t.Errorf("results.json does not say the headers were cut: %+v", c.Response)
	}
}

// TestEncodedEchoesAreRedacted: a server that echoes the token in another
// shape (base64, base64url, URL-encoded, \u escapes, hex, a header name)
// gets none of them into any artifact or console line.
func TestEncodedEchoesAreRedacted(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		var unicode strings.Builder
		for _, c := range token {
			fmt.Fprintf(&unicode, `\u%04x`, c)
		}
		w.Header().Set("X-"+token, "echo")
		w.Header().Set("X-Echo-B64", base64.StdEncoding.EncodeToString([]byte(token)))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[{"id":2},{"id":3}],"b64url":%q,"url":%q,"hex":%q,"u":"%s","HEX":%q}`,
			base64.RawURLEncoding.EncodeToString([]byte(token)), url.QueryEscape(token), hex.EncodeToString([]byte(token)), unicode.String(),
			strings.ToUpper(hex.EncodeToString([]byte(token))))
	}))
	t.Cleanup(srv.Close)
	res := runMain(t, nil, "run", "--base-url", srv.URL, "--path", "/items", "--found", "2,3", "--token-env", testTokenEnv, "--label-filter", "case:found", "-v")
	if res.code == ExitArtifacts {
		t.Fatalf("a leak reached the after-write scan: %s", res.stderr)
	}
	assertNoSecrets(t, res, testToken)
}

// TestUserInfoIsShownRedacted: a password in the base URL is shown as
// alice:[redacted] on every console line, and the Basic credential the
// client derives from it is redacted where a server echoes it.
func TestUserInfoIsShownRedacted(t *testing.T) {
	const password = "s3cr3t-pass-4242"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"data":[{"id":2},{"id":3}]}`)
	}))
	t.Cleanup(srv.Close)
	base := strings.Replace(srv.URL, "http://", "http://alice:"+password+"@", 1)
	for _, args := range [][]string{
		{"run", "--base-url", base, "--path", "/items", "--found", "2,3", "--label-filter", "case:found"},
		{"run", "--base-url", base, "--path", "/items", "--found", "2,3", "--dry-run"},
		{"detect", "--base-url", base, "--path", "/items", "--found", "2,3", "--label-filter", "case:found"},
		{"run", "--base-url", base + "?x=1", "--path", "/items"},
	} {
		res := runMain(t, nil, args...)
		out := res.stdout + res.stderr
		if strings.Contains(out, password) {
			t.Errorf("%v: the console shows the password", args[:2])
		}
		if !strings.Contains(out, "alice:[redacted]@") {
			t.Errorf("%v: the console does not show alice:[redacted]:\n%s", args[:2], out)
		}
		if res.run != nil {
			basic := base64.StdEncoding.EncodeToString([]byte("alice:" + password))
			assertNoSecrets(t, res, password, basic)
		}
	}
}

// TestSecretsInPlaceOfNamesAreNotEchoed: a token given where a variable
// name belongs, or inside --auth-header, is refused without repeating it.
func TestSecretsInPlaceOfNamesAreNotEchoed(t *testing.T) {
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	for _, args := range [][]string{
		{"--token-env", jwt},
		{"--token-env", testTokenEnv, "--auth-header", "Authorization: Bearer " + jwt},
		{"--token-env", "sk_live_" + strings.Repeat("a1B2", 6)},
	} {
		res := runMain(t, nil, append([]string{"run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2,3"}, args...)...)
		secret := args[len(args)-1]
		if res.code != ExitUsage || strings.Contains(res.stderr, jwt) || strings.Contains(res.stderr, "a1B2a1B2") || !strings.Contains(res.stderr, "not shown") {
			t.Errorf("%v: exit %d, stderr %q (secret %d chars)", args[0], res.code, res.stderr, len(secret))
		}
	}
}

// TestFilesAreReadWithinALimit: a config, a baseline or diff inputs that
// are devices or huge files fail at once with one line, not with memory.
func TestFilesAreReadWithinALimit(t *testing.T) {
	for _, args := range [][]string{
		{"run", "--config", "/dev/zero"},
		{"run", "--config", "/dev/urandom"},
		{"run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--baseline", "/dev/zero"},
		{"diff", "/dev/zero", "/dev/zero"},
		{"run", "--config", "/"},
	} {
		res := runMain(t, nil, args...)
		if res.code != ExitUsage || strings.Count(strings.TrimSpace(res.stderr), "\n") > 0 {
			t.Errorf("%v: exit %d, stderr %q", args, res.code, res.stderr)
		}
	}
	huge := filepath.Join(t.TempDir(), "huge.yaml")
	if err := os.WriteFile(huge, nil, 0o644); err != nil || os.Truncate(huge, 9<<20) != nil {
		t.Fatal("cannot make a sparse file")
	}
	if res := runMain(t, nil, "run", "--config", huge); res.code != ExitUsage || !strings.Contains(res.stderr, "larger than 8 MiB") {
		t.Errorf("a 9 MiB config: exit %d, %q", res.code, res.stderr)
	}
	res := runMain(t, nil, "run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--max-body", "9223372036854775807")
	if res.code != ExitUsage || !strings.Contains(res.stderr, "--max-body") {
		t.Errorf("--max-body beyond 1 GiB: exit %d, %q", res.code, res.stderr)
	}
}

// TestAMixedSetIsRefused: diff and --baseline refuse a results.json
// whose set belongs to two runs.
func TestAMixedSetIsRefused(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	args := []string{"run", "--base-url", base + "/strict", "--path", "/items", "--found", "2,3"}
	a, b := runMain(t, nil, args...), runMain(t, nil, args...)
	junit, err := os.ReadFile(filepath.Join(b.dir, reports.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(a.dir, reports.JUnitFile), junit, 0o644); err != nil {
		t.Fatal(err)
	}
	res := runMain(t, nil, "diff", filepath.Join(a.dir, reports.ResultsFile), filepath.Join(b.dir, reports.ResultsFile))
	if res.code != ExitUsage || !strings.Contains(res.stderr, "not one run's") {
		t.Errorf("diff of a mixed set: exit %d, %q", res.code, res.stderr)
	}
	res = runMain(t, nil, append(args, "--baseline", filepath.Join(a.dir, reports.ResultsFile))...)
	if res.code != ExitUsage || !strings.Contains(res.stderr, "not one run's") {
		t.Errorf("--baseline of a mixed set: exit %d, %q", res.code, res.stderr)
	}
}

// TestAFailedWriteKeepsThePreviousSet: when an artifact cannot be
// written, the report directory keeps the previous run's whole set.
func TestAFailedWriteKeepsThePreviousSet(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	dir := t.TempDir()
	args := []string{"run", "--base-url", base + "/strict", "--path", "/items", "--found", "2,3", "--report-dir", dir}
	previous := runMain(t, nil, args...)
	saved := artifacts
	t.Cleanup(func() { artifacts = saved })
	artifacts = func() []reports.Writer {
		return append(saved(), reports.Writer{Name: "broken.txt", Write: func(io.Writer, *reports.Run) error {
			return fmt.Errorf("no space left on device")
		}})
	}
	res := runMain(t, nil, args...)
	if res.code != ExitArtifacts || res.run == nil || res.run.RunID != previous.run.RunID {
		t.Fatalf("exit %d; the previous set must stay whole", res.code)
	}
}

// TestProtocolFaultsAreNamed: a server that does not speak HTTP/1.1, or
// breaks its framing, is an error of its own kind, never "other".
func TestProtocolFaultsAreNamed(t *testing.T) {
	for answer, fault := range map[string]string{
		"\x00\x00\x12\x04\x00\x00\x00\x00\x00":                                   "protocol",  // HTTP/2 only
		"SSH-2.0-OpenSSH_9.6\r\n":                                                "protocol",  // another protocol
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n":            "malformed", // a bad chunk
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello": "malformed", // two lengths
	} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		go func() {
			for {
				c, err := ln.Accept()
				if err != nil {
					return
				}
				_, _ = bufio.NewReader(c).ReadString('\n')
				_, _ = io.WriteString(c, answer)
				c.Close()
			}
		}()
		res := runMain(t, nil, "run", "--base-url", "http://"+ln.Addr().String(), "--path", "/items", "--found", "2,3", "--label-filter", "case:found", "--retries", "0")
		ln.Close()
		c := caseByKind(t, res.run, "found")
		if c.Outcome != suites.Error || !strings.Contains(c.Reason, "("+fault+")") {
			t.Errorf("%q: %s %q, want an error of kind %s", answer[:8], c.Outcome, c.Reason, fault)
		}
	}
}

// TestStaleTemporaryFilesAreRemoved: what a run killed while writing left
// behind is removed by the next run into the directory.
func TestStaleTemporaryFilesAreRemoved(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	dir := t.TempDir()
	stale := filepath.Join(dir, ".apiconform-junit.xml-123.tmp")
	if err := os.WriteFile(stale, []byte("half a report"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	_ = os.Chtimes(stale, old, old)
	runMain(t, nil, "run", "--base-url", base+"/strict", "--path", "/items", "--found", "2,3", "--report-dir", dir)
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("the stale temporary file is still there")
	}
}
