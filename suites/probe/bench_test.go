package probe

import (
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites/plan"
)

// BenchmarkProbe measures the prober's own cost per case against the
// reference API on loopback without latency: request building, the
// round trip on a reused connection, reading and recording the answer.
func BenchmarkProbe(b *testing.B) {
	srv := httptest.NewServer(fixtures.New(fixtures.Options{}))
	defer srv.Close()
	for _, n := range []int{10, 100} {
		cases := make([]plan.Case, n)
		for i := range cases {
			cases[i] = plan.Case{ID: fmt.Sprintf("items%d/found", i), Kind: plan.Found,
				Request: plan.Request{Method: "GET", URL: srv.URL + "/lenient/items?id=2,3"}}
		}
		b.Run(fmt.Sprintf("cases=%d", n), func(b *testing.B) {
			p := New(Options{Concurrency: 8, Timeout: 5 * time.Second})
			b.ReportAllocs()
			for b.Loop() {
				if got := p.Probe(context.Background(), cases); len(got) != n {
					b.Fatalf("%d exchanges, want %d", len(got), n)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/case")
		})
	}
}
