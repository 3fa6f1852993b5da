package reports

import (
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// The hostile bits a sample run carries: a body that tries to run a
// script, and bytes that are not UTF-8.
const (
	scriptBody  = `{"error":"<script>document.title='pwned'</script>","missing_ids":[]}`
	notUTF8Body = "\xff\xfeID \x00\x1b[31m\xc3"
	insecureMsg = "TLS certificate verification was OFF (--insecure): the API's identity was not checked"
)

var sampleStart = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// sampleCase describes one result of a hand-built run.
type sampleCase struct {
	endpoint string
	kind     plan.Kind
	outcome  suites.Outcome
	status   int // 0: no response
	body     string
	failures []suites.Finding
	warnings []suites.Finding
	notes    []suites.Finding
	reason   string
	noSend   bool // skipped or not run: no exchange
	bodySize int64
	cut      bool
}

func (s sampleCase) result() *suites.Result {
	id := s.endpoint + "/" + string(s.kind)
	url := "https://staging.example.com/api/" + s.endpoint + "?id=1,2"
	c := &plan.Case{
		ID: id, Kind: s.kind, Endpoint: &plan.Endpoint{Name: s.endpoint, Profile: "lenient"},
		Request: plan.Request{Method: http.MethodGet, URL: url},
		Labels:  []string{"case:" + string(s.kind), "endpoint:" + s.endpoint, "profile:lenient"},
	}
	r := &suites.Result{
		Case: c, Profile: "lenient", Outcome: s.outcome, Reason: s.reason,
		Expected: "404 + missing_ids [1]", ExpectedStatus: []int{404},
		Failures: s.failures, Warnings: s.warnings, Notes: s.notes,
	}
	if s.outcome == suites.Skipped {
		r.Expected, r.ExpectedStatus = "", nil
	}
	if s.noSend {
		return r
	}
	r.Exchange = &probe.Exchange{
		CaseID: id, Attempts: 1, Duration: 1500 * time.Microsecond, Started: sampleStart,
		Request: probe.RecordedRequest{Method: http.MethodGet, URL: url, Header: http.Header{
			"Accept":        {"application/json"},
			"Authorization": {"Bearer ${API_TOKEN}"},
			"User-Agent":    {"apiconform/test"},
		}},
	}
	if s.status == 0 {
		r.Exchange.Err = &probe.TransportError{Fault: "refused", Message: "connection refused", URL: url}
		return r
	}
	size := s.bodySize
	if size == 0 {
		size = int64(len(s.body))
	}
	r.Exchange.Response = &probe.Response{
		Status: s.status, Proto: "HTTP/1.1", Body: []byte(s.body), Truncated: s.cut, Size: size,
		Header: http.Header{"Content-Type": {"application/json"}, "X-Request-Id": {"<img src=x onerror=alert(1)>"}},
	}
	return r
}

func fail(check, msg, impact string) suites.Finding {
	return suites.Finding{Check: check, Level: suites.LevelFail, Message: msg, Impact: impact, Source: "profile lenient"}
}

// sampleCases covers every outcome, warnings and notes, a script in a
// body, a body that is not UTF-8 and one far above the excerpt.
func sampleCases() []sampleCase {
	huge := `{"data":[` + strings.Repeat(`{"id":7,"name":"Widget G"},`, 4000) + `{"id":8}]}`
	return []sampleCase{
		{endpoint: "items", kind: plan.Found, outcome: suites.Pass, status: 200, body: `{"data":[{"id":2}],"missing_ids":[]}`},
		{endpoint: "items", kind: plan.Partial, outcome: suites.Fail, status: 200, body: scriptBody,
			failures: []suites.Finding{
				fail("status", "items/partial: expected 404 (profile lenient); got 200 OK", "a client that trusts 200 takes 1 missing record as delivered; monitoring counts it as success"),
				fail("missing_ids", "items/partial: expected missing_ids = [1]; got []", "the client cannot tell which ID is missing"),
			},
			warnings: []suites.Finding{{Check: "rule:content-type", Level: suites.LevelWarn, Message: "items/partial: error body is not problem+json", Impact: "generic clients cannot parse the error", Source: "RFC 9457"}},
		},
		{endpoint: "items", kind: plan.Malformed, outcome: suites.Pass, status: 400, body: notUTF8Body,
			warnings: []suites.Finding{{Check: "rule:error-body", Level: suites.LevelWarn, Message: "items/malformed: the 400 has no error body"}},
			notes:    []suites.Finding{{Check: "rule:info", Level: suites.LevelInfo, Message: "items/malformed: answered in 1 ms"}},
		},
		{endpoint: "items", kind: plan.None, outcome: suites.Error, reason: "transport error (refused) at https://staging.example.com/api/items?id=1,2: connection refused"},
		{endpoint: "items", kind: plan.Oversized, outcome: suites.Skipped, reason: "max_ids is not configured (--max-ids)", noSend: true},
		{endpoint: "items", kind: plan.RateLimit, outcome: suites.NotRun, reason: "not run: the run stopped before this case was answered", noSend: true},
		{endpoint: "orders", kind: plan.Found, outcome: suites.Fail, status: 200, body: huge, bodySize: int64(len(huge)) + 1, cut: true,
			failures: []suites.Finding{fail("ids", "orders/found: expected data IDs [2 3]; got 4001 items", "the client receives records it did not ask for")},
		},
	}
}

// newSampleRun builds a run through NewRun from the given cases.
func newSampleRun(meta Meta, cases []sampleCase) *Run {
	results := make([]*suites.Result, len(cases))
	for i, c := range cases {
		results[i] = c.result()
	}
	if meta.Version == "" {
		meta.Version = "test"
	}
	if meta.Target == "" {
		meta.Target = "https://staging.example.com/api"
	}
	if meta.Profile == "" {
		meta.Profile = "lenient"
	}
	if meta.Started.IsZero() {
		meta.Started = sampleStart
	}
	if meta.Duration == 0 {
		meta.Duration = 1234 * time.Millisecond
	}
	return NewRun(meta, results)
}

// sampleRun is a failing run with every outcome and the --insecure notice.
func sampleRun() *Run {
	return newSampleRun(Meta{Notices: []string{insecureMsg}}, sampleCases())
}

// onlyOutcome keeps the sample cases with one outcome.
func onlyOutcome(o suites.Outcome) []sampleCase {
	var out []sampleCase
	for _, c := range sampleCases() {
		if c.outcome == o {
			out = append(out, c)
		}
	}
	return out
}

// render writes run with one artifact writer and returns the text.
func render(t *testing.T, write func(io.Writer, *Run) error, run *Run) string {
	t.Helper()
	var b strings.Builder
	if err := write(&b, run); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// requireTool returns the path of a program the test needs. Without it
// the test skips, unless requireEnv is set (as CI sets it): then it fails.
func requireTool(t *testing.T, name, debianPackage, requireEnv string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv(requireEnv) != "" {
		t.Fatalf("%s is required (%s is set) but not installed: apt-get install %s", name, requireEnv, debianPackage)
	}
	t.Skipf("%s is not installed (Debian package %s); skipping. CI sets %s=1 to require it", name, debianPackage, requireEnv)
	return ""
}

// artifactDir is where tests keep files a person may want to look at
// after the run: $APICONFORM_TEST_ARTIFACTS, or .artifacts/ at the
// repository root (ignored by git).
func artifactDir(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("APICONFORM_TEST_ARTIFACTS")
	if dir == "" {
		dir = filepath.Join("..", ".artifacts")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatalf("artifact directory: %v", err)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		t.Fatal(err)
	}
	return abs
}
