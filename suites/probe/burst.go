package probe

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/apiconform/apiconform/suites/httpsyntax"
	"github.com/apiconform/apiconform/suites/plan"
)

// BurstOptions bound the rate-limit phase.
type BurstOptions struct {
	Budget        int           // most requests ever sent in the burst
	Concurrency   int           // requests in flight at once
	RetryAfterMax time.Duration // longest pause before the recovery request
	// Scopes is how many rate-limit scopes may burst at once (at least 1).
	// Scopes are independent limiters, so their bursts cannot meet.
	Scopes int
}

// runBursts sends one burst per rate-limit scope, at most opts.Scopes
// scopes at a time, to the scope's first endpoint in plan order. Every
// other endpoint of the scope gets the scope's verdict: its exchange is
// the burst's, marked DecidedBy the case that sent it. A limiter guards
// an API or a credential, not one path, so bursting each endpoint would
// only wait out the same limit again.
func (p *Prober) runBursts(ctx context.Context, cases []plan.Case, opts BurstOptions, exchanges map[string]*Exchange) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	sema := make(chan struct{}, max(1, opts.Scopes))
	for _, scope := range burstScopes(cases) {
		select {
		case sema <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sema; wg.Done() }()
			for _, c := range scope {
				p.sent(c)
			}
			ex := p.Burst(ctx, scope[0], opts)
			if ex.Burst.Interrupted {
				return
			}
			decided := scopeExchanges(scope, ex)
			mu.Lock()
			for i, c := range scope {
				exchanges[c.ID] = decided[i]
			}
			mu.Unlock()
			for i, c := range scope {
				p.answered(c, decided[i])
			}
		}()
	}
	wg.Wait()
}

// scopeExchanges gives each case of a scope the burst's exchange; the
// others record no time of their own (the burst's is on the first).
func scopeExchanges(scope []*plan.Case, ex *Exchange) []*Exchange {
	out := []*Exchange{ex}
	for _, c := range scope[1:] {
		shared := *ex
		shared.CaseID, shared.DecidedBy, shared.Duration = c.ID, scope[0].ID, 0
		out = append(out, &shared)
	}
	return out
}

// burstScopes groups the runnable rate-limit cases by scope, each group
// and the groups in plan order.
func burstScopes(cases []plan.Case) [][]*plan.Case {
	var order []string
	byScope := map[string][]*plan.Case{}
	for i := range cases {
		c := &cases[i]
		if c.Kind != plan.RateLimit || c.Skipped() {
			continue
		}
		scope := c.Endpoint.ScopeOf()
		if byScope[scope] == nil {
			order = append(order, scope)
		}
		byScope[scope] = append(byScope[scope], c)
	}
	out := make([][]*plan.Case, len(order))
	for i, scope := range order {
		out[i] = byScope[scope]
	}
	return out
}

// Burst sends the case's request repeatedly, at most opts.Budget times and
// opts.Concurrency at once, until the first 429 (or 503, the answer of
// servers that rate limit with the wrong status). After a 429 it waits the
// Retry-After delay, capped by opts.RetryAfterMax, and sends one more
// request: the recovery. The returned exchange carries the limiting answer
// (or the last answer when no limit was hit) and the burst record.
func (p *Prober) Burst(ctx context.Context, c *plan.Case, opts BurstOptions) *Exchange {
	started := time.Now()
	b := &Burst{Budget: opts.Budget, Statuses: map[int]int{}}
	last := p.sendBurst(ctx, c, opts, b)
	if b.Limiting == nil && b.FirstError == nil && ctx.Err() != nil {
		// The run stopped before the limit was reached: "no 429" would be
		// a verdict on a burst that never finished.
		b.Interrupted = true
	}
	result := last
	if b.Limiting != nil {
		result = b.Limiting
	}
	if result == nil {
		result = &Exchange{CaseID: c.ID, Request: RecordedRequest{Method: c.Request.Method, URL: c.Request.URL}}
		if b.FirstError != nil {
			result.Err = b.FirstError
		}
	}
	if b.FirstError != nil && b.Limiting == nil {
		result.Err = b.FirstError
	}
	out := *result
	out.Attempts = b.Sent
	out.Burst = b
	if b.Limiting != nil {
		b.RetryAfter = b.Limiting.Response.Header.Get("Retry-After")
	}
	if b.StoppedBy == http.StatusTooManyRequests {
		p.recover(ctx, c, b, opts.RetryAfterMax)
	}
	// The case took the whole phase: the burst, the wait and the recovery.
	out.Started, out.Duration = started, time.Since(started)
	return &out
}

// sendBurst sends the case's request from opts.Concurrency workers until
// the budget is spent, the first 429 (or 503) comes back, a request fails
// in transit or ctx ends, recording each answer in b. It returns the last
// answer.
func (p *Prober) sendBurst(ctx context.Context, c *plan.Case, opts BurstOptions, b *Burst) *Exchange {
	var (
		launched atomic.Int64
		stop     atomic.Bool
		mu       sync.Mutex
		last     *Exchange
		wg       sync.WaitGroup
	)
	workers := min(max(opts.Concurrency, 1), max(opts.Budget, 1))
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() && ctx.Err() == nil {
				// Claim a slot of the budget before sending, so that the
				// count can never pass it whatever the interleaving.
				if launched.Add(1) > int64(opts.Budget) {
					return
				}
				// One attempt each, unpaced: the burst exists to reach the
				// limit, and a retry would spend budget behind its back.
				ex := p.exchange(ctx, c.ID, c.Request)
				mu.Lock()
				if b.record(ex) {
					stop.Store(true)
				}
				if ex.Err == nil {
					last = ex
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	return last
}

// record counts one answer of the burst and reports whether the burst
// must stop: a transport failure, or the first 429 (or 503).
func (b *Burst) record(ex *Exchange) bool {
	b.Sent++
	switch {
	case ex.Err != nil && ex.Err.Fault == FaultCanceled:
		// The run was interrupted: not a fault of the target.
		return false
	case ex.Err != nil:
		b.Errors++
		if b.FirstError == nil {
			b.FirstError = ex.Err
		}
		return true
	}
	status := ex.Response.Status
	b.Statuses[status]++
	if (status == http.StatusTooManyRequests || status == http.StatusServiceUnavailable) && b.Limiting == nil {
		b.Limiting, b.StoppedBy = ex, status
		return true
	}
	return false
}

// recover waits what the limiting answer asked for (capped) and sends the
// recovery request. Without a usable Retry-After there is nothing to wait
// for, so no recovery is attempted: the missing header already fails.
func (p *Prober) recover(ctx context.Context, c *plan.Case, b *Burst, maxWait time.Duration) {
	delay, ok := httpsyntax.ParseRetryAfter(b.RetryAfter, b.Limiting.Response.Header.Get("Date"), time.Now())
	if !ok {
		return
	}
	if delay > maxWait {
		delay = maxWait
		b.WaitCapped = true
	}
	// A little slack: Retry-After has a resolution of one second and the
	// server's window may close a moment after ours.
	wait := delay + delay/10 + 100*time.Millisecond
	if b.WaitCapped {
		wait = delay
	}
	if ctx.Err() != nil {
		b.Interrupted = true
		return
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-timer.C:
	case <-ctx.Done():
		b.Interrupted = true
		return
	}
	b.Waited = wait
	b.Recovery = p.exchange(ctx, c.ID, c.Request)
	if b.Recovery.Err != nil && b.Recovery.Err.Fault == FaultCanceled {
		b.Interrupted = true
	}
}
