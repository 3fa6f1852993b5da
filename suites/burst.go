package suites

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/apiconform/apiconform/suites/probe"
	"github.com/onsi/gomega/types"
)

// 503, not nothing), a valid Retry-After, and recovery after waiting it.
func (j *caseJudge) judgeBurst(ex *probe.Exchange, alts []*Alternative) {
	b := ex.Burst
	c := j.res.Case
	if b == nil {
		j.inconclusive = "the rate-limit phase recorded nothing"
		return
	}
	j.res.Notes = append(j.res.Notes, Finding{Check: "burst", Level: LevelInfo, Message: describeBurst(b)})
	if ex.DecidedBy != "" {
		j.res.Notes = append(j.res.Notes, Finding{Check: "burst-scope", Level: LevelInfo, Message: fmt.Sprintf(
			"judged on the burst %s sent: one burst per rate-limit scope (%s)", ex.DecidedBy, c.Endpoint.ScopeOf())})
	}
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
		// A 429 after a wait shorter than Retry-After asked is what an
		// honest limiter answers: recovery went unchecked, which is said,
		// never counted against the API.
		j.expect(b, HaveRecovered(), "recovery", LevelInfo, "RFC 6585 §4", "")
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
		parts = append(parts, fmt.Sprintf("sending stopped at the first %d (requests already in flight still came back)", b.StoppedBy))
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
				return false, fmt.Sprintf("429 again after waiting %s, the --retry-after-max cap (Retry-After asked for %s): recovery was not checked; raise --retry-after-max above it to check it", b.Waited.Round(10*time.Millisecond), b.RetryAfter)
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
