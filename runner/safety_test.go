package runner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
)

// methodRecorder wraps the reference API and records every method it sees.
type methodRecorder struct {
	api     http.Handler
	mu      sync.Mutex
	methods map[string]int
}

func (m *methodRecorder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.methods[r.Method]++
	m.mu.Unlock()
	m.api.ServeHTTP(w, r)
}

// TestOnlyReadsUnlessWrongMethodIsOptedIn checks the safety promise for
// staging: every request is a GET, except the one opt-in wrong-method
// probe, which goes to IDs that do not exist.
func TestOnlyReadsUnlessWrongMethodIsOptedIn(t *testing.T) {
	for _, wrong := range []string{"", "DELETE"} {
		rec := &methodRecorder{api: fixtures.New(withAuth(fixtures.Options{MaxIDs: 5, RateLimit: 20, RateWindow: time.Second})), methods: map[string]int{}}
		srv := httptest.NewServer(rec)
		args := fullArgs(srv.URL, "lenient", "lenient", "--rate-limit-burst", "30")
		if wrong == "" {
			args = removeFlag(args, "--wrong-method")
		}
		res := runMain(t, nil, args...)
		srv.Close()
		if res.code != ExitPass {
			t.Fatalf("exit %d\n%s", res.code, res.stdout)
		}
		for method, n := range rec.methods {
			if method != "GET" && !(method == wrong && n == 1) {
				t.Errorf("--wrong-method %q: %d %s requests reached the API", wrong, n, method)
			}
		}
		if c := caseByKind(t, res.run, "wrong-method"); wrong != "" && c.Request.URL != srv.URL+"/lenient/items?id=1,999" {
			t.Errorf("wrong-method went to %s, want the missing IDs", c.Request.URL)
		}
	}
}

// TestBurstNeverExceedsItsBudget counts requests at the API for bursts
// with more workers than budget left: never one more than the budget.
func TestBurstNeverExceedsItsBudget(t *testing.T) {
	for _, tc := range []struct{ budget, concurrency int }{{1, 8}, {7, 3}, {25, 16}} {
		api, base := referenceAPI(t, fixtures.Options{Latency: 5 * time.Millisecond})
		runMain(t, nil, "run", "--base-url", base+"/strict", "--path", "/items", "--found", "2,3",
			"--rate-limit-burst", fmt.Sprint(tc.budget), "--concurrency", fmt.Sprint(tc.concurrency), "--label-filter", "rate-limit")
		if got := api.Requests("strict"); got != int64(tc.budget) {
			t.Errorf("budget %d at concurrency %d: the API saw %d requests", tc.budget, tc.concurrency, got)
		}
	}
}

func removeFlag(args []string, flag string) []string {
	for i, a := range args {
		if a == flag {
			return append(append([]string{}, args[:i]...), args[i+2:]...)
		}
	}
	return args
}
