package runner

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"

	"github.com/apiconform/apiconform/suites/probe"
)

// gcPercent reads the collector's GOGC setting.
func gcPercent() int {
	p := debug.SetGCPercent(100)
	debug.SetGCPercent(p)
	return p
}

// TestDeferFirstCollection checks that the collector is off until the
// first collection, and back to its own pacing after it; and that a
// GOGC or GOMEMLIMIT the user set is left alone.
func TestDeferFirstCollection(t *testing.T) {
	was := gcPercent()
	DeferFirstCollection(func(name string) string { return map[string]string{"GOGC": "50"}[name] })()
	if got := gcPercent(); got != was {
		t.Fatalf("with GOGC set, GOGC became %d, want %d", got, was)
	}
	restore := DeferFirstCollection(func(string) string { return "" })
	defer restore()
	if got := gcPercent(); got != -1 {
		t.Fatalf("before the first collection GOGC is %d, want off (-1)", got)
	}
	if got := debug.SetMemoryLimit(-1); got != startHeapFloor {
		t.Fatalf("before the first collection the memory limit is %d, want %d", got, startHeapFloor)
	}
	deadline := time.Now().Add(10 * time.Second)
	for gcPercent() != was {
		if time.Now().After(deadline) {
			t.Fatalf("after collections GOGC is still %d, want %d", gcPercent(), was)
		}
		runtime.GC()
		time.Sleep(time.Millisecond)
	}
}

// TestBodyCollectorCollectsAfterLargeBodies checks that a body collects
// only when it is large in itself and against the live heap.
func TestBodyCollectorCollectsAfterLargeBodies(t *testing.T) {
	collections := 0
	live := uint64(0)
	b := &bodyCollector{collect: func() { collections++ }, heapLive: func() uint64 { return live }}
	answer := func(size int64) *probe.Exchange {
		return &probe.Exchange{Response: &probe.Response{Status: 200, Size: size}}
	}
	for _, tc := range []struct {
		ex      *probe.Exchange
		live    uint64
		collect bool
	}{
		{nil, 0, false},
		{&probe.Exchange{}, 0, false},
		{answer(largeBody - 1), 0, false},
		{answer(largeBody), 0, true},
		{answer(10 * largeBody), 40 * largeBody, true},
		{answer(10 * largeBody), 80 * largeBody, true},
		{answer(10 * largeBody), 81 * largeBody, false},
	} {
		live, collections = tc.live, 0
		b.Answered(nil, tc.ex)
		if got := collections == 1; got != tc.collect {
			t.Errorf("answer %+v with %d MiB live: collected %v, want %v", tc.ex, tc.live>>20, got, tc.collect)
		}
	}
	if heapLive() == 0 {
		t.Error("the live heap reads as 0")
	}
}
