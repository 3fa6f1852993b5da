package reports

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/apiconform/apiconform/suites/words"
)

// TestHTMLIsTheSameStreamed renders runs of every kind both ways, streamed
// and as the page was written before (whole in memory), and wants the
// same bytes.
func TestHTMLIsTheSameStreamed(t *testing.T) {
	for name, run := range equivalenceRuns() {
		t.Run(name, func(t *testing.T) {
			var old bytes.Buffer
			if err := oldWriteHTML(&old, run); err != nil {
				t.Fatal(err)
			}
			// Both through the caller's buffer, and unbuffered.
			var viaBufio bytes.Buffer
			bw := bufio.NewWriterSize(&viaBufio, 64<<10)
			if err := WriteHTML(bw, run); err != nil {
				t.Fatal(err)
			}
			if err := bw.Flush(); err != nil {
				t.Fatal(err)
			}
			streamed := render(t, WriteHTML, run)
			if !bytes.Equal(viaBufio.Bytes(), old.Bytes()) || streamed != old.String() {
				i := firstDifference(streamed, old.String())
				t.Fatalf("the streamed page (%d bytes) differs from the old one (%d bytes) at byte %d:\nstreamed %q\nold      %q",
					len(streamed), old.Len(), i, around(streamed, i), around(old.String(), i))
			}
			for id, anchor := range caseAnchors(run) {
				if !strings.Contains(streamed, `id="`+anchor+`"`) {
					t.Errorf("summary.md links %s to #%s, which the page does not have", id, anchor)
				}
			}
		})
	}
}

