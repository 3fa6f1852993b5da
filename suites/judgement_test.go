package suites

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// bigAnswer is a lenient-profile answer to partial whose telling member
// (missing_ids, or its absence) comes after a data array far longer than
// the excerpt the reports keep.
func bigAnswer(withMissing bool) *probe.Exchange {
	var b strings.Builder
	b.WriteString(`{"data":[{"id":2,"pad":"`)
	b.WriteString(strings.Repeat("x", 200_000))
	b.WriteString(`"}]`)
	if withMissing {
		b.WriteString(`,"requested_ids":[1,2],"returned_count":1,"missing_ids":[1]`)
	}
	b.WriteString("}")
	return answer(200, "application/json", b.String())
}

func newTestJudgement(t *testing.T, cases ...plan.Case) *Judgement {
	t.Helper()
	profiles, err := LoadProfiles(nil)
	if err != nil {
		t.Fatal(err)
	}
	var suites []Suite
	for _, name := range []string{"lenient", "strict"} {
		suites = append(suites, Suite{Name: "items (" + name + ")", Profile: profiles[name], Cases: cases})
	}
	jm, err := NewJudgement(Input{Suites: suites})
	if err != nil {
		t.Fatal(err)
	}
	return jm
}

// TestJudgingOnArrivalSeesTheWholeBodyThenKeepsAnExcerpt: the verdicts
// and the incident come from the whole body, judged when it arrived; what
// stays in memory afterwards is the excerpt.
func TestJudgingOnArrivalSeesTheWholeBodyThenKeepsAnExcerpt(t *testing.T) {
	for _, tc := range []struct {
		withMissing  bool
		wantLenient  Outcome
		wantIncident bool
	}{{true, Pass, false}, {false, Fail, true}} {
		c := partialCase()
		jm := newTestJudgement(t, c)
		ex := bigAnswer(tc.withMissing)
		jm.Answered(&c, ex)
		if !ex.Response.Excerpted || len(ex.Response.Body) != probe.BodyExcerpt {
			t.Fatalf("the body was kept whole after judging: %d bytes", len(ex.Response.Body))
		}
		if !ex.Response.Compacted() || ex.Response.Flat()["Content-Type"] == "" {
			t.Fatalf("the headers were not compacted after judging: %v %v", ex.Response.Header, ex.Response.Lines)
		}
		results, err := jm.Results(map[string]*probe.Exchange{c.ID: ex})
		if err != nil {
			t.Fatal(err)
		}
		if got := results[0].Outcome; got != tc.wantLenient {
			t.Errorf("missing_ids %v: lenient %s, want %s (%+v)", tc.withMissing, got, tc.wantLenient, results[0].Failures)
		}
		if inc := FindIncident(results); (inc != nil) != tc.wantIncident {
			t.Errorf("missing_ids %v: incident %+v, want %v", tc.withMissing, inc, tc.wantIncident)
		}
	}
}

// TestJudgingOnArrivalGivesTheVerdictsOfJudgingAtTheEnd: the same
// answers judged as they arrive, from many goroutines, and judged all at
// once afterwards, get the same outcomes and findings.
func TestJudgingOnArrivalGivesTheVerdictsOfJudgingAtTheEnd(t *testing.T) {
	var cases []plan.Case
	exchanges := map[string]*probe.Exchange{}
	bodies := []string{`{"data":[{"id":2}]}`, `{"requested_ids":[1,2],"returned_count":1,"missing_ids":[1],"data":[{"id":2}]}`, `not json`, `{"error":"no"}`}
	for i := range 40 {
		c := partialCase()
		c.ID = fmt.Sprintf("items/partial-%d", i)
		c.Param = fmt.Sprint(i) // a name of its own in the suite
		cases = append(cases, c)
		exchanges[c.ID] = answer([]int{200, 404, 207, 500}[i%4], "application/json", bodies[i%len(bodies)])
	}
	atTheEnd, err := newTestJudgement(t, cases...).Results(exchanges)
	if err != nil {
		t.Fatal(err)
	}
	fresh := map[string]*probe.Exchange{}
	for id, ex := range exchanges {
		copied := *ex
		resp := *ex.Response
		copied.Response = &resp
		fresh[id] = &copied
	}
	jm := newTestJudgement(t, cases...)
	var wg sync.WaitGroup
	for i := range cases {
		wg.Add(1)
		go func() { defer wg.Done(); jm.Answered(&cases[i], fresh[cases[i].ID]) }()
	}
	wg.Wait()
	onArrival, err := jm.Results(fresh)
	if err != nil {
		t.Fatal(err)
	}
	for i := range atTheEnd {
		a, b := atTheEnd[i], onArrival[i]
		if a.Outcome != b.Outcome || fmt.Sprint(a.Failures, a.Warnings, a.Reason) != fmt.Sprint(b.Failures, b.Warnings, b.Reason) {
			t.Errorf("%s (%s): at the end %s %v, on arrival %s %v", a.Case.ID, a.Profile, a.Outcome, a.Failures, b.Outcome, b.Failures)
		}
	}
}

// TestAJudgeThatFailsOnArrivalIsThatCasesError: a panic while judging in
// the probe's goroutine does not crash the run; the case is an error
// that says so, as when the judge ran inside the spec. Here the judge is
// handed a body already cut, which must never be judged.
func TestAJudgeThatFailsOnArrivalIsThatCasesError(t *testing.T) {
	for name, cut := range map[string]func(*probe.Response){
		"body cut":          func(r *probe.Response) { r.Excerpted = true },
		"headers compacted": func(r *probe.Response) { r.Compact() },
	} {
		c := partialCase()
		jm := newTestJudgement(t, c)
		ex := bigAnswer(true)
		cut(ex.Response)
		jm.Answered(&c, ex)
		results, err := jm.Results(map[string]*probe.Exchange{c.ID: ex})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			if r.Outcome != Error || !strings.Contains(r.Reason, "the judge failed on this answer") || !strings.Contains(r.Reason, "already cut") {
				t.Errorf("%s: %s: %s %q", name, r.Profile, r.Outcome, r.Reason)
			}
		}
		// The run goes on to its reports: the answer is not looked at again.
		if inc := FindIncident(results); inc != nil {
			t.Errorf("%s: an answer the judge failed on is named the incident: %+v", name, inc)
		}
	}
}
