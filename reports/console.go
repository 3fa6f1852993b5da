package reports

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// ConsoleOptions shape the console summary.
type ConsoleOptions struct {
	Color   bool // ANSI colours (see UseColor)
	Verbose bool // every case in the table, and the skipped cases and notes listed
	// ReportDir is where report.html was written, for the pointer after
	// the first ConsoleMaxItems findings ("" : the report's name alone).
	ReportDir string
}

// ConsoleMaxItems caps each list of findings on the console; the rest is
// counted and left to report.html.
const ConsoleMaxItems = 20

// consoleCaseRows is the most cases the table lists one per line; a
// bigger run gets one line per endpoint (-v lists every case).
const consoleCaseRows = 40

// ColorModes are the values of --color.
var ColorModes = []string{"auto", "always", "never"}

// UseColor reports whether console output should be coloured. "always"
// and "never" say so; "auto" colours a terminal, unless NO_COLOR is set
// or TERM is "dumb", and FORCE_COLOR (set, and not 0 or false) colours
// any output, for CI logs that render ANSI: the conventions of
// no-color.org and force-color.org.
func UseColor(mode string, terminal bool, getenv func(string) string) bool {
	switch mode {
	case "always":
		return true
	case "never":
		return false
	}
	if force := getenv("FORCE_COLOR"); force != "" {
		return force != "0" && !strings.EqualFold(force, "false")
	}
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	return terminal
}

type palette struct{ on bool }

func (p palette) paint(code, s string) string {
	if !p.on {
		return s
	}
	return "\x1b[" + code + "m" + s + "\x1b[0m"
}

func (p palette) outcome(o suites.Outcome) string {
	switch o {
	case suites.Pass:
		return p.paint("32", "pass")
	case suites.Fail:
		return p.paint("1;31", "FAIL")
	case suites.Error:
		return p.paint("33", "ERROR")
	case suites.NotRun:
		return p.paint("33", "not run")
	case suites.KnownFailure:
		return p.paint("35", "known")
	}
	return p.paint("2", string(o))
}

// WriteConsole writes the human summary of run: what matters first (the
// notices and the incident), a table of the cases (or, for a big run, of
// the endpoints), the failures, warnings and errors in headline order
// with their consumer impact, and the verdict line.
func WriteConsole(w io.Writer, run *Run, opts ConsoleOptions) error {
	p := palette{opts.Color}
	var b strings.Builder
	fmt.Fprintf(&b, "apiconform %s · profile %s · %s\n\n", run.Version, run.Profile, run.Target)
	for _, n := range run.Notices {
		fmt.Fprintf(&b, "%s %s\n\n", p.paint("1;33", "WARNING:"), n)
	}
	if run.Incident != nil {
		fmt.Fprintf(&b, "%s %s.\n\n", p.paint("1;31", "THE INCIDENT:"), run.Incident.Summary)
	}
	writeIDSources(&b, run)
	if opts.Verbose || judgedCases(run) <= consoleCaseRows {
		writeCaseTable(&b, run, p, opts.Verbose)
	} else {
		writeEndpointTable(&b, run, p)
	}
	writeFindings(&b, run, p, opts)
	writeVerdictLine(&b, run, p)
	writeBaseline(&b, run, p)
	_, err := io.WriteString(w, b.String())
	return err
}

func judgedCases(run *Run) int {
	n := 0
	for _, c := range run.Cases {
		if c.Outcome != suites.Skipped {
			n++
		}
	}
	return n
}

// writeCaseTable writes one line per case: endpoint, case, expected, got
// and outcome (skipped cases only when verbose).
func writeCaseTable(b *strings.Builder, run *Run, p palette, verbose bool) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENDPOINT\tCASE\tEXPECTED\tGOT\tOUTCOME")
	for _, c := range run.Cases {
		if c.Outcome == suites.Skipped && !verbose {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", c.Endpoint, c.Case, words.Clip(c.Expected, 48), got(c), p.outcome(c.Outcome))
	}
	tw.Flush()
}

