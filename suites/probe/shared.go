package probe

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// maxSharedHeaderSets bounds the distinct header sets kept for sharing:
// a client that sent a new value with every request (a request ID)
// would otherwise grow the table by one set per case.
const maxSharedHeaderSets = 256

// sharedHeaders hands out one copy of each distinct set of recorded
// request headers. The cases of a run mostly send the same headers, and
// a run of thousands of cases held a map per case until its reports
// were written. Recorded headers are read, never written, after
// recording, so one map may stand for many requests.
type sharedHeaders struct {
	mu   sync.Mutex
	sets map[string]http.Header
}

func newSharedHeaders() *sharedHeaders {
	return &sharedHeaders{sets: map[string]http.Header{}}
}

// share returns the kept set equal to h, or keeps h and returns it.
func (s *sharedHeaders) share(h http.Header) http.Header {
	key := headerKey(h)
	s.mu.Lock()
	defer s.mu.Unlock()
	if kept, ok := s.sets[key]; ok {
		return kept
	}
	if len(s.sets) < maxSharedHeaderSets {
		s.sets[key] = h
	}
	return h
}

// headerKey encodes h unambiguously: each name and value is preceded
// by its length, names in order.
func headerKey(h http.Header) string {
	names := make([]string, 0, len(h))
	for name := range h {
		names = append(names, name)
	}
	slices.Sort(names)
	var b strings.Builder
	put := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	for _, name := range names {
		put(name)
		b.WriteString(strconv.Itoa(len(h[name])))
		for _, v := range h[name] {
			put(v)
		}
	}
	return b.String()
}
