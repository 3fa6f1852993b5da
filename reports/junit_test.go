package reports

import (
	"context"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites"
)

// The JUnit shape as a CI server reads it, decoded independently of the
// writer's own types.
type readSuites struct {
	XMLName  xml.Name    `xml:"testsuites"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Suites   []readSuite `xml:"testsuite"`
}

type readSuite struct {
	Name       string     `xml:"name,attr"`
	Tests      int        `xml:"tests,attr"`
	Failures   int        `xml:"failures,attr"`
	Errors     int        `xml:"errors,attr"`
	Skipped    int        `xml:"skipped,attr"`
	Properties []readProp `xml:"properties>property"`
	Cases      []readCase `xml:"testcase"`
}

type readProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type readCase struct {
	Name       string       `xml:"name,attr"`
	Classname  string       `xml:"classname,attr"`
	Properties *struct{}    `xml:"properties"`
	Failure    *readMessage `xml:"failure"`
	Error      *readMessage `xml:"error"`
	Skipped    *readMessage `xml:"skipped"`
	SystemOut  string       `xml:"system-out"`
}

type readMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func (s readSuite) props(name string) []string {
	var out []string
	for _, p := range s.Properties {
		if p.Name == name {
			out = append(out, p.Value)
		}
	}
	return out
}

func readJUnit(t *testing.T, run *Run) readSuites {
	t.Helper()
	var doc readSuites
	if err := xml.Unmarshal([]byte(render(t, WriteJUnit, run)), &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	return doc
}

func TestJUnitHasOneSuitePerCaseWithItsProperties(t *testing.T) {
	run := sampleRun()
	doc := readJUnit(t, run)

	if len(doc.Suites) != len(run.Cases) {
		t.Fatalf("want one testsuite per case (%d), got %d", len(run.Cases), len(doc.Suites))
	}
	if doc.Tests != 7 || doc.Failures != 2 || doc.Errors != 2 {
		t.Errorf("testsuites counts: tests=%d failures=%d errors=%d, want 7, 2, 2 (the error and the not-run case)", doc.Tests, doc.Failures, doc.Errors)
	}
	bySuite := map[string]readSuite{}
	for i, s := range doc.Suites {
		c := run.Cases[i]
		if s.Tests != 1 || len(s.Cases) != 1 {
			t.Fatalf("suite %q: tests=%d with %d testcases, want exactly one", s.Name, s.Tests, len(s.Cases))
		}
		tc := s.Cases[0]
		if tc.Name != c.Case || tc.Classname != "apiconform."+c.Endpoint {
			t.Errorf("suite %q: testcase name=%q classname=%q, want %q and %q", s.Name, tc.Name, tc.Classname, c.Case, "apiconform."+c.Endpoint)
		}
		if tc.Properties != nil {
			t.Errorf("%s: properties inside <testcase> break the published schemas", c.ID)
		}
		for name, want := range map[string]string{"profile": "lenient", "case": c.Case, "endpoint": c.Endpoint, "outcome": string(c.Outcome), "target": run.Target, "tool": "apiconform test"} {
			if got := s.props(name); len(got) != 1 || got[0] != want {
				t.Errorf("%s: property %s = %q, want [%q]", c.ID, name, got, want)
			}
		}
		if !slices.Contains(s.props("warning"), insecureMsg) {
			t.Errorf("%s: the run's --insecure notice is not a warning property: %q", c.ID, s.props("warning"))
		}
		bySuite[c.ID] = s
	}
	if want := "apiconform items/partial (lenient)"; doc.Suites[1].Name != want {
		t.Errorf("suite name %q, want %q", doc.Suites[1].Name, want)
	}

	partial := bySuite["items/partial"]
	if partial.Failures != 1 || partial.Errors != 0 || partial.Skipped != 0 {
		t.Errorf("items/partial suite counts: failures=%d errors=%d skipped=%d", partial.Failures, partial.Errors, partial.Skipped)
	}
	f := partial.Cases[0].Failure
	if f == nil || f.Type != "status" || !strings.Contains(f.Message, "expected 404") ||
		!strings.Contains(f.Text, "impact: a client that trusts 200") || !strings.Contains(f.Text, "< 200") {
		t.Errorf("items/partial failure lacks type, message, impact or the exchange: %+v", f)
	}
	for name, want := range map[string]string{"expected": "404 + missing_ids [1]", "expected_status": "404", "actual_status": "200"} {
		if got := partial.props(name); len(got) != 1 || got[0] != want {
			t.Errorf("items/partial: property %s = %q, want %q", name, got, want)
		}
	}
	if !slices.Contains(partial.props("warning"), "items/partial: error body is not problem+json") {
		t.Errorf("items/partial: case warning missing from properties: %q", partial.props("warning"))
	}
	if !strings.Contains(partial.Cases[0].SystemOut, "warning: items/partial: error body is not problem+json") {
		t.Errorf("items/partial: warning missing from system-out: %q", partial.Cases[0].SystemOut)
	}

	malformed := bySuite["items/malformed"]
	if got := malformed.props("note"); len(got) != 1 || got[0] != "items/malformed: answered in 1 ms" {
		t.Errorf("items/malformed: note property = %q", got)
	}
	if malformed.Cases[0].Failure != nil || malformed.Failures != 0 {
		t.Error("items/malformed: a warning made a passing case fail")
	}

	for id, typ := range map[string]string{"items/none": "error", "items/rate-limit": "not-run"} {
		s := bySuite[id]
		if s.Errors != 1 || s.Cases[0].Error == nil || s.Cases[0].Error.Type != typ || s.Cases[0].Error.Message == "" {
			t.Errorf("%s: want one <error type=%q message=...>, got errors=%d %+v", id, typ, s.Errors, s.Cases[0].Error)
		}
	}
	skipped := bySuite["items/oversized"]
	if skipped.Skipped != 1 || skipped.Cases[0].Skipped == nil || !strings.Contains(skipped.Cases[0].Skipped.Message, "max_ids") {
		t.Errorf("items/oversized: want <skipped message> with the reason, got skipped=%d %+v", skipped.Skipped, skipped.Cases[0].Skipped)
	}
}

func TestJUnitCopesWithAFailWithoutFindings(t *testing.T) {
	run := &Run{Tool: "apiconform", Cases: []Case{{ID: "items/found", Endpoint: "items", Case: "found", Outcome: suites.Fail, Reason: "judged failed"}}}
	run.Tally()
	doc := readJUnit(t, run)
	if f := doc.Suites[0].Cases[0].Failure; f == nil || f.Message != "judged failed" {
		t.Errorf("want a failure carrying the reason, got %+v", f)
	}
}

// TestJUnitMatchesJenkinsSchema validates junit.xml for passing, failing,
// erroring, skipped, interrupted and empty runs against the JUnit schema
// the Jenkins xUnit plugin publishes (testdata/junit-10.xsd), the shape
// Jenkins and GitLab read. It needs xmllint (Debian: libxml2-utils); CI
// sets APICONFORM_REQUIRE_XMLLINT=1 so that a missing xmllint fails.
func TestJUnitMatchesJenkinsSchema(t *testing.T) {
	xmllint := requireTool(t, "xmllint", "libxml2-utils", "APICONFORM_REQUIRE_XMLLINT")
	runs := map[string]*Run{
		"pass":        newSampleRun(Meta{}, onlyOutcome(suites.Pass)),
		"fail":        newSampleRun(Meta{}, onlyOutcome(suites.Fail)),
		"error":       newSampleRun(Meta{}, onlyOutcome(suites.Error)),
		"skipped":     newSampleRun(Meta{}, onlyOutcome(suites.Skipped)),
		"interrupted": newSampleRun(Meta{Interrupted: "interrupted: the run was stopped"}, append(onlyOutcome(suites.Pass), onlyOutcome(suites.NotRun)...)),
		"empty":       newSampleRun(Meta{}, nil),
		"everything":  sampleRun(),
	}
	wantVerdict := map[string]Verdict{
		"pass": VerdictPass, "fail": VerdictFail, "error": VerdictInconclusive, "skipped": VerdictInconclusive,
		"interrupted": VerdictInterrupted, "empty": VerdictPass, "everything": VerdictFail,
	}
	schema, err := filepath.Abs(filepath.Join("testdata", "junit-10.xsd"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for name, run := range runs {
		t.Run(name, func(t *testing.T) {
			if run.Verdict != wantVerdict[name] {
				t.Fatalf("sample run %s has verdict %s, want %s", name, run.Verdict, wantVerdict[name])
			}
			path := filepath.Join(dir, name+".xml")
			if err := os.WriteFile(path, []byte(render(t, WriteJUnit, run)), 0o644); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, xmllint, "--noout", "--nonet", "--schema", schema, path).CombinedOutput()
			if err != nil {
				t.Fatalf("junit.xml of a %s run does not match the Jenkins JUnit schema: %v\n%s", name, err, out)
			}
		})
	}
}
