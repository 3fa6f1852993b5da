package runner

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/httpsyntax"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/apiconform/apiconform/suites/words"
)

func newRunFlagSet(c *Config) *pflag.FlagSet {
	fs := newFlagSet("run")
	runFlags(fs, c)
	return fs
}

// prepareCommand loads and prepares a command that takes the run flags.
// It returns the job, or nil and the exit code to end with (a usage
// error, --help, or the plan printed for --dry-run).
func prepareCommand(name string, args []string, env Env) (*Job, int) {
	cfg, err := LoadConfig(args, env.LookupEnv, newRunFlagSet)
	if err != nil {
		help := Defaults()
		return nil, usageFailure(env, name, newRunFlagSet(&help), err)
	}
	job, err := Prepare(cfg, env)
	if err != nil {
		return nil, usageFailure(env, name, nil, err)
	}
	if cfg.DryRun {
		printPlan(env.Stdout, job)
		return nil, ExitPass
	}
	return job, ExitPass
}

func runCommand(ctx context.Context, args []string, env Env) int {
	job, code := prepareCommand("run", args, env)
	if job == nil {
		return code
	}
	cfg := job.Resolved.Config
	run, code := job.Execute(ctx, env)
	if run != nil {
		_ = reports.WriteConsole(env.Stdout, run, reports.ConsoleOptions{Color: env.Color, Verbose: cfg.Verbose})
	}
	return code
}

// Job is a prepared run: a resolved configuration, the credentials from
// the environment and the plan.
type Job struct {
	Resolved    *Resolved
	Credentials auth.Method
	TLS         *tls.Config
	// Proxy picks a request's proxy from HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
	Proxy func(*http.Request) (*url.URL, error)
	Plan  plan.Plan
	// Notices are run-wide warnings every report repeats (e.g. --insecure).
	Notices       []string
	Baseline      *reports.Run
	KnownFailures []suites.KnownFailureEntry
}

