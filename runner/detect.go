package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// detectCommand probes once and judges the same exchanges against every
// profile (built-in and house): the API follows the profiles that match
// every judged case. It exits 0 when one matches, 1 when none does.
func detectCommand(ctx context.Context, args []string, env Env) int {
	job, code := prepareCommand("detect", newDetectFlagSet, args, env)
	if job == nil {
		return code
	}
	cfg := job.Resolved.Config
	started := time.Now()
	names := job.Resolved.Profiles.Names()
	got, err := job.probeWithin(ctx, env, func() suites.Input {
		var all []suites.Suite
		for _, name := range names {
			all = append(all, suites.Group(job.Plan.Cases, job.Resolved.Profiles, func(*plan.Endpoint) string { return name })...)
		}
		return suites.Input{Suites: all}
	})
	var results []*suites.Result
	if err == nil {
		results, err = got.judgement.Results(got.exchanges)
	}
	exchanges, deadlineHit := got.exchanges, got.deadlineHit
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform detect: judging failed: %s (a bug in apiconform: please report it)\n", err)
		return ExitInternal
	}
	byProfile := map[string][]*suites.Result{}
	for _, r := range results {
		byProfile[r.Profile] = append(byProfile[r.Profile], r)
	}
	detection := suites.Detect(names, byProfile, exchanges)
	chosen := detection.Closest
	if len(detection.Follows) > 0 {
		chosen = detection.Follows[0]
	}
	run := job.newRun(ctx, started, chosen, byProfile[chosen], deadlineHit)
	run.Detection = detection

	fmt.Fprintf(env.Stdout, "apiconform detect · %s\n\n", words.URL(cfg.BaseURL))
	code = job.Report(run, env)
	_ = reports.WriteDetection(env.Stdout, detection, run)
	switch {
	case code == ExitArtifacts || code == ExitInterrupted:
		return code
	case len(detection.Follows) > 0:
		return ExitPass
	case detection.Profiles[0].Judged() == 0:
		return ExitInconclusive
	}
	return ExitFail
}

// detectLeavesOut are the run flags that make no sense for detect, with
// why: detect judges one set of answers against every profile, and says
// which the API follows.
var detectLeavesOut = map[string]string{
	"profile":         "judges the answers against every profile (apiconform run --profile judges one)",
	"baseline":        "names the profile the API follows; comparing with an earlier run is apiconform run --baseline, or apiconform diff",
	"known-failures":  "names the profile the API follows; cases allowed to fail are a policy of apiconform run",
	"strict-warnings": "tells profiles apart, and a warning is the same in every profile (apiconform run --strict-warnings fails them)",
	"shard":           "looks at one API as a whole; a split run (apiconform run --shard) is put back together by apiconform merge",
}

// newDetectFlagSet returns the flags of detect, bound to c: the run flags
// that describe the API, the transport, the credentials, the IDs and the
// reports, without those of detectLeavesOut.
func newDetectFlagSet(c *Config) *pflag.FlagSet {
	fs := newFlagSet("detect")
	newRunFlagSet(c).VisitAll(func(f *pflag.Flag) {
		if _, out := detectLeavesOut[f.Name]; out {
			return
		}
		if f.Name == "openapi" {
			f.Usage = "the API's OpenAPI document: its operations are the endpoints when none is configured, and a status an operation does not declare is warned of"
		}
		fs.AddFlag(f)
	})
	return fs
}

// forDetect readies a configuration for detect: the policies of a run
// that a shared config file may hold (baseline, known failures, strict
// warnings) do not apply, and an endpoint without IDs of its own reads
// them from its collection.
func (c *Config) forDetect() {
	c.Baseline, c.KnownFailures, c.StrictWarnings = "", "", false
	c.discoverWhereNoIDs()
}

// detectHelpFooter ends detect --help.
const detectHelpFooter = `detect probes once and judges the same answers against every profile
(built-in and the config's house profiles). It prints which one the API
follows, how many cases each matched and what keeps the API from its
closest profile; exit 0 when one matches, 1 when none does, 3 when
nothing could be judged.

An API that wants credentials answers every case 401 without --token-env
and so matches no profile: name the variable that holds the token.

Examples:
  export API_TOKEN=...
  apiconform detect --base-url https://staging.example.com/api --path /items \
    --found 2,3 --missing 1,999 --malformed abc --token-env API_TOKEN

  # no IDs: detect reads them from the collection (GET /records)
  apiconform detect --base-url https://staging.example.com/api \
    --path '/records/{id}' --id-style path --token-env API_TOKEN
`
