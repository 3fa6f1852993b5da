// Package reports turns the judge's results into the artifacts of a run:
// results.json (the model every other report and `diff` read), junit.xml,
// report.html, summary.md and the console summary.
package reports

import (
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/probe"
)

// Verdict is the outcome of a whole run.
type Verdict string

// The verdicts, by the exit code they lead to.
const (
	VerdictPass         Verdict = "pass"         // every case judged passed (some may be skipped)
	VerdictFail         Verdict = "fail"         // at least one case failed
	VerdictInconclusive Verdict = "inconclusive" // no failure, but errors (transport, 429, 502-504), or nothing judged
	VerdictInterrupted  Verdict = "interrupted"  // stopped by a signal or the deadline
)

// Run is a whole run as results.json records it.
type Run struct {
	Tool    string `json:"tool"`
	Version string `json:"version"`
	// RunID names the run in each of its four artifacts, so a set that
	// mixes two runs is told apart (diff and --baseline refuse it).
	RunID       string    `json:"run_id"`
	Target      string    `json:"target"`
	Profile     string    `json:"profile"`
	Started     time.Time `json:"started"`
	DurationMS  int64     `json:"duration_ms"`
	Verdict     Verdict   `json:"verdict"`
	Interrupted string    `json:"interrupted,omitempty"` // why the run stopped early
	Notices     []string  `json:"notices,omitempty"`     // run-wide warnings, e.g. TLS verification off
	Insecure    bool      `json:"insecure,omitempty"`    // TLS verification was off (--insecure)
	Counts      Counts    `json:"counts"`
	Cases       []Case    `json:"cases"`
	// Known records what became of each --known-failures entry.
	Known []suites.KnownStatus `json:"known_failures,omitempty"`
	// Baseline compares this run with --baseline, when given.
	Baseline *Diff `json:"baseline,omitempty"`
	// Seed made the run's generated IDs (--seed repeats them).
	Seed int64 `json:"seed,omitempty"`
	// IDs are the ID sets each endpoint used, and where they came from.
	IDs []EndpointIDs `json:"ids,omitempty"`
	// Gaps say what kept the run from judging all it should (discovery
	// that found nothing): with gaps and no failure, the run is inconclusive.
	Gaps []string `json:"gaps,omitempty"`
	// Incident names the answer that reproduced the production incident
	// (partial answered 2xx with no signal of its missing ID), if any.
	Incident *suites.Incident `json:"incident,omitempty"`
	// Detection is set by `apiconform detect`: the run's cases are judged
	// against the detected (or closest) profile.
	Detection *suites.Detection `json:"detection,omitempty"`
	// ReportURL is where report.html is published (--report-url), for
	// links from summary.md.
	ReportURL string `json:"report_url,omitempty"`
	// Shard is the part of the endpoints the run probed (--shard K/N).
	Shard *Shard `json:"shard,omitempty"`
	// Parts are the runs a merged run was made of (apiconform merge).
	Parts []Part `json:"parts,omitempty"`
}

// Shard is part Index (from 1) of Count of a config's endpoints.
type Shard struct {
	Index     int `json:"index"`
	Count     int `json:"count"`
	Endpoints int `json:"endpoints"` // endpoints in this part
	Total     int `json:"total"`     // endpoints in the config
}

// Part is one run that a merged run was made of.
type Part struct {
	Source  string  `json:"source"` // the results.json it was read from
	RunID   string  `json:"run_id"`
	Shard   *Shard  `json:"shard,omitempty"`
	Verdict Verdict `json:"verdict"`
}

// Counts sums the outcomes of a run.
type Counts = suites.Counts

