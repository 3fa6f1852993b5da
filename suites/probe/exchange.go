// Package probe sends the plan's requests and records each exchange: the
// request as sent (secrets redacted), the response with a capped body,
// timing, and any transport failure. It judges nothing.
package probe

import (
	"net/http"
	"slices"
	"sort"
	"strings"
	"time"
)

// Exchange is one recorded request and its answer.
type Exchange struct {
	CaseID   string
	Request  RecordedRequest
	Response *Response // nil when the transport failed
	Err      *TransportError
	Started  time.Time     // when the first attempt started
	Duration time.Duration // from the first attempt to the end of the last
	Attempts int           // requests sent, retries included
	Burst    *Burst        // the rate-limit phase, for the rate-limit case only
	// DecidedBy is the rate-limit case whose burst this exchange is, when
	// another endpoint of the same rate-limit scope sent it.
	DecidedBy string
}

// RecordedRequest is a request as it went out, with credentials replaced
// by the name of the environment variable that holds them.
type RecordedRequest struct {
	Method string
	URL    string
	Header http.Header
	Body   string // the JSON body of a POST
}

// Response is what came back. Body holds at most the configured maximum.
type Response struct {
	Status int
	Proto  string
	Header http.Header // at most HeaderKept bytes of it (HeaderBytes says how much came)
	// HeaderBytes is the size of the headers as received, when they were
	// larger than HeaderKept and cut (0 otherwise).
	HeaderBytes int64
	Body        []byte
	Truncated   bool // the body was longer than the cap
	// Excerpted says Body was cut to BodyExcerpt once judged: what is
	// left is for the reports, never for a verdict.
	Excerpted bool
	Size      int64 // bytes read, capped at the limit + 1
	// Lines are Header flattened, once the answer has been judged
	// (Compact): the judge reads Header, the reports only what these
	// say, and a run of thousands of answers then holds a short slice
	// for each instead of a map.
	Lines []HeaderLine
}

// HeaderLine is one header of a compacted response, its values joined.
type HeaderLine struct{ Name, Value string }

// Compact replaces Header by Lines, in name order, each name's values
// joined by ", " as one header line would carry them.
func (r *Response) Compact() {
	lines := make([]HeaderLine, 0, len(r.Header))
	for name, values := range r.Header {
		lines = append(lines, HeaderLine{name, strings.Join(values, ", ")})
	}
	slices.SortFunc(lines, func(a, b HeaderLine) int { return strings.Compare(a.Name, b.Name) })
	r.Header, r.Lines = nil, lines
}

// Compacted reports whether Header was replaced by Lines.
func (r *Response) Compacted() bool { return r.Header == nil && r.Lines != nil }

// Flat returns the headers with one value per name, from Header or,
// once compacted, from Lines (nil when there are none).
func (r *Response) Flat() map[string]string {
	if r.Compacted() {
		if len(r.Lines) == 0 {
			return nil
		}
		out := make(map[string]string, len(r.Lines))
		for _, l := range r.Lines {
			out[l.Name] = l.Value
		}
		return out
	}
	return FlatHeader(r.Header)
}

// FlatHeader returns h with one value per name, its values joined by
// ", " as one header line would carry them (nil when h is empty).
func FlatHeader(h http.Header) map[string]string {
	if len(h) == 0 {
		return nil
	}
	out := make(map[string]string, len(h))
	for name, values := range h {
		out[name] = strings.Join(values, ", ")
	}
	return out
}

// TransportError is a failure to get an answer: the case is inconclusive,
// never a conformance failure and never a pass.
type TransportError struct {
	Fault   Fault
	Message string
	URL     string
	// retry says whether another attempt may get an answer: a refused or
	// reset connection may, a bad certificate or a timeout will not.
	retry bool
}

// Fault names a kind of transport failure.
type Fault string

// The kinds of transport failure.
const (
	FaultRefused      Fault = "refused"           // nothing listens at the address
	FaultDNS          Fault = "dns"               // the host name does not resolve
	FaultTimeout      Fault = "timeout"           // no complete answer within --timeout
	FaultReset        Fault = "reset"             // the connection closed or reset before the answer was complete
	FaultTLS          Fault = "tls"               // the TLS handshake failed (certificate, protocol)
	FaultBodyTooLarge Fault = "body-too-large"    // the body is longer than --max-body
	FaultRedirect     Fault = "redirect"          // too many redirects (with --follow-redirects)
	FaultProxy        Fault = "proxy"             // the proxy from the environment could not be reached
	FaultCanceled     Fault = "canceled"          // the run stopped (signal or --deadline) before the answer arrived
	FaultAuth         Fault = "auth"              // the credentials could not be obtained (an OAuth 2.0 token endpoint refused)
	FaultProtocol     Fault = "protocol"          // the server does not answer HTTP/1.1 (another protocol, or HTTP/2 only)
	FaultMalformed    Fault = "malformed"         // the answer breaks HTTP framing (a bad status line, header or chunk)
	FaultHeaders      Fault = "headers-too-large" // the answer's headers are larger than the client accepts
	FaultOther        Fault = "other"
)

func (e *TransportError) Error() string { return string(e.Fault) + ": " + e.Message }

// Burst records the rate-limit phase for one endpoint.
type Burst struct {
	Budget     int
	Sent       int           // requests sent before stopping, never more than Budget
	Statuses   map[int]int   // answers by status
	StoppedBy  int           // 429 or 503 when the burst ended on one, 0 when the budget ran out
	Limiting   *Exchange     // the first 429 (or 503)
	Waited     time.Duration // the pause before the recovery request
	WaitCapped bool          // Retry-After asked for longer than --retry-after-max
	Recovery   *Exchange     // the request sent after the pause
	RetryAfter string        // the Retry-After value of the limiting answer
	Errors     int           // transport failures during the burst
	FirstError *TransportError
	// Interrupted says the run stopped (signal or --deadline) before the
	// burst and its recovery were complete: the case is not run.
	Interrupted bool
}

// HeaderKept bounds the headers an exchange keeps: a server that sends
// megabytes of headers must not fill memory or the reports.
const HeaderKept = 64 << 10

// headerValueKept bounds one value of a header the judge reads.
const headerValueKept = 8 << 10

// judgedHeaders are kept first, whatever the others weigh: the rules read them.
var judgedHeaders = []string{
	"Content-Type", "Content-Length", "Transfer-Encoding", "Www-Authenticate", "Allow", "Retry-After", "Date",
	"Cache-Control", "Content-Range", "Location", "Ratelimit", "Ratelimit-Policy",
}

// capHeader returns h whole when it is small, or the headers the judge
// reads (each value at most headerValueKept) and then the others in name
// order while they fit in HeaderKept, with the size that came.
func capHeader(h http.Header) (http.Header, int64) {
	var total int64
	for name, values := range h {
		for _, v := range values {
			total += int64(len(name) + len(v) + 4)
		}
	}
	if total <= HeaderKept {
		return h, 0
	}
	out := http.Header{}
	budget := int64(HeaderKept)
	keep := func(name string, limit int) {
		for _, v := range h[name] {
			v = v[:min(len(v), limit)]
			if cost := int64(len(name) + len(v) + 4); cost <= budget {
				out[name] = append(out[name], v)
				budget -= cost
			}
		}
	}
	for _, name := range judgedHeaders {
		keep(name, headerValueKept)
	}
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if _, done := out[name]; !done && !slices.Contains(judgedHeaders, name) {
			keep(name, int(budget))
		}
	}
	return out, total
}
