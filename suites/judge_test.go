package suites

import (
	"net/http"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

func partialCase() plan.Case {
	ep := &plan.Endpoint{Name: "items", Path: "/items", IDParam: "id", IDStyle: plan.StyleComma, Profile: "lenient", Fields: plan.DefaultFields()}
	return plan.Case{
		ID: "items/partial", Endpoint: ep, Kind: plan.Partial,
		Request: plan.Request{Method: "GET", URL: "http://x/items?id=1,2"},
		IDs:     plan.IDs{Sent: []string{"1", "2"}, Found: []string{"2"}, Missing: []string{"1"}},
		Labels:  []string{"case:partial", "endpoint:items", "profile:lenient", "id-set"},
	}
}

func judgeOne(t *testing.T, profile string, c plan.Case, ex *probe.Exchange) *Result {
	t.Helper()
	profiles, err := LoadProfiles(nil)
	if err != nil {
		t.Fatal(err)
	}
	exchanges := map[string]*probe.Exchange{}
	if ex != nil {
		exchanges[c.ID] = ex
	}
	results, err := Judge(Input{Suites: []Suite{{Name: "items", Profile: profiles[profile], Cases: []plan.Case{c}}}, Exchanges: exchanges})
	if err != nil {
		t.Fatal(err)
	}
	return results[0]
}

func answer(status int, contentType, body string) *probe.Exchange {
	h := http.Header{}
	if contentType != "" {
		h.Set("Content-Type", contentType)
	}
	return &probe.Exchange{Response: &probe.Response{Status: status, Header: h, Body: []byte(body), Size: int64(len(body))}, Attempts: 1}
}

// TestOutcomesAreKeptApart checks that transport errors and 429s are
// errors, a missing answer is not-run, a skipped case is skipped, and
// only a judged answer passes or fails.
func TestOutcomesAreKeptApart(t *testing.T) {
	honest := `{"requested_ids":[1,2],"returned_count":1,"missing_ids":[1],"data":[{"id":2}]}`
	incident := `{"data":[{"id":2}]}`
	skipped := partialCase()
	skipped.SkipReason = "needs missing IDs"
	cases := []struct {
		name string
		c    plan.Case
		ex   *probe.Exchange
		want Outcome
	}{
		{"honest answer", partialCase(), answer(200, "application/json", honest), Pass},
		{"the incident", partialCase(), answer(200, "application/json", incident), Fail},
		{"connection refused", partialCase(), &probe.Exchange{Err: &probe.TransportError{Fault: "refused", Message: "connection refused", URL: "http://x"}}, Error},
		{"rate limited", partialCase(), answer(429, "application/json", `{}`), Error},
		{"no answer", partialCase(), nil, NotRun},
		{"not configured", skipped, nil, Skipped},
		{"invalid JSON", partialCase(), answer(200, "application/json", `{"data":[`), Fail},
		{"invalid UTF-8", partialCase(), answer(200, "application/json", "{\"data\":\"\xff\"}"), Fail},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := judgeOne(t, "lenient", tc.c, tc.ex)
			if r.Outcome != tc.want {
				t.Fatalf("outcome %s, want %s (reason %q, failures %+v)", r.Outcome, tc.want, r.Reason, r.Failures)
			}
			if tc.want == Error && !strings.Contains(r.Reason, "http://x") && !strings.Contains(r.Reason, "429") {
				t.Errorf("an error must say what happened where: %q", r.Reason)
			}
		})
	}
}

// TestFailuresCollectEveryBrokenExpectation checks that one answer that
// breaks several expectations reports each, not just the first.
func TestFailuresCollectEveryBrokenExpectation(t *testing.T) {
	body := `{"requested_ids":[1],"returned_count":2,"data":[{"id":2},{"id":5}],"error":"x"}`
	r := judgeOne(t, "lenient", partialCase(), answer(200, "application/json", body))
	var checks []string
	for _, f := range r.Failures {
		checks = append(checks, f.Check)
	}
	if got := strings.Join(checks, " "); got != "ids missing_ids requested_ids returned_count rule:no-error-in-2xx" {
		t.Fatalf("checks %q", got)
	}
	if !strings.Contains(r.Message, "items/partial: expected data IDs [2]") {
		t.Errorf("the Ginkgo failure message should carry the findings: %q", r.Message)
	}
}

func TestRateLimitHeaders(t *testing.T) {
	h := http.Header{}
	h.Set("RateLimit", `"default";r=50;t=30`)
	h.Set("RateLimit-Policy", `"default";q=100;w=60`)
	h.Set("X-RateLimit-Remaining", "7")
	got := RateLimitHeaders(h)
	items, _ := got["RateLimit"].([]map[string]string)
	if len(items) != 1 || items[0]["r"] != "50" || items[0]["name"] != "default" || got["X-Ratelimit-Remaining"] != "7" {
		t.Fatalf("parsed %#v", got)
	}
}
