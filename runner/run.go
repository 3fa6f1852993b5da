package runner

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// newRunFlagSet returns the flags of run, bound to c.
func newRunFlagSet(c *Config) *pflag.FlagSet {
	fs := newFlagSet("run")
	runFlags(fs, c)
	return fs
}

// prepareCommand loads and prepares a command that takes the run flags
// (or, like detect, some of them: newFlags builds the command's own set).
// It returns the job, or nil and the exit code to end with (a usage
// error, --help, or the plan printed for --dry-run).
func prepareCommand(name string, newFlags func(*Config) *pflag.FlagSet, args []string, env Env) (*Job, int) {
	cfg, err := LoadConfig(args, env.LookupEnv, newFlags, env.environ()...)
	if err != nil {
		return nil, usageFailure(env, name, nil, err)
	}
	for _, w := range cfg.Warnings {
		fmt.Fprintf(env.Stderr, "apiconform %s: warning: %s\n", name, w)
	}
	if err := cfg.endpointsFromOpenAPI(); err != nil {
		return nil, usageFailure(env, name, nil, err)
	}
	if name == "detect" {
		cfg.forDetect()
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
	job, code := prepareCommand("run", newRunFlagSet, args, env)
	if job == nil {
		return code
	}
	cfg := job.Resolved.Config
	run, code := job.Execute(ctx, env)
	if run != nil {
		_ = reports.WriteConsole(env.Stdout, run, reports.ConsoleOptions{Color: env.color(cfg.Color), Verbose: cfg.Verbose > 0, ReportDir: cfg.ReportDir})
	}
	return code
}

// Execute probes, judges and writes the reports. It returns the run and
// the exit code; the run is nil only when nothing could be judged. When
// ctx ends (a signal) or --deadline passes, sending stops, what came back
// is judged, the rest is reported as not run, and every report is written.
func (j *Job) Execute(ctx context.Context, env Env) (*reports.Run, int) {
	run, err := j.judgedRun(ctx, env)
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform: judging failed: %s (a bug in apiconform: please report it)\n", err)
		return nil, ExitInternal
	}
	return run, j.Report(run, env)
}

// judgedRun probes and judges, and returns the run record alone: the
// answers and the judges' state are garbage once it is made, before the
// reports are written.
func (j *Job) judgedRun(ctx context.Context, env Env) (*reports.Run, error) {
	cfg := j.Resolved.Config
	started := time.Now()
	// The page's template is made ready while the probe waits for answers.
	go reports.WarmHTML()
	// The judge sees every answer as received, as it arrives; the reports
	// are redacted before anyone reads them.
	got, err := j.probeWithin(ctx, env, func() suites.Input {
		return suites.Input{Suites: j.Suites(), StrictWarnings: cfg.StrictWarnings}
	})
	if err != nil {
		return nil, err
	}
	results, err := got.judgement.Results(got.exchanges)
	if err != nil {
		return nil, err
	}
	return j.newRun(ctx, started, cfg.Profile, results, got.deadlineHit), nil
}

// probed is what probing gave: the answers, judged as they came.
type probed struct {
	exchanges   map[string]*probe.Exchange
	judgement   *suites.Judgement
	deadlineHit bool // the deadline, not the caller, cut the run short
}

// probeWithin waits for the API (--wait), finds the IDs to find, then
// probes, all within --deadline; the judge of input (made once the plan
// holds its final IDs) hears of each answer as it arrives.
func (j *Job) probeWithin(ctx context.Context, env Env, input func() suites.Input) (probed, error) {
	cfg := j.Resolved.Config
	probeCtx := ctx
	if cfg.Deadline > 0 {
		var cancel context.CancelFunc
		probeCtx, cancel = context.WithTimeoutCause(ctx, cfg.Deadline, fmt.Errorf("the run reached --deadline %s", cfg.Deadline))
		defer cancel()
	}
	prober := j.newProber(nil)
	if cfg.Wait > 0 {
		if err := prober.WaitReady(probeCtx, j.waitURL(), cfg.Wait); err != nil && probeCtx.Err() == nil {
			// Probe anyway: every case then records what came back, and the
			// reports say inconclusive rather than nothing at all.
			fmt.Fprintf(env.Stderr, "apiconform: %s; probing anyway\n", err)
		}
	}
	credsErr := auth.Prepare(probeCtx, j.Credentials)
	if credsErr == nil || probeCtx.Err() != nil {
		j.discoverIDs(probeCtx, prober)
	}
	judgement, err := suites.NewJudgement(input())
	if err != nil {
		return probed{}, err
	}
	if credsErr != nil && probeCtx.Err() == nil {
		// No credentials, no verdict: every case is inconclusive, and
		// nothing is sent with credentials the API would refuse.
		fmt.Fprintf(env.Stderr, "apiconform: %s; no case was sent\n", credsErr)
		return probed{exchanges: j.unsent(credsErr), judgement: judgement}, nil
	}
	watch := newWatch(env, cfg.Verbose, j.redactor(), j.Plan)
	watch.Start()
	exchanges := j.probe(probeCtx, prober.WithWatcher(watchers{watch, judgement, newBodyCollector()}))
	watch.Stop()
	return probed{exchanges: exchanges, judgement: judgement, deadlineHit: ctx.Err() == nil && probeCtx.Err() != nil}, nil
}

