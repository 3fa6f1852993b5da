package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// WaitPoll is how often WaitReady asks again.
const WaitPoll = 250 * time.Millisecond

// WaitReady waits, for at most limit, until url answers HTTP with any
// status but 502, 503 or 504: an API that accepts connections but is
// still warming up (or whose gateway has no backend yet) is not ready,
// and judging it would fail every case. It asks with GET, without
// credentials, through the prober's own client (same TLS, proxy and
// pacing), and reads at most a little of each answer.
func (p *Prober) WaitReady(ctx context.Context, url string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	var last string
	for {
		status, err := p.askOnce(ctx, url, min(time.Until(deadline), p.opts.Timeout))
		switch {
		case err == nil && !unavailable(status):
			return nil
		case ctx.Err() != nil:
			return ctx.Err()
		case err != nil:
			last = "last error: " + classify(err, url, p.opts.Timeout).Message
		default:
			last = fmt.Sprintf("it answered %d %s", status, http.StatusText(status))
		}
		if time.Until(deadline) < WaitPoll {
			return fmt.Errorf("%s was not ready within --wait %s (%s)", url, limit, last)
		}
		timer := time.NewTimer(WaitPoll)
		select {
		case <-ctx.Done():
			timer.Stop()
			return ctx.Err()
		case <-timer.C:
		}
	}
}

// askOnce sends one GET to url and returns the status.
func (p *Prober) askOnce(ctx context.Context, url string, timeout time.Duration) (int, error) {
	if err := p.pacer.wait(ctx); err != nil {
		return 0, err
	}
	reqCtx, cancel := context.WithTimeout(ctx, max(timeout, time.Millisecond))
	defer cancel()
	req, err := http.NewRequestWithContext(reqCtx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	if p.opts.UserAgent != "" {
		req.Header.Set("User-Agent", p.opts.UserAgent)
	}
	resp, err := p.client.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// unavailable reports whether status says the API or its gateway cannot
// answer yet.
func unavailable(status int) bool {
	return status == http.StatusBadGateway || status == http.StatusServiceUnavailable || status == http.StatusGatewayTimeout
}
