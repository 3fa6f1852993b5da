package runner

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// discoveryConfig describes the strict /items endpoint with no ID of its
// own: found IDs from the collection's listing, the rest generated.
func discoveryConfig(t *testing.T, base, listing string) string {
	t.Helper()
	return writeFile(t, "apiconform.yaml", "base_url: "+base+"/strict\nendpoints:\n  - path: /items\n    found_from: {path: "+listing+", ids: data.#.id, limit: 2}\n    generate_ids: true\n")
}

// TestIDsFoundAtRunTime checks profiles.md §1b: found IDs discovered from
// the collection, missing and malformed ones generated in their shape
// from a recorded seed; the honest API passes, a defect fails, and every
// report says where the IDs came from.
func TestIDsFoundAtRunTime(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	file := discoveryConfig(t, base, "/collection/items")
	res := runMain(t, nil, "run", "--config", file, "--seed", "42")
	if res.code != ExitPass {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	ids := res.run.IDs[0]
	if join(ids.Found) != "2 3" || !strings.Contains(ids.FoundFrom, "discovered from GET /collection/items (data.#.id)") {
		t.Errorf("found %v from %q", ids.Found, ids.FoundFrom)
	}
	if len(ids.Missing) != 2 || !strings.HasPrefix(ids.Missing[0], "9") || !strings.Contains(ids.MissingFrom, "seed 42") || join(ids.Malformed) != "abc" {
		t.Errorf("generated missing %v (%s), malformed %v", ids.Missing, ids.MissingFrom, ids.Malformed)
	}
	if res.run.Seed != 42 || caseByKind(t, res.run, "partial").Outcome != suites.Pass {
		t.Errorf("seed %d, partial %s", res.run.Seed, caseByKind(t, res.run, "partial").Outcome)
	}
	for _, file := range []string{"report.html", "summary.md"} {
		if !strings.Contains(readFile(t, filepath.Join(res.dir, file)), "GET /collection/items") {
			t.Errorf("%s does not say where the found IDs came from", file)
		}
	}
	if !strings.Contains(res.stdout, "IDs of items: found [2 3] (discovered from GET /collection/items") {
		t.Errorf("the console does not say where the IDs came from:\n%s", res.stdout)
	}
	again := runMain(t, nil, "run", "--config", file, "--seed", "42")
	if join(again.run.IDs[0].Missing) != join(ids.Missing) {
		t.Errorf("--seed 42 gave %v, then %v", ids.Missing, again.run.IDs[0].Missing)
	}
	_, broken := referenceAPI(t, fixtures.Options{Defects: []fixtures.Defect{fixtures.DefectProblemStatusMismatch}})
	res = runMain(t, nil, "run", "--config", discoveryConfig(t, broken, "/collection/items"))
	if failed := join(casesWith(res.run, suites.Fail)); res.code != ExitFail || failed != "partial" {
		t.Errorf("a defect with discovered IDs: exit %d, failed %q; want 1 and partial", res.code, failed)
	}
}

// TestDiscoveryThatFindsNothingIsInconclusive: no IDs, no verdict on the
// cases that need them; the run is inconclusive, never a failure.
func TestDiscoveryThatFindsNothingIsInconclusive(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	res := runMain(t, nil, "run", "--config", discoveryConfig(t, base, "/no/such/listing"))
	if res.code != ExitInconclusive || res.run.Counts.Fail != 0 {
		t.Fatalf("exit %d, counts %+v; want 3 and no failure\n%s", res.code, res.run.Counts, res.stdout)
	}
	if len(res.run.Gaps) != 1 || !strings.Contains(res.run.Gaps[0], "answered 404") {
		t.Errorf("gaps %q", res.run.Gaps)
	}
	if c := caseByKind(t, res.run, "found"); c.Outcome != suites.Skipped {
		t.Errorf("found: %s, want skipped", c.Outcome)
	}
	res = runMain(t, nil, "run", "--config", discoveryConfig(t, base, "/collection/items"), "--dry-run")
	if !strings.Contains(res.stdout, "{found-1}") {
		t.Errorf("--dry-run does not show where the discovered IDs go:\n%s", res.stdout)
	}
}

// TestDetectFromABaseURLAndAPath: detect finds the IDs itself.
func TestDetectFromABaseURLAndAPath(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	res := runMain(t, nil, "detect", "--base-url", base+"/strict", "--path", "/records/{id}", "--id-style", "path")
	d := res.run.Detection
	if d == nil || len(res.run.IDs) == 0 || len(res.run.IDs[0].Found) == 0 || d.Profiles[0].Judged() < 3 {
		t.Fatalf("detect without IDs: exit %d, %+v\n%s%s", res.code, d, res.stdout, res.stderr)
	}
}
