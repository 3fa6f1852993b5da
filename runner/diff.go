package runner

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/apiconform/apiconform/reports"
)

// diffCommand compares two results.json files: `apiconform diff BASE NEW`.
// It exits 1 only when a case regressed or a new case fails, so "run
// before the fix, run after, diff" proves the fix and guards the rest.
func diffCommand(_ context.Context, args []string, env Env) int {
	fs := newFlagSet("diff")
	format := fs.String("format", "text", "output format: text, markdown or json")
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "diff BASE NEW", fs, err)
	}
	if fs.NArg() != 2 {
		return usageFailure(env, "diff BASE NEW", fs, usagef("takes two results.json files: apiconform diff BASE NEW (got %d arguments)", fs.NArg()))
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
