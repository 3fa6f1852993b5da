package suites

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

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

// TestDuplicateMembersAreReadAsParsersReadThem checks RFC 8259 §4: a body
// that carries a member twice is judged on the last value, as JavaScript,
// Python and Go read it; a member the judge reads that occurs twice fails
// the case, naming both values; a duplicate elsewhere is a warning.
func TestDuplicateMembersAreReadAsParsersReadThem(t *testing.T) {
	hostile := `{"requested_ids":[1,2],"returned_count":1,"missing_ids":[1],"data":[{"id":2}],"missing_ids":[],"returned_count":2}`
	r := judgeOne(t, "lenient", partialCase(), answer(200, "application/json", hostile))
	var checks []string
	for _, f := range r.Failures {
		checks = append(checks, f.Check)
	}
	if r.Outcome != Fail || !strings.Contains(strings.Join(checks, " "), "missing_ids") || !strings.Contains(strings.Join(checks, " "), "rule:duplicate-member") {
		t.Fatalf("a body that says complete to last-wins parsers passed: %s %v", r.Outcome, checks)
	}
	for _, f := range r.Failures {
		if f.Check == "rule:duplicate-member" && (!strings.Contains(f.Message, "missing_ids twice: first [1], then []") || !strings.Contains(f.Impact, "clients disagree")) {
			t.Errorf("the finding must name the member and both values, and who is misled: %+v", f)
		}
	}
	honest := `{"requested_ids":[1,2],"returned_count":1,"missing_ids":[1],"data":[{"id":2,"name":"a","name":"b"}]}`
	r = judgeOne(t, "lenient", partialCase(), answer(200, "application/json", honest))
	if r.Outcome != Pass || len(r.Warnings) != 1 || r.Warnings[0].Check != "rule:duplicate-member-unread" {
		t.Fatalf("a duplicate the judge does not read is a warning, not a failure: %s %+v %+v", r.Outcome, r.Failures, r.Warnings)
	}
}

// TestImpactLinesFitTheAnswer checks profiles.md §4: the impact line is
// chosen by what came back and by the profile.
func TestImpactLinesFitTheAnswer(t *testing.T) {
	none := partialCase()
	none.ID, none.Kind, none.IDs = "items/none", plan.None, plan.IDs{Sent: []string{"1"}, Missing: []string{"1"}}
	r := judgeOne(t, "strict", none, answer(404, "application/json", `{"error":"not_found"}`))
	if imp := r.Impact(); strings.Contains(imp, "as delivered") || !strings.Contains(imp, "does not say which IDs are missing") {
		t.Errorf("a 404 without missing_ids: impact %q", imp)
	}
	missingAuth := partialCase()
	missingAuth.ID, missingAuth.Kind = "items/auth-missing", plan.AuthMissing
	r = judgeOne(t, "strict", missingAuth, answer(400, "application/json", `{"error":"x"}`))
	if imp := r.Impact(); strings.Contains(imp, "envelope") {
		t.Errorf("the envelope school's reasoning under strict: %q", imp)
	}
	oversized := partialCase()
	oversized.ID, oversized.Kind, oversized.IDs = "items/oversized", plan.Oversized, plan.IDs{Sent: []string{"2", "3", "4"}}
	r = judgeOne(t, "strict", oversized, answer(200, "application/json", `{"data":[{"id":2},{"id":3},{"id":4}]}`))
	if imp := r.Impact(); strings.Contains(imp, "truncation") || !strings.Contains(imp, "no limit on list length") {
		t.Errorf("an API with no size limit: impact %q", imp)
	}
	r = judgeOne(t, "strict", oversized, answer(200, "application/json", `{"data":[{"id":2}]}`))
	if imp := r.Impact(); !strings.Contains(imp, "silent truncation") {
		t.Errorf("a cut-down list: impact %q", imp)
	}
	r = judgeOne(t, "strict", partialCase(), answer(200, "application/json", `{"data":[{"id":2}]}`))
	if imp := r.Impact(); !strings.Contains(imp, "the incident") {
		t.Errorf("partial answered 200 with no signal: impact %q", imp)
	}
}

// TestChallengeMessagesSayWhatCameBack checks that the 401 rule tells a
// missing header from an empty one and from a broken challenge.
func TestChallengeMessagesSayWhatCameBack(t *testing.T) {
	c := partialCase()
	c.ID, c.Kind = "items/auth-missing", plan.AuthMissing
	for _, tc := range []struct {
		header []string // nil: no header
		want   string   // in the failure; "" when the case passes
	}{
		{nil, "no WWW-Authenticate header"},
		{[]string{""}, "a WWW-Authenticate header with an empty value"},
		{[]string{`Bearer realm="api`}, "a quoted string in it is never closed"},
		{[]string{`Bearer realm="api"`, `Basic realm="api"`}, ""},
	} {
		ex := answer(401, "application/json", `{"error":"unauthorized"}`)
		for _, v := range tc.header {
			ex.Response.Header.Add("WWW-Authenticate", v)
		}
		r := judgeOne(t, "strict", c, ex)
		var got []string
		for _, f := range r.Failures {
			got = append(got, f.Message)
		}
		switch {
		case tc.want == "" && len(got) > 0:
			t.Errorf("%q: failed: %q", tc.header, got)
		case tc.want != "" && !strings.Contains(strings.Join(got, "\n"), tc.want):
			t.Errorf("%q: failures %q, want one saying %q", tc.header, got, tc.want)
		}
	}
}

