package probe

import (
	"context"
	"sync"
	"time"
)

// pacer spaces requests to at most a rate per second: a token bucket one
// token deep, so that a shared staging server never sees a burst from us
// (outside the rate-limit phase, whose purpose is the burst).
type pacer struct {
	mu       sync.Mutex
	interval time.Duration
	next     time.Time
}

// newPacer returns a pacer for rps requests per second, or nil (no
// pacing) when rps is not positive.
func newPacer(rps float64) *pacer {
	if rps <= 0 {
		return nil
	}
	return &pacer{interval: time.Duration(float64(time.Second) / rps)}
}

// wait blocks until the caller may send, or ctx ends.
func (p *pacer) wait(ctx context.Context) error {
	if p == nil {
		return ctx.Err()
	}
	d := time.Until(p.reserve(time.Now()))
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// reserve books the next free slot at or after now and returns it.
func (p *pacer) reserve(now time.Time) time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	at := p.next
	if at.Before(now) {
		at = now
	}
	p.next = at.Add(p.interval)
	return at
}
