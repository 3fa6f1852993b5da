package suites_test

import (
	"fmt"
	"net/http"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// The judge runs one Ginkgo spec per case over exchanges already
// recorded, so the same answers can be judged against any profile.
func ExampleJudge() {
	items := &plan.Endpoint{Name: "items", Path: "/items", IDStyle: plan.StyleComma, Profile: "lenient", Fields: plan.DefaultFields()}
	partial := plan.Case{
		ID: "items/partial", Endpoint: items, Kind: plan.Partial,
		Request: plan.Request{Method: "GET", URL: "https://staging.example.com/items?id=1,2"},
		IDs:     plan.IDs{Sent: []string{"1", "2"}, Found: []string{"2"}, Missing: []string{"1"}},
	}
	// The incident: 200 with the one record that exists, and no word of the other.
	answer := &probe.Exchange{Response: &probe.Response{
		Status: 200, Header: http.Header{"Content-Type": {"application/json"}}, Body: []byte(`{"data":[{"id":2}]}`),
	}}
	profiles, err := suites.LoadProfiles(nil)
	if err != nil {
		panic(err)
	}
	results, err := suites.Judge(suites.Input{
		Suites:    []suites.Suite{{Name: "items (lenient)", Profile: profiles["lenient"], Cases: []plan.Case{partial}}},
		Exchanges: map[string]*probe.Exchange{partial.ID: answer},
	})
	if err != nil {
		panic(err)
	}
	fmt.Println(results[0].Outcome)
	fmt.Println(results[0].Failures[0].Message)
	// Output:
	// fail
	// items/partial: expected missing_ids = [1] (the missing IDs); got 200 OK, no missing_ids in the body
}
