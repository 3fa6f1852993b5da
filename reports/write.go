package reports

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
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
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(run)
}

// ReadJSON reads a results.json file.
func ReadJSON(path string) (*Run, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var run Run
	if err := json.Unmarshal(data, &run); err != nil {
		return nil, fmt.Errorf("%s: not a results.json file: %w", path, err)
	}
	if run.Tool != "apiconform" {
		return nil, fmt.Errorf("%s: not an apiconform results.json (tool %q)", path, run.Tool)
	}
	return &run, nil
}

// Writer renders one artifact.
type Writer struct {
	Name  string
	Write func(w io.Writer, run *Run) error
}

// Artifacts lists the files every run writes.
func Artifacts() []Writer {
	return []Writer{{JUnitFile, WriteJUnit}, {ResultsFile, WriteJSON}, {HTMLFile, WriteHTML}, {SummaryFile, WriteSummary}}
}

// WriteAll writes every artifact of run into dir and returns their paths.
// Each file is written whole and then renamed into place, so a reader
// never sees half a report. It writes every file it can and returns the
// first error.
func WriteAll(dir string, run *Run) ([]string, error) {
	return WriteArtifacts(dir, run, Artifacts())
}

// WriteArtifacts writes the given artifacts of run into dir, as WriteAll does.
func WriteArtifacts(dir string, run *Run, writers []Writer) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("report directory %s: %w", dir, err)
	}
	var paths []string
	var firstErr error
	for _, a := range writers {
		path := filepath.Join(dir, a.Name)
		var buf bytes.Buffer
		err := a.Write(&buf, run)
		if err == nil {
			err = writeFileAtomic(path, buf.Bytes())
		}
		if err != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("writing %s: %w", path, err)
			}
			continue
		}
		paths = append(paths, path)
	}
	return paths, firstErr
}

func writeFileAtomic(path string, data []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
