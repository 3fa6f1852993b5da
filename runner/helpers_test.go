package runner

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

// Test credentials. The runner reads them from the (test) environment by
// the names below, exactly as it reads real tokens.
const (
	testToken          = "tok-valid-7f3a9c2e41d8b605"
	testForbiddenToken = "tok-norights-5b1e8d0c93fa"
	testTokenEnv       = "TEST_API_TOKEN"
	testForbiddenEnv   = "TEST_API_TOKEN_READONLY"
)

// testEnvVars is the environment every test run sees.
var testEnvVars = map[string]string{testTokenEnv: testToken, testForbiddenEnv: testForbiddenToken}

type runResult struct {
	code   int
	stdout string
	stderr string
	dir    string
	run    *reports.Run // nil when no results.json was written
}

// runMain runs the command line in-process with the test environment and
// a fresh report directory (unless args name one), and reads results.json back.
func runMain(t *testing.T, env map[string]string, args ...string) runResult {
	t.Helper()
	dir := t.TempDir()
	given := slices.ContainsFunc(args, func(a string) bool { return a == "--report-dir" || strings.HasPrefix(a, "--report-dir=") })
	if (args[0] == "run" || args[0] == "detect") && !given {
		args = append(args, "--report-dir", dir)
	}
	for i, a := range args {
		if a == "--report-dir" && i+1 < len(args) {
			dir = args[i+1]
		}
		if d, ok := strings.CutPrefix(a, "--report-dir="); ok {
			dir = d
		}
	}
	var stdout, stderr bytes.Buffer
	vars := map[string]string{}
	for k, v := range testEnvVars {
		vars[k] = v
	}
	for k, v := range env {
		vars[k] = v
	}
	e := Env{Stdout: &stdout, Stderr: &stderr, Resolver: localResolver(t), LookupEnv: func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}}
	code := Main(context.Background(), args, e)
	res := runResult{code: code, stdout: stdout.String(), stderr: stderr.String(), dir: dir}
	if _, err := os.Stat(filepath.Join(dir, reports.ResultsFile)); err == nil {
		run, err := reports.ReadJSON(filepath.Join(dir, reports.ResultsFile))
		if err != nil {
			t.Fatalf("results.json does not parse: %v", err)
		}
		res.run = run
	}
	return res
}

// referenceAPI serves the reference API on loopback for one test.
func referenceAPI(t *testing.T, opts fixtures.Options) (*fixtures.API, string) {
	t.Helper()
	api := fixtures.New(opts)
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	return api, srv.URL
}

// withAuth returns fixture options that require the test tokens.
func withAuth(opts fixtures.Options) fixtures.Options {
	opts.Auth = &fixtures.AuthOptions{Scheme: "Bearer", Token: testToken, ForbiddenToken: testForbiddenToken}
	return opts
}

// fullArgs is a run of every case kind except the rate-limit burst,
// against prefix of the reference API, judged as profile.
func fullArgs(base, prefix, profile string, extra ...string) []string {
	args := []string{
		"run", "--base-url", base + "/" + prefix, "--profile", profile,
		"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc", "--max-ids", "5",
		"--token-env", testTokenEnv, "--forbidden-token-env", testForbiddenEnv, "--wrong-method", "DELETE",
	}
	return append(args, extra...)
}

// withoutFlag returns args without flag and its value: detect takes
// fullArgs less --profile.
func withoutFlag(args []string, flag string) []string {
	var out []string
	for i := 0; i < len(args); i++ {
		if args[i] == flag {
			i++
			continue
		}
		out = append(out, args[i])
	}
	return out
}

// outcomes maps case kind to outcome for the cases of one endpoint.
func outcomes(run *reports.Run) map[string]suites.Outcome {
	out := map[string]suites.Outcome{}
	for _, c := range run.Cases {
		out[c.Case] = c.Outcome
	}
	return out
}

// casesWith lists the case kinds whose outcome is o, in plan order.
func casesWith(run *reports.Run, o suites.Outcome) []string {
	var kinds []string
	for _, c := range run.Cases {
		if c.Outcome == o {
			kinds = append(kinds, c.Case)
		}
	}
	return kinds
}

func caseByKind(t *testing.T, run *reports.Run, kind string) reports.Case {
	t.Helper()
	for _, c := range run.Cases {
		if c.Case == kind {
			return c
		}
	}
	t.Fatalf("no case %s in the run", kind)
	return reports.Case{}
}

func join(list []string) string { return strings.Join(list, " ") }

// echoServer answers every request 200 with body and the given headers.
func echoServer(t *testing.T, headers map[string]string, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		for k, v := range headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, body)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// stallAllButFound serves the reference API's found answer (?id=2,3) at
// once and stalls every other request for up to stall, counting requests
// in counter when it is not nil.
func stallAllButFound(t *testing.T, stall time.Duration, counter *atomic.Int64) (*httptest.Server, *fixtures.Faults) {
	t.Helper()
	api := fixtures.New(fixtures.Options{})
	faults := fixtures.NewFaults(api)
	faults.StallMax = stall
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if counter != nil {
			counter.Add(1)
		}
		if r.URL.RawQuery == "id=2,3" {
			api.ServeHTTP(w, r)
			return
		}
		r.URL.Path = "/stall" + r.URL.Path
		faults.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv, faults
}

// endpointsConfig describes a config file of many endpoints of the
// reference API, each on the /PREFIX/items of its prefix.
type endpointsConfig struct {
	head   string                // top-level keys after base_url and profile
	count  int                   // endpoints 1..count
	name   string                // the name pattern, with the endpoint's number (svc-%02d)
	prefix func(i int) string    // strict, always-200, ...
	extra  func(p string) string // more keys of each endpoint, given its prefix ("" for none)
}

// write writes the config for base and returns its path.
func (c endpointsConfig) write(t *testing.T, base string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "base_url: %s\nprofile: strict\n%sendpoints:\n", base, c.head)
	for i := 1; i <= c.count; i++ {
		p := c.prefix(i)
		more := ""
		if c.extra != nil {
			more = c.extra(p)
		}
		fmt.Fprintf(&b, "  - {name: %s, path: /%s/items, found: [\"2\", \"3\"], missing: [\"999\"], malformed: [abc]%s}\n", fmt.Sprintf(c.name, i), p, more)
	}
	path := filepath.Join(t.TempDir(), "apiconform.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// everyThird puts every third endpoint on always-200, the rest on strict.
func everyThird(i int) string {
	if i%3 == 0 {
		return "always-200"
	}
	return "strict"
}
