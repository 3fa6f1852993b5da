package reports

import (
	"fmt"
	"io"
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

// WriteSummary writes run as short Markdown for $GITHUB_STEP_SUMMARY or a
// merge-request comment: the verdict, the counts, the run's notices, one
// line per failing case with its consumer impact, and the errors in a list
// of their own. Every text from the run is escaped, so a server's answer
// cannot inject Markdown or HTML.
func WriteSummary(w io.Writer, run *Run) error {
	var b strings.Builder
	icon := map[Verdict]string{VerdictPass: "✅", VerdictFail: "❌", VerdictInconclusive: "⚠️", VerdictInterrupted: "⏹️"}[run.Verdict]
	fmt.Fprintf(&b, "### %s apiconform: %s\n\n", icon, strings.ToUpper(string(run.Verdict)))
	if h := headline(run); h != "" {
		fmt.Fprintf(&b, "%s.\n\n", mdText(words.Capitalize(h)))
	}
	fmt.Fprintf(&b, "Profile %s · target %s · apiconform %s · %s · took %s\n\n",
		codeSpan(run.Profile), codeSpan(run.Target), mdText(run.Version),
		run.Started.UTC().Format("2006-01-02 15:04 MST"), (time.Duration(run.DurationMS) * time.Millisecond).String())

	k := run.Counts
	b.WriteString("| passed | failed | errors | skipped | not run | warnings |\n|---:|---:|---:|---:|---:|---:|\n")
	fmt.Fprintf(&b, "| %d | %d | %d | %d | %d | %d |\n\n", k.Pass, k.Fail, k.Error, k.Skipped, k.NotRun, k.Warnings)

	for _, n := range run.Notices {
		fmt.Fprintf(&b, "> **⚠️ Warning:** %s\n\n", mdText(n))
	}
	writeSummaryIDs(&b, run)
	if run.Interrupted != "" {
		fmt.Fprintf(&b, "> **Stopped early:** %s\n\n", mdText(run.Interrupted))
	}
	if d := run.Detection; d != nil {
		fmt.Fprintf(&b, "**Detection:** %s\n\n| profile | matched | failed | errors |\n|---|---:|---:|---:|\n", mdText(d.Verdict))
		for _, s := range d.Profiles {
			fmt.Fprintf(&b, "| %s | %d of %d | %d | %d |\n", codeSpan(s.Name), s.Pass, s.Judged(), s.Fail, s.Error+s.NotRun)
		}
		b.WriteString("\n")
	}
	if d := run.Baseline; d != nil {
		fmt.Fprintf(&b, "**Against the baseline:** %s\n\n", mdText(d.Summary()))
		for _, e := range append(append([]DiffEntry{}, d.Regressed...), d.NewFailing...) {
			fmt.Fprintf(&b, "- ❌ %s got worse: %s → %s\n", codeSpan(e.ID), orDash(e.Base), orDash(e.New))
		}
		if d.Failed() {
			b.WriteString("\n")
		}
	}
	if len(run.Known) > 0 {
		fmt.Fprintf(&b, "#### Known failures (%d)\n\n", len(run.Known))
		for _, k := range run.Known {
			fmt.Fprintf(&b, "- %s: %s (until %s): %s\n", codeSpan(k.Case), k.Status, mdText(k.Expires), mdText(words.Clip(k.Reason, summaryTextMax)))
		}
		b.WriteString("\n")
	}

	var failing, errors []Case
	for _, c := range run.Cases {
		switch c.Outcome {
		case suites.Fail:
			failing = append(failing, c)
		case suites.Error:
			errors = append(errors, c)
		}
	}
	if len(failing) > 0 {
		fmt.Fprintf(&b, "#### Failures (%d)\n\n", len(failing))
		for _, c := range capped(failing) {
			b.WriteString("- " + failureLine(c) + "\n")
		}
		more(&b, len(failing), "failing cases")
	}
	if len(errors) > 0 {
		fmt.Fprintf(&b, "#### Errors (%d): inconclusive, not a verdict on the API\n\n", len(errors))
		for _, c := range capped(errors) {
			fmt.Fprintf(&b, "- %s: %s\n", codeSpan(c.ID), mdText(words.Clip(c.Reason, summaryTextMax)))
		}
		more(&b, len(errors), "errors")
	}
	if k.NotRun > 0 {
		fmt.Fprintf(&b, "%d case%s not run: the run stopped before %s answered.\n\n", k.NotRun, plural(k.NotRun), map[bool]string{true: "it was", false: "they were"}[k.NotRun == 1])
	}
	b.WriteString("Details of every case (request, response, a curl command to reproduce it): `report.html`; JUnit: `junit.xml`.\n")
	fmt.Fprintf(&b, "\n<!-- %s: %s -->\n", runIDMarker, run.RunID)
	_, err := io.WriteString(w, b.String())
	return err
}

// failureLine is one failing case on one line: its ID, its first
// failure (without the ID the message starts with) and the consumer
// impact.
func failureLine(c Case) string {
	msg := c.Reason
	if len(c.Failures) > 0 {
		msg = strings.TrimPrefix(c.Failures[0].Message, c.ID+": ")
	}
	line := codeSpan(c.ID) + ": " + mdText(words.Clip(msg, summaryTextMax))
	if n := len(c.Failures) - 1; n > 0 {
		line += fmt.Sprintf(" (+%d more finding%s)", n, plural(n))
	}
	if c.Impact != "" {
		line += " — *impact:* " + mdText(words.Clip(c.Impact, summaryTextMax))
	}
	return line
}

func capped(cases []Case) []Case {
	if len(cases) > SummaryMaxItems {
		return cases[:SummaryMaxItems]
	}
	return cases
}

func more(b *strings.Builder, total int, what string) {
	if total > SummaryMaxItems {
		fmt.Fprintf(b, "- … and %d more %s: see `report.html`\n", total-SummaryMaxItems, what)
	}
	b.WriteString("\n")
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
