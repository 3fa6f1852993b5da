package runner

import (
	"runtime"
	"runtime/debug"
)

// startHeapFloor is the memory a run may take before its first garbage
// collection. Go's collector starts at a 4 MiB heap and doubles from
// there: a small run spends a fifth of its wall time on a dozen
// collections of a heap it frees at exit anyway. Past the floor the
// collector runs as usual (GOGC=100), so large runs peak no higher.
const startHeapFloor = 32 << 20

// DeferFirstCollection keeps the garbage collector off until the
// process holds startHeapFloor, then hands it back to its usual pacing.
// A GOGC or GOMEMLIMIT set in the environment is the user's choice and
// is left alone. The returned function undoes it (for tests).
func DeferFirstCollection(getenv func(string) string) (restore func()) {
	if getenv("GOGC") != "" || getenv("GOMEMLIMIT") != "" {
		return func() {}
	}
	percent := debug.SetGCPercent(-1)
	limit := debug.SetMemoryLimit(startHeapFloor)
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
