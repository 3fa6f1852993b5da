package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/apiconform/apiconform/suites"
)

// The JUnit XML shape read by Jenkins, GitLab and GitHub test reporters.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Package    string          `xml:"package,attr"`
	Properties *junitProps     `xml:"properties"`
	Cases      []junitTestCase `xml:"testcase"`
}

type junitProps struct {
	Items []junitProp `xml:"property"`
}

type junitProp struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	Skipped   *junitMessage `xml:"skipped"`
	Error     *junitMessage `xml:"error"`
	Failure   *junitMessage `xml:"failure"`
	SystemOut string        `xml:"system-out,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes run as JUnit XML: one testsuite per case (endpoint ×
// case kind) holding that case's one testcase, named after the case kind
// with "apiconform.<endpoint>" as classname. The published JUnit schemas
// (Jenkins, Ant, Surefire) allow properties only on a testsuite, so each
// case gets its own suite to carry its properties: profile, case,
// endpoint, outcome, expected, expected_status, actual_status, warnings
// and notes, then the run's target, tool and notices. Warnings and notes
// are properties and system-out of their case, never failures.
func WriteJUnit(w io.Writer, run *Run) error {
	doc := junitSuites{Name: "apiconform", Time: seconds(float64(run.DurationMS))}
	timestamp := run.Started.Format("2006-01-02T15:04:05")
	runProps := append([]junitProp{{"target", run.Target}, {"tool", "apiconform " + run.Version}}, noticeProps(run)...)
	known := map[string]suites.KnownStatus{}
	for _, k := range run.Known {
		if k.Status == "unknown" {
			runProps = append(runProps, junitProp{"known_failure", k.Case + ": unknown (no such case in this run): " + k.Reason})
		}
		known[k.Case] = k
	}
	for _, c := range run.Cases {
		s := junitSuite{
			Name: "apiconform " + c.ID + " (" + c.Profile + ")", Package: "apiconform", Timestamp: timestamp,
			Time: seconds(c.DurationMS), Tests: 1,
			Properties: &junitProps{Items: append(append(caseProps(c), knownProps(known, c.ID)...), runProps...)},
			Cases:      []junitTestCase{junitCase(c)},
		}
		switch c.Outcome {
		case suites.Fail:
			s.Failures = 1
		case suites.Error, suites.NotRun:
			s.Errors = 1
		case suites.Skipped, suites.KnownFailure:
			s.Skipped = 1
		}
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// knownProps says what became of the case's known-failure entry, if any.
func knownProps(known map[string]suites.KnownStatus, id string) []junitProp {
	k, ok := known[id]
	if !ok || k.Status == "unknown" {
		return nil
	}
	return []junitProp{{"known_failure", fmt.Sprintf("%s (until %s): %s", k.Status, k.Expires, k.Reason)}}
}

func noticeProps(run *Run) []junitProp {
	var props []junitProp
	for _, n := range run.Notices {
		props = append(props, junitProp{"warning", n})
	}
	return props
}

// caseProps are the properties of one case, in a fixed order.
func caseProps(c Case) []junitProp {
	props := []junitProp{{"profile", c.Profile}, {"case", c.Case}, {"endpoint", c.Endpoint}, {"outcome", string(c.Outcome)}}
	if c.Expected != "" {
		props = append(props, junitProp{"expected", c.Expected})
	}
	if len(c.ExpectedStatus) > 0 {
		props = append(props, junitProp{"expected_status", joinInts(c.ExpectedStatus)})
	}
	if c.Response != nil {
		props = append(props, junitProp{"actual_status", strconv.Itoa(c.Response.Status)})
	}
	for _, w := range c.Warnings {
		props = append(props, junitProp{"warning", w.Message})
	}
	for _, n := range c.Notes {
		props = append(props, junitProp{"note", n.Message})
	}
	return props
}

func junitCase(c Case) junitTestCase {
	tc := junitTestCase{Name: c.Case, Classname: "apiconform." + c.Endpoint, Time: seconds(c.DurationMS)}
	switch c.Outcome {
	case suites.Fail:
		tc.Failure = &junitMessage{Message: c.Reason, Text: failureText(c)}
		if len(c.Failures) > 0 {
			tc.Failure.Message, tc.Failure.Type = c.Failures[0].Message, c.Failures[0].Check
		}
	case suites.Error, suites.NotRun:
		tc.Error = &junitMessage{Message: c.Reason, Type: string(c.Outcome), Text: c.Reason + "\n\n" + exchangeText(c)}
	case suites.Skipped:
		tc.Skipped = &junitMessage{Message: c.Reason}
	case suites.KnownFailure:
		// Allowed to fail until its expiry: CI stays green, the evidence stays.
		tc.Skipped = &junitMessage{Message: c.Reason, Text: failureText(c)}
	}
	tc.SystemOut = systemOut(c)
	return tc
}

func failureText(c Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, "expected: %s\n\n", c.Expected)
	for _, f := range c.Failures {
		fmt.Fprintf(&b, "- %s\n", f.Message)
		if f.Impact != "" {
			fmt.Fprintf(&b, "  impact: %s\n", f.Impact)
		}
		if f.Source != "" {
			fmt.Fprintf(&b, "  source: %s\n", f.Source)
		}
	}
	b.WriteString("\n")
	b.WriteString(exchangeText(c))
	return b.String()
}

// exchangeText writes the request and the response as a reader would
// want them in a failure: the request line, the status, headers and body.
func exchangeText(c Case) string {
	var b strings.Builder
	if c.Request.URL != "" {
		fmt.Fprintf(&b, "> %s %s\n", c.Request.Method, c.Request.URL)
		for _, k := range SortedHeaderNames(c.Request.Headers) {
			fmt.Fprintf(&b, "> %s: %s\n", k, c.Request.Headers[k])
		}
		if c.Request.Body != "" {
			fmt.Fprintf(&b, ">\n%s\n", c.Request.Body)
		}
	}
	if r := c.Response; r != nil {
		fmt.Fprintf(&b, "< %d\n", r.Status)
		for _, k := range SortedHeaderNames(r.Headers) {
			fmt.Fprintf(&b, "< %s: %s\n", k, r.Headers[k])
		}
		if r.Body != "" {
			b.WriteString("<\n" + r.Body)
			if r.BodyTruncated {
				fmt.Fprintf(&b, "\n[body truncated: %d bytes in all]", r.BodyBytes)
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

func systemOut(c Case) string {
	var b strings.Builder
	for _, w := range c.Warnings {
		fmt.Fprintf(&b, "warning: %s\n", w.Message)
		if w.Impact != "" {
			fmt.Fprintf(&b, "  impact: %s\n", w.Impact)
		}
	}
	for _, n := range c.Notes {
		fmt.Fprintf(&b, "note: %s\n", n.Message)
	}
	if c.Outcome == suites.Pass {
		b.WriteString(exchangeText(c))
	}
	return b.String()
}

func seconds(ms float64) string { return strconv.FormatFloat(ms/1000, 'f', 3, 64) }

func joinInts(v []int) string {
	s := make([]string, len(v))
	for i, n := range v {
		s[i] = strconv.Itoa(n)
	}
	return strings.Join(s, ",")
}
