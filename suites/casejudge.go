package suites

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"
)

// caseJudge judges one case: when its answer arrives (judge), and again
// inside its Ginkgo spec, which reports the verdict (run).
type caseJudge struct {
	res            *Result
	profile        *Profile
	strictWarnings bool
	inconclusive   string
	skip           string          // why the spec is skipped without a verdict
	panicked       any             // what the judge panicked with, raised again in the spec
	observed       *probe.Exchange // the answer judged
	obs            *Observation    // its body, observed once for every suite of the case
}

// reset forgets a verdict, before judging (again).
func (j *caseJudge) reset() {
	r := j.res
	*r = Result{Case: r.Case, Suite: r.Suite, Profile: r.Profile}
	j.inconclusive, j.skip, j.panicked, j.observed, j.obs = "", "", nil, nil, nil
}

// judgeSafely judges, keeping a panic for the spec to raise.
func (j *caseJudge) judgeSafely() {
	defer func() {
		if p := recover(); p != nil {
			j.panicked = p
		}
	}()
	j.judge()
}

// run is the case's Ginkgo spec: it reports the verdict judge reached.
func (j *caseJudge) run() {
	if j.panicked != nil {
		panic(j.panicked)
	}
	if j.skip != "" {
		ginkgo.Skip(j.skip)
	}
	j.conclude()
}

// judge reaches the case's verdict on its answer (r.Exchange), without
// Ginkgo: it may run in the probe's goroutines, as answers arrive.
func (j *caseJudge) judge() {
	r, c := j.res, j.res.Case
	if c.Skipped() {
		r.Reason, j.skip = c.SkipReason, c.SkipReason
		return
	}
	alts := j.profile.ExpectOn(c.Endpoint, c.Kind)
	if len(alts) == 0 {
		r.Reason = fmt.Sprintf("profile %s has no expectation for %s", j.profile.Name, c.Kind)
		j.skip = r.Reason
		return
	}
	r.ExpectedStatus = allCodes(alts)
	r.Expected = describeAlternatives(alts, c)
	ex := r.Exchange
	if ex == nil {
		r.notRun = true
		r.Reason = "not run: the run stopped before this case was answered"
		j.skip = r.Reason
		return
	}
	r.Duration = ex.Duration
	if c.Kind == plan.RateLimit {
		j.judgeBurst(ex, alts)
		return
	}
	switch {
	case ex.Err != nil:
		j.inconclusive = describeTransport(ex.Err) + attemptsNote(ex.Attempts)
	case ex.Response.Status == http.StatusTooManyRequests:
		j.inconclusive = "rate limited (429) outside the rate-limit phase: the answer says nothing about this case; lower --concurrency, or cap the rate with --max-rps, and run again"
	case unavailable(ex.Response.Status) && !slices.Contains(allCodes(alts), ex.Response.Status):
		j.inconclusive = fmt.Sprintf("the API or its gateway was unavailable (%d %s): the answer says nothing about this case; run again when it is up (--wait waits for it)",
			ex.Response.Status, http.StatusText(ex.Response.Status))
	default:
		j.judgeAnswer(j.observation(ex), alts)
	}
}

// observation is the answer's body as observed once for all the case's
// suites, or observed now.
func (j *caseJudge) observation(ex *probe.Exchange) *Observation {
	if j.obs != nil {
		return j.obs
	}
	c := j.res.Case
	return Observe(c, c.Endpoint.Fields, ex.Response)
}

func describeTransport(err *probe.TransportError) string {
	return fmt.Sprintf("transport error (%s) at %s: %s", err.Fault, err.URL, err.Message)
}

// attemptsNote says how often a failed request was sent, when it was retried.
func attemptsNote(n int) string {
	if n > 1 {
		return fmt.Sprintf(" (%d attempts)", n)
	}
	return ""
}

