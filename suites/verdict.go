package suites

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"
	"github.com/onsi/gomega/types"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// Outcome is the verdict on one case. Outcomes are kept apart: an error
// (inconclusive) is never a failure, and a skipped case is never a pass.
type Outcome string

// The outcomes.
const (
	Pass    Outcome = "pass"
	Fail    Outcome = "fail"
	Error   Outcome = "error"   // inconclusive: transport failure, or a 429 outside the burst
	Skipped Outcome = "skipped" // not configured, not applicable, or not in the profile
	NotRun  Outcome = "not-run" // the run stopped before the case was answered
	// KnownFailure is a failure listed in --known-failures and not yet
	// expired. The runner's policy sets it after judging; the judge never does.
	KnownFailure Outcome = "known-failure"
)

// Finding is one broken expectation or rule, or an info note.
type Finding struct {
	Check   string `json:"check"` // status, ids, missing_ids, ..., or rule:<id>
	Level   Level  `json:"level"`
	Message string `json:"message"`
	Impact  string `json:"impact,omitempty"`
	Source  string `json:"source,omitempty"`
}

// Result is the judge's verdict on one case.
type Result struct {
	Case           *plan.Case
	Suite          string
	Profile        string
	Exchange       *probe.Exchange
	Outcome        Outcome
	Expected       string // the profile's expectation, in words
	ExpectedStatus []int
	Failures       []Finding
	Warnings       []Finding
	Notes          []Finding
	Reason         string // why the case was skipped, errored or not run
	Message        string // the failure message as the judge reported it
	Duration       time.Duration

	notRun       bool
	inconclusive bool
}

// Impact returns the consumer impact of the first failure.
func (r *Result) Impact() string {
	for _, f := range r.Failures {
		if f.Impact != "" {
			return f.Impact
		}
	}
	return ""
}

// caseJudge judges one case inside its Ginkgo spec.
type caseJudge struct {
	res            *Result
	profile        *Profile
	strictWarnings bool
	inconclusive   string
}

func (j *caseJudge) run() {
	r, c := j.res, j.res.Case
	if c.Skipped() {
		r.Reason = c.SkipReason
		ginkgo.Skip(c.SkipReason)
	}
	alts := j.profile.Expect(c.Kind)
	if len(alts) == 0 {
		r.Reason = fmt.Sprintf("profile %s has no expectation for %s", j.profile.Name, c.Kind)
		ginkgo.Skip(r.Reason)
	}
	r.ExpectedStatus = allCodes(alts)
	r.Expected = describeAlternatives(alts, c)
	ex := r.Exchange
	if ex == nil {
		r.notRun = true
		r.Reason = "not run: the run stopped before this case was answered"
		ginkgo.Skip(r.Reason)
	}
	r.Duration = ex.Duration
	if c.Kind == plan.RateLimit {
		j.judgeBurst(ex, alts)
	} else {
		switch {
		case ex.Err != nil:
			j.inconclusive = describeTransport(ex.Err) + attemptsNote(ex.Attempts)
		case ex.Response.Status == http.StatusTooManyRequests:
			j.inconclusive = "rate limited (429) outside the rate-limit phase: the answer says nothing about this case; lower --concurrency and run again"
		default:
			j.judgeAnswer(Observe(c, c.Endpoint.Fields, ex.Response), alts)
		}
	}
	j.conclude()
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
	alt := selectAlternative(alts, o.Status)
	if alt == nil {
		codes := allCodes(alts)
		what := fmt.Sprintf("%s (profile %s)", j.res.Expected, j.profile.Name)
		j.expect(o, HaveStatusIn(codes, what), "status", LevelFail, "profile "+j.profile.Name, statusImpact(c, codes, o.Status))
	} else if alt.NeedsBody() && j.expect(o, HaveJSONBody(), "json", LevelFail, "RFC 8259", bodyImpact["json"]) {
		j.judgeBody(o, alt)
	}
	j.judgeRules(o)
}

