package suites

import (
	"strings"
	"testing"

	"github.com/apiconform/apiconform/suites/plan"
)

// TestBuiltinProfilesCoverEveryCase checks that each built-in profile has
// an expectation for every case kind, with disjoint statuses.
func TestBuiltinProfilesCoverEveryCase(t *testing.T) {
	profiles, err := LoadProfiles(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(profiles.Names(), " "); got != "strict lenient multi-status partial-content envelope" {
		t.Fatalf("profiles: %s", got)
	}
	for _, p := range profiles {
		for _, kind := range plan.Kinds() {
			alts := p.Expect(kind)
			if len(alts) == 0 {
				t.Errorf("%s has no expectation for %s", p.Name, kind)
			}
			for _, a := range alts {
				if len(a.Codes()) == 0 {
					t.Errorf("%s/%s: an alternative without statuses", p.Name, kind)
				}
			}
		}
	}
	if !profiles["envelope"].IsEnvelope() || profiles["strict"].IsEnvelope() {
		t.Error("only envelope is of the envelope school")
	}
	if !profiles["partial-content"].UsesPartialContent() || profiles["lenient"].UsesPartialContent() {
		t.Error("only partial-content repurposes 206")
	}
	if got := profiles["envelope"].Expect(plan.Malformed)[0].Codes(); len(got) != 1 || got[0] != 200 {
		t.Errorf("envelope malformed: %v", got)
	}
	if got := profiles["strict"].Expect(plan.Malformed)[0].Codes(); len(got) != 2 || got[0] != 400 || got[1] != 422 {
		t.Errorf("strict malformed: %v (bad-request must expand to 400/422)", got)
	}
}

// TestHouseProfiles checks that a config file can override one cell of a
// built-in profile and define a house profile on a base.
func TestHouseProfiles(t *testing.T) {
	no := false
	overrides := map[string]*Profile{
		"lenient": {Cases: map[plan.Kind][]*Alternative{plan.None: {{Status: []StatusCode{"404"}, Body: map[string]any{"missing_ids": "missing"}}}}},
		"house":   {Base: "strict", BadRequest: []int{400}, PartialContent: &no, Cases: map[plan.Kind][]*Alternative{plan.Partial: {{Status: []StatusCode{"206"}}}}},
	}
	profiles, err := LoadProfiles(overrides)
	if err != nil {
		t.Fatal(err)
	}
	if got := profiles["lenient"].Expect(plan.None)[0].Codes(); len(got) != 1 || got[0] != 404 {
		t.Errorf("overridden cell: %v", got)
	}
	if got := profiles["lenient"].Expect(plan.Partial)[0].Codes(); got[0] != 200 {
		t.Errorf("untouched cell changed: %v", got)
	}
	house := profiles["house"]
	if got := house.Expect(plan.Partial)[0].Codes(); got[0] != 206 {
		t.Errorf("house partial: %v", got)
	}
	if got := house.Expect(plan.Malformed)[0].Codes(); len(got) != 1 || got[0] != 400 {
		t.Errorf("house malformed should narrow bad-request to 400: %v", got)
	}
	// The built-in strict profile is unchanged by its house descendant.
	if got := profiles["strict"].Expect(plan.Partial)[0].Codes(); got[0] != 404 {
		t.Errorf("strict changed: %v", got)
	}
}

func TestInvalidProfilesAreRefused(t *testing.T) {
	cases := map[string]*Profile{
		"overlapping statuses":  {Base: "strict", Cases: map[plan.Kind][]*Alternative{plan.None: {{Status: []StatusCode{"404"}}, {Status: []StatusCode{"404"}}}}},
		"status out of range":   {Base: "strict", Cases: map[plan.Kind][]*Alternative{plan.None: {{Status: []StatusCode{"99"}}}}},
		"unknown word":          {Base: "strict", Cases: map[plan.Kind][]*Alternative{plan.None: {{Status: []StatusCode{"not-found"}}}}},
		"unknown id set":        {Base: "strict", Cases: map[plan.Kind][]*Alternative{plan.None: {{Status: []StatusCode{"404"}, Body: map[string]any{"missing_ids": "some"}}}}},
		"bad results key":       {Base: "strict", Cases: map[plan.Kind][]*Alternative{plan.None: {{Status: []StatusCode{"207"}, Body: map[string]any{"results": map[string]any{"sent": []any{"404"}}}}}}},
		"no alternatives":       {Base: "strict", Cases: map[plan.Kind][]*Alternative{plan.None: {}}},
		"bad-request not a 4xx": {Base: "strict", BadRequest: []int{500}},
	}
	for name, p := range cases {
		if _, err := LoadProfiles(map[string]*Profile{"house": p}); err == nil || !strings.HasPrefix(err.Error(), "profiles.house") {
			t.Errorf("%s: want an error naming profiles.house, got %v", name, err)
		}
	}
}
