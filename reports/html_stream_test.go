package reports

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"maps"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// TestHTMLGolden renders runs of every kind, through the caller's buffer
// and unbuffered, and compares each page's SHA-256 with
// testdata/golden/html.sha256 (APICONFORM_UPDATE_GOLDEN=1 rewrites it;
// the pages themselves would be half a megabyte of the same CSS). The
// digests were first those of the page's earlier, unstreamed writer:
// streaming changed no byte.
func TestHTMLGolden(t *testing.T) {
	runs := equivalenceRuns()
	var digests strings.Builder
	for _, name := range slices.Sorted(maps.Keys(runs)) {
		run := runs[name]
		var viaBufio bytes.Buffer
		bw := bufio.NewWriterSize(&viaBufio, 64<<10)
		if err := WriteHTML(bw, run); err != nil {
			t.Fatal(err)
		}
		if err := bw.Flush(); err != nil {
			t.Fatal(err)
		}
		page := render(t, WriteHTML, run)
		if viaBufio.String() != page {
			t.Fatalf("%s: the page differs through a buffer: %s", name, showDifference(viaBufio.String(), page))
		}
		fmt.Fprintf(&digests, "%x  %s\n", sha256.Sum256([]byte(page)), name)
		for id, anchor := range caseAnchors(run) {
			if !strings.Contains(page, `id="`+anchor+`"`) {
				t.Errorf("%s: summary.md links %s to #%s, which the page does not have", name, id, anchor)
			}
		}
	}
	checkGoldenFile(t, filepath.Join("testdata", "golden", "html.sha256"), digests.String())
}

// TestWarmHTMLWhileWriting checks that warming the template from other
// goroutines, as a run does while it probes, leaves the page unchanged.
func TestWarmHTMLWhileWriting(t *testing.T) {
	run := sampleRun()
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(WarmHTML)
	}
	got := render(t, WriteHTML, run)
	wg.Wait()
	want := render(t, WriteHTML, run)
	if got != want {
		t.Fatalf("the page changed while the template was warmed: %s", showDifference(got, want))
	}
}

// TestPrintableShowsEveryCharacterSafely pins what printable makes of
// each kind of character.
func TestPrintableShowsEveryCharacterSafely(t *testing.T) {
	for in, want := range map[string]string{
		"plain text, tabs\tand\nlines\r": "plain text, tabs\tand\nlines\r",
		"\x00\x1b[31m\x7f":               "\u2400\u241b[31m\u2421",
		"C1 \u0085 \u009f, NBSP \u00a0":  "C1 \ufffd \ufffd, NBSP \u00a0",
		"cut \xc3 and stray \xff\xfe":    "cut \ufffd and stray \ufffd",
		"whole é € 😀 \ufffd":             "whole é € 😀 \ufffd",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
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
		"sample":      newSampleRun(Meta{RunID: "sample", Notices: []string{insecureMsg}}, sampleCases()),
		"insecure":    newSampleRun(Meta{RunID: "insecure", Insecure: true, Notices: []string{insecureMsg}}, sampleCases()),
		"known":       known,
		"interrupted": newSampleRun(Meta{RunID: "stopped", Interrupted: "interrupted: SIGINT"}, append(onlyOutcome(suites.Pass), onlyOutcome(suites.NotRun)...)),
		"skipped":     newSampleRun(Meta{RunID: "skipped"}, onlyOutcome(suites.Skipped)),
		"empty":       newSampleRun(Meta{RunID: "empty"}, nil),
		"sections":    sectionsRun(),
		"hostile":     hostileRun(),
		"synthetic":   syntheticRun(30, 1024),
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
	if want := printable(string(text)); out.String() != want {
		t.Fatalf("%q cut at %v:\n got %q\nwant %q", text, cuts, out.String(), want)
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