// Case is one case's record in results.json.
type Case struct {
	ID             string           `json:"id"`
	Endpoint       string           `json:"endpoint"`
	Case           string           `json:"case"`
	Profile        string           `json:"profile"`
	Outcome        suites.Outcome   `json:"outcome"`
	Labels         []string         `json:"labels,omitempty"`
	Request        Request          `json:"request"`
	Response       *Response        `json:"response,omitempty"`
	Expected       string           `json:"expected,omitempty"`
	ExpectedStatus []int            `json:"expected_status,omitempty"`
	Failures       []suites.Finding `json:"failures"`
	Warnings       []suites.Finding `json:"warnings,omitempty"`
	Notes          []suites.Finding `json:"notes,omitempty"`
	Impact         string           `json:"impact,omitempty"`
	Reason         string           `json:"reason,omitempty"` // why skipped, error or not run
	Attempts       int              `json:"attempts,omitempty"`
	DurationMS     float64          `json:"duration_ms"`
	// Fault names the kind of an error: a transport fault (refused, dns,
	// timeout, tls, ...), rate-limited, unavailable or not-run.
	Fault string `json:"fault,omitempty"`
	// File and Line point at the endpoint's definition (the config file),
	// for CI annotations.
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Request is the request as sent, secrets replaced.
type Request struct {
	Method  string            `json:"method,omitempty"`
	URL     string            `json:"url,omitempty"`
	Headers map[string]string `json:"headers,omitempty"`
	Body    string            `json:"body,omitempty"` // the JSON body of a POST
}

// Response is the answer with a capped body.
type Response struct {
	Status        int               `json:"status"`
	Headers       map[string]string `json:"headers"`
	Body          string            `json:"body"`
	BodyTruncated bool              `json:"body_truncated,omitempty"`
	BodyBytes     int64             `json:"body_bytes"`
	// HeaderBytes is the size of headers that were cut to 64 KiB (0: kept whole).
	HeaderBytes int64 `json:"header_bytes,omitempty"`
}

// Meta describes the run around the results.
type Meta struct {
	Version     string
	Target      string
	Profile     string
	Started     time.Time
	Duration    time.Duration
	Interrupted string
	Notices     []string
	Insecure    bool
	Known       []suites.KnownStatus // what became of each --known-failures entry
	Incident    *suites.Incident     // the answer that reproduced the incident, if any
	Seed        int64
	IDs         []EndpointIDs
	Gaps        []string
	RunID       string // "": a new one
	ReportURL   string // where report.html is published, when known
	Shard       *Shard // the part of the endpoints probed, when sharded
}

// EndpointIDs are the IDs one endpoint used, each set with its source
// (configured, discovered from a listing, generated from a seed).
type EndpointIDs struct {
	Endpoint      string   `json:"endpoint"`
	Found         []string `json:"found,omitempty"`
	FoundFrom     string   `json:"found_from,omitempty"`
	Missing       []string `json:"missing,omitempty"`
	MissingFrom   string   `json:"missing_from,omitempty"`
	Malformed     []string `json:"malformed,omitempty"`
	MalformedFrom string   `json:"malformed_from,omitempty"`
}

// Told reports whether the IDs came from anywhere but the configuration:
// the reports then say where.
func (e EndpointIDs) Told() bool {
	for _, s := range []string{e.FoundFrom, e.MissingFrom, e.MalformedFrom} {
		if s != "" && s != "configured" {
			return true
		}
	}
	return false
}

// NewRun assembles the run record from the judge's results.
func NewRun(meta Meta, results []*suites.Result) *Run {
	run := &Run{
		Tool: "apiconform", Version: meta.Version, Target: meta.Target, Profile: meta.Profile,
		Started: meta.Started.UTC(), DurationMS: meta.Duration.Milliseconds(), Interrupted: meta.Interrupted, Notices: meta.Notices, Insecure: meta.Insecure, Known: meta.Known, Incident: meta.Incident,
		Seed: meta.Seed, IDs: meta.IDs, Gaps: meta.Gaps, RunID: meta.RunID, ReportURL: meta.ReportURL, Shard: meta.Shard,
		Cases: make([]Case, 0, len(results)),
	}
	if run.RunID == "" {
		run.RunID = newRunID()
	}
	for _, r := range results {
		run.Cases = append(run.Cases, newCase(r))
	}
	run.Tally()
	return run
}

// Tally recounts the outcomes and sets the verdict.
func (run *Run) Tally() {
	run.Counts = Counts{}
	for _, c := range run.Cases {
		run.Counts.Add(c.Outcome, len(c.Warnings))
	}
	switch {
	case run.Interrupted != "":
		run.Verdict = VerdictInterrupted
	case run.Counts.Fail > 0:
		run.Verdict = VerdictFail
	case run.Counts.Error > 0 || run.Counts.NotRun > 0 || run.NothingJudged() || len(run.Gaps) > 0:
		run.Verdict = VerdictInconclusive
	default:
		run.Verdict = VerdictPass
	}
}

// NothingJudged reports whether every case of the run was skipped: a run
// that judged nothing proves nothing, so it is inconclusive, not a pass.
func (run *Run) NothingJudged() bool {
	k := run.Counts
	return len(run.Cases) > 0 && k.Skipped == len(run.Cases)
}

func newCase(r *suites.Result) Case {
	c := Case{
		ID: r.Case.ID, Endpoint: r.Case.Endpoint.Name, Case: r.Case.Name(), Profile: r.Profile,
		Outcome: r.Outcome, Labels: r.Case.Labels, Expected: r.Expected, ExpectedStatus: r.ExpectedStatus,
		Failures: r.Failures, Warnings: r.Warnings, Notes: r.Notes, Impact: r.Impact(), Reason: r.Reason,
		Request: Request{Method: r.Case.Request.Method, URL: r.Case.Request.URL, Headers: r.Case.Request.Header, Body: r.Case.Request.Body},
	}
	if c.Failures == nil {
		c.Failures = []suites.Finding{}
	}
	c.File, c.Line = r.Case.Endpoint.Source.File, r.Case.Endpoint.Source.Line
	c.Fault = faultOf(r)
	if ex := r.Exchange; ex != nil {
		c.Attempts = ex.Attempts
		c.DurationMS = float64(ex.Duration.Microseconds()) / 1000
		c.Request = Request{Method: ex.Request.Method, URL: ex.Request.URL, Headers: probe.FlatHeader(ex.Request.Header), Body: ex.Request.Body}
		if ex.Response != nil {
			body := ex.Response.Body
			truncated := ex.Response.Truncated
			if len(body) > probe.BodyExcerpt {
				body, truncated = body[:probe.BodyExcerpt], true
			}
			c.Response = &Response{
				Status: ex.Response.Status, Headers: ex.Response.Flat(),
				Body: toText(body), BodyTruncated: truncated, BodyBytes: ex.Response.Size, HeaderBytes: ex.Response.HeaderBytes,
			}
		}
	}
	return c
}

// toText keeps a body readable in JSON: invalid UTF-8 bytes become U+FFFD.
func toText(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}

// Endpoints lists the run's endpoints in case order.
func (run *Run) Endpoints() []string {
	var names []string
	seen := map[string]bool{}
	for _, c := range run.Cases {
		if !seen[c.Endpoint] {
			seen[c.Endpoint] = true
			names = append(names, c.Endpoint)
		}
	}
	return names
}

// casesByEndpoint groups the indexes of the run's cases by endpoint, in
// the order of Endpoints.
func (run *Run) casesByEndpoint() [][]int {
	var groups [][]int
	index := map[string]int{}
	for i, c := range run.Cases {
		g, ok := index[c.Endpoint]
		if !ok {
			g = len(groups)
			index[c.Endpoint] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// SortedHeaderNames returns the keys of h in a stable order.
func SortedHeaderNames(h map[string]string) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// newRunID returns a random run ID.
func newRunID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// faultOf names the kind of an error or a case not run.
func faultOf(r *suites.Result) string {
	switch {
	case r.Outcome == suites.NotRun:
		return "not-run"
	case r.Outcome != suites.Error || r.Exchange == nil:
		return ""
	case r.Exchange.Err != nil:
		return string(r.Exchange.Err.Fault)
	case r.Exchange.Response == nil:
		return ""
	case r.Exchange.Response.Status == http.StatusTooManyRequests:
		return "rate-limited"
	case r.Exchange.Response.Status >= 502 && r.Exchange.Response.Status <= 504:
		return "unavailable"
	}
	return ""
}
