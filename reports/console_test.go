package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/suites"
)

// mixedRun has one endpoint whose metadata nit fails before its partial
// case in plan order, an erroring case and skipped cases.
func mixedRun() *Run {
	run := &Run{Tool: "apiconform", Version: "test", Target: "https://staging.example.com/api", Profile: "strict", Started: sampleStart}
	add := func(kind string, o suites.Outcome, msg string) {
		c := Case{ID: "items/" + kind, Endpoint: "items", Case: kind, Profile: "strict", Outcome: o, Reason: msg}
		if o == suites.Fail {
			c.Failures = []suites.Finding{{Message: "items/" + kind + ": " + msg}}
		}
		run.Cases = append(run.Cases, c)
	}
	add("found", suites.Fail, "expected Content-Type application/json; got text/plain")
	add("duplicate", suites.Fail, "expected 200; got 500")
	add("partial", suites.Fail, "expected 404; got 200 OK")
	add("none", suites.Error, "transport error (timeout)")
	add("oversized", suites.Skipped, "needs max_ids (--max-ids)")
	add("rate-limit", suites.Skipped, "needs a burst budget: --rate-limit-burst N")
	add("auth-missing", suites.Skipped, "needs credentials")
	add("auth-invalid", suites.Skipped, "needs credentials")
	run.Incident = &suites.Incident{Case: "items/partial", Summary: "items/partial answered 200 with no sign of missing ID 999"}
	run.Tally()
	return run
}

func console(t *testing.T, run *Run, opts ConsoleOptions) string {
	t.Helper()
	var b strings.Builder
	if err := WriteConsole(&b, run, opts); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func TestConsoleOpensWithTheIncidentAndListsFailuresHeadlineFirst(t *testing.T) {
	out := console(t, mixedRun(), ConsoleOptions{})
	order := []string{"THE INCIDENT: items/partial", "Failures (3)\n  items/partial: expected 404", "  items/found:", "  items/duplicate:", "Errors (inconclusive: not a verdict on the API) (1)"}
	at := -1
	for _, part := range order {
		i := strings.Index(out, part)
		if i <= at {
			t.Fatalf("%q is missing or out of order:\n%s", part, out)
		}
		at = i
	}
}

func TestConsoleCountsSkippedCasesByReasonWithRightPlurals(t *testing.T) {
	out := console(t, mixedRun(), ConsoleOptions{})
	wantContains(t, "the console", out,
		"4 cases skipped (-v lists each):\n    2  needs credentials\n    1  needs max_ids (--max-ids)\n",
		"FAIL  0 passed, 3 failed, 1 error, 4 skipped in 0s")
	if strings.Contains(out, "1 errors") || strings.Contains(out, "1 cases") {
		t.Errorf("a wrong plural:\n%s", out)
	}
	verbose := console(t, mixedRun(), ConsoleOptions{Verbose: true})
	wantContains(t, "the verbose console", verbose, "Skipped (4)\n  items/oversized: needs max_ids (--max-ids)\n")
}

func TestConsoleShowsTheFirst20FailuresAndPointsAtTheReport(t *testing.T) {
	run := &Run{Tool: "apiconform", Version: "test", Target: "https://x", Profile: "strict", Started: sampleStart}
	for i := range 45 {
		id := fmt.Sprintf("ep%02d/partial", i)
		run.Cases = append(run.Cases, Case{ID: id, Endpoint: fmt.Sprintf("ep%02d", i), Case: "partial", Outcome: suites.Fail,
			Failures: []suites.Finding{{Message: fmt.Sprintf("%s: expected 404; got %d", id, 200+i)}}})
	}
	run.Tally()
	out := console(t, run, ConsoleOptions{ReportDir: "out"})
	wantContains(t, "the console", out, "Failures (45)\n", "ep19/partial: expected 404; got 219\n  … and 25 more failures: see out/report.html\n",
		"ENDPOINT  PROFILE  PASSED  FAILED", "(one line per endpoint for a run this size; -v lists every case)")
	if strings.Contains(out, "ep20/partial: expected") {
		t.Errorf("the console lists more than %d failures:\n%s", ConsoleMaxItems, out)
	}
}

func TestUseColor(t *testing.T) {
	for _, tc := range []struct {
		mode     string
		terminal bool
		env      map[string]string
		want     bool
	}{
		{"auto", true, nil, true},
		{"auto", false, nil, false},
		{"auto", true, map[string]string{"NO_COLOR": "1"}, false},
		{"auto", true, map[string]string{"TERM": "dumb"}, false},
		{"auto", false, map[string]string{"FORCE_COLOR": "1"}, true},
		{"auto", false, map[string]string{"FORCE_COLOR": "true", "NO_COLOR": "1"}, true},
		{"auto", true, map[string]string{"FORCE_COLOR": "0"}, false},
		{"auto", true, map[string]string{"FORCE_COLOR": "false"}, false},
		{"always", false, map[string]string{"NO_COLOR": "1"}, true},
		{"never", true, map[string]string{"FORCE_COLOR": "1"}, false},
	} {
		got := UseColor(tc.mode, tc.terminal, func(name string) string { return tc.env[name] })
		if got != tc.want {
			t.Errorf("UseColor(%s, terminal %v, %v) = %v, want %v", tc.mode, tc.terminal, tc.env, got, tc.want)
		}
	}
}

func TestHTMLListsCasesHeadlineFirstAndShowsWhySkippedUnexpanded(t *testing.T) {
	page := render(t, WriteHTML, mixedRun())
	partial, found := strings.Index(page, `id="items/partial"`), strings.Index(page, `id="items/found"`)
	skipped := strings.Index(page, `id="items/oversized"`)
	if partial < 0 || found < 0 || skipped < 0 || !(partial < found && found < skipped) {
		t.Errorf("report.html does not list the incident's case first and skipped cases last (partial %d, found %d, oversized %d)", partial, found, skipped)
	}
	section := caseSection(t, page, "items/oversized")
	summary := section[:strings.Index(section, "</summary>")]
	if !strings.Contains(summary, `<span class="brief">needs max_ids (--max-ids)</span>`) {
		t.Errorf("a skipped case hides its reason until expanded:\n%s", summary)
	}
}

func TestSummaryLinksTheReportAndTablesEndpoints(t *testing.T) {
	run := mixedRun()
	run.Cases = append(run.Cases, Case{ID: "orders/found", Endpoint: "orders", Case: "found", Profile: "lenient", Outcome: suites.Pass})
	run.ReportURL = "https://ci.example.com/job/1/report.html"
	run.Tally()
	md := render(t, WriteSummary, run)
	wantContains(t, "summary.md", md,
		"- [`items/partial`](https://ci.example.com/job/1/report.html#items/partial): expected 404; got 200 OK\n",
		"#### Per endpoint\n\n| endpoint | profile | passed | failed | errors | skipped | failing cases |\n|---|---|---:|---:|---:|---:|---|\n"+
			"| `items` | `strict` | 0 | 3 | 1 | 4 | partial, found, duplicate |\n| `orders` | `lenient` | 1 | 0 | 0 | 0 | — |\n",
		"[report.html](https://ci.example.com/job/1/report.html)")
	if strings.Index(md, "items/partial") > strings.Index(md, "items/found") {
		t.Errorf("summary.md does not list the incident's case first:\n%s", md)
	}
}
