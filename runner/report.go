package runner

import (
	"fmt"
	"os"
	"strings"

	"github.com/apiconform/apiconform/reports"
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
	redactor := j.redactor()
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

// redactor returns the redactor of the run's artifacts and console
// lines: the known secrets shown by name, the sensitive headers, and
// anything shaped like a credential.
func (j *Job) redactor() *reports.Redactor {
	cfg := j.Resolved.Config
	r := reports.NewRedactor(nil, append([]string{cfg.AuthHeader}, cfg.RedactHeaders...))
	r.Show(j.Credentials.Secrets())
	r.Show(cfg.EnvShown)
	return r
}
