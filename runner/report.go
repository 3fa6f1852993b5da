package runner

import (
	"fmt"
	"os"
	"strings"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites/auth"
)

// artifacts lists the report writers; tests add a leaking one to prove
// that the scan catches it.
var artifacts = reports.Artifacts

// Report compares the run with the baseline, redacts
// every secret, writes every artifact, scans them for the known secret
// values, and returns the exit code.
func (j *Job) Report(run *reports.Run, env Env) int {
	cfg := j.Resolved.Config
	if j.Baseline != nil {
		run.Baseline = reports.Compare(j.Baseline, run, cfg.Baseline)
	}
	redactor := reports.NewRedactor(secretValues(j.Credentials), append([]string{cfg.AuthHeader}, cfg.RedactHeaders...))
	redactor.Scrub(run)
	paths, err := reports.WriteArtifacts(cfg.ReportDir, run, artifacts())
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform: %s\n", err)
		return ExitArtifacts
	}
	leaking, err := reports.ScanFiles(paths, redactor.Secrets())
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform: %s\n", err)
		return ExitArtifacts
	}
	if len(leaking) > 0 {
		// Never leave a secret where a CI job would publish it.
		for _, p := range leaking {
			_ = os.Remove(p)
		}
		fmt.Fprintf(env.Stderr, "apiconform: a secret value survived redaction in %s; removed it. This is a bug in apiconform: please report it (without the file)\n", strings.Join(leaking, ", "))
		return ExitArtifacts
	}
	if cfg.Verbose {
		fmt.Fprintf(env.Stderr, "apiconform: wrote %s\n", strings.Join(paths, ", "))
	}
	return exitCode(run)
}

func exitCode(run *reports.Run) int {
	if run.Verdict == reports.VerdictInterrupted {
		return ExitInterrupted
	}
	if run.Baseline != nil {
		// Against a baseline only what got worse fails the job.
		switch {
		case run.Baseline.Failed():
			return ExitFail
		case run.Verdict == reports.VerdictInconclusive:
			return ExitInconclusive
		}
		return ExitPass
	}
	switch run.Verdict {
	case reports.VerdictFail:
		return ExitFail
	case reports.VerdictInconclusive:
		return ExitInconclusive
	case reports.VerdictInterrupted:
		return ExitInterrupted
	}
	return ExitPass
}

// secretValues lists the secret values of m, for redaction and the scan.
func secretValues(m auth.Method) []string {
	var values []string
	for _, s := range m.Secrets() {
		values = append(values, s.Value)
	}
	return values
}
