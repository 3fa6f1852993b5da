// Package probe sends the plan's requests and records each exchange: the
// request as sent (secrets redacted), the response with a capped body,
// timing, and any transport failure. It judges nothing.
package probe

import (
	"errors"
	"net/http"
	"time"
)

// Exchange is one recorded request and its answer.
type Exchange struct {
	CaseID   string
	Request  RecordedRequest
	Response *Response // nil when the transport failed
	Err      *TransportError
	Started  time.Time
	Duration time.Duration
	Attempts int    // requests sent, retries included
	Burst    *Burst // the rate-limit phase, for the rate-limit case only
}

// RecordedRequest is a request as it went out, with credentials replaced
// by the name of the environment variable that holds them.
type RecordedRequest struct {
	Method string
	URL    string
	Header http.Header
}

// Response is what came back. Body holds at most the configured maximum.
type Response struct {
	Status    int
	Proto     string
	Header    http.Header
	Body      []byte
	Truncated bool  // the body was longer than the cap
	Size      int64 // bytes read, capped at the limit + 1
}

// TransportError is a failure to get an answer: the case is inconclusive,
// never a conformance failure and never a pass.
type TransportError struct {
	Kind    string // refused, dns, timeout, reset, tls, body-too-large, canceled, other
	Message string
	URL     string
}

func (e *TransportError) Error() string { return e.Kind + ": " + e.Message }

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
}

// errBodyTooLarge marks a body longer than the cap when the caller asked
// for truncation to be an error.
var errBodyTooLarge = errors.New("body larger than --max-body")
