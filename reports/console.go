package reports

import (
	"fmt"
	"io"
	"os"
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
	Color   bool // ANSI colours (off for NO_COLOR and non-terminals)
	Verbose bool // also list notes and skipped reasons
}

// UseColor reports whether output to f should be coloured: f is a
// terminal, NO_COLOR is unset and TERM is not "dumb".
func UseColor(f *os.File, getenv func(string) string) bool {
	if getenv("NO_COLOR") != "" || getenv("TERM") == "dumb" {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
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

// WriteConsole writes the human summary of run: a table of endpoint,
// case, expected, got and outcome, then failures, warnings and errors
// with their consumer impact, then the verdict line.
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
	writeCaseTable(&b, run, p, opts.Verbose)
	writeFindings(&b, run, p, opts.Verbose)
	writeVerdictLine(&b, run, p)
	writeBaseline(&b, run, p)
	_, err := io.WriteString(w, b.String())
	return err
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

// writeFindings writes the known failures, failures, warnings and errors
// with their consumer impact (and, when verbose, skipped cases and notes).
func writeFindings(b *strings.Builder, run *Run, p palette, verbose bool) {
	section := func(title string, lines []string) {
		if len(lines) == 0 {
			return
		}
		fmt.Fprintf(b, "\n%s\n", title)
		for _, l := range lines {
			b.WriteString(l)
		}
	}
	var failures, warnings, errors, skipped, notes []string
	for _, c := range run.Cases {
		for _, f := range c.Failures {
			failures = append(failures, finding(p, "31", f))
		}
		for _, f := range c.Warnings {
			warnings = append(warnings, finding(p, "33", f))
		}
		switch c.Outcome {
		case suites.Error, suites.NotRun:
			errors = append(errors, fmt.Sprintf("  %s %s\n", p.paint("33", c.ID+":"), c.Reason))
		case suites.Skipped:
			skipped = append(skipped, fmt.Sprintf("  %s: %s\n", c.ID, c.Reason))
		}
		for _, n := range c.Notes {
			notes = append(notes, fmt.Sprintf("  %s: %s\n", c.ID, n.Message))
		}
	}
	var known []string
	for _, k := range run.Known {
		known = append(known, fmt.Sprintf("  %-28s %-10s until %s: %s\n", k.Case, k.Status, k.Expires, k.Reason))
	}
	section("Known failures (applied: allowed to fail · expired: fails again · stale: passes now, remove it)", known)
	section("Failures", failures)
	section("Warnings", warnings)
	section("Errors (inconclusive: not a verdict on the API)", errors)
	if verbose {
		section("Skipped", skipped)
		section("Notes", notes)
	} else if len(skipped) > 0 {
		fmt.Fprintf(b, "\n%d cases skipped (not configured or not applicable); -v lists them.\n", len(skipped))
	}
}

// writeVerdictLine writes the verdict with the counts and the duration.
func writeVerdictLine(b *strings.Builder, run *Run, p palette) {
	verdict := map[Verdict]string{
		VerdictPass: p.paint("1;32", "PASS"), VerdictFail: p.paint("1;31", "FAIL"),
		VerdictInconclusive: p.paint("1;33", "INCONCLUSIVE"), VerdictInterrupted: p.paint("1;33", "INTERRUPTED"),
	}[run.Verdict]
	k := run.Counts
	fmt.Fprintf(b, "\n%s  %d passed, %d failed, %d errors, %d skipped", verdict, k.Pass, k.Fail, k.Error, k.Skipped)
	if k.NotRun > 0 {
		fmt.Fprintf(b, ", %d not run", k.NotRun)
	}
	if k.Known > 0 {
		fmt.Fprintf(b, ", %d known failures", k.Known)
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

func finding(p palette, color string, f suites.Finding) string {
	s := fmt.Sprintf("  %s\n", p.paint(color, f.Message))
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
