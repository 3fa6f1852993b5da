package runner

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
)

// fortyEndpoints writes the config of a run of 40 endpoints: 30 on an
// API that answers 200 to everything, 10 on an honest one.
func fortyEndpoints(t *testing.T, base string) string {
	prefix := func(i int) string {
		if i > 30 {
			return "strict"
		}
		return "always-200"
	}
	return endpointsConfig{head: "concurrency: 8\n", count: 40, name: "items-%02d", prefix: prefix}.write(t, base)
}

// stable replaces what changes from run to run: the port, durations,
// dates and the run ID.
func stable(s, base, reportDir string) string {
	s = strings.ReplaceAll(s, base, "http://127.0.0.1:PORT")
	s = strings.ReplaceAll(s, reportDir, "REPORTS")
	for _, r := range []struct{ re, with string }{
		{`\b\d+(\.\d+)?(ns|µs|ms|s)\b`, "D"},
		{`\b\d+m\d+(\.\d+)?s\b`, "D"},
		{`\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)? UTC`, "DATE"},
		{`run-id: [0-9a-f]+`, "run-id: RUN"},
	} {
		s = regexp.MustCompile(r.re).ReplaceAllString(s, r.with)
	}
	return s
}

// TestGoldenConsoleAndSummaryOfAFailingRunOf40Endpoints pins what a user
// reads after a big failing run: the incident first, one line per
// endpoint, the first 20 failures and a pointer, and a summary.md with
// its per-endpoint table and folded lists (APICONFORM_UPDATE_GOLDEN=1
// rewrites the files).
func TestGoldenConsoleAndSummaryOfAFailingRunOf40Endpoints(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	dir := t.TempDir()
	res := runMain(t, nil, "run", "--config", fortyEndpoints(t, base), "--report-dir", dir,
		"--report-url", "https://ci.example.com/jobs/7/artifacts/report.html")
	if res.code != ExitFail {
		t.Fatalf("exit %d, want %d\n%s%s", res.code, ExitFail, res.stdout, res.stderr)
	}
	console := stable(res.stdout, base, dir)
	checkGolden(t, filepath.Join("testdata", "golden", "console-40-endpoints.txt"), console)
	summary, err := os.ReadFile(filepath.Join(dir, reports.SummaryFile))
	if err != nil {
		t.Fatal(err)
	}
	checkGolden(t, filepath.Join("testdata", "golden", "summary-40-endpoints.md"), stable(string(summary), base, dir))

	if lines := strings.Count(console, "\n"); lines > 150 {
		t.Errorf("the console of 40 endpoints has %d lines; it should fit a screenful or two", lines)
	}
	first := strings.Index(console, "items-01/partial")
	if inc := strings.Index(console, "THE INCIDENT: items-01/partial"); inc < 0 || inc > first {
		t.Errorf("the console does not open with the incident:\n%s", console)
	}
}
