package runner

import (
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// defectCase is one switchable defect of the reference API and the cases
// it must break, and nothing else.
type defectCase struct {
	defect  fixtures.Defect
	profile string
	// fails lists the cases that must fail (for a fail-level rule) or
	// carry a warning (for a warn-level rule).
	fails string
	// check is the finding that must name the broken rule; checkOn names
	// it instead for the cases where the defect breaks another field.
	check   string
	checkOn map[string]string
	// source must appear in the finding: the RFC section or the profile.
	source string
	warn   bool // a warn-level rule: shown, but fails only with --strict-warnings
	burst  bool // needs the rate-limit phase
	// alsoFails lists cases a warn-level defect fails anyway, because the
	// profile's own cell needs what the defect removes.
	alsoFails string
	// args describe the endpoint when it is not /items (appended to fullArgs).
	args []string
}

// singleRecord is the reference API's single resource without metadata.
var singleRecord = []string{"--path", "/records/{id}", "--id-style", "path"}

var defectCases = []defectCase{
	{defect: fixtures.DefectWrongReturnedCount, profile: "lenient", fails: "partial", check: "returned_count", source: "profile lenient"},
	{defect: fixtures.DefectIncompleteMissingIDs, profile: "lenient", fails: "partial none", check: "missing_ids", source: "profile lenient"},
	{defect: fixtures.DefectMultiStatusMissingItem, profile: "multi-status", fails: "partial none", check: "results", source: "profile multi-status"},
	{defect: fixtures.DefectPartialContentNoMissingIDs, profile: "partial-content", fails: "partial", check: "missing_ids", source: "profile partial-content"},
	{defect: fixtures.DefectEnvelopeOKOnPartial, profile: "envelope", fails: "partial", check: "ok", source: "profile envelope"},
	{defect: fixtures.DefectBuriedError, profile: "lenient", fails: "partial", check: "rule:no-error-in-2xx", source: "seed 000"},
	{defect: fixtures.DefectProblemStatusMismatch, profile: "strict", fails: "partial", check: "rule:problem-json", source: "RFC 9457 §3.1"},
	{defect: fixtures.DefectNoContentTypeOnError, profile: "strict", fails: "malformed malformed-mixed empty missing-param oversized", check: "rule:error-content-type", source: "RFC 9110 §15.5", warn: true,
		// strict wants an error body on malformed: JSON, announced as such.
		alsoFails: "malformed"},
	{defect: fixtures.DefectNoCacheControl, profile: "strict", fails: "partial none unknown-endpoint", check: "rule:error-cache-control", source: "RFC 9111 §4.2.2", warn: true},
	{defect: fixtures.DefectNoChallenge, profile: "strict", fails: "auth-missing auth-invalid", check: "rule:401-challenge", source: "RFC 9110 §11.6.1"},
	{defect: fixtures.DefectNoChallenge, profile: "envelope", fails: "auth-invalid", check: "rule:401-challenge", source: "RFC 9110 §11.6.1"},
	{defect: fixtures.DefectBrokenChallenge, profile: "lenient", fails: "auth-missing auth-invalid", check: "rule:401-challenge", source: "RFC 9110 §11.6.1"},
	{defect: fixtures.DefectEnvelope401ForMissing, profile: "envelope", fails: "auth-missing", check: "status", source: "profile envelope"},
	{defect: fixtures.DefectForbiddenGetsData, profile: "strict", fails: "auth-forbidden", check: "status", source: "profile strict"},
	{defect: fixtures.DefectUnknownEndpoint200, profile: "strict", fails: "unknown-endpoint", check: "status", source: "profile strict"},
	{defect: fixtures.DefectNoAllow, profile: "strict", fails: "wrong-method", check: "rule:405-allow", source: "RFC 9110 §15.5.6"},
	{defect: fixtures.DefectSilentTruncation, profile: "strict", fails: "oversized", check: "status", source: "profile strict"},
	{defect: fixtures.DefectNone204WithBody, profile: "strict", fails: "none", check: "rule:204-no-body", source: "RFC 9110 §15.3.5"},
	{defect: fixtures.DefectNoRetryAfter, profile: "strict", fails: "rate-limit", check: "rule:429-retry-after", source: "RFC 6585 §4", burst: true},
	{defect: fixtures.DefectRetryAfter5s, profile: "strict", fails: "rate-limit", check: "rule:429-retry-after", source: "RFC 9110 §10.2.3", burst: true},
	{defect: fixtures.DefectRateLimit503, profile: "strict", fails: "rate-limit", check: "status", source: "RFC 6585 §4", burst: true},
	{defect: fixtures.DefectNoRecovery, profile: "lenient", fails: "rate-limit", check: "recovery", source: "RFC 6585 §4", burst: true},
	{defect: fixtures.DefectDuplicateMembers, profile: "lenient", fails: "partial", check: "rule:duplicate-member", source: "RFC 8259 §4"},
	{defect: fixtures.DefectNullLists, profile: "lenient", fails: "found found-one none", check: "missing_ids", checkOn: map[string]string{"none": "ids"}, source: "profile lenient"},
	{defect: fixtures.DefectSingleMissing200, profile: "strict", fails: "none", check: "status", source: "profile strict", args: singleRecord},
	{defect: fixtures.DefectSingleMissing200, profile: "envelope", fails: "none", check: "ok", source: "profile envelope", args: singleRecord},
}

// TestEveryDefectFailsExactlyItsCase switches on one defect at a time and
// checks that the run fails on exactly the cases the defect breaks, with
// a message that names the case, the rule, its source and the consumer
// it misleads; and that the same run without the defect passes.
func TestEveryDefectFailsExactlyItsCase(t *testing.T) {
	covered := map[fixtures.Defect]bool{}
	for _, dc := range defectCases {
		covered[dc.defect] = true
	}
	for _, sh := range shapes {
		covered[sh.defect] = true // tested on its endpoint kind in TestRequestShapes
	}
	for _, d := range fixtures.AllDefects() {
		if !covered[d] {
			t.Errorf("defect %s has no test case", d)
		}
	}
	for _, dc := range defectCases {
		t.Run(string(dc.defect)+"/"+dc.profile, func(t *testing.T) {
			t.Parallel()
			opts := withAuth(fixtures.Options{MaxIDs: 5})
			filter := "!rate-limit"
			extra := dc.args
			if dc.burst {
				opts.RateLimit, opts.RateWindow = 25, time.Second
				filter = "rate-limit"
				extra = append(extra, "--rate-limit-burst", "60", "--retry-after-max", "3s")
			}
			// The honest twin passes: the defect alone makes the difference.
			_, honest := referenceAPI(t, opts)
			if res := runMain(t, nil, fullArgs(honest, dc.profile, dc.profile, append(extra, "--label-filter", filter)...)...); res.code != ExitPass {
				t.Fatalf("the honest %s API does not pass (exit %d):\n%s", dc.profile, res.code, res.stdout)
			}
			opts.Defects = []fixtures.Defect{dc.defect}
			_, base := referenceAPI(t, opts)
			res := runMain(t, nil, fullArgs(base, dc.profile, dc.profile, append(extra, "--label-filter", filter)...)...)
			if res.run == nil {
				t.Fatalf("no results (exit %d): %s", res.code, res.stderr)
			}
			if dc.warn {
				if failed := join(casesWith(res.run, suites.Fail)); failed != dc.alsoFails {
					t.Fatalf("without --strict-warnings, failed %q, want %q (exit %d):\n%s", failed, dc.alsoFails, res.code, res.stdout)
				}
				var warned []string
				for _, c := range res.run.Cases {
					if len(c.Warnings) > 0 {
						warned = append(warned, c.Case)
						assertFinding(t, c.ID, c.Warnings[0], dc)
					}
				}
				if join(warned) != dc.fails {
					t.Fatalf("warnings on %q, want exactly %q", join(warned), dc.fails)
				}
				res = runMain(t, nil, fullArgs(base, dc.profile, dc.profile, append(extra, "--label-filter", filter, "--strict-warnings")...)...)
			}
			if failed := join(casesWith(res.run, suites.Fail)); res.code != ExitFail || failed != dc.fails {
				t.Fatalf("exit %d, failed %q; want exit 1 and failed exactly %q\n%s", res.code, failed, dc.fails, res.stdout)
			}
			for _, kind := range strings.Fields(dc.fails) {
				c := caseByKind(t, res.run, kind)
				check := dc.check
				if on, ok := dc.checkOn[kind]; ok {
					check = on
				}
				var found bool
				for _, f := range c.Failures {
					if f.Check == check {
						found = true
						assertFinding(t, c.ID, f, dc)
					}
				}
				if !found {
					t.Errorf("%s fails, but not on %s: %+v", c.ID, check, c.Failures)
				}
			}
		})
	}
}

func assertFinding(t *testing.T, caseID string, f suites.Finding, dc defectCase) {
	t.Helper()
	if !strings.HasPrefix(f.Message, caseID+": expected ") || !strings.Contains(f.Message, "; got ") {
		t.Errorf("message %q does not name the case, the expectation and what came back", f.Message)
	}
	if !strings.Contains(f.Source, dc.source) {
		t.Errorf("%s: source %q does not name %q", caseID, f.Source, dc.source)
	}
	if len(f.Impact) < 20 {
		t.Errorf("%s: no consumer impact in %+v", caseID, f)
	}
}

// TestRateLimitAnsweredWith503ReadsAsSuch checks the diagnosis the rule
// demands: rate limiting answered with 503 is called that, because load
// balancers and alerting read a 503 as an outage.
func TestRateLimitAnsweredWith503ReadsAsSuch(t *testing.T) {
	opts := fixtures.Options{RateLimit: 5, RateWindow: time.Second, Defects: []fixtures.Defect{fixtures.DefectRateLimit503}}
	_, base := referenceAPI(t, opts)
	res := runMain(t, nil, "run", "--base-url", base+"/strict", "--profile", "strict", "--path", "/items",
		"--found", "2,3", "--rate-limit-burst", "20", "--label-filter", "rate-limit")
	c := caseByKind(t, res.run, "rate-limit")
	if c.Outcome != suites.Fail || !strings.Contains(c.Failures[0].Message, "rate limiting answered with 503") {
		t.Fatalf("want the 503 diagnosis, got %+v", c)
	}
	if !strings.Contains(c.Impact, "load balancers") || !strings.Contains(c.Impact, "monitoring") {
		t.Errorf("impact %q does not name load balancers and monitoring", c.Impact)
	}
}

// TestNoRateLimitWithinTheBudgetFails checks that an API that never says
// 429 fails, with the number of requests that were sent.
func TestNoRateLimitWithinTheBudgetFails(t *testing.T) {
	api, base := referenceAPI(t, fixtures.Options{})
	res := runMain(t, nil, "run", "--base-url", base+"/lenient", "--profile", "lenient", "--path", "/items",
		"--found", "2,3", "--rate-limit-burst", "17", "--label-filter", "rate-limit")
	c := caseByKind(t, res.run, "rate-limit")
	if c.Outcome != suites.Fail || !strings.Contains(c.Failures[0].Message, "no 429 after 17 requests") {
		t.Fatalf("want a failure that says 17 requests were sent, got %+v", c)
	}
	if got := api.Requests("lenient"); got != 17 {
		t.Fatalf("the fixture saw %d requests, want exactly the budget of 17", got)
	}
}
