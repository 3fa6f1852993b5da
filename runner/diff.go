package runner

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/reports"
)

// diffFormats are the output formats of diff.
var diffFormats = []string{"text", "markdown", "json"}

// diffFlags returns the flags of diff, bound to format.
func diffFlags(format *string) *pflag.FlagSet {
	fs := newFlagSet("diff")
	fs.StringVar(format, "format", "text", "output format: text, markdown or json")
	completeValues(fs, "format", diffFormats...)
	return fs
}

// diffHelpFooter ends diff --help.
const diffHelpFooter = `BASE and NEW are the results.json of two runs. diff lists the cases
fixed, regressed, still failing and new, and exits 1 only when a case
regressed or a new case fails.

Example:
  apiconform run ... --report-dir before     # before the fix
  apiconform run ... --report-dir after      # after the fix
  apiconform diff before/results.json after/results.json --format markdown
`

// diffCommand compares two results.json files: `apiconform diff BASE NEW`.
// It exits 1 only when a case regressed or a new case fails, so "run
// before the fix, run after, diff" proves the fix and guards the rest.
func diffCommand(_ context.Context, args []string, env Env) int {
	format := new(string)
	fs := diffFlags(format)
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "diff", fs, err)
	}
	if fs.NArg() != 2 {
		return usageFailure(env, "diff", fs, usagef("takes two results.json files: apiconform diff BASE NEW (got %d arguments)", fs.NArg()))
	}
	basePath, newPath := fs.Arg(0), fs.Arg(1)
	base, err := reports.ReadJSON(basePath)
	if err != nil {
		return usageFailure(env, "diff", fs, usagef("BASE %s", err))
	}
	next, err := reports.ReadJSON(newPath)
	if err != nil {
		return usageFailure(env, "diff", fs, usagef("NEW %s", err))
	}
	d := reports.Compare(base, next, basePath)
	switch *format {
	case "text":
		fmt.Fprintf(env.Stdout, "apiconform diff: %s (%s, %s) → %s (%s, %s)\n\n",
			basePath, base.Verdict, base.Started.Format("2006-01-02 15:04"), newPath, next.Verdict, next.Started.Format("2006-01-02 15:04"))
		if base.Profile != next.Profile {
			fmt.Fprintf(env.Stdout, "note: the runs were judged against different profiles (%s, then %s)\n\n", base.Profile, next.Profile)
		}
		err = reports.WriteDiffText(env.Stdout, d)
	case "markdown":
		err = reports.WriteDiffMarkdown(env.Stdout, d)
	case "json":
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		err = enc.Encode(d)
	default:
		return usageFailure(env, "diff", fs, usagef("--format %q: must be text, markdown or json", *format))
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform diff: %s\n", err)
		return ExitArtifacts
	}
	if d.Failed() {
		return ExitFail
	}
	return ExitPass
}
