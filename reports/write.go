package reports

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/apiconform/apiconform/suites/words"
)

// The fixed artifact names of a report directory.
const (
	JUnitFile   = "junit.xml"
	ResultsFile = "results.json"
	HTMLFile    = "report.html"
	SummaryFile = "summary.md"
)

// WriteJSON writes run as indented JSON.
func WriteJSON(w io.Writer, run *Run) error {
	// The run is encoded without its cases, and the cases are written in
	// its place one at a time: the document is never whole in memory.
	head := *run
	head.Cases = nil
	var buf bytes.Buffer
	if err := encodeJSON(&buf, &head, ""); err != nil {
		return err
	}
	before, after, ok := bytes.Cut(buf.Bytes(), []byte(casesPlaceholder))
	if !ok {
		return fmt.Errorf("results.json: no place for the cases in %.80q", buf.Bytes())
	}
	if _, err := w.Write(before); err != nil {
		return err
	}
	if err := writeJSONCases(w, run.Cases); err != nil {
		return err
	}
	_, err := w.Write(after)
	return err
}

// casesPlaceholder is where the encoded run without cases has them: a
// top-level member, the only one at its indentation.
const casesPlaceholder = "\n  \"cases\": null"

// writeJSONCases writes the cases member, each case encoded alone, as
// encoding the whole run would have written it.
func writeJSONCases(w io.Writer, cases []Case) error {
	if cases == nil {
		_, err := io.WriteString(w, casesPlaceholder)
		return err
	}
	if len(cases) == 0 {
		_, err := io.WriteString(w, "\n  \"cases\": []")
		return err
	}
	if _, err := io.WriteString(w, "\n  \"cases\": ["); err != nil {
		return err
	}
	var buf bytes.Buffer
	for i := range cases {
		buf.Reset()
		buf.WriteString("\n    ")
		if err := encodeJSON(&buf, &cases[i], "    "); err != nil {
			return err
		}
		buf.Truncate(buf.Len() - 1) // the encoder's newline
		if i < len(cases)-1 {
			buf.WriteByte(',')
		}
		if _, err := w.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, "\n  ]")
	return err
}

