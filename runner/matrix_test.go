package runner

import (
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// differing lists, for every built-in profile judged against every honest
// fixture API, the cases whose answers really differ between the two
// profiles (profiles.md §2). Derived from the spec, cell by cell:
//   - strict and partial-content both answer none with 404 + missing_ids;
//   - multi-status accepts a 404 for none and a 400 for malformed-mixed;
//   - the envelope answers semantic failures 200 ok:false, missing
//     credentials 400, and wants ok on every 2xx and on missing-param;
//   - lenient wants its metadata on found and found-one.
var differing = map[string]map[string]string{
	"strict": {
		"lenient":         "partial none",
		"multi-status":    "partial none malformed-mixed",
		"partial-content": "partial",
		"envelope":        "partial none malformed malformed-mixed empty oversized auth-missing",
	},
	"lenient": {
		"strict":          "found found-one partial none",
		"multi-status":    "found found-one partial none malformed-mixed",
		"partial-content": "found found-one partial none",
		"envelope":        "found found-one partial none malformed malformed-mixed empty oversized auth-missing",
	},
	"multi-status": {
		"strict":          "partial",
		"lenient":         "partial none",
		"partial-content": "partial",
		"envelope":        "partial none malformed malformed-mixed empty oversized auth-missing",
	},
	"partial-content": {
		"strict":       "partial",
		"lenient":      "partial none",
		"multi-status": "partial none malformed-mixed",
		"envelope":     "partial none malformed malformed-mixed empty oversized auth-missing",
	},
	"envelope": {
		"strict":          "found found-one partial none malformed malformed-mixed duplicate missing-param auth-missing",
		"lenient":         "found found-one partial none malformed malformed-mixed duplicate missing-param auth-missing",
		"multi-status":    "found found-one partial none malformed malformed-mixed duplicate missing-param auth-missing",
		"partial-content": "found found-one partial none malformed malformed-mixed duplicate missing-param auth-missing",
	},
}

// always200Passing lists the cases always-200 answers correctly under each
// profile: it does return the found records with 200.
var always200Passing = map[string]string{
	"strict":          "found found-one duplicate",
	"lenient":         "duplicate",
	"multi-status":    "found found-one duplicate",
	"partial-content": "found found-one duplicate",
	"envelope":        "",
}

// TestCrossMatrix judges every built-in profile against every honest
// fixture API and always-200: each passes only on its own profile and
// fails on every other, exactly on the cases that really differ.
func TestCrossMatrix(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{MaxIDs: 5}))
	for _, profile := range suites.BuiltinNames() {
		for _, api := range append(fixtures.Profiles(), fixtures.AntiPattern) {
			t.Run(profile+"/"+api, func(t *testing.T) {
				res := runMain(t, nil, fullArgs(base, api, profile, "--label-filter", "!rate-limit")...)
				if res.run == nil {
					t.Fatalf("no results.json; stderr: %s", res.stderr)
				}
				failed := join(casesWith(res.run, suites.Fail))
				if errs := casesWith(res.run, suites.Error); len(errs) > 0 {
					t.Fatalf("errors where every case should be judged: %v\n%s", errs, res.stdout)
				}
				switch {
				case api == profile:
					if res.code != ExitPass || failed != "" {
						t.Fatalf("profile %s fails its own honest API (exit %d) on: %s\n%s", profile, res.code, failed, res.stdout)
					}
				case api == fixtures.AntiPattern:
					passed := join(casesWith(res.run, suites.Pass))
					if res.code != ExitFail || passed != always200Passing[profile] {
						t.Fatalf("always-200 under %s: exit %d, passed %q, want exit 1 and passed %q\n%s", profile, res.code, passed, always200Passing[profile], res.stdout)
					}
				default:
					if want := differing[profile][api]; res.code != ExitFail || failed != want {
						t.Fatalf("profile %s against the %s API: exit %d, failed %q, want exit 1 and failed %q\n%s", profile, api, res.code, failed, want, res.stdout)
					}
				}
			})
		}
	}
}

// TestAlways200ReadsAsTheIncident checks that the partial case against
// always-200 tells the story of the incident under every profile: what
// was expected, the 200 that came back, and who it misleads.
func TestAlways200ReadsAsTheIncident(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	for _, profile := range suites.BuiltinNames() {
		res := runMain(t, nil, "run", "--base-url", base+"/always-200", "--profile", profile,
			"--path", "/items", "--found", "2", "--missing", "1", "--label-filter", "case:partial")
		c := caseByKind(t, res.run, "partial")
		if c.Outcome != suites.Fail || len(c.Failures) == 0 {
			t.Fatalf("%s: partial against always-200 did not fail: %+v", profile, c)
		}
		msg := c.Failures[0].Message + " " + c.Impact
		for _, want := range []string{"items/partial", "expected", "got", "200"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: failure %q does not mention %q", profile, msg, want)
			}
		}
		if !strings.Contains(c.Impact, "missing record") || !strings.Contains(c.Impact, "client") {
			t.Errorf("%s: impact %q does not say that a client takes the missing record as delivered", profile, c.Impact)
		}
	}
}
