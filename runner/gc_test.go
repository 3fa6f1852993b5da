package runner

import (
	"testing"

	"github.com/apiconform/apiconform/suites/probe"
)

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
