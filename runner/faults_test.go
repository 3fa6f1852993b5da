package runner

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/pem"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

// faultOutcome is one `apiconform run` against a broken target.
type faultOutcome struct {
	code   int
	stdout string
	stderr string
	dir    string
	run    *reports.Run
}

// faultCase returns the record of case id ("items/found").
func (o faultOutcome) faultCase(t *testing.T, id string) reports.Case {
	t.Helper()
	for _, c := range o.run.Cases {
		if c.ID == id {
			return c
		}
	}
	t.Fatalf("no case %s in results.json; cases: %v", id, o.run.Cases)
	return reports.Case{}
}

// faultRun runs `apiconform run` against baseURL for the items endpoint of
// the reference API, with short timeouts and no retries unless args say
// otherwise, and checks that every artifact was written.
func faultRun(t *testing.T, baseURL string, env map[string]string, args ...string) faultOutcome {
	t.Helper()
	dir := t.TempDir()
	full := append([]string{"run",
		"--base-url", baseURL, "--profile", "lenient",
		"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc",
		"--timeout", "200ms", "--retries", "0", "--report-dir", dir,
	}, args...)
	var stdout, stderr bytes.Buffer
	lookup := func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
	code := Main(context.Background(), full, Env{Stdout: &stdout, Stderr: &stderr, LookupEnv: lookup})
	out := faultOutcome{code: code, stdout: stdout.String(), stderr: stderr.String(), dir: dir}
	for _, a := range reports.Artifacts() {
		if _, err := os.Stat(filepath.Join(dir, a.Name)); err != nil {
			t.Fatalf("artifact %s not written (exit %d): %v\nstderr: %s", a.Name, code, err, out.stderr)
		}
	}
	run, err := reports.ReadJSON(filepath.Join(dir, reports.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	out.run = run
	return out
}

// expectError checks that case id ended as an error, not a failure and
// not a pass, with a reason that names the kind and the URL, and that
// the run was inconclusive.
func expectError(t *testing.T, o faultOutcome, id string, reasonParts ...string) reports.Case {
	t.Helper()
	c := o.faultCase(t, id)
	if c.Outcome != suites.Error {
		t.Fatalf("%s: outcome %s, want error; reason %q; failures %v", id, c.Outcome, c.Reason, c.Failures)
	}
	if o.code != ExitInconclusive || o.run.Verdict != reports.VerdictInconclusive {
		t.Errorf("exit %d, verdict %s; want %d, inconclusive\n%s", o.code, o.run.Verdict, ExitInconclusive, o.stdout)
	}
	for _, part := range append([]string{c.Request.URL}, reasonParts...) {
		if !strings.Contains(c.Reason, part) {
			t.Errorf("%s: reason %q does not say %q", id, c.Reason, part)
		}
	}
	if !strings.Contains(o.stdout, c.Reason) {
		t.Errorf("the console does not show the reason %q:\n%s", c.Reason, o.stdout)
	}
	return c
}

// startFaults serves the reference API behind the fault server on loopback.
func startFaults(t *testing.T) (*httptest.Server, *fixtures.Faults) {
	t.Helper()
	f := fixtures.NewFaults(fixtures.New(fixtures.Options{}))
	f.StallMax = 10 * time.Second
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv, f
}

func TestFaultConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	o := faultRun(t, "http://"+addr+"/lenient", nil, "--label-filter", "case:found")
	expectError(t, o, "items/found", "transport error (refused)", "connection refused: nothing listens at "+addr)
}

func TestFaultDNSFailure(t *testing.T) {
	o := faultRun(t, "http://nonexistent.invalid/lenient", nil, "--label-filter", "case:found", "--timeout", "5s")
	expectError(t, o, "items/found", "transport error (dns)", `cannot resolve host "nonexistent.invalid"`)
}

func TestFaultResetBeforeAnswer(t *testing.T) {
	srv, _ := startFaults(t)
	o := faultRun(t, srv.URL+"/reset/lenient", nil, "--label-filter", "case:found")
	expectError(t, o, "items/found", "transport error (reset)", "closed or reset before the answer was complete")
}

// A body cut off by a reset is an error, even though what arrived is
// not valid JSON: the API did not send that body, the network lost it.
func TestFaultResetMidBody(t *testing.T) {
	srv, _ := startFaults(t)
	o := faultRun(t, srv.URL+"/reset-mid-body/lenient", nil, "--label-filter", "id-set")
	c := expectError(t, o, "items/found", "transport error (reset)", "reading the body after", "of a 200 answer")
	if len(c.Failures) > 0 {
		t.Errorf("a cut-off body produced failures: %v", c.Failures)
	}
	if o.run.Counts.Fail != 0 || o.run.Counts.Pass != 0 {
		t.Errorf("counts %+v: every case must be an error", o.run.Counts)
	}
}

func TestFaultStallPastTimeout(t *testing.T) {
	srv, faults := startFaults(t)
	o := faultRun(t, srv.URL+"/stall/lenient", nil, "--label-filter", "case:found || case:none")
	expectError(t, o, "items/found", "transport error (timeout)", "no complete answer within 200ms (--timeout)")
	expectError(t, o, "items/none", "transport error (timeout)")
	waitFor(t, "the stalled requests to be abandoned", func() bool { return faults.Abandoned() >= 2 })
}

func TestFaultStallMidBody(t *testing.T) {
	srv, _ := startFaults(t)
	o := faultRun(t, srv.URL+"/stall-mid-body/lenient", nil, "--label-filter", "case:found")
	expectError(t, o, "items/found", "transport error (timeout)", "reading the body after", "within 200ms")
}

func TestFaultBodyLargerThanMaxBody(t *testing.T) {
	srv, _ := startFaults(t)
	o := faultRun(t, srv.URL+"/huge-body/lenient", nil, "--label-filter", "case:found", "--max-body", "1024")
	c := expectError(t, o, "items/found", "transport error (body-too-large)", "larger than --max-body (1024 bytes)")
	if c.Response == nil || !c.Response.BodyTruncated || len(c.Response.Body) > 1024 {
		t.Errorf("the report should keep a truncated excerpt of at most 1024 bytes: %+v", c.Response)
	}

	// The default cap is 1 MiB; the fault's body is 2 MiB.
	o = faultRun(t, srv.URL+"/huge-body/lenient", nil, "--label-filter", "case:found", "--timeout", "5s")
	expectError(t, o, "items/found", "larger than --max-body (1048576 bytes)")
}

// A complete answer whose body is not JSON (or not UTF-8) where the
// profile reads the body is the API's fault: a conformance failure of
// the body rules, not an error.
func TestFaultBodyNotJSONIsAFailure(t *testing.T) {
	srv, _ := startFaults(t)
	for _, fault := range []fixtures.Fault{fixtures.FaultInvalidJSON, fixtures.FaultInvalidUTF8} {
		t.Run(string(fault), func(t *testing.T) {
			o := faultRun(t, srv.URL+"/"+string(fault)+"/lenient", nil, "--label-filter", "case:found")
			c := o.faultCase(t, "items/found")
			if c.Outcome != suites.Fail || o.code != ExitFail {
				t.Fatalf("outcome %s, exit %d; want fail, %d (reason %q)", c.Outcome, o.code, ExitFail, c.Reason)
			}
			if len(c.Failures) == 0 || c.Failures[0].Check != "json" || !strings.Contains(c.Failures[0].Message, "do not parse as JSON") {
				t.Errorf("failures %+v; want the json check, saying the body does not parse", c.Failures)
			}
			if !strings.Contains(c.Failures[0].Message, "items/found") {
				t.Errorf("the failure does not name the case: %q", c.Failures[0].Message)
			}
		})
	}
}

// Redirects are not followed by default: the 3xx is the answer, judged as
// the status it is. --follow-redirects judges the final answer, and a loop
// ends as an error after a bounded number of hops.
func TestFaultRedirects(t *testing.T) {
	srv, _ := startFaults(t)
	o := faultRun(t, srv.URL+"/redirect/lenient", nil, "--label-filter", "case:found")
	c := o.faultCase(t, "items/found")
	if c.Outcome != suites.Fail || c.Response == nil || c.Response.Status != http.StatusFound {
		t.Fatalf("unfollowed redirect: outcome %s, response %+v; want a failure on the 302", c.Outcome, c.Response)
	}
	if len(c.Failures) == 0 || c.Failures[0].Check != "status" || !strings.Contains(c.Failures[0].Message, "302") {
		t.Errorf("failures %+v; want a status failure naming the 302", c.Failures)
	}

	o = faultRun(t, srv.URL+"/redirect/lenient", nil, "--label-filter", "case:found", "--follow-redirects")
	if c := o.faultCase(t, "items/found"); c.Outcome != suites.Pass || o.code != ExitPass {
		t.Errorf("followed redirect to the honest API: outcome %s, exit %d; want pass (reason %q, failures %v)", c.Outcome, o.code, c.Reason, c.Failures)
	}

	o = faultRun(t, srv.URL+"/redirect-loop/lenient", nil, "--label-filter", "case:found", "--follow-redirects")
	expectError(t, o, "items/found", "transport error (redirect)", "stopped after 10 redirects")

	// A followed 302 repeats the case's method: net/http would send the
	// DELETE on as a GET, and the 405 the API gives a DELETE never shows.
	o = faultRun(t, srv.URL+"/redirect/lenient", nil, "--label-filter", "case:wrong-method", "--wrong-method", "DELETE", "--follow-redirects")
	if c := o.faultCase(t, "items/wrong-method"); c.Outcome != suites.Pass || c.Response == nil || c.Response.Status != http.StatusMethodNotAllowed {
		t.Errorf("followed redirect of a DELETE: outcome %s, response %+v; want the API's 405 to the DELETE (failures %v)", c.Outcome, c.Response, c.Failures)
	}
}

func TestFaultTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(fixtures.New(fixtures.Options{}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused handshake is expected
	srv.StartTLS()
	t.Cleanup(srv.Close)
	base := srv.URL + "/lenient"

	o := faultRun(t, base, nil, "--label-filter", "case:found")
	expectError(t, o, "items/found", "transport error (tls)", "certificate is not trusted", "--ca-cert")

	caFile := filepath.Join(t.TempDir(), "ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(caFile, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := x509.ParseCertificate(srv.Certificate().Raw); err != nil {
		t.Fatal(err)
	}
	o = faultRun(t, base, nil, "--label-filter", "case:found", "--ca-cert", caFile)
	if c := o.faultCase(t, "items/found"); c.Outcome != suites.Pass || o.code != ExitPass {
		t.Errorf("--ca-cert: outcome %s, exit %d, reason %q; want pass", c.Outcome, o.code, c.Reason)
	}
	if len(o.run.Notices) != 0 {
		t.Errorf("--ca-cert verifies: no notice expected, got %v", o.run.Notices)
	}

	o = faultRun(t, base, nil, "--label-filter", "case:found", "--insecure")
	if c := o.faultCase(t, "items/found"); c.Outcome != suites.Pass {
		t.Errorf("--insecure: outcome %s, reason %q; want pass", c.Outcome, c.Reason)
	}
	if len(o.run.Notices) == 0 || !strings.Contains(o.run.Notices[0], "--insecure") {
		t.Fatalf("results.json notices %v; want the --insecure warning", o.run.Notices)
	}
	junit, err := os.ReadFile(filepath.Join(o.dir, reports.JUnitFile))
	if err != nil {
		t.Fatal(err)
	}
	for name, text := range map[string]string{"console": o.stdout, "junit.xml": string(junit)} {
		if !strings.Contains(text, "--insecure") {
			t.Errorf("%s does not carry the --insecure warning", name)
		}
	}
}

// forwardProxy is a minimal HTTP forward proxy that sends every request
// to target, whatever host the request names, and counts them.
func forwardProxy(t *testing.T, target string) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var seen atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !r.URL.IsAbs() {
			http.Error(w, "not a proxy request", http.StatusBadRequest)
			return
		}
		seen.Add(1)
		out, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		out.Header = r.Header.Clone()
		resp, err := http.DefaultTransport.RoundTrip(out)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(proxy.Close)
	return proxy, &seen
}

// The proxy comes from HTTP_PROXY. The target's host name exists only
// for the proxy (the .test TLD is reserved), so a pass proves the
// requests went through it.
func TestProxyFromEnvironment(t *testing.T) {
	api := httptest.NewServer(fixtures.New(fixtures.Options{}))
	t.Cleanup(api.Close)
	proxy, seen := forwardProxy(t, api.URL)

	env := map[string]string{"HTTP_PROXY": proxy.URL}
	o := faultRun(t, "http://api.apiconform.test/lenient", env, "--label-filter", "case:found || case:none")
	if o.code != ExitPass || seen.Load() != 2 {
		t.Fatalf("through HTTP_PROXY: exit %d, proxy saw %d requests; want pass and 2\n%s", o.code, seen.Load(), o.stdout)
	}

	// NO_PROXY wins: the name then has to resolve, and cannot.
	env["NO_PROXY"] = "apiconform.test"
	o = faultRun(t, "http://api.apiconform.test/lenient", env, "--label-filter", "case:found", "--timeout", "5s")
	expectError(t, o, "items/found", "transport error (dns)")

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := ln.Addr().String()
	ln.Close()
	o = faultRun(t, "http://api.apiconform.test/lenient", map[string]string{"http_proxy": "http://" + dead}, "--label-filter", "case:found")
	expectError(t, o, "items/found", "transport error (proxy)", "cannot reach the proxy "+dead)

	o2 := faultUsage(t, map[string]string{"HTTP_PROXY": "http://user:s3cret@[::1"}, "--base-url", "http://api.apiconform.test/lenient")
	if !strings.Contains(o2, "HTTP_PROXY") || strings.Contains(o2, "s3cret") {
		t.Errorf("a bad HTTP_PROXY: %q; want a usage error naming it, without its password", o2)
	}
}

// faultUsage runs `apiconform run` expecting a usage error and returns stderr.
func faultUsage(t *testing.T, env map[string]string, args ...string) string {
	t.Helper()
	var stdout, stderr bytes.Buffer
	lookup := func(name string) (string, bool) { v, ok := env[name]; return v, ok }
	full := append([]string{"run", "--path", "/items", "--found", "2,3", "--report-dir", t.TempDir()}, args...)
	if code := Main(context.Background(), full, Env{Stdout: &stdout, Stderr: &stderr, LookupEnv: lookup}); code != ExitUsage {
		t.Fatalf("exit %d, want %d (usage); stderr %q", code, ExitUsage, stderr.String())
	}
	return stderr.String()
}

// Refused and reset connections are retried (--retries), and the report
// says how many attempts it took; statuses are never retried.
func TestFaultRetries(t *testing.T) {
	srv, _ := startFaults(t)
	o := faultRun(t, srv.URL+"/flaky/lenient", nil, "--label-filter", "case:found", "--retries", "2")
	c := o.faultCase(t, "items/found")
	if c.Outcome != suites.Pass || c.Attempts != 3 {
		t.Fatalf("flaky target with --retries 2: outcome %s after %d attempts (reason %q); want pass after 3", c.Outcome, c.Attempts, c.Reason)
	}
	if !strings.Contains(o.stdout, "200 (3 attempts)") {
		t.Errorf("the console does not show the attempts:\n%s", o.stdout)
	}

	o = faultRun(t, srv.URL+"/reset/lenient", nil, "--label-filter", "case:found", "--retries", "1")
	c = expectError(t, o, "items/found", "transport error (reset)", "(2 attempts)")
	if c.Attempts != 2 {
		t.Errorf("attempts %d, want 2", c.Attempts)
	}

	var requests atomic.Int64
	unavailable := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":"unavailable"}`))
	}))
	t.Cleanup(unavailable.Close)
	o = faultRun(t, unavailable.URL, nil, "--label-filter", "case:found", "--retries", "2")
	// A 503 says the API is unavailable: inconclusive (profiles.md §1b),
	// and a status is never retried.
	if c := o.faultCase(t, "items/found"); c.Outcome != suites.Error || c.Attempts != 1 || requests.Load() != 1 {
		t.Errorf("a 503 must be inconclusive, never retried: outcome %s, attempts %d, requests %d", c.Outcome, c.Attempts, requests.Load())
	}
}

