package reports

import (
	"fmt"
	"io"
	"strings"

	"github.com/apiconform/apiconform/suites"
)

// Diff compares two runs case by case: how a team proves a fix (run
// before, run after, diff) and guards a release (run --baseline).
type Diff struct {
	Base         string      `json:"base"`          // where the base run came from
	Fixed        []DiffEntry `json:"fixed"`         // failed, passes now
	Regressed    []DiffEntry `json:"regressed"`     // passed, fails now
	StillFailing []DiffEntry `json:"still_failing"` // failed, fails still
	NewFailing   []DiffEntry `json:"new_failing"`   // not judged before (absent, error, skipped), fails now
	NewPassing   []DiffEntry `json:"new_passing"`   // not judged before, passes now
	Inconclusive []DiffEntry `json:"inconclusive"`  // error or not run now: no verdict either way
	Unchecked    []DiffEntry `json:"unchecked"`     // judged before, skipped or absent now
	StillPassing int         `json:"still_passing"` // passed, passes still (counted, not listed)
}

// DiffEntry is one case in a diff.
type DiffEntry struct {
	ID      string         `json:"id"`
	Base    suites.Outcome `json:"base,omitempty"` // "" when the base run did not have the case
	New     suites.Outcome `json:"new,omitempty"`  // "" when the new run does not have it
	Message string         `json:"message,omitempty"`
}

// Failed reports whether the diff should fail a job: a regression or a
// new failure. Cases that still fail, as before, do not.
func (d *Diff) Failed() bool { return len(d.Regressed)+len(d.NewFailing) > 0 }

// judged maps an outcome to the verdict it carries: pass, fail, or none.
// A known failure is still a failure of the API.
func judged(o suites.Outcome) string {
	switch o {
	case suites.Pass:
		return "pass"
	case suites.Fail, suites.KnownFailure:
		return "fail"
	}
	return ""
}

// Compare diffs base against next.
func Compare(base, next *Run, baseName string) *Diff {
	d := &Diff{Base: baseName}
	before := map[string]Case{}
	for _, c := range base.Cases {
		before[c.ID] = c
	}
	seen := map[string]bool{}
	for _, c := range next.Cases {
		seen[c.ID] = true
		old, had := before[c.ID]
		e := DiffEntry{ID: c.ID, Base: old.Outcome, New: c.Outcome}
		if len(c.Failures) > 0 {
			e.Message = c.Failures[0].Message
		} else if c.Outcome == suites.Error || c.Outcome == suites.NotRun || c.Outcome == suites.Skipped {
			e.Message = c.Reason
		}
		was, now := "", judged(c.Outcome)
		if had {
			was = judged(old.Outcome)
		}
		switch {
		case c.Outcome == suites.Error || c.Outcome == suites.NotRun:
			d.Inconclusive = append(d.Inconclusive, e)
		case now == "" && was != "":
			d.Unchecked = append(d.Unchecked, e)
		case now == "":
		case was == "fail" && now == "pass":
			d.Fixed = append(d.Fixed, e)
		case was == "pass" && now == "fail":
			d.Regressed = append(d.Regressed, e)
		case was == "fail" && now == "fail":
			d.StillFailing = append(d.StillFailing, e)
		case was == "pass" && now == "pass":
			d.StillPassing++
		case now == "fail":
			d.NewFailing = append(d.NewFailing, e)
		case was == "":
			d.NewPassing = append(d.NewPassing, e)
		}
	}
	for _, c := range base.Cases {
		if !seen[c.ID] && judged(c.Outcome) != "" {
			d.Unchecked = append(d.Unchecked, DiffEntry{ID: c.ID, Base: c.Outcome, Message: "not in the new run"})
		}
	}
	return d
}

func (d *Diff) sections() []struct {
	title   string
	mark    string
	entries []DiffEntry
} {
	return []struct {
		title   string
		mark    string
		entries []DiffEntry
	}{
		{"Regressed", "✗", d.Regressed},
		{"New failures", "✗", d.NewFailing},
		{"Fixed", "✓", d.Fixed},
		{"Still failing", "•", d.StillFailing},
		{"New, passing", "+", d.NewPassing},
		{"Inconclusive now", "?", d.Inconclusive},
		{"No longer checked", "-", d.Unchecked},
	}
}

// Summary is the one-line count of a diff.
func (d *Diff) Summary() string {
	return fmt.Sprintf("%d fixed, %d regressed, %d still failing, %d new failures, %d new passing, %d still passing, %d inconclusive, %d no longer checked",
		len(d.Fixed), len(d.Regressed), len(d.StillFailing), len(d.NewFailing), len(d.NewPassing), d.StillPassing, len(d.Inconclusive), len(d.Unchecked))
}

// WriteDiffText writes the diff for a terminal.
func WriteDiffText(w io.Writer, d *Diff) error {
	var b strings.Builder
	for _, s := range d.sections() {
		if len(s.entries) == 0 {
			continue
		}
		fmt.Fprintf(&b, "%s (%d)\n", s.title, len(s.entries))
		for _, e := range s.entries {
			fmt.Fprintf(&b, "  %s %-28s %s → %s\n", s.mark, e.ID, orDash(e.Base), orDash(e.New))
			if e.Message != "" && (s.title == "Regressed" || s.title == "New failures" || s.title == "Inconclusive now") {
				fmt.Fprintf(&b, "      %s\n", e.Message)
			}
		}
		b.WriteString("\n")
	}
	fmt.Fprintf(&b, "%s\n", d.Summary())
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteDiffMarkdown writes the diff for a merge-request comment.
func WriteDiffMarkdown(w io.Writer, d *Diff) error {
	var b strings.Builder
	b.WriteString("## apiconform diff\n\n")
	fmt.Fprintf(&b, "**%s**\n\n", d.Summary())
	for _, s := range d.sections() {
		if len(s.entries) == 0 {
			continue
		}
		fmt.Fprintf(&b, "### %s (%d)\n\n| case | before | now |\n|---|---|---|\n", s.title, len(s.entries))
		for _, e := range s.entries {
			fmt.Fprintf(&b, "| `%s` | %s | %s |\n", e.ID, orDash(e.Base), orDash(e.New))
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func orDash(o suites.Outcome) string {
	if o == "" {
		return "—"
	}
	return string(o)
}
