package probe

import (
	"fmt"
	"net/http"
	"reflect"
	"testing"
)

func sameMap(a, b http.Header) bool {
	return reflect.ValueOf(a).Pointer() == reflect.ValueOf(b).Pointer()
}

// TestSharedHeadersKeepOneMapPerSet checks that equal header sets share
// one map, that sets differing in any name, value or split of values do
// not, and that the table stops growing at its bound.
func TestSharedHeadersKeepOneMapPerSet(t *testing.T) {
	s := newSharedHeaders()
	first := s.share(http.Header{"Accept": {"application/json"}, "User-Agent": {"apiconform/test"}})
	again := s.share(http.Header{"User-Agent": {"apiconform/test"}, "Accept": {"application/json"}})
	if !sameMap(first, again) {
		t.Error("two equal header sets were kept apart")
	}
	for _, h := range []http.Header{
		{"Accept": {"application/json"}},
		{"Accept": {"application/json"}, "User-Agent": {"apiconform/other"}},
		{"Accept": {"application/json", "text/plain"}, "User-Agent": {"apiconform/test"}},
		{"Accept": {"application/json,text/plain"}, "User-Agent": {"apiconform/test"}},
		{"Accept": {"application/json"}, "User-Agent": {"apiconform/test"}, "Authorization": {"Bearer ${T}"}},
	} {
		got := s.share(h)
		if sameMap(got, first) || !reflect.DeepEqual(got, h) {
			t.Errorf("%v was given %v", h, got)
		}
	}
	for i := range 2 * maxSharedHeaderSets {
		s.share(http.Header{"X-Request-Id": {fmt.Sprint(i)}})
	}
	if len(s.sets) != maxSharedHeaderSets {
		t.Errorf("%d sets kept, want at most %d", len(s.sets), maxSharedHeaderSets)
	}
}

// TestHeaderKeyIsUnambiguous checks sets whose plain concatenations
// would be equal.
func TestHeaderKeyIsUnambiguous(t *testing.T) {
	a := headerKey(http.Header{"A": {"b:c"}})
	b := headerKey(http.Header{"A": {"b", "c"}})
	c := headerKey(http.Header{"A:b": {"c"}})
	if a == b || b == c || a == c {
		t.Errorf("keys collide: %q %q %q", a, b, c)
	}
}

// TestCompactKeepsWhatTheReportsShow checks that a compacted response
// flattens to what its headers flattened to, values joined in order.
func TestCompactKeepsWhatTheReportsShow(t *testing.T) {
	r := &Response{Header: http.Header{"Content-Type": {"application/json"}, "Vary": {"Accept", "Origin"}, "Date": {"x"}}}
	want := r.Flat()
	r.Compact()
	if !r.Compacted() || r.Header != nil {
		t.Fatalf("not compacted: %+v", r)
	}
	if got := r.Flat(); !reflect.DeepEqual(got, want) || got["Vary"] != "Accept, Origin" {
		t.Errorf("compacted %v, want %v", got, want)
	}
	if r.Lines[0].Name != "Content-Type" || r.Lines[2].Name != "Vary" {
		t.Errorf("lines out of order: %v", r.Lines)
	}
	empty := &Response{}
	empty.Compact()
	if !empty.Compacted() || empty.Flat() != nil {
		t.Errorf("a response without headers compacts to %+v, flat %v", empty, empty.Flat())
	}
}
