package reports

import (
	"encoding/xml"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/apiconform/apiconform/suites"
)

// The JUnit XML shape read by Jenkins, GitLab and GitHub test reporters:
// a <testsuites> root (name, tests, failures, errors, time; written by
// WriteJUnit) holding one junitSuite per endpoint.
type junitSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Package    string          `xml:"package,attr"`
	File       string          `xml:"file,attr,omitempty"`
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
	File      string        `xml:"file,attr,omitempty"`
	Line      string        `xml:"line,attr,omitempty"`
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

// WriteJUnit writes run as JUnit XML: one testsuite per endpoint, named
// after the endpoint and its profile, holding one testcase per case
// (named after the case, "apiconform.<endpoint>" as classname, file and
// line pointing at the endpoint's definition). The published JUnit
// schemas (Jenkins, Ant, Surefire) allow properties only on a testsuite:
// the endpoint's and the run's go there, a case's own (expected, the
// statuses, warnings, notes) into its system-out. A failure's message
// holds every finding; an error's type is the fault kind.
func WriteJUnit(w io.Writer, run *Run) error {
	timestamp := run.Started.Format("2006-01-02T15:04:05")
	runProps := append([]junitProp{{"target", run.Target}, {"tool", "apiconform " + run.Version}, {runIDMarker, run.RunID}}, noticeProps(run)...)
	known := map[string]suites.KnownStatus{}
	for _, k := range run.Known {
		if k.Status == "unknown" {
			runProps = append(runProps, junitProp{"known_failure", k.Case + ": unknown (no such case in this run): " + k.Reason})
		}
		known[k.Case] = k
	}
	groups := run.casesByEndpoint()
	// The totals come first, as attributes: a pass over the outcomes,
	// then each suite is built and written in turn, never the whole
	// document at once.
	var total junitSuite
	for _, g := range groups {
		total.tally(run.Cases, g)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	root := xml.StartElement{Name: xml.Name{Local: "testsuites"}, Attr: []xml.Attr{
		{Name: xml.Name{Local: "name"}, Value: "apiconform"},
		{Name: xml.Name{Local: "tests"}, Value: strconv.Itoa(total.Tests)},
		{Name: xml.Name{Local: "failures"}, Value: strconv.Itoa(total.Failures)},
		{Name: xml.Name{Local: "errors"}, Value: strconv.Itoa(total.Errors)},
		{Name: xml.Name{Local: "time"}, Value: seconds(float64(run.DurationMS))},
	}}
	if err := enc.EncodeToken(root); err != nil {
		return err
	}
	for _, g := range groups {
		s := endpointSuite(run, g, known, runProps)
		s.Timestamp = timestamp
		if err := enc.EncodeElement(s, xml.StartElement{Name: xml.Name{Local: "testsuite"}}); err != nil {
			return err
		}
	}
	if err := enc.EncodeToken(root.End()); err != nil {
		return err
	}
	if err := enc.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// endpointSuite is the testsuite of one endpoint's cases (indexes into
// run.Cases).
func endpointSuite(run *Run, cases []int, known map[string]suites.KnownStatus, runProps []junitProp) junitSuite {
	s := junitSuite{Package: "apiconform"}
	first := run.Cases[cases[0]]
	s.Name, s.File = first.Endpoint+" ("+first.Profile+")", first.File
	s.Properties = &junitProps{Items: append([]junitProp{{"endpoint", first.Endpoint}, {"profile", first.Profile}}, runProps...)}
	ms := s.tally(run.Cases, cases)
	for _, i := range cases {
		s.Cases = append(s.Cases, junitCase(run.Cases[i], known))
	}
	s.Time = seconds(ms)
	return s
}

// tally adds the outcomes of cases (indexes into all) to the suite's
// counts and returns their time in milliseconds.
func (s *junitSuite) tally(all []Case, cases []int) (ms float64) {
	for _, i := range cases {
		c := &all[i]
		s.Tests++
		ms += c.DurationMS
		switch c.Outcome {
		case suites.Fail:
			s.Failures++
		case suites.Error, suites.NotRun:
			s.Errors++
		case suites.Skipped, suites.KnownFailure:
			s.Skipped++
		}
	}
	return ms
}

// knownText says what became of the case's known-failure entry, if any.
func knownText(known map[string]suites.KnownStatus, id string) string {
	k, ok := known[id]
	if !ok || k.Status == "unknown" {
		return ""
	}
	return fmt.Sprintf("known failure: %s (until %s): %s\n", k.Status, k.Expires, k.Reason)
}

func noticeProps(run *Run) []junitProp {
	var props []junitProp
	for _, n := range run.Notices {
		props = append(props, junitProp{"warning", n})
	}
	return props
}

// caseFacts are a case's own properties, written into its system-out.
func caseFacts(c Case) string {
	var b strings.Builder
	fmt.Fprintf(&b, "outcome: %s\n", c.Outcome)
	if c.Expected != "" {
		fmt.Fprintf(&b, "expected: %s\n", c.Expected)
	}
	if len(c.ExpectedStatus) > 0 {
		fmt.Fprintf(&b, "expected_status: %s\n", joinInts(c.ExpectedStatus))
	}
	if c.Response != nil {
		fmt.Fprintf(&b, "actual_status: %d\n", c.Response.Status)
	}
	return b.String()
}

func junitCase(c Case, known map[string]suites.KnownStatus) junitTestCase {
	tc := junitTestCase{Name: c.Case, Classname: "apiconform." + c.Endpoint, Time: seconds(c.DurationMS), File: c.File}
	if c.Line > 0 {
		tc.Line = strconv.Itoa(c.Line)
	}
	switch c.Outcome {
	case suites.Fail:
		tc.Failure = &junitMessage{Message: c.Reason, Text: failureText(c)}
		if len(c.Failures) > 0 {
			tc.Failure.Message, tc.Failure.Type = allFindings(c), c.Failures[0].Check
		}
	case suites.Error, suites.NotRun:
		tc.Error = &junitMessage{Message: c.Reason, Type: c.Fault, Text: c.Reason + "\n\n" + exchangeText(c)}
		if tc.Error.Type == "" {
			tc.Error.Type = string(c.Outcome)
		}
	case suites.Skipped:
		tc.Skipped = &junitMessage{Message: c.Reason}
	case suites.KnownFailure:
		// Allowed to fail until its expiry: CI stays green, the evidence stays.
		tc.Skipped = &junitMessage{Message: c.Reason, Text: failureText(c)}
	}
	tc.SystemOut = caseFacts(c) + knownText(known, c.ID) + systemOut(c)
	return tc
}

// allFindings joins every finding's message, without the case ID each
// starts with, for a failure's one-line message.
func allFindings(c Case) string {
	msgs := make([]string, len(c.Failures))
	for i, f := range c.Failures {
		msgs[i] = strings.TrimPrefix(f.Message, c.ID+": ")
	}
	return c.ID + ": " + strings.Join(msgs, "; ")
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
		if r.HeaderBytes > 0 {
			fmt.Fprintf(&b, "< [headers cut: %d bytes in all, the first 64 KiB kept]\n", r.HeaderBytes)
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
