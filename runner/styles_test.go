package runner

import (
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// TestIDStylesAgainstTheReferenceAPI runs repeat and path style requests
// against every honest profile: each passes, with the list-only cases of
// a path-style endpoint skipped.
func TestIDStylesAgainstTheReferenceAPI(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{MaxIDs: 5}))
	for _, profile := range suites.BuiltinNames() {
		t.Run(profile+"/repeat", func(t *testing.T) {
			res := runMain(t, nil, fullArgs(base, profile, profile, "--id-style", "repeat", "--label-filter", "!rate-limit")...)
			if res.code != ExitPass || res.run.Counts.Pass != 15 {
				t.Fatalf("exit %d, %d passed\n%s", res.code, res.run.Counts.Pass, res.stdout)
			}
		})
		t.Run(profile+"/path", func(t *testing.T) {
			res := runMain(t, nil, "run", "--base-url", base+"/"+profile, "--profile", profile,
				"--path", "/items/{id}", "--id-style", "path", "--found", "2", "--missing", "1", "--malformed", "abc",
				"--token-env", testTokenEnv, "--forbidden-token-env", testForbiddenEnv)
			passed := join(casesWith(res.run, suites.Pass))
			want := "found-one none malformed unknown-endpoint auth-missing auth-invalid auth-forbidden"
			if res.code != ExitPass || passed != want {
				t.Fatalf("exit %d, passed %q, want %q\n%s", res.code, passed, want, res.stdout)
			}
		})
	}
}

// TestRawAPIKeyHeader checks the API-key style: a raw token in a header
// of its own, challenged with the API's own scheme.
func TestRawAPIKeyHeader(t *testing.T) {
	opts := fixtures.Options{Auth: &fixtures.AuthOptions{Header: "X-API-Key", Token: testToken}}
	_, base := referenceAPI(t, opts)
	res := runMain(t, nil, "run", "--base-url", base+"/strict", "--path", "/items", "--found", "2,3",
		"--token-env", testTokenEnv, "--auth-header", "X-API-Key", "--auth-scheme", "", "--label-filter", "auth || case:found")
	if got := outcomes(res.run); res.code != ExitPass || got["found"] != suites.Pass || got["auth-invalid"] != suites.Pass {
		t.Fatalf("exit %d %v\n%s", res.code, got, res.stdout)
	}
	if c := caseByKind(t, res.run, "found"); c.Request.Headers["X-Api-Key"] != "${"+testTokenEnv+"}" {
		t.Fatalf("the recorded key header should name the variable: %v", c.Request.Headers)
	}
}

const houseConfig = `
base_url: {{base}}
profile: lenient
endpoints:
  - name: items
    path: /items
    found: [2, 3]
    missing: [1, 999]
  - name: by-id
    path: /items/{id}
    id_style: path
    found: [2]
    missing: [1]
    profile: strict
  - name: pc-house
    path: /items
    found: [2, 3]
    missing: [1]
    profile: house206
  - name: pc-builtin
    path: /items
    found: [2, 3]
    missing: [1]
    profile: partial-content
profiles:
  # A house profile that accepts 206 for partial, without declaring that
  # it repurposes 206: a 206 without Content-Range then breaks RFC 9110.
  house206:
    base: lenient
    cases:
      partial:
        - status: [206]
          ids: found
          missing_ids: missing
`

// TestConfigFileEndpointsAndHouseProfiles runs a config file with several
// endpoints, an endpoint profile override and a house profile, and checks
// the 206 rule: a failure in a house profile that accepts 206, a note in
// the partial-content profile that repurposes it.
func TestConfigFileEndpointsAndHouseProfiles(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	// The run's base URL picks the fixture prefix; the filter picks the endpoint.
	for _, tc := range []struct {
		prefix, filter string
		code           int
	}{
		{"lenient", "endpoint:items", ExitPass},
		{"strict", "endpoint:by-id", ExitPass},
		{"partial-content", "endpoint:pc-builtin && case:partial", ExitPass},
		{"partial-content", "endpoint:pc-house && case:partial", ExitFail},
	} {
		file := writeFile(t, "apiconform.yaml", strings.ReplaceAll(houseConfig, "{{base}}", base+"/"+tc.prefix))
		res := runMain(t, nil, "run", "--config", file, "--label-filter", tc.filter)
		if res.code != tc.code {
			t.Fatalf("%s: exit %d, want %d\n%s%s", tc.filter, res.code, tc.code, res.stdout, res.stderr)
		}
		if tc.filter == "endpoint:pc-house && case:partial" {
			c := res.run.Cases[0]
			if c.Profile != "house206" || len(c.Failures) != 1 || c.Failures[0].Check != "rule:206-content-range" || !strings.Contains(c.Failures[0].Source, "RFC 9110 §15.3.7") {
				t.Fatalf("want the 206 Content-Range rule to fail alone: %+v", c)
			}
		}
		if tc.filter == "endpoint:pc-builtin && case:partial" {
			c := res.run.Cases[0]
			if len(c.Notes) == 0 || c.Notes[0].Check != "rule:206-without-range" {
				t.Fatalf("want the 206 note in the partial-content profile: %+v", c.Notes)
			}
		}
	}
}
