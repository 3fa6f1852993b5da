package runner

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
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
		all = append(all, job.suitesFor(name)...)
	}
	results, err := suites.Judge(suites.Input{Suites: all, Exchanges: exchanges, StrictWarnings: cfg.StrictWarnings})
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform detect: judging failed: %s\n", err)
		return ExitArtifacts
	}
	byProfile := map[string][]*suites.Result{}
	for _, r := range results {
		byProfile[r.Profile] = append(byProfile[r.Profile], r)
	}
	detection := detect(names, byProfile, exchanges)
	chosen := detection.Closest
	if len(detection.Follows) > 0 {
		chosen = detection.Follows[0]
	}
	run := reports.NewRun(job.meta(ctx, started, chosen, byProfile[chosen], deadlineHit), byProfile[chosen])
	run.Detection = detection

	fmt.Fprintf(env.Stdout, "apiconform detect · %s\n\n", cfg.BaseURL)
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

// detect scores every profile and names what the API follows.
func detect(names []string, byProfile map[string][]*suites.Result, exchanges map[string]*probe.Exchange) *reports.Detection {
	d := &reports.Detection{}
	for _, name := range names {
		s := reports.ProfileScore{Name: name}
		for _, r := range byProfile[name] {
			switch r.Outcome {
			case suites.Pass:
				s.Pass++
			case suites.Fail:
				s.Fail++
				s.Mismatches = append(s.Mismatches, r.Case.ID)
			case suites.Error, suites.NotRun:
				s.Error++
			default:
				s.Skipped++
			}
		}
		d.Profiles = append(d.Profiles, s)
		if s.Fail == 0 && s.Pass > 0 {
			d.Follows = append(d.Follows, name)
		}
	}
	best := d.Profiles[0]
	for _, s := range d.Profiles[1:] {
		if s.Fail < best.Fail || s.Fail == best.Fail && s.Pass > best.Pass {
			best = s
		}
	}
	switch {
	case best.Judged() == 0:
		d.Closest = best.Name
		d.Verdict = "No case could be judged (every answer was an error or skipped): nothing to detect."
	case len(d.Follows) == 1:
		d.Verdict = fmt.Sprintf("The API follows the %s profile (%d of %d cases).", d.Follows[0], best.Pass, best.Judged())
	case len(d.Follows) > 1:
		d.Verdict = fmt.Sprintf("The API is consistent with %s: they expect the same answers to the cases configured (more ID sets, auth or --max-ids may tell them apart).", strings.Join(d.Follows, ", "))
	default:
		d.Closest = best.Name
		d.Incident = incidentPattern(exchanges, byProfile[best.Name])
		d.Verdict = fmt.Sprintf("The API matches no profile. Closest: %s (%d of %d cases).", best.Name, best.Pass, best.Judged())
		if d.Incident {
			d.Verdict = fmt.Sprintf("The API matches no profile: it answers 2xx where every profile expects an error. This is the incident pattern, always-200: a client that trusts the status takes missing records, bad requests and wrong URLs for success. Closest: %s (%d of %d cases).", best.Name, best.Pass, best.Judged())
		}
	}
	return d
}

// incidentPattern reports whether the API answered 2xx to the cases that
// every profile answers with an error status or an error signal: a wrong
// URL, a missing parameter, a malformed ID, IDs that do not exist.
func incidentPattern(exchanges map[string]*probe.Exchange, results []*suites.Result) bool {
	telling := map[plan.Kind]bool{plan.UnknownEndpoint: true, plan.MissingParam: true, plan.Malformed: true, plan.None: true, plan.Partial: true}
	answered := 0
	for _, r := range results {
		if !telling[r.Case.Kind] {
			continue
		}
		ex := exchanges[r.Case.ID]
		if ex == nil || ex.Response == nil {
			continue
		}
		answered++
		if ex.Response.Status < http.StatusOK || ex.Response.Status > 299 {
			return false
		}
		if o := suites.Observe(r.Case, r.Case.Endpoint.Fields, ex.Response); o.Get(o.Fields.OK).Exists() {
			// An envelope's ok:false is an honest signal, not the incident.
			return false
		}
	}
	return answered >= 2
}
