package runner

import (
	"runtime"
	"runtime/debug"
	"sync/atomic"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
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

// largeBody is the size of a body whose release is worth a collection:
// the judge cuts each body once judged, and a body of megabytes left to
// the pacer waits until the heap has doubled, so a run with a few such
// answers in flight held twice their size.
const largeBody = 1 << 20

// bodyCollector is a probe.Watcher, heard after the judge: when an
// answer with a large body has been judged and cut, it has a collection
// run in the background, one at a time, so that the body is freed now.
type bodyCollector struct {
	collect func()      // runtime.GC, or a stand-in in tests
	due     atomic.Bool // a large body was dropped since the last collection began
	running atomic.Bool
}

func newBodyCollector() *bodyCollector { return &bodyCollector{collect: runtime.GC} }

// Sent is part of probe.Watcher.
func (b *bodyCollector) Sent(*plan.Case) {}

// Answered asks for a collection when ex had a large body.
func (b *bodyCollector) Answered(_ *plan.Case, ex *probe.Exchange) {
	if ex == nil || ex.Response == nil || ex.Response.Size < largeBody {
		return
	}
	b.due.Store(true)
	b.start()
}

func (b *bodyCollector) start() {
	if !b.running.CompareAndSwap(false, true) {
		return
	}
	go func() {
		for b.due.Swap(false) {
			b.collect()
		}
		b.running.Store(false)
		// A body dropped between the last check and the store above.
		if b.due.Load() {
			b.start()
		}
	}()
}
