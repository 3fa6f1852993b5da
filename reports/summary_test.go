package reports

import (
	"fmt"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/suites"
)

func TestSummaryShowsVerdictCountsNoticesFailuresAndErrors(t *testing.T) {
	md := render(t, WriteSummary, sampleRun())
	wantContains(t, "summary.md", md,
		"### ❌ apiconform: FAIL\n\n2 of 6 cases break the profile (1 more skipped).\n",
		"Profile `lenient` · target `https://staging.example.com/api` · apiconform test · 2026-03-14 09:26 UTC · took 1.234s",
		"| passed | failed | errors | skipped | not run | warnings |\n|---:|---:|---:|---:|---:|---:|\n| 2 | 2 | 1 | 1 | 1 | 2 |\n",
		"> **⚠️ Warning:** TLS certificate verification was OFF (--insecure): the API's identity was not checked\n",
		"#### Failures (2)\n\n"+
			"- `items/partial`: expected 404 (profile lenient); got 200 OK (+1 more finding) — *impact:* a client that trusts 200 takes 1 missing record as delivered; monitoring counts it as success\n"+
			"- `orders/found`: expected data IDs \\[2 3\\]; got 4001 items — *impact:* the client receives records it did not ask for\n\n",
		"#### Errors (1): inconclusive, not a verdict on the API\n\n- `items/none`: transport error (refused) at https://staging.example.com/api/items?id=1,2: connection refused\n\n",
		"1 case not run: the run stopped before it was answered.\n",
		"`report.html`")
	for _, absent := range []string{"items/found", "items/malformed", "items/oversized", "items/rate-limit"} {
		if strings.Contains(md, absent) {
			t.Errorf("summary.md lists %s, which neither failed nor errored", absent)
		}
	}
}

func TestSummaryOfPassingEmptyAndInterruptedRuns(t *testing.T) {
	pass := render(t, WriteSummary, newSampleRun(Meta{}, append(onlyOutcome(suites.Pass), onlyOutcome(suites.Skipped)...)))
	wantContains(t, "a passing run's summary", pass, "### ✅ apiconform: PASS\n\nEvery case sent conforms to the profile (1 skipped).\n", "| 2 | 0 | 0 | 1 | 0 | 1 |")
	for _, absent := range []string{"Failures", "Errors", "not run:"} {
		if strings.Contains(pass, absent) {
			t.Errorf("a passing run's summary mentions %q", absent)
		}
	}

	empty := render(t, WriteSummary, newSampleRun(Meta{}, nil))
	wantContains(t, "an empty run's summary", empty, "No case was run.", "| 0 | 0 | 0 | 0 | 0 | 0 |")

	stopped := render(t, WriteSummary, newSampleRun(Meta{Interrupted: "interrupted: SIGTERM"}, append(onlyOutcome(suites.Fail), onlyOutcome(suites.NotRun)...)))
	wantContains(t, "an interrupted run's summary", stopped,
		"### ⏹️ apiconform: INTERRUPTED\n\nInterrupted: SIGTERM; 1 of 3 cases not run.\n",
		"> **Stopped early:** interrupted: SIGTERM\n", "#### Failures (2)", "1 case not run")
}

func TestSummaryStaysShortForBigRuns(t *testing.T) {
	run := &Run{Tool: "apiconform", Version: "test", Target: "https://staging.example.com/api", Profile: "strict", Started: sampleStart}
	for i := range 600 {
		c := Case{ID: fmt.Sprintf("ep%03d/partial", i), Endpoint: fmt.Sprintf("ep%03d", i), Case: "partial", Outcome: suites.Fail,
			Failures: []suites.Finding{{Message: fmt.Sprintf("got %d: %s", i, strings.Repeat("a long message ", 100))}}, Impact: strings.Repeat("a long impact ", 100)}
		if i%6 == 0 {
			c.Outcome, c.Failures, c.Impact, c.Reason = suites.Error, nil, "", fmt.Sprintf("transport error (timeout after %d ms)", i)
		}
		run.Cases = append(run.Cases, c)
	}
	run.Tally()
	md := render(t, WriteSummary, run)
	wantContains(t, "a big run's summary", md,
		"#### Failures (500)", "… and 480 more failures: see `report.html`",
		"#### Errors (100): inconclusive", "… and 80 more errors: see `report.html`")
	// The lists, capped, and the per-endpoint table, capped too.
	if lines := strings.Count(md, "\n"); lines > 90+summaryEndpointRows {
		t.Errorf("summary.md of 600 cases has %d lines, want it short", lines)
	}
	if len(md) > 30_000 {
		t.Errorf("summary.md of 600 cases is %d bytes, want it short", len(md))
	}
}

