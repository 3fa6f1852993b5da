package runner

import (
	"runtime"
	"runtime/debug"
	"sync"
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

// TestBodyCollectorCollectsAfterLargeBodies checks that only a large
// body asks for a collection, that collections never overlap, and that
// a body dropped while one runs gets one of its own after it.
func TestBodyCollectorCollectsAfterLargeBodies(t *testing.T) {
	var mu sync.Mutex
	var collections, inFlight, overlaps int
	release, began := make(chan struct{}), make(chan struct{}, 16)
	b := &bodyCollector{collect: func() {
		began <- struct{}{}
		mu.Lock()
		collections++
		inFlight++
		if inFlight > 1 {
			overlaps++
		}
		mu.Unlock()
		<-release
		mu.Lock()
		inFlight--
		mu.Unlock()
	}}
	answer := func(size int64) *probe.Exchange {
		return &probe.Exchange{Response: &probe.Response{Status: 200, Size: size}}
	}
	b.Answered(nil, answer(largeBody-1))
	b.Answered(nil, &probe.Exchange{})
	b.Answered(nil, nil)
	if b.running.Load() {
		t.Fatal("a small body, or no answer, started a collection")
	}
	b.Answered(nil, answer(largeBody))
	<-began
	for range 10 { // dropped while the first collection runs
		b.Answered(nil, answer(10*largeBody))
	}
	close(release)
	deadline := time.Now().Add(10 * time.Second)
	for b.running.Load() || b.due.Load() {
		if time.Now().After(deadline) {
			t.Fatal("the collections never ended")
		}
		time.Sleep(time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if collections != 2 || overlaps != 0 {
		t.Errorf("%d collections (%d overlapping), want 2: one for the first body, one for those dropped meanwhile", collections, overlaps)
	}
}
