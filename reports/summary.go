package reports

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/words"
)

// SummaryMaxItems caps each list in summary.md, so the summary of a big
// run stays short; the rest is counted and left to report.html.
const SummaryMaxItems = 20

// summaryTextMax caps one message or impact in summary.md, in characters.
const summaryTextMax = 300

// summaryOpenItems is how many entries of a list show before the rest
// folds into a <details> block.
const summaryOpenItems = 5

// summaryEndpointTable is the most endpoints whose table shows unfolded;
// summaryEndpointRows the most it lists.
const (
	summaryEndpointTable = 10
	summaryEndpointRows  = 50
)

// WriteSummary writes run as short Markdown for $GITHUB_STEP_SUMMARY or a
// merge-request comment: the verdict with what matters first (the
// incident), the counts, the run's notices, the failures in headline
// order with their consumer impact, the errors, and one line per
// endpoint. Long lists fold into <details>. Every text from the run is
// escaped, so a server's answer cannot inject Markdown or HTML.
func WriteSummary(w io.Writer, run *Run) error {
	var b strings.Builder
	writeSummaryHead(&b, run)
	writeSummaryContext(&b, run)
	writeSummaryCases(&b, run)
	writeSummaryEndpoints(&b, run)
	if k := run.Counts; k.NotRun > 0 {
		fmt.Fprintf(&b, "%s not run: the run stopped before %s answered.\n\n", words.Count(k.NotRun, "case"), map[bool]string{true: "it was", false: "they were"}[k.NotRun == 1])
	}
	report := "`report.html`"
	if run.ReportURL != "" {
		report = "[report.html](" + mdURL(run.ReportURL) + ")"
	}
	b.WriteString("Details of every case (request, response, a curl command to reproduce it): " + report + "; JUnit: `junit.xml`.\n")
	fmt.Fprintf(&b, "\n<!-- %s: %s -->\n", runIDMarker, run.RunID)
	_, err := io.WriteString(w, b.String())
	return err
}

