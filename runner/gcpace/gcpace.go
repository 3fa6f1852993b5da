// Package gcpace holds how apiconform paces Go's garbage collector at
// start: a short run should not collect at all.
package gcpace

import (
	"runtime"
	"runtime/debug"
)

// StartHeapFloor is the memory a run may take before its first garbage
// collection. Go's collector starts at a 4 MiB heap: a one-endpoint run
// collected twice while it probed, for a heap it frees at exit anyway.
// Past the floor the collector runs as usual (GOGC=100), so large runs
// peak no higher.
const StartHeapFloor = 32 << 20

// DeferFirstCollection keeps the garbage collector off until the
// process holds StartHeapFloor, then hands it back to its usual pacing.
// A GOGC or GOMEMLIMIT set in the environment is the user's choice and
// is left alone. The returned function undoes it (for tests).
func DeferFirstCollection(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(StartHeapFloor)
	restore = func() {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
	// A finalizer runs after the collection that found its object
	// unreachable: the first one, which the limit forces. (The object is
	// too large for the tiny allocator, whose blocks may never be freed.)
	sentinel := new([64]byte)
	runtime.SetFinalizer(sentinel, func(*[64]byte) { restore() })
	return restore
}
