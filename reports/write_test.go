package reports

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/apiconform/apiconform/suites"
)

// TestWriteAllWritesEveryArtifact writes the four fixed files for runs
// that pass, fail, stop early and hold no case at all.
func TestWriteAllWritesEveryArtifact(t *testing.T) {
	runs := map[string]*Run{
		"mixed":       sampleRun(),
		"pass":        newSampleRun(Meta{}, onlyOutcome(suites.Pass)),
		"interrupted": newSampleRun(Meta{Interrupted: "interrupted: SIGINT"}, onlyOutcome(suites.NotRun)),
		"empty":       newSampleRun(Meta{}, nil),
	}
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			paths, err := WriteAll(dir, run)
			if err != nil {
				t.Fatal(err)
			}
			for _, file := range []string{JUnitFile, ResultsFile, HTMLFile, SummaryFile} {
				path := filepath.Join(dir, file)
				if !slices.Contains(paths, path) {
					t.Errorf("WriteAll did not report %s", file)
				}
				if info, err := os.Stat(path); err != nil || info.Size() == 0 {
					t.Errorf("%s: missing or empty (%v)", file, err)
				}
			}
			back, err := ReadJSON(filepath.Join(dir, ResultsFile))
			if err != nil || back.Verdict != run.Verdict || len(back.Cases) != len(run.Cases) {
				t.Errorf("results.json does not read back: %v", err)
			}
		})
	}
}
