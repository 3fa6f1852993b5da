package runner

import (
	"encoding/base64"
	"fmt"
	"net/url"
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
	redactor := j.redactor()
	redactor.Scrub(run)
	paths, leaking, err := reports.WriteSet(cfg.ReportDir, run, artifacts(), redactor.Secrets())
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform: %s; the report directory keeps the previous run's set\n", err)
		return ExitArtifacts
	}
	if len(leaking) > 0 {
		// Never leave a secret where a CI job would publish it; the
		// previous run's set stays as it was.
		fmt.Fprintf(env.Stderr, "apiconform: a secret value survived redaction in %s; nothing of this run was written. This is a bug in apiconform: please report it (without the file)\n", strings.Join(leaking, ", "))
		return ExitArtifacts
	}
	if cfg.Verbose > 0 {
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
	r.Show(userInfoSecrets(cfg.BaseURL))
	return r
}

// userInfoSecrets are the password of a base URL with user info and the
// Basic credential the HTTP client derives from it, which a server may
// echo.
func userInfoSecrets(baseURL string) []auth.Secret {
	u, err := url.Parse(baseURL)
	if err != nil || u.User == nil {
		return nil
	}
	password, ok := u.User.Password()
	if !ok || password == "" {
		return nil
	}
	basic := base64.StdEncoding.EncodeToString([]byte(u.User.Username() + ":" + password))
	return []auth.Secret{{Value: password, Shown: "[redacted]"}, {Value: basic, Shown: "[redacted]"}}
}