// Prepare resolves cfg, reads the credentials it names from the
// environment and builds the filtered plan. It sends nothing.
func Prepare(cfg *Config, env Env) (*Job, error) {
	resolved, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	creds, err := credentials(cfg, env)
	if err != nil {
		return nil, err
	}
	tlsConfig, err := probe.TLSConfig(cfg.CACert, cfg.Insecure)
	if err != nil {
		return nil, usagef("--ca-cert %s: %s", cfg.CACert, err)
	}
	proxy, err := proxyFromEnv(env.getenv, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	var notices []string
	if cfg.Insecure {
		notices = append(notices, "TLS certificate verification was OFF (--insecure): the API's identity was not checked, and these verdicts may come from an impostor")
	}
	p, err := plan.Build(resolved.Endpoints, plan.Options{
		BaseURL:             cfg.BaseURL,
		AuthConfigured:      auth.Configured(creds),
		ForbiddenConfigured: creds.Offers(auth.Forbidden),
		WrongMethod:         cfg.WrongMethod,
		RateLimitBurst:      cfg.RateLimitBurst,
		UnknownSuffix:       randomHex(6),
	})
	if err != nil {
		return nil, usagef("%s", err.Error())
	}
	all := p
	if p, err = p.Filter(cfg.LabelFilter); err != nil {
		return nil, usagef("%s", err.Error())
	}
	if len(p.Cases) == 0 {
		return nil, usagef("--label-filter %q selects no case; labels in this plan: %s", cfg.LabelFilter, strings.Join(all.Labels(), ", "))
	}
	job := &Job{Resolved: resolved, Credentials: creds, TLS: tlsConfig, Proxy: proxy, Plan: p, Notices: notices}
	if cfg.Baseline != "" {
		if job.Baseline, err = reports.ReadJSON(cfg.Baseline); err != nil {
			return nil, usagef("--baseline: %s", err)
		}
	}
	if cfg.KnownFailures != "" {
		if job.KnownFailures, err = loadKnownFailures(cfg.KnownFailures); err != nil {
			return nil, usagef("--known-failures: %s", err)
		}
	}
	for _, h := range cfg.RedactHeaders {
		if !httpsyntax.IsToken(h) {
			return nil, usagef("--redact-header %q: not a header name", h)
		}
	}
	return job, nil
}

// credentials reads the credentials the config names from the
// environment. Their values never leave the prober.
func credentials(cfg *Config, env Env) (auth.Method, error) {
	spec := auth.Spec{Header: cfg.AuthHeader, Scheme: cfg.AuthScheme, TokenEnv: cfg.TokenEnv, ForbiddenTokenEnv: cfg.ForbiddenTokenEnv}
	m, err := auth.New(spec, env.getenv)
	var fe *auth.FieldError
	if errors.As(err, &fe) {
		return nil, usagef("%s", authFlagError(fe))
	}
	return m, err
}

// authFlags are the flags that set the fields of an auth.Spec.
var authFlags = map[string]string{
	"token_env": "--token-env", "forbidden_token_env": "--forbidden-token-env", "header": "--auth-header", "scheme": "--auth-scheme",
}

// authFlagError words an auth field error with the flag that sets the field.
func authFlagError(fe *auth.FieldError) string {
	name := authFlags[fe.Key]
	if name == "" {
		name = "auth." + fe.Key
	}
	msg := strings.ReplaceAll(fe.Msg, "token_env ", "--token-env ")
	if fe.Value == "" {
		return name + ": " + msg
	}
	return name + " " + fe.Value + ": " + msg
}

// Execute probes, judges and writes the reports. It returns the run and
// the exit code; the run is nil only when nothing could be judged. When
// ctx ends (a signal) or --deadline passes, sending stops, what came back
// is judged, the rest is reported as not run, and every report is written.
func (j *Job) Execute(ctx context.Context, env Env) (*reports.Run, int) {
	cfg := j.Resolved.Config
	started := time.Now()
	exchanges, deadlineHit := j.probeWithin(ctx, env)

	var ginkgoOut io.Writer
	if cfg.Verbose {
		ginkgoOut = env.Stderr
	}
	results, err := suites.Judge(suites.Input{
		Suites: j.Suites(), Exchanges: exchanges, StrictWarnings: cfg.StrictWarnings, GinkgoOutput: ginkgoOut,
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform: judging failed: %s (a bug in apiconform: please report it)\n", err)
		return nil, ExitInternal
	}
	run := j.newRun(ctx, started, cfg.Profile, results, deadlineHit)
	return run, j.Report(run, env)
}

// probeWithin waits for the API (--wait), then probes within --deadline.
// deadlineHit says whether the deadline, not the caller, cut the probe short.
func (j *Job) probeWithin(ctx context.Context, env Env) (exchanges map[string]*probe.Exchange, deadlineHit bool) {
	cfg := j.Resolved.Config
	if cfg.Wait > 0 {
		if err := waitForAPI(ctx, cfg.BaseURL, cfg.Wait, (&net.Dialer{}).DialContext); err != nil && ctx.Err() == nil {
			// Probe anyway: every case then records why it could not connect,
			// and the reports say inconclusive rather than nothing at all.
			fmt.Fprintf(env.Stderr, "apiconform: %s; probing anyway\n", err)
		}
	}
	probeCtx := ctx
	if cfg.Deadline > 0 {
		var cancel context.CancelFunc
		probeCtx, cancel = context.WithTimeoutCause(ctx, cfg.Deadline, fmt.Errorf("the run reached --deadline %s", cfg.Deadline))
		defer cancel()
	}
	exchanges = j.Probe(probeCtx)
	return exchanges, ctx.Err() == nil && probeCtx.Err() != nil
}

// newRun applies the known-failure policy to the judged results and
// assembles the run record: the notices, and why it stopped early when
// it did.
func (j *Job) newRun(ctx context.Context, started time.Time, profile string, results []*suites.Result, deadlineHit bool) *reports.Run {
	cfg := j.Resolved.Config
	var known []suites.KnownStatus
	if j.KnownFailures != nil {
		known = suites.ApplyKnownFailures(results, j.KnownFailures, time.Now())
	}
	notices := j.Notices
	if deadlineHit {
		if n := suites.CountResults(results).NotRun; n > 0 {
			notices = append(slices.Clip(notices), fmt.Sprintf("the run reached --deadline %s: %d cases were not answered in time and are reported as not run", cfg.Deadline, n))
		}
	}
	meta := reports.Meta{
		Version: Version(), Target: cfg.BaseURL, Profile: profile,
		Started: started, Duration: time.Since(started), Notices: notices, Insecure: cfg.Insecure, Known: known,
	}
	if ctx.Err() != nil {
		meta.Interrupted = "interrupted: " + interruptCause(ctx)
	}
	return reports.NewRun(meta, results)
}

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

// Probe sends the plan (the probe runs the bursts last, one at a time).
func (j *Job) Probe(ctx context.Context) map[string]*probe.Exchange {
	cfg := j.Resolved.Config
	prober := probe.New(probe.Options{
		Concurrency: cfg.Concurrency, Timeout: cfg.Timeout, MaxBody: cfg.MaxBody,
		UserAgent: "apiconform/" + Version(), Auth: j.Credentials, TLS: j.TLS,
		Retries: cfg.Retries, MaxRPS: cfg.MaxRPS, FollowRedirects: cfg.FollowRedirects, Proxy: j.Proxy,
	})
	return prober.Run(ctx, j.Plan.Cases, probe.BurstOptions{
		Budget: cfg.RateLimitBurst, Concurrency: cfg.Concurrency, RetryAfterMax: cfg.RetryAfterMax,
	})
}

// Suites groups the plan's cases by endpoint, each under its own profile.
func (j *Job) Suites() []suites.Suite {
	return suites.Group(j.Plan.Cases, j.Resolved.Profiles, func(ep *plan.Endpoint) string { return ep.Profile })
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

// interruptCause says why ctx ended, for the report.
func interruptCause(ctx context.Context) string {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause.Error()
	}
	return "the run was stopped"
}

func printPlan(w io.Writer, j *Job) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CASE\tREQUEST\tEXPECTED (profile)")
	for _, s := range j.Suites() {
		for _, c := range s.Cases {
			req := c.Request.Method + " " + words.Clip(c.Request.URL, 90)
			if len(c.Request.URL) > 90 {
				req += fmt.Sprintf(" (%d IDs)", len(c.IDs.Sent))
			}
			switch c.Request.Auth {
			case auth.Missing:
				req += " [no credentials]"
			case auth.Invalid:
				req += " [a wrong token]"
			case auth.Forbidden:
				req += " [a token without rights]"
			}
			if c.Skipped() {
				req = "skipped: " + c.SkipReason
			}
			expected := "-"
			if !c.Skipped() {
				expected = suites.Describe(s.Profile, &c)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s (%s)\n", c.ID, req, expected, s.Profile.Name)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d cases; nothing was sent (--dry-run).\n", len(j.Plan.Cases))
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprintf("%x", time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}

func useColor(f *os.File, getenv func(string) string) bool { return reports.UseColor(f, getenv) }

// secretValues lists the secret values of m, for redaction and the scan.
func secretValues(m auth.Method) []string {
	var values []string
	for _, s := range m.Secrets() {
		values = append(values, s.Value)
	}
	return values
}

// loadKnownFailures reads a --known-failures file.
func loadKnownFailures(path string) ([]suites.KnownFailureEntry, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return suites.ParseKnownFailures(data, path)
}