// A run past --deadline stops sending, judges what came back, reports the
// rest as not run and writes every artifact; with no failure it is
// inconclusive (exit 3), and it says why.
func TestFaultDeadline(t *testing.T) {
	srv, faults := stallAllButFound(t, 10*time.Second, nil)

	o := faultRun(t, srv.URL+"/lenient", nil, "--label-filter", "id-set", "--timeout", "10s", "--deadline", "300ms", "--concurrency", "2")
	if o.code != ExitInconclusive || o.run.Verdict != reports.VerdictInconclusive {
		t.Fatalf("exit %d, verdict %s; want %d, inconclusive\n%s", o.code, o.run.Verdict, ExitInconclusive, o.stdout)
	}
	if c := o.faultCase(t, "items/found"); c.Outcome != suites.Pass {
		t.Errorf("the answered case: %s, want pass", c.Outcome)
	}
	notRun := 0
	for _, c := range o.run.Cases {
		if c.ID != "items/found" && c.Outcome != suites.NotRun && c.Outcome != suites.Skipped {
			t.Errorf("%s: %s, want not-run", c.ID, c.Outcome)
		}
		if c.Outcome == suites.NotRun {
			notRun++
		}
	}
	if notRun == 0 || len(o.run.Notices) == 0 || !strings.Contains(o.run.Notices[0], "--deadline 300ms") {
		t.Errorf("%d not run, notices %v; want the deadline named", notRun, o.run.Notices)
	}
	waitFor(t, "the stalled requests to be abandoned", func() bool { return faults.Abandoned() >= 2 })
}