func firstDifference(a, b string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func around(s string, i int) string {
	return s[max(0, i-60):min(len(s), i+60)]
}

// equivalenceRuns are the runs TestHTMLIsTheSameStreamed renders.
func equivalenceRuns() map[string]*Run {
	known := newSampleRun(Meta{RunID: "known", Known: []suites.KnownStatus{
		{KnownFailureEntry: suites.KnownFailureEntry{Case: "orders/found", Reason: "ticket 12", Expires: "2099-01-01"}, Status: "applied"},
		{KnownFailureEntry: suites.KnownFailureEntry{Case: "gone/found", Reason: "removed", Expires: "2020-01-01"}, Status: "unknown"},
	}}, sampleCases())
	known.Cases[6].Outcome = suites.KnownFailure
	known.Tally()
	return map[string]*Run{
		"sample":      sampleRun(),
		"insecure":    newSampleRun(Meta{RunID: "insecure", Insecure: true, Notices: []string{insecureMsg}}, sampleCases()),
		"known":       known,
		"interrupted": newSampleRun(Meta{RunID: "stopped", Interrupted: "interrupted: SIGINT"}, append(onlyOutcome(suites.Pass), onlyOutcome(suites.NotRun)...)),
		"skipped":     newSampleRun(Meta{RunID: "skipped"}, onlyOutcome(suites.Skipped)),
		"empty":       newSampleRun(Meta{RunID: "empty"}, nil),
		"sections":    sectionsRun(),
		"hostile":     hostileRun(),
		"synthetic":   syntheticRun(300, 1024),
	}
}

// sectionsRun has every optional section: detection, baseline, IDs, gaps,
// a seed and the incident.
func sectionsRun() *Run {
	run := newSampleRun(Meta{
		RunID: "sections", Seed: 42, Gaps: []string{"discovery found no IDs for orders"},
		IDs:      []EndpointIDs{{Endpoint: "items", Found: []string{"1", "2"}, FoundFrom: "discovered", Missing: []string{"999"}, MissingFrom: "generated", Malformed: []string{"x"}}},
		Incident: &suites.Incident{Case: "items/partial", Request: "GET /items?id=1,2", Status: 200, Summary: "items/partial answered 200 with no sign of the missing ID"},
	}, sampleCases())
	run.Baseline = &Diff{Base: "base/results.json", Regressed: []DiffEntry{{ID: "items/partial"}}, NewFailing: []DiffEntry{{ID: "orders/found"}}, Fixed: []DiffEntry{{ID: "items/none"}}}
	run.Detection = &suites.Detection{Verdict: "closest: lenient", Closest: "lenient", Profiles: []suites.ProfileScore{{Name: "lenient", Mismatches: []string{"items/partial"}}}}
	return run
}

// hostileRun carries what a server or a hand-edited results.json may put
// anywhere on the page: invalid UTF-8, control and C1 characters, and
// characters cut at every point, at the end of a value and at the excerpt.
func hostileRun() *Run {
	cut := "\u20ac\U0001F600"[:5] // the euro sign whole, the emoji's first two bytes
	nasty := "\xff\xfe\x00\x1b[31m\u0085\u009f\xc3 \ufffd\xff\xe2\x82 ok" + cut
	long := strings.Repeat("ab\u20ac", probe.BodyExcerpt/5) + strings.Repeat("\U0001F600", 10)
	var cases []Case
	for i, outcome := range []suites.Outcome{suites.Pass, suites.Fail, suites.Error, suites.Skipped, suites.NotRun, suites.KnownFailure, "odd"} {
		for j, id := range []string{"it ems/found", "it_ems/found", "it\xffems/\u0085found" + cut, "", "items/found"} {
			body := nasty
			if j%2 == 1 {
				body = long[:probe.BodyExcerpt-3+i] // cut the excerpt at each byte of a character
			}
			c := Case{
				ID: id, Endpoint: "it ems" + cut[:i%5], Case: []string{"found", "partial", "x-kind" + cut, "none:q"}[j%4], Profile: "lenient\x7f",
				Outcome: outcome, Labels: []string{"case:" + cut, "\x00"}, Expected: "404" + cut, Reason: "because\x1b" + cut,
				Request: Request{Method: "POST", URL: "https://api.example.com/items?id=1,2&q=" + cut,
					Headers: map[string]string{"X-Cut": "v" + cut, "Authorization": "Bearer ${API_TOKEN}", "X-Long": strings.Repeat("\u20ac", headerValueMax)},
					Body:    `{"q":"` + cut + "\x01\"}"},
				Response: &Response{Status: 200 + i*100, Headers: map[string]string{"X-Odd": "\u0085" + cut}, Body: body, BodyBytes: int64(len(body) + j), HeaderBytes: int64(j * 1000)},
				Failures: []suites.Finding{},
				Attempts: i, DurationMS: float64(j) / 3,
			}
			if outcome == suites.Fail || outcome == suites.KnownFailure {
				c.Failures = []suites.Finding{fail("status", "FAIL: "+strings.Repeat("é", 150)+cut, "impact\x00"+cut)}
				c.Warnings = []suites.Finding{{Check: "rule", Level: suites.LevelWarn, Message: "warn" + cut, Source: "RFC\u0090"}}
				c.Notes = []suites.Finding{{Check: "info", Level: suites.LevelInfo, Message: "note" + cut}}
			}
			if outcome == suites.Skipped {
				c.Response = nil
			}
			cases = append(cases, c)
		}
	}
	run := &Run{Tool: "apiconform", Version: "t\xe2\x82", RunID: "hostile" + cut, Target: "https://api.example.com/\x00" + cut,
		Profile: "lenient" + cut, Started: sampleStart, DurationMS: 1234, Insecure: true,
		Notices: []string{insecureMsg, "\x1b[2J" + cut}, Cases: cases}
	run.Tally()
	return run
}

func TestPrintableWriterMatchesPrintableForAnySplit(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for range 5000 {
		text := randomText(rng, rng.IntN(40))
		var cuts []int
		for range rng.IntN(6) {
			cuts = append(cuts, rng.IntN(len(text)+1))
		}
		checkPrintableWriter(t, text, cuts)
	}
	// The narrowest split: a byte a write.
	text := randomText(rng, 2000)
	var each []int
	for i := range len(text) {
		each = append(each, i)
	}
	checkPrintableWriter(t, text, each)
}

// randomText strings together pieces that printable treats apart: plain
// and control ASCII, C1 characters, whole characters of 2, 3 and 4 bytes,
// a U+FFFD sent as such, stray and cut bytes.
func randomText(rng *rand.Rand, pieces int) []byte {
	alphabet := []string{"a", "Z ", "\t", "\n", "\r", "\x00", "\x1b", "\x1f", "\x7f", "\u0080", "\u0085", "\u009f", "\u00a0",
		"é", "\u20ac", "\U0001F600", "\ufffd", "\xff", "\xc3", "\xe2\x82", "\xf0\x9f\x98", "\x80", "\xbf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xc0\xaf"}
	var b []byte
	for range pieces {
		b = append(b, alphabet[rng.IntN(len(alphabet))]...)
	}
	return b
}

// checkPrintableWriter writes text through a printableWriter in the
// pieces cuts (byte offsets, in any order) make.
func checkPrintableWriter(t *testing.T, text []byte, cuts []int) {
	t.Helper()
	cuts = append(slices.Sorted(slices.Values(cuts)), len(text))
	var out bytes.Buffer
	bw := bufio.NewWriter(&out)
	w := newPrintableWriter(bw)
	last := 0
	for _, c := range cuts {
		if c < last || c > len(text) {
			continue
		}
		if n, err := w.Write(text[last:c]); n != c-last || err != nil {
			t.Fatalf("Write: %d, %v; want %d, nil", n, err, c-last)
		}
		last = c
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		t.Fatal(err)
	}
	if want := oldPrintable(string(text)); out.String() != want {
		t.Fatalf("%q cut at %v:\n got %q\nwant %q", text, cuts, out.String(), want)
	}
	if got := printable(string(text)); got != out.String() {
		t.Fatalf("printable(%q) = %q, the writer %q", text, got, out.String())
	}
}

func FuzzPrintableWriter(f *testing.F) {
	for _, seed := range [][2]string{
		{"plain text", "\x03"}, {notUTF8Body, "\x01\x01\x01"}, {"\xe2\x82\xac\xe2\x82", "\x01\x02"},
		{"\xff\xe2\xe2\x82\xac\xf0\x9f\x98\x80", "\x02\x01\x03"}, {"\u0085\x7f\x00\ufffd\xff", "\x00\x04"},
	} {
		f.Add([]byte(seed[0]), []byte(seed[1]))
	}
	f.Fuzz(func(t *testing.T, text, pieces []byte) {
		// Each byte of pieces is the length of one write, the rest in the last.
		var cuts []int
		at := 0
		for _, n := range pieces {
			at = min(at+int(n), len(text))
			cuts = append(cuts, at)
		}
		checkPrintableWriter(t, text, cuts)
	})
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteHTMLReportsAFailedWrite(t *testing.T) {
	if err := WriteHTML(failingWriter{}, syntheticRun(50, 1024)); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("WriteHTML to a failing writer: %v, want disk full", err)
	}
}

// syntheticRun is a run of n cases over n/10 endpoints, every tenth one
// failing with a warning, each answered with a JSON body of bodyBytes.
func syntheticRun(n, bodyBytes int) *Run {
	kinds := plan.Kinds()[:10]
	body := `{"data":[` + strings.Repeat(`{"id":7,"name":"Widget"},`, bodyBytes/25) + `{"id":8}]}`
	cases := make([]Case, n)
	for i := range cases {
		ep, kind := fmt.Sprintf("endpoint-%d", i/len(kinds)), string(kinds[i%len(kinds)])
		url := "https://api.example.com/" + ep + "?id=1,2"
		c := Case{
			ID: ep + "/" + kind, Endpoint: ep, Case: kind, Profile: "lenient", Outcome: suites.Pass,
			Labels:   []string{"case:" + kind, "endpoint:" + ep},
			Request:  Request{Method: "GET", URL: url, Headers: map[string]string{"Accept": "application/json", "Authorization": "Bearer ${API_TOKEN}"}},
			Response: &Response{Status: 200, Headers: map[string]string{"Content-Type": "application/json"}, Body: body, BodyBytes: int64(len(body))},
			Expected: "200 + data", Failures: []suites.Finding{}, Attempts: 1, DurationMS: 1.5,
		}
		if i%10 == 3 {
			c.Outcome = suites.Fail
			c.Failures = []suites.Finding{fail("status", c.ID+": expected 404; got 200 OK", "a client that trusts 200 takes a missing record as delivered")}
			c.Warnings = []suites.Finding{{Check: "rule:content-type", Level: suites.LevelWarn, Message: c.ID + ": error body is not problem+json"}}
		}
		cases[i] = c
	}
	run := &Run{Tool: "apiconform", Version: "test", RunID: "bench", Target: "https://api.example.com", Profile: "lenient", Started: sampleStart, Cases: cases}
	run.Tally()
	return run
}

func BenchmarkWriteHTML(b *testing.B) {
	run := syntheticRun(2000, 1024)
	b.ReportAllocs()
	for b.Loop() {
		if err := WriteHTML(io.Discard, run); err != nil {
			b.Fatal(err)
		}
	}
}

// What follows is WriteHTML as it was before the page was streamed: every
// case's view built first, the page rendered whole into memory, then made
// printable. TestHTMLIsTheSameStreamed holds the streamed page to it.

func oldWriteHTML(w io.Writer, run *Run) error {
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, oldNewHTMLView(run)); err != nil {
		return err
	}
	_, err := io.WriteString(w, oldPrintable(buf.String()))
	return err
}