func (j *caseJudge) judgeBody(o *Observation, alt *Alternative) {
	c := o.Case
	src := "profile " + j.profile.Name
	if alt.ErrorBody {
		j.expect(o, HaveErrorBody(), "error_body", LevelFail, src, bodyImpact["error_body"])
	}
	if alt.OK != nil {
		j.expect(o, HaveOK(*alt.OK), "ok", LevelFail, src, okImpact(c, *alt.OK))
	}
	if alt.Error {
		j.expect(o, HaveErrorCode(), "error", LevelFail, src, bodyImpact["error"])
	}
	if alt.IDs != "" {
		j.expect(o, HaveItemIDs(alt.IDs.Of(c), setWords(alt.IDs)), "ids", LevelFail, src, bodyImpact["ids"])
	}
	if alt.MissingIDs != "" {
		pick := func(o *Observation) string { return o.Fields.MissingIDs }
		j.expect(o, HaveIDList(pick, alt.MissingIDs.Of(c), setWords(alt.MissingIDs)), "missing_ids", LevelFail, src, missingIDsImpact(o, c))
	}
	if alt.RequestedIDs != "" {
		pick := func(o *Observation) string { return o.Fields.RequestedIDs }
		j.expect(o, HaveIDList(pick, alt.RequestedIDs.Of(c), setWords(alt.RequestedIDs)), "requested_ids", LevelFail, src, bodyImpact["requested_ids"])
	}
	if alt.ReturnedCount != "" {
		j.expect(o, HaveCount(len(alt.ReturnedCount.Of(c))), "returned_count", LevelFail, src, bodyImpact["returned_count"])
	}
	if len(alt.ResultCodes()) > 0 {
		j.expect(o, HaveResults(itemExpectations(c, alt)), "results", LevelFail, src, bodyImpact["results"])
	}
}

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
// 503, not nothing), a valid Retry-After, and recovery after waiting it.
func (j *caseJudge) judgeBurst(ex *probe.Exchange, alts []*Alternative) {
	b := ex.Burst
	c := j.res.Case
	if b == nil {
		j.inconclusive = "the rate-limit phase recorded nothing"
		return
	}
	j.res.Notes = append(j.res.Notes, Finding{Check: "burst", Level: LevelInfo, Message: describeBurst(b)})
	if b.Limiting == nil && b.Errors > 0 {
		j.inconclusive = fmt.Sprintf("%d of %d burst requests failed; first: %s", b.Errors, b.Sent, describeTransport(b.FirstError))
		return
	}
	codes := allCodes(alts)
	if !j.expect(b, HaveLimited(codes), "status", LevelFail, "RFC 6585 §4", burstImpact(b)) || b.Limiting == nil {
		return
	}
	o := Observe(c, c.Endpoint.Fields, b.Limiting.Response)
	j.judgeRules(o)
	switch {
	case b.Recovery == nil:
	case b.Recovery.Err != nil:
		j.inconclusive = "the recovery request failed: " + describeTransport(b.Recovery.Err)
	case b.WaitCapped:
		j.expect(b, HaveRecovered(), "recovery", LevelWarn, "RFC 6585 §4", "")
	default:
		j.expect(b, HaveRecovered(), "recovery", LevelFail, "RFC 6585 §4; RFC 9110 §10.2.3",
			"retry logic that honours Retry-After is refused again: clients back off for nothing, or stop trusting the header")
	}
}

func burstImpact(b *probe.Burst) string {
	if b.StoppedBy == http.StatusServiceUnavailable {
		return "load balancers mark the backend unhealthy and monitoring alerts on an outage; retry logic retries at once instead of backing off"
	}
	return "retry logic and gateways never get a back-off signal: one client can exhaust the API for every other"
}

func describeBurst(b *probe.Burst) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("sent %d of a budget of %d", b.Sent, b.Budget))
	if b.StoppedBy != 0 {
		parts = append(parts, fmt.Sprintf("stopped at the first %d", b.StoppedBy))
	}
	parts = append(parts, "statuses "+fmtStatuses(b.Statuses))
	if b.RetryAfter != "" {
		parts = append(parts, "Retry-After "+b.RetryAfter)
	}
	if b.Recovery != nil && b.Recovery.Response != nil {
		parts = append(parts, fmt.Sprintf("after waiting %s the next request got %d", b.Waited.Round(10*time.Millisecond), b.Recovery.Response.Status))
	}
	return "burst: " + strings.Join(parts, "; ")
}

// HaveLimited succeeds when the burst ended on one of codes (429).
func HaveLimited(codes []int) types.GomegaMatcher {
	return &burstMatcher{
		expected: fmt.Sprintf("%s once the rate limit is reached, within the --rate-limit-burst budget", fmtCodes(codes)),
		match: func(b *probe.Burst) (bool, string) {
			switch {
			case b.StoppedBy != 0 && slices.Contains(codes, b.StoppedBy):
				return true, ""
			case b.StoppedBy == http.StatusServiceUnavailable:
				return false, fmt.Sprintf("503 Service Unavailable after %d requests: rate limiting answered with 503 (nginx's default limit_req_status) instead of 429", b.Sent)
			case b.StoppedBy != 0:
				return false, fmt.Sprintf("%d after %d requests", b.StoppedBy, b.Sent)
			}
			return false, fmt.Sprintf("no 429 after %d requests (the whole budget); statuses %s", b.Sent, fmtStatuses(b.Statuses))
		},
	}
}

