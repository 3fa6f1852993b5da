package probe

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// warmingUp answers 503 to the first n requests, then 401 (an answer is
// an answer: the API is up, whatever it thinks of our credentials).
func warmingUp(t *testing.T, n int64, status int) (*httptest.Server, *atomic.Int64) {
	t.Helper()
	var calls atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if calls.Add(1) <= n {
			w.WriteHeader(status)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
	}))
	t.Cleanup(srv.Close)
	return srv, &calls
}

func TestWaitReadyWaitsThroughAWarmUp(t *testing.T) {
	for _, status := range []int{http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		srv, calls := warmingUp(t, 3, status)
		p := New(Options{Timeout: time.Second})
		if err := p.WaitReady(context.Background(), srv.URL+"/healthz", time.Minute); err != nil {
			t.Fatalf("%d: %v", status, err)
		}
		if got := calls.Load(); got != 4 {
			t.Errorf("%d: asked %d times, want 4 (three %d answers, then one that counts)", status, got, status)
		}
	}
}

func TestWaitReadyGivesUpNamingTheURLAndTheLastAnswer(t *testing.T) {
	srv, calls := warmingUp(t, 1<<30, http.StatusServiceUnavailable)
	err := New(Options{Timeout: time.Second}).WaitReady(context.Background(), srv.URL, 600*time.Millisecond)
	if err == nil {
		t.Fatal("WaitReady returned nil for an API that answers 503 forever")
	}
	for _, want := range []string{"--wait 600ms", srv.URL, "503 Service Unavailable"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if calls.Load() < 2 {
		t.Errorf("asked %d times, want retries until the limit", calls.Load())
	}
	err = New(Options{Timeout: time.Second}).WaitReady(context.Background(), "http://127.0.0.1:9", 300*time.Millisecond)
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("an API that accepts no connection: %v", err)
	}
}

func TestWaitReadyStopsWhenTheRunIsInterrupted(t *testing.T) {
	srv, calls := warmingUp(t, 1<<30, http.StatusServiceUnavailable)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for calls.Load() < 2 {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
	}()
	if err := New(Options{Timeout: time.Second}).WaitReady(ctx, srv.URL, time.Hour); !errors.Is(err, context.Canceled) {
		t.Fatalf("WaitReady = %v, want context.Canceled", err)
	}
}

// TestWaitReadyGoesThroughTheRunsProxy checks that --wait reaches the API
// the way every case does: through the proxy the run chose.
func TestWaitReadyGoesThroughTheRunsProxy(t *testing.T) {
	var proxied atomic.Int64
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		proxied.Add(1)
		w.WriteHeader(http.StatusOK)
	}))
	defer proxy.Close()
	proxyURL, _ := url.Parse(proxy.URL)
	p := New(Options{Timeout: time.Second, Proxy: func(*http.Request) (*url.URL, error) { return proxyURL, nil }})
	if err := p.WaitReady(context.Background(), "http://api.test.invalid/healthz", time.Second); err != nil {
		t.Fatal(err)
	}
	if proxied.Load() != 1 {
		t.Errorf("the proxy saw %d requests, want 1", proxied.Load())
	}
}
