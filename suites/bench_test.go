package suites

import (
	"fmt"
	"testing"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// BenchmarkJudge measures the judge's cost per case: one Ginkgo spec with
// its matchers and rules over a recorded answer, the honest lenient
// answer to found.
func BenchmarkJudge(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		suites, exchanges := honestSuites(b, n)
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				results, err := Judge(Input{Suites: suites, Exchanges: exchanges})
				if err != nil || len(results) != n {
					b.Fatalf("%d results, %v", len(results), err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/case")
		})
	}
}

// honestSuites are n/10 endpoints' id-set cases under lenient, each
// answered as the honest lenient API answers found.
func honestSuites(tb testing.TB, n int) ([]Suite, map[string]*probe.Exchange) {
	profiles, err := LoadProfiles(nil)
	if err != nil {
		tb.Fatal(err)
	}
	body := []byte(`{"data":[{"id":2},{"id":3}],"missing_ids":[],"requested_ids":[2,3],"returned_count":2}`)
	var suites []Suite
	exchanges := map[string]*probe.Exchange{}
	for i := range n / 10 {
		ep := &plan.Endpoint{Name: fmt.Sprintf("items%d", i), Path: "/items", IDParam: "id", IDStyle: plan.StyleComma,
			Found: []string{"2", "3"}, Missing: []string{"1"}, Malformed: []string{"abc"}, MaxIDs: 5,
			Profile: "lenient", Fields: plan.DefaultFields()}
		p, err := plan.Build([]*plan.Endpoint{ep}, plan.Options{BaseURL: "http://127.0.0.1:1"})
		if err != nil {
			tb.Fatal(err)
		}
		p, _ = p.Filter("id-set")
		for _, c := range p.Cases {
			exchanges[c.ID] = &probe.Exchange{CaseID: c.ID, Attempts: 1, Response: &probe.Response{
				Status: 200, Header: map[string][]string{"Content-Type": {"application/json"}}, Body: body}}
		}
		suites = append(suites, Suite{Name: ep.Name + " (lenient)", Profile: profiles["lenient"], Cases: p.Cases})
	}
	return suites, exchanges
}