// unsent records, for every runnable case, that it was not sent because
// the run's credentials could not be obtained.
func (j *Job) unsent(err error) map[string]*probe.Exchange {
	out := map[string]*probe.Exchange{}
	for _, c := range j.Plan.Cases {
		if c.Skipped() {
			continue
		}
		out[c.ID] = &probe.Exchange{
			CaseID:  c.ID,
			Request: probe.RecordedRequest{Method: c.Request.Method, URL: c.Request.URL, Body: c.Request.Body},
			Err:     &probe.TransportError{Fault: probe.FaultAuth, URL: c.Request.URL, Message: "not sent: the credentials could not be obtained: " + err.Error()},
		}
	}
	return out
}

// waitURL is what --wait asks: the base URL, or --wait-path under it.
func (j *Job) waitURL() string {
	cfg := j.Resolved.Config
	if cfg.WaitPath == "" {
		return cfg.BaseURL
	}
	return strings.TrimSuffix(cfg.BaseURL, "/") + cfg.WaitPath
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
	notices := append(slices.Clip(j.Notices), suites.IDStyleHints(results)...)
	if deadlineHit {
		if n := suites.CountResults(results).NotRun; n > 0 {
			notices = append(slices.Clip(notices), fmt.Sprintf("the run reached --deadline %s: %d cases were not answered in time and are reported as not run", cfg.Deadline, n))
		}
	}
	meta := reports.Meta{
		Version: Version(), Target: cfg.BaseURL, Profile: profile,
		Started: started, Duration: time.Since(started), Notices: notices, Insecure: cfg.Insecure, Known: known,
		Incident: suites.FindIncident(results), Seed: j.Seed, IDs: j.idSets(), Gaps: j.Gaps, ReportURL: cfg.ReportURL,
		Shard: j.Shard,
	}
	if ctx.Err() != nil {
		meta.Interrupted = "interrupted: " + interruptCause(ctx)
	}
	return reports.NewRun(meta, results)
}

// newProber returns the prober of the run; watch (nil: none) hears of
// each case as it goes.
func (j *Job) newProber(watch probe.Watcher) *probe.Prober {
	if watch == nil {
		watch = watchers{}
	}
	cfg := j.Resolved.Config
	return probe.New(probe.Options{
		Concurrency: cfg.Concurrency, Timeout: cfg.Timeout, MaxBody: cfg.MaxBody,
		UserAgent: "apiconform/" + Version(), Auth: j.Credentials, TLS: j.TLS,
		Retries: cfg.Retries, MaxRPS: cfg.MaxRPS, FollowRedirects: cfg.FollowRedirects, Proxy: j.Proxy, Resolver: j.Resolver, Watch: watch,
		BeforeTLS: func() { TrustRoots() },
	})
}

// watchers hears of each case in turn: the progress first, while the
// answer's body is whole, then the judge, which cuts it, then the
// collector of the bodies cut.
type watchers []probe.Watcher

func (ws watchers) Sent(c *plan.Case) {
	for _, w := range ws {
		w.Sent(c)
	}
}

func (ws watchers) Answered(c *plan.Case, ex *probe.Exchange) {
	for _, w := range ws {
		w.Answered(c, ex)
	}
}

// maxScopesAtOnce bounds the rate-limit scopes that burst at once (and
// --concurrency bounds it further): each burst has --concurrency
// requests in flight.
const maxScopesAtOnce = 4

// probe sends the plan (the probe runs the bursts last, one at a time).
func (j *Job) probe(ctx context.Context, prober *probe.Prober) map[string]*probe.Exchange {
	cfg := j.Resolved.Config
	return prober.Run(ctx, j.Plan.Cases, probe.BurstOptions{
		Budget: cfg.RateLimitBurst, Concurrency: cfg.Concurrency, RetryAfterMax: cfg.RetryAfterMax,
		Scopes: min(maxScopesAtOnce, cfg.Concurrency),
	})
}

// Suites groups the plan's cases by endpoint, each under its own profile.
func (j *Job) Suites() []suites.Suite {
	return suites.Group(j.Plan.Cases, j.Resolved.Profiles, func(ep *plan.Endpoint) string { return ep.Profile })
}

// interruptCause says why ctx ended, for the report.
func interruptCause(ctx context.Context) string {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause.Error()
	}
	return "the run was stopped"
}

// idSets says which IDs each endpoint used and where they came from.
func (j *Job) idSets() []reports.EndpointIDs {
	var out []reports.EndpointIDs
	for _, ep := range j.Endpoints {
		out = append(out, reports.EndpointIDs{
			Endpoint: ep.Name, Found: ep.Found, FoundFrom: ep.Sources.Found,
			Missing: ep.Missing, MissingFrom: ep.Sources.Missing, Malformed: ep.Malformed, MalformedFrom: ep.Sources.Malformed,
		})
	}
	return out
}

// runHelpFooter ends run --help.
const runHelpFooter = `Every flag can also be set with an environment variable: --base-url is
APICONFORM_BASE_URL, --rate-limit-burst is APICONFORM_RATE_LIMIT_BURST.
Precedence: defaults < config file < APICONFORM_* environment < flags.
Tokens are never flag values: name the variable that holds them
(--token-env API_TOKEN).

Examples:
  apiconform run --config apiconform.yaml
  apiconform run --base-url https://staging.example.com/api --profile lenient \
    --path /items --found 2,3 --missing 1,999 --malformed abc --token-env API_TOKEN
`
