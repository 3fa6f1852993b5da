package runner

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

// TestDiffProvesTheFix runs the suite against always-200 (before the fix)
// and the honest API (after), and diffs: every case is fixed, and the
// reverse diff is all regressions and fails.
func TestDiffProvesTheFix(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{MaxIDs: 5}))
	before := runMain(t, nil, fullArgs(base, "always-200", "envelope", "--label-filter", "!rate-limit")...)
	after := runMain(t, nil, fullArgs(base, "envelope", "envelope", "--label-filter", "!rate-limit")...)
	beforeJSON, afterJSON := filepath.Join(before.dir, "results.json"), filepath.Join(after.dir, "results.json")

	res := runMain(t, nil, "diff", beforeJSON, afterJSON)
	if res.code != ExitPass || !strings.Contains(res.stdout, "15 fixed, 0 regressed, 0 still failing, 0 new failures") {
		t.Fatalf("exit %d\n%s", res.code, res.stdout)
	}
	res = runMain(t, nil, "diff", "--format", "json", afterJSON, beforeJSON)
	if res.code != ExitFail || !strings.Contains(res.stdout, `"regressed": [`) {
		t.Fatalf("the reverse diff must fail on regressions: exit %d\n%s", res.code, res.stdout)
	}
	if res := runMain(t, nil, "diff", "--format", "markdown", beforeJSON, afterJSON); !strings.Contains(res.stdout, "### Fixed (15)") {
		t.Fatalf("markdown:\n%s", res.stdout)
	}
	for _, args := range [][]string{{"diff", beforeJSON}, {"diff", beforeJSON, "/nonexistent.json"}, {"diff", "--format", "xml", beforeJSON, afterJSON}} {
		if res := runMain(t, nil, args...); res.code != ExitUsage {
			t.Errorf("%v: exit %d, want 2 (%s)", args, res.code, res.stderr)
		}
	}
}

// TestBaselineFailsOnlyOnWhatGotWorse runs with --baseline: failures that
// were already there do not fail the job, a regression does.
func TestBaselineFailsOnlyOnWhatGotWorse(t *testing.T) {
	_, honest := referenceAPI(t, fixtures.Options{})
	_, broken := referenceAPI(t, fixtures.Options{Defects: []fixtures.Defect{fixtures.DefectIncompleteMissingIDs}})
	args := func(base string, extra ...string) []string {
		return append([]string{"run", "--base-url", base + "/lenient", "--profile", "lenient", "--path", "/items", "--found", "2,3", "--missing", "1,999"}, extra...)
	}
	brokenRun := runMain(t, nil, args(broken)...)
	if brokenRun.code != ExitFail {
		t.Fatalf("the broken API should fail: %d", brokenRun.code)
	}
	baseline := filepath.Join(brokenRun.dir, "results.json")

	// Same failures as the baseline: reported, but the job passes.
	res := runMain(t, nil, args(broken, "--baseline", baseline)...)
	if res.code != ExitPass || len(res.run.Baseline.StillFailing) != 2 || !strings.Contains(res.stdout, "Nothing got worse than the baseline") {
		t.Fatalf("exit %d\n%s", res.code, res.stdout)
	}
	// The honest API fixes both: reported as fixed.
	res = runMain(t, nil, args(honest, "--baseline", baseline)...)
	if res.code != ExitPass || len(res.run.Baseline.Fixed) != 2 {
		t.Fatalf("exit %d: %+v", res.code, res.run.Baseline)
	}
	// A baseline from the honest API: the broken one regresses.
	honestBaseline := filepath.Join(res.dir, "results.json")
	res = runMain(t, nil, args(broken, "--baseline", honestBaseline)...)
	if res.code != ExitFail || len(res.run.Baseline.Regressed) != 2 || !strings.Contains(res.stdout, "Worse than the baseline") {
		t.Fatalf("exit %d: %+v\n%s", res.code, res.run.Baseline, res.stdout)
	}
}

