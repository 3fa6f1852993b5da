package gcpace

import (
	"runtime"
	"runtime/debug"
	"testing"
	"time"
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
	if got := debug.SetMemoryLimit(-1); got != StartHeapFloor {
		t.Fatalf("before the first collection the memory limit is %d, want %d", got, StartHeapFloor)
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