// TestRateLimitNoteKeepsTheDraftApart checks that the note names the
// draft's fields apart from the headers the draft does not define.
func TestRateLimitNoteKeepsTheDraftApart(t *testing.T) {
	h := http.Header{}
	h.Set("RateLimit", `"default";r=50;t=30`)
	h.Set("X-RateLimit-Reset", "1764700000")
	got := rateLimitNote(&Observation{Header: h}, nil)
	want := `rate-limit fields of the IETF draft: {"RateLimit":[{"name":"default","r":"50","t":"30"}]}; rate-limit headers the draft does not define: {"X-Ratelimit-Reset":"1764700000"}`
	if got != want {
		t.Fatalf("note\n got %s\nwant %s", got, want)
	}
}

// TestRedirectSaysWhereItPoints checks that a 3xx failure names its
// Location and the flag that follows it.
func TestRedirectSaysWhereItPoints(t *testing.T) {
	ex := answer(301, "text/html", "<a href=\"/items/\">Moved</a>")
	ex.Response.Header.Set("Location", "/items/?id=1,2")
	r := judgeOne(t, "lenient", partialCase(), ex)
	if len(r.Failures) == 0 || !strings.Contains(r.Failures[0].Message, "got 301 Moved Permanently to /items/?id=1,2 (a redirect: --follow-redirects judges the answer it points to)") {
		t.Fatalf("failures %+v", r.Failures)
	}
}

// TestCappedRecoveryIsANoteNotAWarning checks that a 429 after a wait
// that --retry-after-max cut short neither fails nor warns, even with
// --strict-warnings: an honest limiter refuses then too. A 429 after
// the full wait fails.
func TestCappedRecoveryIsANoteNotAWarning(t *testing.T) {
	var c plan.Case
	for _, fc := range fuzzPlan(t, plan.Fields{}) {
		if fc.Kind == plan.RateLimit {
			c = fc
		}
	}
	profiles, err := LoadProfiles(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, capped := range []bool{true, false} {
		limited := answer(429, "application/json", `{"error":"rate_limited"}`)
		limited.Response.Header.Set("Retry-After", "60")
		again := answer(429, "application/json", `{"error":"rate_limited"}`)
		ex := answer(429, "application/json", `{"error":"rate_limited"}`)
		ex.CaseID = c.ID
		ex.Burst = &probe.Burst{Budget: 30, Sent: 12, Statuses: map[int]int{200: 11, 429: 1}, StoppedBy: 429, Limiting: limited,
			RetryAfter: "60", Waited: 10 * time.Second, WaitCapped: capped, Recovery: again}
		results, err := Judge(Input{Suites: []Suite{{Name: "items", Profile: profiles["strict"], Cases: []plan.Case{c}}},
			Exchanges: map[string]*probe.Exchange{c.ID: ex}, StrictWarnings: true})
		if err != nil {
			t.Fatal(err)
		}
		r := results[0]
		switch {
		case capped && (r.Outcome != Pass || len(r.Warnings) > 0 || !strings.Contains(fmt.Sprint(r.Notes), "recovery was not checked")):
			t.Errorf("capped wait: outcome %s, warnings %v, notes %v; want a pass with a note", r.Outcome, r.Warnings, r.Notes)
		case !capped && r.Outcome != Fail:
			t.Errorf("full wait: outcome %s; want a failure on recovery", r.Outcome)
		}
	}
}

// TestIDStyleHints checks that a list refused as a bad request while one
// ID is served suggests the other list style, and nothing else does.
func TestIDStyleHints(t *testing.T) {
	ep := &plan.Endpoint{Name: "items", IDStyle: plan.StyleComma}
	result := func(kind plan.Kind, sent []string, status int) *Result {
		return &Result{Case: &plan.Case{Endpoint: ep, Kind: kind, IDs: plan.IDs{Sent: sent}}, Exchange: answer(status, "application/json", "{}")}
	}
	for _, tc := range []struct {
		found, foundOne int
		want            string
	}{
		{422, 200, "items: one ID was answered 200 but a list of them 422: the API may read a list in another style than comma; if so, set id_style: repeat (--id-style repeat) and run again"},
		{400, 200, "items: one ID was answered 200 but a list of them 400"},
		{200, 200, ""},
		{400, 400, ""},
		{404, 200, ""},
	} {
		hints := IDStyleHints([]*Result{result(plan.Found, []string{"2", "3"}, tc.found), result(plan.FoundOne, []string{"2"}, tc.foundOne)})
		got := strings.Join(hints, "\n")
		if (tc.want == "") != (got == "") || !strings.HasPrefix(got, tc.want) {
			t.Errorf("found %d, found-one %d: hints %q, want %q", tc.found, tc.foundOne, got, tc.want)
		}
	}
}

// TestChallengeProblemIsClipped checks that a huge broken challenge
// reaches the finding clipped: the header is the server's to size.
func TestChallengeProblemIsClipped(t *testing.T) {
	c := partialCase()
	c.ID, c.Kind = "items/auth-missing", plan.AuthMissing
	ex := answer(401, "application/json", `{"error":"unauthorized"}`)
	ex.Response.Header.Set("WWW-Authenticate", "Bearer realm="+strings.Repeat("x", 30000)+" y")
	r := judgeOne(t, "strict", c, ex)
	if len(r.Failures) == 0 {
		t.Fatal("a broken challenge passed")
	}
	if n := len(r.Failures[0].Message); n > 1000 {
		t.Fatalf("the finding is %d bytes; want it clipped under 1000", n)
	}
}
