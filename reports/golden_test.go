package reports

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites"
)

// goldenRuns are the runs whose junit.xml and results.json are pinned
// byte for byte: the writers stream them, and must write what a whole
// document would.
func goldenRuns() map[string]*Run {
	sample := newSampleRun(Meta{RunID: "0123456789abcdef", Notices: []string{insecureMsg}, Seed: 42,
		Known: []suites.KnownStatus{{KnownFailureEntry: suites.KnownFailureEntry{Case: "nowhere/found", Reason: "gone", Expires: "2027-01-01"}, Status: "unknown"}},
		IDs:   []EndpointIDs{{Endpoint: "items", Found: []string{"2", "3"}, FoundFrom: "discovered from /items"}},
	}, sampleCases())
	sample.Baseline = Compare(newSampleRun(Meta{RunID: "fedcba9876543210"}, onlyOutcome(suites.Pass)), sample, "base/results.json")
	empty := newSampleRun(Meta{RunID: "00000000000000aa", Interrupted: "interrupted: the run was stopped", Duration: time.Second}, nil)
	return map[string]*Run{"sample": sample, "empty": empty}
}

// TestGoldenJUnitAndResults compares each golden run's junit.xml and
// results.json with testdata/golden (APICONFORM_UPDATE_GOLDEN=1 rewrites
// the files).
func TestGoldenJUnitAndResults(t *testing.T) {
	for name, run := range goldenRuns() {
		for _, w := range []Writer{{JUnitFile, WriteJUnit}, {ResultsFile, WriteJSON}} {
			got := render(t, w.Write, run)
			checkGoldenFile(t, filepath.Join("testdata", "golden", name+"."+w.Name), got)
		}
	}
}

// checkGoldenFile compares got with the file at path, or rewrites the
// file when APICONFORM_UPDATE_GOLDEN is set.
func checkGoldenFile(t *testing.T, path, got string) {
	t.Helper()
	if os.Getenv("APICONFORM_UPDATE_GOLDEN") != "" {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (APICONFORM_UPDATE_GOLDEN=1 writes it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs: %s", path, showDifference(got, string(want)))
	}
}

// showDifference shows where two texts part.
func showDifference(got, want string) string {
	i := firstDifference(got, want)
	return fmt.Sprintf("at byte %d:\ngot:  %q\nwant: %q", i, around(got, i), around(want, i))
}

// TestStreamedResultsEqualTheWholeDocument checks that results.json,
// written case by case, is what encoding the whole run writes, with
// cases, with none, and with none recorded at all.
func TestStreamedResultsEqualTheWholeDocument(t *testing.T) {
	runs := goldenRuns()
	noCases := *runs["empty"]
	noCases.Cases = nil
	runs["no cases recorded"] = &noCases
	for name, run := range runs {
		var whole strings.Builder
		if err := encodeJSON(&whole, run, ""); err != nil {
			t.Fatal(err)
		}
		if got := render(t, WriteJSON, run); got != whole.String() {
			t.Errorf("run %s: %s", name, showDifference(got, whole.String()))
		}
	}
}
