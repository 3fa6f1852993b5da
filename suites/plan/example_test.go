package plan_test

import (
	"fmt"

	"github.com/apiconform/apiconform/suites/plan"
)

// A plan is pure data: every case kind for every endpoint, each with the
// request it sends or the reason it is skipped.
func ExampleBuild() {
	items := &plan.Endpoint{
		Name: "items", Path: "/items", IDParam: "id", IDStyle: plan.StyleComma, Profile: "strict",
		Found: []string{"2", "3"}, Missing: []string{"1"}, Fields: plan.DefaultFields(),
	}
	p, err := plan.Build([]*plan.Endpoint{items}, plan.Options{BaseURL: "https://staging.example.com/api", UnknownSuffix: "x"})
	if err != nil {
		panic(err)
	}
	for _, c := range p.Cases[:4] {
		fmt.Println(c.ID, c.Request.Method, c.Request.URL)
	}
	fmt.Println(p.Cases[4].ID, "skipped:", p.Cases[4].SkipReason)
	// Output:
	// items/found GET https://staging.example.com/api/items?id=2,3
	// items/found-one GET https://staging.example.com/api/items?id=2
	// items/partial GET https://staging.example.com/api/items?id=1,2
	// items/none GET https://staging.example.com/api/items?id=1
	// items/malformed skipped: needs malformed IDs (none configured)
}
