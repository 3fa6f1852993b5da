package runner

import (
	"context"
	"fmt"
	"time"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// detectCommand probes once and judges the same exchanges against every
// profile (built-in and house): the API follows the profiles that match
// every judged case. It exits 0 when one matches, 1 when none does.
func detectCommand(ctx context.Context, args []string, env Env) int {
	job, code := prepareCommand("detect", args, env)
	if job == nil {
		return code
	}
	cfg := job.Resolved.Config
	started := time.Now()
	exchanges, deadlineHit := job.probeWithin(ctx, env)

	names := job.Resolved.Profiles.Names()
	var all []suites.Suite
	for _, name := range names {
		all = append(all, suites.Group(job.Plan.Cases, job.Resolved.Profiles, func(*plan.Endpoint) string { return name })...)
	}
	results, err := suites.Judge(suites.Input{Suites: all, Exchanges: exchanges, StrictWarnings: cfg.StrictWarnings})
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