// TestKnownFailures checks the known-failures policy: an entry keeps its
// case from failing the run until it expires; an entry whose case passes
// is stale; an expired entry fails the run again.
func TestKnownFailures(t *testing.T) {
	_, broken := referenceAPI(t, fixtures.Options{Defects: []fixtures.Defect{fixtures.DefectWrongReturnedCount}})
	tomorrow := time.Now().UTC().Add(24 * time.Hour).Format("2006-01-02")
	lastYear := time.Now().UTC().AddDate(-1, 0, 0).Format("2006-01-02")
	run := func(known string) runResult {
		file := writeFile(t, "known.yaml", known)
		return runMain(t, nil, "run", "--base-url", broken+"/lenient", "--profile", "lenient", "--path", "/items",
			"--found", "2,3", "--missing", "1,999", "--known-failures", file)
	}

	res := run("known_failures:\n  - case: items/partial\n    reason: PROJ-1 returned_count counts requested IDs\n    expires: " + tomorrow +
		"\n  - case: items/none\n    reason: fixed already?\n    expires: " + tomorrow +
		"\n  - case: orders/partial\n    reason: gone\n    expires: " + tomorrow + "\n")
	if res.code != ExitPass || res.run.Counts.Known != 1 || caseByKind(t, res.run, "partial").Outcome != suites.KnownFailure {
		t.Fatalf("exit %d %+v\n%s", res.code, res.run.Counts, res.stdout)
	}
	statuses := map[string]string{}
	for _, k := range res.run.Known {
		statuses[k.Case] = k.Status
	}
	if statuses["items/partial"] != "applied" || statuses["items/none"] != "stale" || statuses["orders/partial"] != "unknown" {
		t.Fatalf("statuses %v", statuses)
	}
	for _, want := range []string{"PROJ-1", "stale"} {
		for _, file := range []string{"junit.xml", "summary.md", "report.html"} {
			if !strings.Contains(readFile(t, filepath.Join(res.dir, file)), want) {
				t.Errorf("%s does not mention %q", file, want)
			}
		}
	}

	res = run("known_failures:\n  - case: items/partial\n    reason: PROJ-1\n    expires: " + lastYear + "\n")
	if res.code != ExitFail || caseByKind(t, res.run, "partial").Outcome != suites.Fail || res.run.Known[0].Status != "expired" {
		t.Fatalf("an expired entry must fail the run again: exit %d %+v", res.code, res.run.Known)
	}

	for _, bad := range []string{"known_failures:\n  - case: items/partial\n    expires: 2026-01-01\n", "known_failures:\n  - case: items/partial\n    reason: x\n    expires: soon\n", "known: []\n"} {
		if res := run(bad); res.code != ExitUsage || !strings.Contains(res.stderr, "--known-failures") {
			t.Errorf("%q: exit %d %s", bad, res.code, res.stderr)
		}
	}
}

// TestRedactHeaderAndSecretShapes checks that headers named with
// --redact-header, the standard sensitive headers and values shaped like
// credentials never reach a report.
func TestRedactHeaderAndSecretShapes(t *testing.T) {
	const session = "sess-4c1f0e9a7b3d2a61"
	const jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyLTQyIn0.c2lnbmF0dXJlLXZhbHVlLXh5eg"
	const aws = "AKIAIOSFODNN7EXAMPLE"
	srv := echoServer(t, map[string]string{"Set-Cookie": "session=" + session, "X-Internal-Trace": "trace-secret-9f8e7d6c"},
		`{"data":[],"debug":"cookie `+session+` jwt `+jwt+` key `+aws+`"}`)
	res := runMain(t, nil, "run", "--base-url", srv, "--path", "/items", "--found", "2,3", "--redact-header", "X-Internal-Trace", "-v")
	if res.run == nil {
		t.Fatalf("no results: %s", res.stderr)
	}
	assertNoSecrets(t, res, session, jwt, aws, "trace-secret-9f8e7d6c")
	if !strings.Contains(readFile(t, filepath.Join(res.dir, "results.json")), "[redacted:jwt]") {
		t.Error("a JWT in a body should be replaced by a marker that says what it was")
	}
}

// TestLeakingArtifactIsCaught proves the after-write scan: an artifact
// writer that leaks the token makes the run exit 4, and nothing of that
// run reaches the report directory: the previous run's set stays whole.
func TestLeakingArtifactIsCaught(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{}))
	dir := t.TempDir()
	args := []string{"run", "--base-url", base + "/strict", "--path", "/items", "--found", "2,3", "--token-env", testTokenEnv, "--report-dir", dir}
	previous := runMain(t, nil, args...)
	if previous.code != ExitPass {
		t.Fatalf("the clean run: exit %d", previous.code)
	}
	saved := artifacts
	t.Cleanup(func() { artifacts = saved })
	artifacts = func() []reports.Writer {
		return append(saved(), reports.Writer{Name: "leak.txt", Write: func(w io.Writer, _ *reports.Run) error {
			_, err := io.WriteString(w, "debug: token="+testToken)
			return err
		}})
	}
	res := runMain(t, nil, args...)
	if res.code != ExitArtifacts || !strings.Contains(res.stderr, "leak.txt") {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
	if _, err := os.Stat(filepath.Join(res.dir, "leak.txt")); !os.IsNotExist(err) {
		t.Fatal("the leaking file must never reach the report directory")
	}
	if res.run == nil || res.run.RunID != previous.run.RunID {
		t.Fatal("the previous run's set must stay untouched")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 5 { // the set and the lock
		t.Errorf("%d entries in the report directory, want the 4 artifacts and the lock (no temporary file left)", len(entries))
	}
}

// TestShortTokensAreRefused: a token too short to redact reliably is a
// usage error, not a silent leak risk.
func TestShortTokensAreRefused(t *testing.T) {
	res := runMain(t, map[string]string{"SHORT": "abc"}, "run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2,3", "--token-env", "SHORT")
	if res.code != ExitUsage || !strings.Contains(res.stderr, "too short") {
		t.Fatalf("exit %d %q", res.code, res.stderr)
	}
}