// HaveRecovered succeeds when the request sent after waiting Retry-After
// was not rate limited.
func HaveRecovered() types.GomegaMatcher {
	return &burstMatcher{
		expected: "the request after waiting Retry-After not to be 429",
		match: func(b *probe.Burst) (bool, string) {
			if b.Recovery == nil || b.Recovery.Response == nil || b.Recovery.Response.Status != http.StatusTooManyRequests {
				return true, ""
			}
			if b.WaitCapped {
				return false, fmt.Sprintf("429 again after waiting %s, the --retry-after-max cap (Retry-After asked for %s)", b.Waited.Round(10*time.Millisecond), b.RetryAfter)
			}
			return false, fmt.Sprintf("429 again after waiting %s for Retry-After: %s", b.Waited.Round(10*time.Millisecond), b.RetryAfter)
		},
	}
}

type burstMatcher struct {
	expected string
	match    func(b *probe.Burst) (bool, string)
	got      string
}

func (m *burstMatcher) Match(actual any) (bool, error) {
	b, ok := actual.(*probe.Burst)
	if !ok || b == nil {
		return false, fmt.Errorf("expected a *probe.Burst, got %T", actual)
	}
	ok, m.got = m.match(b)
	return ok, nil
}

func (m *burstMatcher) FailureMessage(any) string { return "expected " + m.expected + "; got " + m.got }

func (m *burstMatcher) NegatedFailureMessage(any) string {
	return "expected not " + m.expected + "; got " + m.got
}

func fmtStatuses(counts map[int]int) string {
	var parts []string
	for code := 100; code < 600; code++ {
		if n := counts[code]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d×%d", n, code))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

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

func itemExpectations(c *plan.Case, alt *Alternative) []ItemExpectation {
	kindOf := map[string]IDSet{}
	for _, id := range c.IDs.Malformed {
		kindOf[id] = SetMalformed
	}
	for _, id := range c.IDs.Missing {
		kindOf[id] = SetMissing
	}
	for _, id := range c.IDs.Found {
		kindOf[id] = SetFound
	}
	var items []ItemExpectation
	for _, id := range unique(c.IDs.Sent) {
		kind := kindOf[id]
		items = append(items, ItemExpectation{ID: id, Codes: alt.ResultCodes()[kind], WithData: kind == SetFound})
	}
	return items
}

func setWords(s IDSet) string {
	switch s {
	case SetSent:
		return "every ID sent"
	case SetFound:
		return "the found IDs"
	case SetMissing:
		return "the missing IDs"
	case SetMalformed:
		return "the malformed IDs"
	}
	return "no ID"
}

// Describe states profile p's expectation for case c in words, with the
// case's IDs: "404 + error body + missing_ids [1]".
func Describe(p *Profile, c *plan.Case) string {
	alts := p.Expect(c.Kind)
	if len(alts) == 0 {
		return "no expectation in profile " + p.Name
	}
	return describeAlternatives(alts, c)
}

// describeAlternatives writes a profile cell in words with the case's IDs,
// e.g. "404 + error body + missing_ids [1]".
func describeAlternatives(alts []*Alternative, c *plan.Case) string {
	f := c.Endpoint.Fields
	var out []string
	for _, a := range alts {
		parts := []string{fmtCodes(a.Codes())}
		if a.ErrorBody {
			parts = append(parts, "error body")
		}
		if a.OK != nil {
			parts = append(parts, fmt.Sprintf("%s %t", f.OK, *a.OK))
		}
		if a.Error {
			parts = append(parts, f.Error+" set")
		}
		if a.IDs != "" {
			parts = append(parts, fmt.Sprintf("%s IDs %s", f.Data, fmtIDs(a.IDs.Of(c))))
		}
		if a.MissingIDs != "" {
			parts = append(parts, fmt.Sprintf("%s %s", f.MissingIDs, fmtIDs(a.MissingIDs.Of(c))))
		}
		if a.ReturnedCount != "" {
			parts = append(parts, fmt.Sprintf("%s %d", f.ReturnedCount, len(a.ReturnedCount.Of(c))))
		}
		if a.RequestedIDs != "" {
			parts = append(parts, fmt.Sprintf("%s %s", f.RequestedIDs, fmtIDs(a.RequestedIDs.Of(c))))
		}
		if len(a.ResultCodes()) > 0 {
			var items []string
			for _, it := range itemExpectations(c, a) {
				items = append(items, it.ID+"→"+fmtCodes(it.Codes))
			}
			parts = append(parts, "per item "+strings.Join(items, ", "))
		}
		if c.Kind == plan.RateLimit {
			parts = append(parts, "valid Retry-After, then recovery")
		}
		out = append(out, strings.Join(parts, " + "))
	}
	return strings.Join(out, ", or ")
}