// encodeJSON writes v as results.json writes everything: indented by two
// spaces under prefix, with <, > and & as they are.
func encodeJSON(w io.Writer, v any, prefix string) error {
	enc := json.NewEncoder(w)
	enc.SetIndent(prefix, "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// MaxResultsBytes bounds a results.json that diff or --baseline reads.
const MaxResultsBytes = 256 << 20

// runIDMarker names the run ID in each artifact.
const runIDMarker = "apiconform-run-id"

// ReadJSON reads a results.json file and checks that the artifacts beside
// it belong to the same run: a set that mixes two runs (a run killed while
// it moved its files into place) is refused rather than compared.
func ReadJSON(path string) (*Run, error) {
	data, err := words.ReadFileLimited(path, MaxResultsBytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var run Run
	if err := json.Unmarshal(data, &run); err != nil {
		return nil, fmt.Errorf("%s: not a results.json file: %w", path, err)
	}
	if run.Tool != "apiconform" {
		return nil, fmt.Errorf("%s: not an apiconform results.json (tool %q)", path, run.Tool)
	}
	if err := checkSet(filepath.Dir(path), run.RunID); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &run, nil
}

// checkSet reports an artifact beside results.json that names another run.
func checkSet(dir, runID string) error {
	if runID == "" {
		return nil // written before runs had IDs
	}
	for _, name := range []string{JUnitFile, HTMLFile, SummaryFile} {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			continue
		}
		head, _ := io.ReadAll(io.LimitReader(f, maxArtifactScan))
		f.Close()
		if bytes.Contains(head, []byte(runIDMarker)) && !bytes.Contains(head, []byte(runID)) {
			return fmt.Errorf("its set is not one run's: %s belongs to another run (a run stopped while it wrote its reports?); run again", name)
		}
	}
	return nil
}

// maxArtifactScan bounds how much of an artifact checkSet reads.
const maxArtifactScan = 256 << 20

// Writer renders one artifact.
type Writer struct {
	Name  string
	Write func(w io.Writer, run *Run) error
}

// Artifacts lists the files every run writes.
func Artifacts() []Writer {
	return []Writer{{JUnitFile, WriteJUnit}, {ResultsFile, WriteJSON}, {HTMLFile, WriteHTML}, {SummaryFile, WriteSummary}}
}

// WriteAll writes every artifact of run into dir, as one set (WriteSet).
func WriteAll(dir string, run *Run) ([]string, error) {
	paths, _, err := WriteSet(dir, run, Artifacts(), nil)
	return paths, err
}

// WriteSet writes the artifacts of run into dir as one run's set: each
// is rendered to a temporary file in dir, the temporary files are scanned
// for the secret values, and only when every one is complete and clean
// are they moved into place, results.json last. A failed write or a
// secret found leaves the previous set untouched and returns the names
// of the leaking files. A lock keeps two runs into one directory from
// mixing their sets, and temporary files a killed run left are removed.
func WriteSet(dir string, run *Run, writers []Writer, secrets []string) (paths, leaking []string, err error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, nil, fmt.Errorf("report directory %s: %w", dir, err)
	}
	unlock, err := lockDir(dir)
	if err != nil {
		return nil, nil, fmt.Errorf("report directory %s: %w", dir, err)
	}
	defer unlock()
	removeStaleTemps(dir)
	temps, err := writeTemps(dir, run, orderedWriters(writers))
	defer func() {
		for _, t := range temps {
			_ = os.Remove(t.tmp)
		}
	}()
	if err != nil {
		return nil, nil, err
	}
	for _, t := range temps {
		found, err := FileContainsSecret(t.tmp, secrets)
		if err != nil {
			return nil, nil, fmt.Errorf("reading back %s: %w", t.final, err)
		}
		if found {
			leaking = append(leaking, t.final)
		}
	}
	if len(leaking) > 0 {
		return nil, leaking, nil
	}
	for _, t := range temps {
		if err := os.Rename(t.tmp, t.final); err != nil {
			return paths, nil, fmt.Errorf("moving %s into place: %w", t.final, err)
		}
		paths = append(paths, t.final)
	}
	return paths, nil, nil
}

// tempFile is an artifact written to its temporary name.
type tempFile struct{ tmp, final string }

// tempPrefix marks apiconform's temporary files in a report directory.
const tempPrefix = ".apiconform-"

// writeTemps renders every artifact to a temporary file beside its place.
func writeTemps(dir string, run *Run, writers []Writer) ([]tempFile, error) {
	var temps []tempFile
	for _, a := range writers {
		final := filepath.Join(dir, a.Name)
		f, err := os.CreateTemp(dir, tempPrefix+a.Name+"-*.tmp")
		if err != nil {
			return temps, fmt.Errorf("writing %s: %w", final, err)
		}
		temps = append(temps, tempFile{tmp: f.Name(), final: final})
		// Streamed to the file: a big run's report is never whole in memory.
		w := bufio.NewWriterSize(f, 64<<10)
		if err = a.Write(w, run); err == nil {
			err = w.Flush()
		}
		if err == nil {
			err = f.Chmod(0o644)
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return temps, fmt.Errorf("writing %s: %w", final, err)
		}
	}
	return temps, nil
}

// orderedWriters puts results.json last: a reader that finds it finds
// the rest of its set.
func orderedWriters(writers []Writer) []Writer {
	out := make([]Writer, 0, len(writers))
	var results *Writer
	for i, w := range writers {
		if w.Name == ResultsFile {
			results = &writers[i]
			continue
		}
		out = append(out, w)
	}
	if results != nil {
		out = append(out, *results)
	}
	return out
}

// staleAfter is how old a temporary file must be to count as left by a
// killed run (a run writes its set in seconds).
const staleAfter = 10 * time.Minute

// removeStaleTemps removes the temporary files killed runs left in dir.
func removeStaleTemps(dir string) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		if !strings.HasPrefix(e.Name(), tempPrefix) || !strings.HasSuffix(e.Name(), ".tmp") {
			continue
		}
		if info, err := e.Info(); err == nil && time.Since(info.ModTime()) > staleAfter {
			_ = os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}
