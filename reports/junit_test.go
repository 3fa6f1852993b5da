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
	File       string       `xml:"file,attr"`
	Line       string       `xml:"line,attr"`
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

// TestJUnitHasOneSuitePerEndpoint checks the shape the CI reporters show
// well: one testsuite per endpoint with its properties, a testcase per
// case with file and line, every finding in a failure's message, the
// fault kind as an error's type, and a case's own facts in its
// system-out (the published schemas allow no properties in a testcase).
func TestJUnitHasOneSuitePerEndpoint(t *testing.T) {
	run := sampleRun()
	for i := range run.Cases {
		run.Cases[i].File, run.Cases[i].Line = "apiconform.yaml", 7
	}
	run.Cases[2].Fault = "refused"
	doc := readJUnit(t, run)
	if len(doc.Suites) != len(run.Endpoints()) || doc.Suites[0].Name != "items (lenient)" {
		t.Fatalf("want one testsuite per endpoint (%d), got %d", len(run.Endpoints()), len(doc.Suites))
	}
	if doc.Tests != 7 || doc.Failures != 2 || doc.Errors != 2 {
		t.Errorf("testsuites counts: tests=%d failures=%d errors=%d, want 7, 2, 2 (the error and the not-run case)", doc.Tests, doc.Failures, doc.Errors)
	}
	s := doc.Suites[0]
	for name, want := range map[string]string{"profile": "lenient", "endpoint": "items", "target": run.Target, "tool": "apiconform test"} {
		if got := s.props(name); len(got) != 1 || got[0] != want {
			t.Errorf("property %s = %q, want [%q]", name, got, want)
		}
	}
	if !slices.Contains(s.props("warning"), insecureMsg) {
		t.Errorf("the run's --insecure notice is not a warning property: %q", s.props("warning"))
	}
	var items []Case
	for _, c := range run.Cases {
		if c.Endpoint == "items" {
			items = append(items, c)
		}
	}
	if s.Tests != len(items) || len(s.Cases) != len(items) {
		t.Fatalf("items: %d testcases, want %d", len(s.Cases), len(items))
	}
	byName := map[string]readCase{}
	for i, tc := range s.Cases {
		c := items[i]
		if tc.Name != c.Case || tc.Classname != "apiconform."+c.Endpoint || tc.File != "apiconform.yaml" || tc.Line != "7" || tc.Properties != nil {
			t.Errorf("testcase %+v does not name %s with its file and line", tc, c.ID)
		}
		byName[tc.Name] = tc
	}
	f := byName["partial"].Failure
	if f == nil || f.Type != "status" || !strings.Contains(f.Message, "expected 404") ||
		!strings.Contains(f.Text, "impact: a client that trusts 200") || !strings.Contains(f.Text, "< 200") {
		t.Errorf("partial: the failure lacks type, message, impact or the exchange: %+v", f)
	}
	for _, want := range []string{"expected: 404 + missing_ids [1]", "expected_status: 404", "actual_status: 200", "warning: items/partial: error body is not problem+json"} {
		if !strings.Contains(byName["partial"].SystemOut, want) {
			t.Errorf("partial: system-out lacks %q: %q", want, byName["partial"].SystemOut)
		}
	}
	if tc := byName["malformed"]; tc.Failure != nil || !strings.Contains(tc.SystemOut, "note: items/malformed: answered in 1 ms") {
		t.Errorf("malformed: a warning made a passing case fail, or its note is missing: %+v", tc)
	}
	for name, typ := range map[string]string{"none": "refused", "rate-limit": "not-run"} {
		if e := byName[name].Error; e == nil || e.Type != typ || e.Message == "" {
			t.Errorf("%s: want one <error type=%q message=...>, got %+v", name, typ, e)
		}
	}
	if sk := byName["oversized"].Skipped; sk == nil || !strings.Contains(sk.Message, "max_ids") {
		t.Errorf("oversized: want <skipped message> with the reason, got %+v", sk)
	}
}

// TestJUnitFailureMessageHoldsEveryFinding: a reporter that shows only
// the message shows every finding.
func TestJUnitFailureMessageHoldsEveryFinding(t *testing.T) {
	run := &Run{Tool: "apiconform", Cases: []Case{{ID: "items/partial", Endpoint: "items", Case: "partial", Outcome: suites.Fail,
		Failures: []suites.Finding{{Check: "status", Message: "items/partial: expected 404; got 200"}, {Check: "missing_ids", Message: "items/partial: expected missing_ids = [1]; got none"}}}}}
	run.Tally()
	f := readJUnit(t, run).Suites[0].Cases[0].Failure
	if f == nil || f.Message != "items/partial: expected 404; got 200; expected missing_ids = [1]; got none" {
		t.Errorf("message %q", f.Message)
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
