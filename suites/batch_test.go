package suites

import (
	"fmt"
	"testing"

	"github.com/apiconform/apiconform/suites/plan"
)

// TestBatchesKeepSuitesWhole checks that batches cover every suite once,
// in order, never split one, and stay within the bound unless one suite
// alone exceeds it.
func TestBatchesKeepSuitesWhole(t *testing.T) {
	sized := func(sizes ...int) []Suite {
		var out []Suite
		for i, n := range sizes {
			out = append(out, Suite{Name: fmt.Sprint(i), Cases: make([]plan.Case, n)})
		}
		return out
	}
	for _, tc := range []struct {
		sizes []int
		want  [][]string
	}{
		{nil, nil},
		{[]int{3}, [][]string{{"0"}}},
		{[]int{2, 2, 1}, [][]string{{"0", "1", "2"}}},
		{[]int{2, 3, 1}, [][]string{{"0", "1"}, {"2"}}},
		{[]int{5, 1, 4, 4}, [][]string{{"0"}, {"1", "2"}, {"3"}}},
		{[]int{9, 2}, [][]string{{"0"}, {"1"}}},
	} {
		got := batches(sized(tc.sizes...), 5)
		if len(got) != len(tc.want) {
			t.Errorf("sizes %v: %d batches, want %d", tc.sizes, len(got), len(tc.want))
			continue
		}
		for i, b := range got {
			var names []string
			for _, s := range b {
				names = append(names, s.Name)
			}
			if fmt.Sprint(names) != fmt.Sprint(tc.want[i]) {
				t.Errorf("sizes %v: batch %d is %v, want %v", tc.sizes, i, names, tc.want[i])
			}
		}
	}
}

// TestJudgeInBatches checks that a judgement of more cases than one
// Ginkgo run holds gives every case the verdict a small one gives it.
func TestJudgeInBatches(t *testing.T) {
	small, smallEx := honestSuites(t, 10)
	want := map[string]Outcome{}
	results, err := Judge(Input{Suites: small, Exchanges: smallEx})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		want[r.Case.Name()] = r.Outcome
	}
	n := 2*specBatch + 210
	many, manyEx := honestSuites(t, n)
	results, err = Judge(Input{Suites: many, Exchanges: manyEx})
	if err != nil {
		t.Fatal(err)
	}
	if len(results) != n {
		t.Fatalf("%d results, want %d", len(results), n)
	}
	for _, r := range results {
		if r.Outcome != want[r.Case.Name()] {
			t.Errorf("%s: %s, want %s as in a run of 10 cases", r.Case.ID, r.Outcome, want[r.Case.Name()])
		}
	}
}

// TestGroupSharesSideBySideCases checks that Group keeps the endpoints'
// order, shares an endpoint's adjacent cases with the plan, and never
// writes into the plan when an endpoint's cases are apart.
func TestGroupSharesSideBySideCases(t *testing.T) {
	a, b := &plan.Endpoint{Name: "a", Profile: "strict"}, &plan.Endpoint{Name: "b", Profile: "lenient"}
	cases := []plan.Case{{ID: "a/1", Endpoint: a}, {ID: "a/2", Endpoint: a}, {ID: "b/1", Endpoint: b}, {ID: "a/3", Endpoint: a}}
	profiles := Profiles{"strict": &Profile{Name: "strict"}, "lenient": &Profile{Name: "lenient"}}
	got := Group(cases, profiles, func(ep *plan.Endpoint) string { return ep.Profile })
	if len(got) != 2 || got[0].Name != "a (strict)" || got[1].Name != "b (lenient)" || got[1].Profile.Name != "lenient" {
		t.Fatalf("suites %+v", got)
	}
	var ids []string
	for _, c := range got[0].Cases {
		ids = append(ids, c.ID)
	}
	if fmt.Sprint(ids) != "[a/1 a/2 a/3]" {
		t.Errorf("suite a holds %v", ids)
	}
	if &got[1].Cases[0] != &cases[2] {
		t.Error("the cases of b were copied, not shared")
	}
	if cases[2].ID != "b/1" || cases[3].ID != "a/3" {
		t.Errorf("grouping wrote into the plan: %s, %s", cases[2].ID, cases[3].ID)
	}
}
