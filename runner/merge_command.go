package runner

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/reports"
)

// mergeSettings are the flags of merge.
type mergeSettings struct {
	reportDir, reportURL, color string
	maxSpread                   time.Duration
}

// mergeFlags returns the flags of merge, bound to s.
func mergeFlags(s *mergeSettings) *pflag.FlagSet {
	fs := newFlagSet("merge")
	fs.StringVar(&s.reportDir, "report-dir", "reports", "directory for the merged junit.xml, results.json, report.html and summary.md")
	fs.StringVar(&s.reportURL, "report-url", "", "where CI publishes the merged report.html: summary.md links it")
	fs.StringVar(&s.color, "color", "auto", "colour the console: auto, always or never")
	fs.DurationVar(&s.maxSpread, "max-spread", 12*time.Hour, "the longest time between the starts of two parts of one job: older reports left in a part's directory are refused")
	completeDirs(fs, "report-dir")
	completeValues(fs, "color", reports.ColorModes...)
	return fs
}

// mergeHelpFooter ends merge --help.
const mergeHelpFooter = `Each DIR is a part's report directory, its results.json, or a directory
of part directories (CI artifacts downloaded side by side). merge writes
the four reports of the whole and exits with its verdict: 0 pass, 1 fail,
3 inconclusive (a shard missing from the merge is never a pass).

Example:
  apiconform run --config apiconform.yaml --shard 1/2 --report-dir part-1
  apiconform run --config apiconform.yaml --shard 2/2 --report-dir part-2
  apiconform merge --report-dir reports part-1 part-2
`

// mergeCommand puts the parts of one job back together: `apiconform
// merge DIR...` reads each part's results.json (the report directories
// of the shards of a CI matrix) and writes one set of the four reports,
// with the verdict and exit code of the whole.
func mergeCommand(_ context.Context, args []string, env Env) int {
	var s mergeSettings
	fs := mergeFlags(&s)
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "merge", fs, usageOf(err))
	}
	if fs.NArg() == 0 {
		return usageFailure(env, "merge", fs, usagef("give the report directories (or results.json files) of the parts: apiconform merge shard-1 shard-2 ..."))
	}
	if err := s.check(); err != nil {
		return usageFailure(env, "merge", fs, err)
	}
	runs, sources, err := readParts(fs.Args(), s.reportDir)
	if err != nil {
		return usageFailure(env, "merge", fs, err)
	}
	merged, err := reports.Merge(runs, sources, s.maxSpread)
	if err != nil {
		return usageFailure(env, "merge", fs, usagef("%s", err))
	}
	if s.reportURL != "" {
		merged.ReportURL = s.reportURL
	}
	if _, _, err := reports.WriteSet(s.reportDir, merged, artifacts(), nil); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform merge: %s\n", err)
		return ExitArtifacts
	}
	_ = reports.WriteConsole(env.Stdout, merged, reports.ConsoleOptions{Color: env.color(s.color), ReportDir: s.reportDir})
	return exitCode(merged)
}

// check range-checks the flags of merge.
func (s *mergeSettings) check() error {
	if err := checkReportURL(s.reportURL); err != nil {
		return err
	}
	if !slices.Contains(reports.ColorModes, s.color) {
		return usagef("--color %q: must be auto, always or never", s.color)
	}
	if s.maxSpread <= 0 || s.maxSpread > 30*24*time.Hour {
		return usagef("--max-spread %s: must be positive and at most 720h", s.maxSpread)
	}
	return nil
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
