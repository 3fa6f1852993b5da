package suites

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// fuzzPlan is one endpoint with every case kind runnable.
func fuzzPlan(t *testing.T, fields plan.Fields) []plan.Case {
	t.Helper()
	ep := &plan.Endpoint{
		Name: "items", Path: "/items", IDParam: "id", IDStyle: plan.StyleComma,
		Found: []string{"2", "3"}, Missing: []string{"1", "999"}, Malformed: []string{"abc"}, MaxIDs: 5,
		Profile: "strict", Fields: fields.Or(plan.DefaultFields()),
	}
	p, err := plan.Build([]*plan.Endpoint{ep}, plan.Options{
		BaseURL: "http://127.0.0.1:1", AuthConfigured: true, ForbiddenConfigured: true,
		WrongMethod: "DELETE", RateLimitBurst: 10, UnknownSuffix: "fuzz",
	})
	if err != nil {
		t.Fatal(err)
	}
	return p.Cases
}

// fuzzResponse makes a recorded answer from fuzzed parts: header lines
// are "Name: value".
func fuzzResponse(status int, headerLines string, body []byte) *probe.Response {
	h := http.Header{}
	for _, line := range strings.Split(headerLines, "\n") {
		if name, value, ok := strings.Cut(line, ":"); ok {
			h.Add(name, strings.TrimSpace(value))
		}
	}
	return &probe.Response{Status: status, Header: h, Body: body, Size: int64(len(body))}
}

var fuzzSeeds = []struct {
	status int
	header string
	body   string
}{
	{200, "Content-Type: application/json", `{"data":[{"id":2},{"id":3}],"missing_ids":[],"requested_ids":[2,3],"returned_count":2}`},
	{404, "Content-Type: application/problem+json\nCache-Control: no-store", `{"status":404,"error":"not_found","missing_ids":[1]}`},
	{207, "Content-Type: application/json", `{"results":[{"id":"1","status":404},{"id":"2","status":200,"data":{"id":2}}]}`},
	{200, "Content-Type: application/json", `{"ok":false,"error":"partial","missing_ids":[1]}`},
	{401, "WWW-Authenticate: Bearer realm=\"api\"", ``},
	{429, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\nRateLimit: \"default\";r=0;t=30\nX-RateLimit-Remaining: 0", `{"error":"slow down"}`},
	{204, "Content-Length: 5\nTransfer-Encoding: chunked", `hello`},
	{206, "Content-Type: application/json", "{\"data\":[{\"id\":\"\xff\"}]}"},
}

// FuzzObservation runs every matcher and every rule over an arbitrary
// answer, with arbitrary field paths, outside Ginkgo, so that a panic
// shows as a panic rather than as a case the judge could not settle.
func FuzzObservation(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.status, s.header, []byte(s.body), "data", uint8(0), uint8(0))
	}
	f.Add(200, "Content-Type: application/json", []byte(`{"a":{"b":[1,2,{"c":null}]}}`), "a.b.#.c|@reverse", uint8(3), uint8(2))
	profiles, err := LoadProfiles(nil)
	if err != nil {
		f.Fatal(err)
	}
	names := profiles.Names()
	f.Fuzz(func(t *testing.T, status int, headerLines string, body []byte, path string, kind, profile uint8) {
		fields := plan.Fields{Data: path, MissingIDs: path + ".missing", Results: path, OK: path, Error: path}
		cases := fuzzPlan(t, fields)
		c := &cases[int(kind)%len(cases)]
		p := profiles[names[int(profile)%len(names)]]
		o := Observe(c, c.Endpoint.Fields, fuzzResponse(status, headerLines, body))
		_ = o.Summary()
		_, _ = o.ErrorIndicated()
		_ = RateLimitHeaders(o.Header)
		ids := []string{"1", "2", "3"}
		pick := func(o *Observation) string { return o.Fields.MissingIDs }
		matchers := []interface {
			Match(any) (bool, error)
			FailureMessage(any) string
		}{
			HaveStatusIn([]int{200, 404}, "200 or 404"), HaveJSONBody(), HaveItemIDs(ids, "the found IDs"),
			HaveIDList(pick, ids, "the missing IDs"), HaveCount(2), HaveOK(true), HaveOK(false), HaveErrorCode(), HaveErrorBody(),
			HaveResults([]ItemExpectation{{ID: "1", Codes: []int{404}}, {ID: "2", Codes: []int{200}, WithData: true}}),
		}
		for _, m := range matchers {
			if ok, err := m.Match(o); err != nil {
				t.Fatalf("matcher error on an observation: %v", err)
			} else if !ok && m.FailureMessage(o) == "" {
				t.Fatal("a failed match without a message")
			}
		}
		for _, alt := range p.Expect(c.Kind) {
			_ = Describe(p, c)
			if alt.NeedsBody() {
				_ = itemExpectations(c, alt.ResultCodes())
			}
		}
		for _, rule := range Rules() {
			if !rule.applies(o, p) {
				continue
			}
			if rule.note != nil {
				_ = rule.note(o, p)
				continue
			}
			m := rule.check()
			if ok, err := m.Match(o); err != nil {
				t.Fatalf("rule %s: %v", rule.ID, err)
			} else if !ok {
				_ = m.FailureMessage(o)
			}
		}
	})
}

// FuzzJudge judges an arbitrary answer to each case under each profile
// through Ginkgo, as a run does. No input may panic the judge, and no
// answer whose status the profile does not allow may pass: a false pass
// is the worst bug.
func FuzzJudge(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s.status, s.header, []byte(s.body), uint8(i), uint8(i))
	}
	profiles, err := LoadProfiles(nil)
	if err != nil {
		f.Fatal(err)
	}
	names := profiles.Names()
	f.Fuzz(func(t *testing.T, status int, headerLines string, body []byte, kind, profile uint8) {
		cases := fuzzPlan(t, plan.Fields{})
		c := cases[int(kind)%len(cases)]
		p := profiles[names[int(profile)%len(names)]]
		resp := fuzzResponse(status, headerLines, body)
		ex := &probe.Exchange{CaseID: c.ID, Request: probe.RecordedRequest{Method: c.Request.Method, URL: c.Request.URL}, Response: resp, Attempts: 1, Duration: time.Millisecond}
		if c.Kind == plan.RateLimit {
			b := &probe.Burst{Budget: 10, Sent: 3, Statuses: map[int]int{status: 3}}
			if status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable {
				b.StoppedBy, b.Limiting, b.RetryAfter = status, ex, resp.Header.Get("Retry-After")
			}
			ex.Burst = b
		}
		results, err := Judge(Input{
			Suites:    []Suite{{Name: "items (" + p.Name + ")", Profile: p, Cases: []plan.Case{c}}},
			Exchanges: map[string]*probe.Exchange{c.ID: ex},
		})
		if err != nil {
			t.Fatal(err)
		}
		r := results[0]
		if strings.HasPrefix(r.Reason, "the judge failed") {
			t.Fatalf("%s under %s: %s", c.ID, p.Name, r.Reason)
		}
		if r.Outcome == Pass && !slices.Contains(r.ExpectedStatus, status) {
			t.Fatalf("%s under %s passed with status %d; expected %v", c.ID, p.Name, status, r.ExpectedStatus)
		}
		if r.Outcome == Fail && len(r.Failures) == 0 {
			t.Fatalf("%s failed without a finding", c.ID)
		}
	})
}