// writeSummaryHead writes the verdict, the headline, the run's facts and
// the counts.
func writeSummaryHead(b *strings.Builder, run *Run) {
	icon := map[Verdict]string{VerdictPass: "✅", VerdictFail: "❌", VerdictInconclusive: "⚠️", VerdictInterrupted: "⏹️"}[run.Verdict]
	fmt.Fprintf(b, "### %s apiconform: %s\n\n", icon, strings.ToUpper(string(run.Verdict)))
	if h := headline(run); h != "" {
		fmt.Fprintf(b, "%s.\n\n", mdText(words.Capitalize(h)))
	}
	fmt.Fprintf(b, "Profile %s · target %s · apiconform %s · %s · took %s\n\n",
		codeSpan(run.Profile), codeSpan(run.Target), mdText(run.Version),
		run.Started.UTC().Format("2006-01-02 15:04 MST"), (time.Duration(run.DurationMS) * time.Millisecond).String())
	k := run.Counts
	b.WriteString("| passed | failed | errors | skipped | not run | warnings |\n|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(b, "| %d | %d | %d | %d | %d | %d |\n\n", k.Pass, k.Fail, k.Error, k.Skipped, k.NotRun, k.Warnings)
}

// writeSummaryContext writes what frames the verdict: notices, IDs,
// why the run stopped, detection, the baseline and the known failures.
func writeSummaryContext(b *strings.Builder, run *Run) {
	for _, n := range run.Notices {
		fmt.Fprintf(b, "> **⚠️ Warning:** %s\n\n", mdText(n))
	}
	writeSummaryIDs(b, run)
	if run.Interrupted != "" {
		fmt.Fprintf(b, "> **Stopped early:** %s\n\n", mdText(run.Interrupted))
	}
	if d := run.Detection; d != nil {
		fmt.Fprintf(b, "**Detection:** %s\n\n| profile | matched | failed | errors |\n|---|---:|---:|---:|\n", mdText(d.Verdict))
		for _, s := range d.Profiles {
			fmt.Fprintf(b, "| %s | %d of %d | %d | %d |\n", codeSpan(s.Name), s.Pass, s.Judged(), s.Fail, s.Error+s.NotRun)
		}
		b.WriteString("\n")
	}
	if d := run.Baseline; d != nil {
		fmt.Fprintf(b, "**Against the baseline:** %s\n\n", mdText(d.Summary()))
		for _, e := range append(append([]DiffEntry{}, d.Regressed...), d.NewFailing...) {
			fmt.Fprintf(b, "- ❌ %s got worse: %s → %s\n", codeSpan(e.ID), orDash(e.Base), orDash(e.New))
		}
		if d.Failed() {
			b.WriteString("\n")
		}
	}
	if len(run.Known) > 0 {
		fmt.Fprintf(b, "#### Known failures (%d)\n\n", len(run.Known))
		for _, k := range run.Known {
			fmt.Fprintf(b, "- %s: %s (until %s): %s\n", codeSpan(k.Case), k.Status, mdText(k.Expires), mdText(words.Clip(k.Reason, summaryTextMax)))
		}
		b.WriteString("\n")
	}
}

// writeSummaryCases lists the failing cases, headline first, then the
// errors; each case links into the report when its URL is known.
func writeSummaryCases(b *strings.Builder, run *Run) {
	var failing, errors []Case
	for _, c := range HeadlineOrder(run) {
		switch c.Outcome {
		case suites.Fail:
			failing = append(failing, c)
		case suites.Error:
			errors = append(errors, c)
		}
	}
	anchors := caseAnchors(run)
	if len(failing) > 0 {
		fmt.Fprintf(b, "#### Failures (%d)\n\n", len(failing))
		foldedList(b, summaryLines(failing, func(c Case) string { return failureLine(c, run.caseURL(anchors[c.ID])) }), "failure")
	}
	if len(errors) > 0 {
		fmt.Fprintf(b, "#### Errors (%d): inconclusive, not a verdict on the API\n\n", len(errors))
		foldedList(b, summaryLines(errors, func(c Case) string {
			return caseRef(c, run.caseURL(anchors[c.ID])) + ": " + mdText(words.Clip(c.Reason, summaryTextMax))
		}), "error")
	}
}

// caseAnchors gives each case the anchor report.html gives it.
func caseAnchors(run *Run) map[string]string {
	out := map[string]string{}
	for _, c := range anchoredCases(run) {
		out[c.ID] = c.Anchor
	}
	return out
}

// summaryLines writes one line per group of cases that differ only in
// their endpoint, naming the others.
func summaryLines(cases []Case, line func(Case) string) []string {
	var out []string
	for _, g := range groupCases(cases) {
		l := line(g.first)
		if n := len(g.others); n > 0 {
			l += fmt.Sprintf(" — the same on %s: %s", words.Count(n, "more endpoint"), mdText(namesShown(g.others)))
		}
		out = append(out, l)
	}
	return out
}

// foldedList writes the first summaryOpenItems lines of a list, folds
// the rest (up to SummaryMaxItems in all) into <details>, and counts what
// is left to report.html.
func foldedList(b *strings.Builder, lines []string, what string) {
	for i, l := range lines {
		switch {
		case i == SummaryMaxItems:
			fmt.Fprintf(b, "\n… and %d more %s: see `report.html`\n", len(lines)-i, words.Plural(len(lines)-i, what))
			b.WriteString("\n</details>\n")
			b.WriteString("\n")
			return
		case i == summaryOpenItems:
			fmt.Fprintf(b, "\n<details><summary>%d more %s</summary>\n\n", len(lines)-i, words.Plural(len(lines)-i, what))
		}
		b.WriteString("- " + l + "\n")
	}
	if len(lines) > summaryOpenItems {
		b.WriteString("\n</details>\n")
	}
	b.WriteString("\n")
}

// writeSummaryEndpoints writes one line per endpoint, those with
// failures first, folded when there are many.
func writeSummaryEndpoints(b *strings.Builder, run *Run) {
	list := EndpointSummaries(run)
	if len(list) < 2 {
		return
	}
	slices.SortStableFunc(list, func(a, b EndpointSummary) int { return min(b.Counts.Fail, 1) - min(a.Counts.Fail, 1) })
	folded := len(list) > summaryEndpointTable
	if folded {
		fmt.Fprintf(b, "<details><summary>Per endpoint (%d)</summary>\n\n", len(list))
	} else {
		b.WriteString("#### Per endpoint\n\n")
	}
	b.WriteString("| endpoint | profile | passed | failed | errors | skipped | failing cases |\n|---|---|---:|---:|---:|---:|---|\n")
	for i, e := range list {
		if i == summaryEndpointRows {
			fmt.Fprintf(b, "\n… and %d more endpoints: see `report.html`\n", len(list)-i)
			break
		}
		failing := "—"
		if len(e.Failing) > 0 {
			failing = mdText(words.Clip(strings.Join(e.Failing, ", "), 120))
		}
		fmt.Fprintf(b, "| %s | %s | %d | %d | %d | %d | %s |\n", codeSpan(e.Endpoint), codeSpan(e.Profile), e.Counts.Pass, e.Counts.Fail,
			e.Counts.Error+e.Counts.NotRun, e.Counts.Skipped, failing)
	}
	if folded {
		b.WriteString("\n</details>\n")
	}
	b.WriteString("\n")
}

// caseURL links a case's anchor in the report, when its URL is known.
func (run *Run) caseURL(anchor string) string {
	if run.ReportURL == "" {
		return ""
	}
	return strings.SplitN(run.ReportURL, "#", 2)[0] + "#" + anchor
}

// caseRef is a case's ID, linked into the report when url is set.
func caseRef(c Case, url string) string {
	if url == "" {
		return codeSpan(c.ID)
	}
	return "[" + codeSpan(c.ID) + "](" + mdURL(url) + ")"
}

// mdURL writes a URL for a Markdown link target: characters that would
// end the link or the line are percent-encoded.
func mdURL(u string) string {
	return strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E", "\n", "", "\r", "").Replace(u)
}

// failureLine is one failing case on one line: its ID, its first
// failure (without the ID the message starts with) and the consumer
// impact.
func failureLine(c Case, url string) string {
	msg := c.Reason
	if len(c.Failures) > 0 {
		msg = strings.TrimPrefix(c.Failures[0].Message, c.ID+": ")
	}
	line := caseRef(c, url) + ": " + mdText(words.Clip(msg, summaryTextMax))
	if n := len(c.Failures) - 1; n > 0 {
		line += fmt.Sprintf(" (+%d more finding%s)", n, plural(n))
	}
	if c.Impact != "" {
		line += " — *impact:* " + mdText(words.Clip(c.Impact, summaryTextMax))
	}
	return line
}

// mdText escapes s as inline Markdown text on one line: Markdown and HTML
// punctuation is backslash-escaped, line breaks become spaces.
func mdText(s string) string {
	s = printable(s)
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]<>|~&$", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// codeSpan writes s as an inline code span, fenced with more backticks
// than s holds in a row.
func codeSpan(s string) string {
	s = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(printable(s))
	if s == "" {
		return "` `"
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") {
		s = " " + s + " "
	}
	return fence + s + fence
}

// writeSummaryIDs says where discovered or generated IDs came from.
func writeSummaryIDs(b *strings.Builder, run *Run) {
	told := false
	for _, e := range run.IDs {
		if !e.Told() {
			continue
		}
		if !told {
			b.WriteString("**IDs used:**\n\n")
			told = true
		}
		fmt.Fprintf(b, "- %s: found %s (%s); missing %s (%s); malformed %s (%s)\n", codeSpan(e.Endpoint),
			codeSpan(idList(e.Found)), mdText(orNone(e.FoundFrom)), codeSpan(idList(e.Missing)), mdText(orNone(e.MissingFrom)),
			codeSpan(idList(e.Malformed)), mdText(orNone(e.MalformedFrom)))
	}
	for _, g := range run.Gaps {
		fmt.Fprintf(b, "- **Gap:** %s\n", mdText(g))
	}
	if told || len(run.Gaps) > 0 {
		b.WriteString("\n")
	}
}