// writeEndpointTable writes one line per endpoint: its profile, its
// counts and the cases that failed, headline kinds first.
func writeEndpointTable(b *strings.Builder, run *Run, p palette) {
	tw := tabwriter.NewWriter(b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ENDPOINT\tPROFILE\tPASSED\tFAILED\tERRORS\tSKIPPED\tFAILING CASES")
	for _, e := range EndpointSummaries(run) {
		failed := fmt.Sprint(e.Counts.Fail)
		if e.Counts.Fail > 0 {
			failed = p.paint("1;31", failed)
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%d\t%d\t%s\n", e.Endpoint, e.Profile, e.Counts.Pass, failed,
			e.Counts.Error+e.Counts.NotRun, e.Counts.Skipped, words.Clip(strings.Join(e.Failing, ", "), 60))
	}
	tw.Flush()
	b.WriteString("(one line per endpoint for a run this size; -v lists every case)\n")
}

// writeFindings writes the known failures, failures, warnings and errors
// in headline order, each list capped at ConsoleMaxItems, with their
// consumer impact; then the skipped cases (and notes) or their count.
func writeFindings(b *strings.Builder, run *Run, p palette, opts ConsoleOptions) {
	var failures, warnings findingList
	var errors, notes []string
	for _, c := range HeadlineOrder(run) {
		for _, f := range c.Failures {
			failures.add(c, f)
		}
		for _, f := range c.Warnings {
			warnings.add(c, f)
		}
		if c.Outcome == suites.Error || c.Outcome == suites.NotRun {
			errors = append(errors, fmt.Sprintf("  %s %s\n", p.paint("33", c.ID+":"), c.Reason))
		}
		for _, n := range c.Notes {
			notes = append(notes, fmt.Sprintf("  %s: %s\n", c.ID, n.Message))
		}
	}
	var known []string
	for _, k := range run.Known {
		known = append(known, fmt.Sprintf("  %-28s %-10s until %s: %s\n", k.Case, k.Status, k.Expires, k.Reason))
	}
	report := filepath.Join(opts.ReportDir, HTMLFile)
	section(b, "Known failures (applied: allowed to fail · expired: fails again · stale: passes now, remove it)", known, len(known), "known failures", report)
	section(b, "Failures", failures.lines(p, "31"), failures.total, "failures", report)
	section(b, "Warnings", warnings.lines(p, "33"), warnings.total, "warnings", report)
	section(b, "Errors (inconclusive: not a verdict on the API)", errors, len(errors), "errors", report)
	writeSkipped(b, run, opts.Verbose)
	if opts.Verbose {
		section(b, "Notes", notes, len(notes), "notes", report)
	}
}

// section writes a titled list of total findings: its first
// ConsoleMaxItems entries and a pointer to the report for the rest.
func section(b *strings.Builder, title string, entries []string, total int, what, report string) {
	if len(entries) == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s (%d)\n", title, total)
	for i, l := range entries {
		if i == ConsoleMaxItems {
			fmt.Fprintf(b, "  … and %d more %s: see %s\n", len(entries)-i, what, report)
			break
		}
		b.WriteString(l)
	}
}

// findingList gathers findings, one entry per finding that differs in
// more than the endpoint: 30 endpoints that break partial the same way
// make one entry that names the others, not 30 screens.
type findingList struct {
	entries []*findingEntry
	byKey   map[string]*findingEntry
	total   int
}

type findingEntry struct {
	finding suites.Finding
	others  []string // the endpoints of the other cases with the same finding
}

func (l *findingList) add(c Case, f suites.Finding) {
	l.total++
	key := c.Case + "\x00" + strings.TrimPrefix(f.Message, c.ID+": ") + "\x00" + f.Impact + "\x00" + f.Source
	if e := l.byKey[key]; e != nil {
		e.others = append(e.others, c.Endpoint)
		return
	}
	if l.byKey == nil {
		l.byKey = map[string]*findingEntry{}
	}
	e := &findingEntry{finding: f}
	l.byKey[key] = e
	l.entries = append(l.entries, e)
}

func (l *findingList) lines(p palette, color string) []string {
	out := make([]string, len(l.entries))
	for i, e := range l.entries {
		out[i] = finding(p, color, e.finding, e.others)
	}
	return out
}

// writeSkipped lists the skipped cases with -v; otherwise it counts
// them by reason, the commonest first, so what to configure shows.
func writeSkipped(b *strings.Builder, run *Run, verbose bool) {
	var skipped []Case
	for _, c := range run.Cases {
		if c.Outcome == suites.Skipped {
			skipped = append(skipped, c)
		}
	}
	if len(skipped) == 0 {
		return
	}
	if verbose {
		fmt.Fprintf(b, "\nSkipped (%d)\n", len(skipped))
		for _, c := range skipped {
			fmt.Fprintf(b, "  %s: %s\n", c.ID, c.Reason)
		}
		return
	}
	fmt.Fprintf(b, "\n%s skipped (-v lists each):\n", words.Count(len(skipped), "case"))
	reasons := countReasons(skipped)
	for i, r := range reasons {
		if i == maxSkipReasons {
			fmt.Fprintf(b, "  … and %d more %s\n", len(reasons)-i, words.Plural(len(reasons)-i, "reason"))
			break
		}
		fmt.Fprintf(b, "  %3d  %s\n", r.n, words.Clip(r.reason, 100))
	}
}

// maxSkipReasons caps the reasons counted under the skipped line.
const maxSkipReasons = 5

type reasonCount struct {
	reason string
	n      int
}

func countReasons(cases []Case) []reasonCount {
	var out []reasonCount
	for _, c := range cases {
		i := slices.IndexFunc(out, func(r reasonCount) bool { return r.reason == c.Reason })
		if i < 0 {
			out = append(out, reasonCount{reason: c.Reason})
			i = len(out) - 1
		}
		out[i].n++
	}
	slices.SortStableFunc(out, func(a, b reasonCount) int { return b.n - a.n })
	return out
}

// writeVerdictLine writes the verdict with the counts and the duration.
func writeVerdictLine(b *strings.Builder, run *Run, p palette) {
	verdict := map[Verdict]string{
		VerdictPass: p.paint("1;32", "PASS"), VerdictFail: p.paint("1;31", "FAIL"),
		VerdictInconclusive: p.paint("1;33", "INCONCLUSIVE"), VerdictInterrupted: p.paint("1;33", "INTERRUPTED"),
	}[run.Verdict]
	k := run.Counts
	fmt.Fprintf(b, "\n%s  %d passed, %d failed, %s, %d skipped", verdict, k.Pass, k.Fail, words.Count(k.Error, "error"), k.Skipped)
	if k.NotRun > 0 {
		fmt.Fprintf(b, ", %d not run", k.NotRun)
	}
	if k.Known > 0 {
		b.WriteString(", " + words.Count(k.Known, "known failure"))
	}
	if k.Warnings > 0 {
		b.WriteString(", " + words.Count(k.Warnings, "warning"))
	}
	fmt.Fprintf(b, " in %s\n", (time.Duration(run.DurationMS) * time.Millisecond).String())
	if run.Interrupted != "" {
		fmt.Fprintf(b, "stopped early: %s\n", run.Interrupted)
	}
}

// writeBaseline writes the comparison with --baseline, when there is one.
func writeBaseline(b *strings.Builder, run *Run, p palette) {
	d := run.Baseline
	if d == nil {
		return
	}
	fmt.Fprintf(b, "\nCompared with %s:\n", d.Base)
	var diff strings.Builder
	_ = WriteDiffText(&diff, d)
	b.WriteString(indent(diff.String()))
	if d.Failed() {
		b.WriteString(p.paint("1;31", "Worse than the baseline: the job fails.") + "\n")
	} else {
		b.WriteString(p.paint("1;32", "Nothing got worse than the baseline.") + "\n")
	}
}

func indent(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = "  " + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func finding(p palette, color string, f suites.Finding, others []string) string {
	s := fmt.Sprintf("  %s\n", p.paint(color, f.Message))
	if n := len(others); n > 0 {
		s += fmt.Sprintf("    the same on %s: %s\n", words.Count(n, "more endpoint"), namesShown(others))
	}
	if f.Impact != "" {
		s += fmt.Sprintf("    impact: %s\n", f.Impact)
	}
	if f.Source != "" && !strings.HasPrefix(f.Source, "profile ") {
		s += fmt.Sprintf("    source: %s\n", f.Source)
	}
	return s
}

func got(c Case) string {
	var s string
	switch {
	case c.Response != nil:
		s = fmt.Sprint(c.Response.Status)
	case c.Outcome == suites.Error:
		s = "—"
	}
	// A retried request says so; the burst's count is in its note.
	if c.Attempts > 1 && c.Case != string(plan.RateLimit) {
		s += fmt.Sprintf(" (%d attempts)", c.Attempts)
	}
	return s
}

// writeIDSources says where the IDs came from, for endpoints whose IDs
// were discovered or generated.
func writeIDSources(b *strings.Builder, run *Run) {
	for _, e := range run.IDs {
		if !e.Told() {
			continue
		}
		fmt.Fprintf(b, "IDs of %s: found %s (%s); missing %s (%s); malformed %s (%s)\n", e.Endpoint,
			idList(e.Found), orNone(e.FoundFrom), idList(e.Missing), orNone(e.MissingFrom), idList(e.Malformed), orNone(e.MalformedFrom))
	}
	for _, g := range run.Gaps {
		fmt.Fprintf(b, "GAP: %s\n", g)
	}
	if len(run.Gaps) > 0 || slices.ContainsFunc(run.IDs, EndpointIDs.Told) {
		b.WriteString("\n")
	}
}

func idList(ids []string) string {
	if len(ids) == 0 {
		return "none"
	}
	return "[" + strings.Join(ids, " ") + "]"
}

func orNone(s string) string {
	if s == "" {
		return "not configured"
	}
	return s
}