type oldHTMLView struct {
	Title, Verdict, Class, Headline string
	Run                             *Run
	Started, Duration               string
	Counts                          []htmlCount
	Columns                         []string
	Rows                            []oldHTMLRow
	Cases                           []*oldHTMLCase
	NoticeCount                     int
}

type oldHTMLRow struct {
	Endpoint, Profile string
	Cells             []*oldHTMLCase
}

type oldHTMLCase struct {
	Case
	Anchor                      string
	Href                        template.URL
	Class, Label                string
	Open                        bool
	Title, Brief, Got, Duration string
	ReqHeader                   []htmlHeader
	Resp                        *htmlResponse
	Curl                        string
}

func oldNewHTMLView(run *Run) *oldHTMLView {
	k := run.Counts
	v := &oldHTMLView{
		Run: run, Verdict: strings.ToUpper(string(run.Verdict)), Class: "v-" + string(run.Verdict),
		Started:  run.Started.UTC().Format("2006-01-02 15:04:05 MST"),
		Duration: (time.Duration(run.DurationMS) * time.Millisecond).String(),
		Counts: []htmlCount{
			{"passed", k.Pass, "o-pass"}, {"failed", k.Fail, "o-fail"}, {"errors", k.Error, "o-error"},
			{"skipped", k.Skipped, "o-skipped"}, {"not run", k.NotRun, "o-not-run"}, {"warnings", k.Warnings, "o-warn"},
		},
		NoticeCount: len(run.Notices),
	}
	if k.Known > 0 {
		v.Counts = append(v.Counts, htmlCount{"known failures", k.Known, "o-known-failure"})
	}
	v.Headline = headline(run)
	v.Title = fmt.Sprintf("apiconform %s · %s · %s", v.Verdict, run.Profile, run.Target)
	anchors := map[string]bool{}
	byID := map[string]*oldHTMLCase{}
	for _, c := range oldHeadlineOrder(run) {
		hc := oldNewHTMLCase(c, anchors, run.Insecure)
		v.Cases = append(v.Cases, hc)
		byID[c.Endpoint+"\x00"+c.Case] = hc
	}
	v.Columns = caseColumns(run.Cases)
	for _, ep := range run.Endpoints() {
		row := oldHTMLRow{Endpoint: ep}
		for _, kind := range v.Columns {
			cell := byID[ep+"\x00"+kind]
			if cell != nil && row.Profile == "" {
				row.Profile = cell.Profile
			}
			row.Cells = append(row.Cells, cell)
		}
		v.Rows = append(v.Rows, row)
	}
	return v
}