func TestSummaryGroupsCasesThatDifferOnlyInTheEndpoint(t *testing.T) {
	run := &Run{Tool: "apiconform", Version: "test", Target: "https://staging.example.com/api", Profile: "strict", Started: sampleStart}
	for i := range 30 {
		run.Cases = append(run.Cases, Case{ID: fmt.Sprintf("ep%02d/partial", i), Endpoint: fmt.Sprintf("ep%02d", i), Case: "partial", Outcome: suites.Fail,
			Failures: []suites.Finding{{Message: fmt.Sprintf("ep%02d/partial: expected 404; got 200 OK", i)}}, Impact: "the incident"})
	}
	run.Tally()
	md := render(t, WriteSummary, run)
	wantContains(t, "summary.md", md, "#### Failures (30)\n\n- `ep00/partial`: expected 404; got 200 OK — *impact:* the incident — the same on 29 more endpoints: ep01, ep02, ep03, ep04, …\n\n")
	if strings.Contains(md, "ep05/partial") {
		t.Errorf("summary.md lists each of 30 identical failures:\n%s", md)
	}
}

func TestSummaryEscapesMarkdownAndHTML(t *testing.T) {
	evil := "x: got <script>alert(1)</script> **bold** [link](https://evil.example) | `code` ~~gone~~ $x$ &amp;\n# heading"
	run := &Run{
		Tool: "apiconform", Version: "test", Target: "https://x/`y`", Profile: "strict", Started: sampleStart,
		Notices: []string{"<img src=x onerror=alert(1)>"},
		Cases: []Case{
			{ID: "x/partial", Endpoint: "x", Case: "partial", Outcome: suites.Fail, Failures: []suites.Finding{{Message: evil}}, Impact: "<b>bold</b>"},
			{ID: "x/none", Endpoint: "x", Case: "none", Outcome: suites.Error, Reason: evil},
		},
	}
	run.Tally()
	md := render(t, WriteSummary, run)
	for _, live := range []string{"<script", "<img", "<b>", "**bold**", "[link](", "~~gone", "\n# heading", "&amp;", "$x$"} {
		if unescapedIn(md, live) {
			t.Errorf("summary.md carries %q unescaped:\n%s", live, md)
		}
	}
	wantContains(t, "summary.md", md,
		`got \<script\>alert(1)\</script\> \*\*bold\*\* \[link\](https://evil.example) \| \`+"`code\\`"+` \~\~gone\~\~ \$x\$ \&amp; # heading`,
		"target `` https://x/`y` ``")
}

// unescapedIn reports whether s occurs in md without a backslash before it.
func unescapedIn(md, s string) bool {
	for i := 0; ; {
		j := strings.Index(md[i:], s)
		if j < 0 {
			return false
		}
		if i+j == 0 || md[i+j-1] != '\\' {
			return true
		}
		i += j + 1
	}
}

func TestCodeSpanFencesAnyBackticks(t *testing.T) {
	for in, want := range map[string]string{
		"items/found": "`items/found`",
		"a`b":         "``a`b``",
		"`a``":        "``` `a`` ```",
		"":            "` `",
		"two\nlines":  "`two lines`",
	} {
		if got := codeSpan(in); got != want {
			t.Errorf("codeSpan(%q) = %q, want %q", in, got, want)
		}
	}
}
