package runner

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites/plan"
)

// maxShards bounds --shard N: far beyond any CI matrix.
const maxShards = 1000

// parseShard reads --shard K/N, part K (from 1) of N, or index=I/N, the
// zero-based index a Kubernetes Indexed Job gives its pods
// ($(JOB_COMPLETION_INDEX)), which is part I+1.
func parseShard(s string) (k, n int, err error) {
	spec, zeroBased := strings.CutPrefix(s, "index=")
	ks, ns, ok := strings.Cut(spec, "/")
	k, kerr := strconv.Atoi(strings.TrimSpace(ks))
	n, nerr := strconv.Atoi(strings.TrimSpace(ns))
	if zeroBased {
		k++
	}
	switch {
	case !ok || kerr != nil || nerr != nil:
		return 0, 0, usagef("--shard %q: write it as K/N, e.g. 2/4 (part 2 of 4), or index=I/N with a zero-based index", s)
	case n < 1 || n > maxShards:
		return 0, 0, usagef("--shard %s: N must be between 1 and %d", s, maxShards)
	case zeroBased && (k < 1 || k > n):
		return 0, 0, usagef("--shard %s: the index must be between 0 and N-1 (%d)", s, n-1)
	case k < 1 || k > n:
		return 0, 0, usagef("--shard %s: K must be between 1 and N (%d)", s, n)
	}
	return k, n, nil
}

// shardOf is the part (from 1) of n that an endpoint belongs to: a hash
// of its name, so that the part of every other endpoint stays the same
// when endpoints are added or removed, and every machine agrees.
func shardOf(name string, n int) int {
	h := fnv.New64a()
	h.Write([]byte(name))
	return int(h.Sum64()%uint64(n)) + 1
}

// selectShard keeps the endpoints of part k of n, and says so.
func selectShard(endpoints []*plan.Endpoint, k, n int) ([]*plan.Endpoint, *reports.Shard) {
	var kept []*plan.Endpoint
	for _, ep := range endpoints {
		if shardOf(ep.Name, n) == k {
			kept = append(kept, ep)
		}
	}
	return kept, &reports.Shard{Index: k, Count: n, Endpoints: len(kept), Total: len(endpoints)}
}

// shardNotice says what a shard holds, for the reports.
func shardNotice(s *reports.Shard) string {
	if s.Endpoints == 0 {
		return fmt.Sprintf("shard %d/%d holds none of the %d endpoints: nothing to probe here; `apiconform merge` judges the whole", s.Index, s.Count, s.Total)
	}
	return fmt.Sprintf("shard %d/%d: %d of the %d endpoints; `apiconform merge` puts the parts back into one report", s.Index, s.Count, s.Endpoints, s.Total)
}