// waitFor polls cond for a while; it bounds the wait, it does not time anything.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

// With --follow-redirects, the token never follows a redirect to another
// host (here: another port), whatever header carries it.
func TestFollowRedirectsKeepsTokenHome(t *testing.T) {
	const token = "s3cret-token-value"
	for _, header := range []string{"Authorization", "X-API-Key"} {
		t.Run(header, func(t *testing.T) {
			var leaked atomic.Int64
			elsewhere := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				for _, v := range r.Header {
					if strings.Contains(strings.Join(v, " "), token) {
						leaked.Add(1)
					}
				}
				w.Header().Set("Content-Type", "application/json")
				_, _ = w.Write([]byte(`{"data":[]}`))
			}))
			t.Cleanup(elsewhere.Close)
			home := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				http.Redirect(w, r, elsewhere.URL+r.URL.RequestURI(), http.StatusFound)
			}))
			t.Cleanup(home.Close)

			o := faultRun(t, home.URL, map[string]string{"API_TOKEN": token},
				"--label-filter", "case:found", "--follow-redirects", "--token-env", "API_TOKEN", "--auth-header", header)
			if c := o.faultCase(t, "items/found"); c.Response == nil {
				t.Fatalf("no answer after the redirect: %s %q", c.Outcome, c.Reason)
			}
			if leaked.Load() != 0 {
				t.Errorf("the token followed the redirect to %s in %s", elsewhere.URL, header)
			}
		})
	}
}

func TestFaultFlagsAreValidated(t *testing.T) {
	for flag, value := range map[string]string{
		"--retries": "11", "--max-rps": "-1", "--deadline": "-1s", "--timeout": "0s",
	} {
		stderr := faultUsage(t, nil, "--base-url", "http://127.0.0.1:1", flag, value)
		if !strings.Contains(stderr, flag) {
			t.Errorf("%s %s: %q does not name the flag", flag, value, stderr)
		}
	}
}