func oldHeadlineOrder(run *Run) []Case {
	out := slices.Clone(run.Cases)
	slices.SortStableFunc(out, func(a, b Case) int {
		if d := headlineRank(run, a) - headlineRank(run, b); d != 0 {
			return d
		}
		return kindRank(a) - kindRank(b)
	})
	return out
}

func oldNewHTMLCase(c Case, anchors map[string]bool, insecure bool) *oldHTMLCase {
	hc := &oldHTMLCase{
		Case: c, Anchor: anchorFor(c.ID, anchors), Class: "o-" + string(c.Outcome), Label: outcomeLabels[c.Outcome],
		Open:     c.Outcome == suites.Fail || c.Outcome == suites.Error || c.Outcome == suites.KnownFailure,
		Duration: fmt.Sprintf("%.1f ms", c.DurationMS),
	}
	if hc.Label == "" {
		hc.Label = string(c.Outcome)
	}
	if c.Outcome == suites.Skipped || c.Outcome == suites.Error || c.Outcome == suites.NotRun {
		hc.Brief = words.Clip(c.Reason, 160)
	}
	lead := c.Reason
	if len(c.Failures) > 0 {
		lead = c.Failures[0].Message
	}
	hc.Href = template.URL("#" + hc.Anchor)
	hc.Title = hc.Label
	switch {
	case strings.HasPrefix(strings.ToLower(lead), strings.ToLower(hc.Label)+":"):
		hc.Title = words.Clip(lead, 200)
	case lead != "":
		hc.Title += ": " + words.Clip(lead, 200)
	}
	if n := len(c.Warnings); n > 0 {
		hc.Title += fmt.Sprintf(" (%d warning%s)", n, plural(n))
	}
	for _, name := range SortedHeaderNames(c.Request.Headers) {
		hc.ReqHeader = append(hc.ReqHeader, htmlHeader{name, words.Clip(c.Request.Headers[name], headerValueMax)})
	}
	if r := c.Response; r != nil {
		hc.Got = statusLine(r.Status)
		resp := &htmlResponse{Status: hc.Got, Truncated: r.BodyTruncated, Total: r.BodyBytes}
		for _, name := range SortedHeaderNames(r.Headers) {
			resp.Header = append(resp.Header, htmlHeader{name, words.Clip(r.Headers[name], headerValueMax)})
		}
		if r.HeaderBytes > 0 {
			resp.Header = append(resp.Header, htmlHeader{"[headers cut]", fmt.Sprintf("%d bytes in all, the first 64 KiB kept", r.HeaderBytes)})
		}
		body := r.Body
		if len(body) > probe.BodyExcerpt {
			body, resp.Truncated = cutUTF8(body, probe.BodyExcerpt), true
		}
		resp.Shown = len(body)
		if resp.Total < int64(len(r.Body)) {
			resp.Total = int64(len(r.Body))
		}
		resp.Body = oldPrintable(prettyJSON(body, resp.Truncated))
		hc.Resp = resp
	}
	if len(c.Request.Headers) > 0 {
		hc.Curl = curlCommand(c.Request, insecure)
	}
	return hc
}

func oldPrintable(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20:
			return 0x2400 + r
		case r == 0x7f:
			return 0x2421
		case r >= 0x80 && r < 0xa0:
			return '\uFFFD'
		}
		return r
	}, s)
}
