package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apiconform/apiconform/reports"
)

// mergeCommand puts the parts of one job back together: `apiconform
// merge DIR...` reads each part's results.json (the report directories
// of the shards of a CI matrix) and writes one set of the four reports,
// with the verdict and exit code of the whole.
func mergeCommand(_ context.Context, args []string, env Env) int {
	fs := newFlagSet("merge")
	reportDir := fs.String("report-dir", "reports", "directory for the merged junit.xml, results.json, report.html and summary.md")
	reportURL := fs.String("report-url", "", "where CI publishes the merged report.html: summary.md links it")
	color := fs.String("color", "auto", "colour the console: auto, always or never")
	maxSpread := fs.Duration("max-spread", 12*time.Hour, "the longest time between the starts of two parts of one job: older reports left in a part's directory are refused")
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "merge DIR...", fs, usageOf(err))
	}
	if fs.NArg() == 0 {
		return usageFailure(env, "merge DIR...", fs, usagef("give the report directories (or results.json files) of the parts: apiconform merge shard-1 shard-2 ..."))
	}
	if err := checkReportURL(*reportURL); err != nil {
		return usageFailure(env, "merge", fs, err)
	}
	if !slices.Contains(reports.ColorModes, *color) {
		return usageFailure(env, "merge", fs, usagef("--color %q: must be auto, always or never", *color))
	}
	runs, sources, err := readParts(fs.Args(), *reportDir)
	if err != nil {
		return usageFailure(env, "merge", fs, err)
	}
	if *maxSpread <= 0 || *maxSpread > 30*24*time.Hour {
		return usageFailure(env, "merge", fs, usagef("--max-spread %s: must be positive and at most 720h", *maxSpread))
	}
	merged, err := reports.Merge(runs, sources, *maxSpread)
	if err != nil {
		return usageFailure(env, "merge", fs, usagef("%s", err))
	}
	if *reportURL != "" {
		merged.ReportURL = *reportURL
	}
	if _, _, err := reports.WriteSet(*reportDir, merged, artifacts(), nil); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform merge: %s\n", err)
		return ExitArtifacts
	}
	_ = reports.WriteConsole(env.Stdout, merged, reports.ConsoleOptions{Color: env.color(*color), ReportDir: *reportDir})
	return exitCode(merged)
}

// readParts reads the results.json of each part: a report directory, the
// file itself, or a directory whose subdirectories are the parts (CI
// artifacts downloaded side by side). The merged set may not be written
// over a part.
func readParts(args []string, reportDir string) ([]*reports.Run, []string, error) {
	out, _ := filepath.Abs(reportDir)
	var runs []*reports.Run
	var sources []string
	for _, path := range partFiles(args) {
		if dir, _ := filepath.Abs(filepath.Dir(path)); dir == out {
			return nil, nil, usagef("--report-dir %s is one of the parts: write the merged reports elsewhere", reportDir)
		}
		run, err := reports.ReadJSON(path)
		if err != nil {
			return nil, nil, usagef("%s", strings.TrimPrefix(err.Error(), "open "))
		}
		runs = append(runs, run)
		sources = append(sources, filepath.Dir(path))
	}
	return runs, sources, nil
}

// partFiles finds the results.json of each argument.
func partFiles(args []string) []string {
	var files []string
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			files = append(files, arg)
			continue
		}
		own := filepath.Join(arg, reports.ResultsFile)
		if _, err := os.Stat(own); err == nil {
			files = append(files, own)
			continue
		}
		nested, _ := filepath.Glob(filepath.Join(arg, "*", reports.ResultsFile))
		if len(nested) == 0 {
			nested = []string{own} // read, to say it is missing
		}
		files = append(files, nested...)
	}
	return files
}
