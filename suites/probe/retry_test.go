package probe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites/plan"
)

// The pacer books slots one interval apart, and an idle pacer lets the
// next request go at once.
func TestPacerSpacesRequests(t *testing.T) {
	p := newPacer(20) // one slot per 50ms
	now := time.Unix(1000, 0)
	for i := range 4 {
		if got, want := p.reserve(now), now.Add(time.Duration(i)*50*time.Millisecond); !got.Equal(want) {
			t.Fatalf("slot %d at %v, want %v", i, got.Sub(now), want.Sub(now))
		}
	}
	later := now.Add(time.Hour)
	if got := p.reserve(later); !got.Equal(later) {
		t.Errorf("after a pause the slot is %v late", got.Sub(later))
	}
	if newPacer(0) != nil || newPacer(-1) != nil {
		t.Error("no cap must mean no pacer")
	}
	if err := (*pacer)(nil).wait(context.Background()); err != nil {
		t.Errorf("a nil pacer waits for nothing: %v", err)
	}
}

// closingServer closes every connection without an answer and counts the requests.
func closingServer(t *testing.T) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		conn, _, err := http.NewResponseController(w).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	t.Cleanup(srv.Close)
	return srv, &n
}

func TestRetriesOnlyIdempotentMethods(t *testing.T) {
	srv, n := closingServer(t)
	p := New(Options{Timeout: time.Second, Retries: 2, RetryBackoff: time.Millisecond})
	for _, tc := range []struct {
		method   string
		attempts int
	}{{"GET", 3}, {"DELETE", 3}, {"POST", 1}, {"PATCH", 1}} {
		n.Store(0)
		ex := p.Send(context.Background(), "x/found", plan.Request{Method: tc.method, URL: srv.URL + "/items"})
		if ex.Err == nil || ex.Err.Fault != FaultReset {
			t.Fatalf("%s: err %v, want a reset", tc.method, ex.Err)
		}
		if ex.Attempts != tc.attempts || n.Load() != int64(tc.attempts) {
			t.Errorf("%s: %d attempts recorded, %d requests seen; want %d", tc.method, ex.Attempts, n.Load(), tc.attempts)
		}
	}
}

// A request cut off because the run stopped is the run's doing: it is
// classified as canceled (and Probe leaves it out), never as a timeout
// or a fault of the target.
func TestStoppedRunIsNotATargetFault(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(func() { close(release); srv.Close() })
	ctx, cancel := context.WithTimeoutCause(context.Background(), 50*time.Millisecond, errDeadlineForTest)
	defer cancel()
	p := New(Options{Timeout: 10 * time.Second, Retries: 2})
	ex := p.Send(ctx, "x/found", plan.Request{Method: "GET", URL: srv.URL + "/items"})
	if ex.Err == nil || ex.Err.Fault != FaultCanceled || ex.Attempts != 1 {
		t.Fatalf("err %v after %d attempts; want canceled after 1", ex.Err, ex.Attempts)
	}
	if want := errDeadlineForTest.Error() + " before the answer arrived"; ex.Err.Message != want {
		t.Errorf("message %q, want %q", ex.Err.Message, want)
	}
	cases := []plan.Case{{ID: "x/found", Kind: plan.Found, Request: plan.Request{Method: "GET", URL: srv.URL + "/items"}}}
	if got := p.Probe(ctx, cases); len(got) != 0 {
		t.Errorf("Probe kept %d exchanges of a stopped run", len(got))
	}
}

var errDeadlineForTest = errors.New("the run reached --deadline 50ms")