// conclude turns the findings into the spec's state: failures fail it,
// an inconclusive answer without failures makes it an error.
func (j *caseJudge) conclude() {
	r := j.res
	for _, w := range r.Warnings {
		ginkgo.AddReportEntry("warning", w.Message)
	}
	for _, n := range r.Notes {
		ginkgo.AddReportEntry("note", n.Message)
	}
	if len(r.Failures) > 0 {
		msgs := make([]string, len(r.Failures))
		for i, f := range r.Failures {
			msgs[i] = f.Message
			if f.Impact != "" {
				msgs[i] += "\n  impact: " + f.Impact
			}
		}
		ginkgo.Fail(strings.Join(msgs, "\n"))
	}
	if j.inconclusive != "" {
		r.Reason = j.inconclusive
		r.inconclusive = true
		ginkgo.Skip(j.inconclusive)
	}
}

// expect runs one Gomega check on actual and records a finding when it fails.
func (j *caseJudge) expect(actual any, m types.GomegaMatcher, check string, level Level, source, impact string) bool {
	var message string
	g := gomega.NewGomega(func(msg string, _ ...int) { message = msg })
	if g.Expect(actual).To(m) {
		return true
	}
	f := Finding{Check: check, Level: level, Message: j.res.Case.ID + ": " + message, Impact: impact, Source: source}
	switch {
	case level == LevelFail || level == LevelWarn && j.strictWarnings:
		j.res.Failures = append(j.res.Failures, f)
	case level == LevelWarn:
		j.res.Warnings = append(j.res.Warnings, f)
	default:
		j.res.Notes = append(j.res.Notes, f)
	}
	return false
}

func (j *caseJudge) judgeAnswer(o *Observation, alts []*Alternative) {
	c := o.Case
	src := "profile " + j.profile.Name
	alt := selectAlternative(alts, o.Status)
	switch {
	case alt == nil:
		codes := allCodes(alts)
		what := fmt.Sprintf("%s (profile %s)", j.res.Expected, j.profile.Name)
		j.expect(o, HaveStatusIn(codes, what), "status", LevelFail, src, statusImpact(c, j.profile, codes, o))
	case alt.Warn != "":
		j.expect(o, HaveStatusIn(unwarnedCodes(alts), describeAlternatives(unwarned(alts), c)), "status", LevelWarn, src, alt.Warn)
	}
	if alt == nil {
		j.judgeRules(o)
		return
	}
	if !alt.NeedsBody() || j.expect(o, HaveJSONBody(), "json", LevelFail, "RFC 8259", jsonImpact) {
		for _, check := range alt.checks {
			if check.optional || alt.NeedsBody() {
				j.expect(o, check.matcher(check.arg, c), check.name, check.levelOr(LevelFail), src, check.impact(check.arg, o, c))
			}
		}
	}
	j.judgeRules(o)
}

// unwarned lists the alternatives that are accepted without a warning.
func unwarned(alts []*Alternative) []*Alternative {
	var out []*Alternative
	for _, a := range alts {
		if a.Warn == "" {
			out = append(out, a)
		}
	}
	return out
}

func unwarnedCodes(alts []*Alternative) []int { return allCodes(unwarned(alts)) }

func (j *caseJudge) judgeRules(o *Observation) {
	for _, rule := range rules {
		if !rule.applies(o, j.profile) {
			continue
		}
		if rule.note != nil {
			if text := rule.note(o, j.profile); text != "" {
				j.res.Notes = append(j.res.Notes, Finding{Check: "rule:" + rule.ID, Level: LevelInfo, Message: text, Source: rule.Source})
			}
			continue
		}
		j.expect(o, rule.check(), "rule:"+rule.ID, rule.Level, rule.Source, rule.Impact)
	}
}

// judgeBurst judges the rate-limit phase: a 429 within the budget (not a
func selectAlternative(alts []*Alternative, status int) *Alternative {
	for _, a := range alts {
		if slices.Contains(a.Codes(), status) {
			return a
		}
	}
	return nil
}

func allCodes(alts []*Alternative) []int {
	var codes []int
	for _, a := range alts {
		codes = append(codes, a.Codes()...)
	}
	return codes
}

// unavailable reports whether status says the API or its gateway could
// not answer (502, 503, 504): inconclusive, not a verdict (profiles.md
// §1b). A 500 is a verdict: the API broke on a request it should have
// answered.
func unavailable(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}
