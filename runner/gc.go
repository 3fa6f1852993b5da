package runner

import (
	"runtime"
	"runtime/metrics"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// largeBody is the least size of a body whose release may be worth a
// collection: the judge cuts each body once judged, but a body of
// megabytes then waits for the pacer, which collects when the heap has
// doubled, so a run with a few such answers in flight held twice their
// size.
const largeBody = 1 << 20

// bodyCollector is a probe.Watcher, heard after the judge: when an
// answer's body was large, both in itself and against the live heap
// (an eighth of it or more), it collects at once, in the goroutine that
// would otherwise read the next answer, so that the body is freed before
// another is read. Against a large live heap a body is a small part of
// it, and the pacer is left to its work.
type bodyCollector struct {
	collect  func()        // runtime.GC, or a stand-in in tests
	heapLive func() uint64 // the heap live after the last collection
}

func newBodyCollector() *bodyCollector {
	return &bodyCollector{collect: runtime.GC, heapLive: heapLive}
}

// Sent is part of probe.Watcher.
func (b *bodyCollector) Sent(*plan.Case) {}

// Answered collects when ex had a large body.
func (b *bodyCollector) Answered(_ *plan.Case, ex *probe.Exchange) {
	if ex == nil || ex.Response == nil || ex.Response.Size < largeBody {
		return
	}
	if uint64(ex.Response.Size) < b.heapLive()/8 {
		return
	}
	b.collect()
}

// heapLive reads the heap marked live by the last collection.
func heapLive() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
