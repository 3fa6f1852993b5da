package runner

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// TestDetectNamesEachHonestProfile runs detect against every honest
// fixture API and always-200: each honest one is named as the profile it
// follows, and always-200 is called the incident.
func TestDetectNamesEachHonestProfile(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{MaxIDs: 5}))
	args := func(prefix string, extra ...string) []string {
		a := withoutFlag(fullArgs(base, prefix, "strict", "--label-filter", "!rate-limit"), "--profile")
		a[0] = "detect"
		return append(a, extra...)
	}
	for _, profile := range suites.BuiltinNames() {
		res := runMain(t, nil, args(profile)...)
		d := res.run.Detection
		if res.code != ExitPass || d == nil || len(d.Follows) != 1 || d.Follows[0] != profile || d.Incident {
			t.Fatalf("%s: exit %d, detection %+v\n%s", profile, res.code, d, res.stdout)
		}
		if !strings.Contains(res.stdout, "follows the "+profile+" profile") || res.run.Profile != profile {
			t.Errorf("%s: output does not name the profile:\n%s", profile, res.stdout)
		}
	}
	res := runMain(t, nil, args(fixtures.AntiPattern)...)
	d := res.run.Detection
	if res.code != ExitFail || d == nil || len(d.Follows) != 0 || !d.Incident || !strings.Contains(res.stdout, "incident pattern") {
		t.Fatalf("always-200: exit %d %+v\n%s", res.code, d, res.stdout)
	}
	if !strings.Contains(res.stdout, "What keeps it from matching "+d.Closest) {
		t.Errorf("the closest profile's mismatches should be listed:\n%s", res.stdout)
	}
	for _, file := range []string{"report.html", "summary.md", "results.json"} {
		if !strings.Contains(readFile(t, filepath.Join(res.dir, file)), "incident pattern") {
			t.Errorf("%s lacks the detection verdict", file)
		}
	}
}

// TestDetectConsidersHouseProfiles checks that detect judges house
// profiles too, and says when the cases cannot tell profiles apart.
func TestDetectConsidersHouseProfiles(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	file := writeFile(t, "c.yaml", "base_url: "+base+"/strict\nendpoints:\n  - path: /items\n    found: [2, 3]\n    missing: [1]\nprofiles:\n  ours:\n    base: strict\n")
	res := runMain(t, nil, "detect", "--config", file)
	d := res.run.Detection
	if res.code != ExitPass || d == nil || strings.Join(d.Follows, " ") != "strict ours" || !strings.Contains(d.Verdict, "expect the same answers") {
		t.Fatalf("exit %d %+v", res.code, d)
	}
}
