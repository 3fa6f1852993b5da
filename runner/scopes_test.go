package runner

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

// countingAPI serves the reference API and counts the requests to each
// URL (path and query).
type countingAPI struct {
	mu    sync.Mutex
	byURL map[string]int
}

func newCountingAPI(t *testing.T, opts fixtures.Options) (*countingAPI, string) {
	t.Helper()
	api := fixtures.New(opts)
	c := &countingAPI{byURL: map[string]int{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.mu.Lock()
		c.byURL[r.URL.RequestURI()]++
		c.mu.Unlock()
		api.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return c, srv.URL
}

func (c *countingAPI) count(uri string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.byURL[uri]
}

// scopedConfig writes endpoints "NAME PREFIX SCOPE" on /PREFIX/items,
// told apart by a fixed tag parameter.
func scopedConfig(t *testing.T, base string, endpoints ...string) string {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "base_url: %s\nprofile: strict\nrate_limit_burst: 30\nendpoints:\n", base)
	for _, e := range endpoints {
		f := strings.Fields(e)
		fmt.Fprintf(&b, "  - name: %s\n    path: /%s/items\n    query: {tag: %s}\n    found: [\"2\", \"3\"]\n", f[0], f[1], f[0])
		if len(f) > 2 {
			fmt.Fprintf(&b, "    rate_limit_scope: %s\n", f[2])
		}
	}
	path := filepath.Join(t.TempDir(), "apiconform.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func foundURI(prefix, tag string) string { return "/" + prefix + "/items?tag=" + tag + "&id=2,3" }

func rateLimitCase(t *testing.T, run *reports.Run, endpoint string) reports.Case {
	t.Helper()
	for _, c := range run.Cases {
		if c.Endpoint == endpoint && c.Case == "rate-limit" {
			return c
		}
	}
	t.Fatalf("no rate-limit case for %s", endpoint)
	return reports.Case{}
}

func noteOf(c reports.Case, check string) string {
	for _, n := range c.Notes {
		if n.Check == check {
			return n.Message
		}
	}
	return ""
}

// TestOneBurstPerRateLimitScope: three endpoints behind the API's one
// limiter get one burst, sent to the first, and each its own testcase
// with the burst's verdict and a note naming it; the budget holds.
func TestOneBurstPerRateLimitScope(t *testing.T) {
	api, base := newCountingAPI(t, fixtures.Options{RateLimit: 10, RateWindow: time.Second})
	cfg := scopedConfig(t, base, "a strict", "b strict", "c strict")
	res := runMain(t, nil, "run", "--config", cfg, "--label-filter", "case:found || rate-limit")
	if res.code != ExitPass {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	// The found case once, then the burst (at most its budget) and one
	// recovery request, all to the first endpoint.
	if n := api.count(foundURI("strict", "a")); n < 2 || n > 1+30+1 {
		t.Errorf("endpoint a got %d requests to its found URL; want the found case, a burst within 30 and a recovery", n)
	}
	for _, other := range []string{"b", "c"} {
		if n := api.count(foundURI("strict", other)); n != 1 {
			t.Errorf("endpoint %s got %d requests to its found URL; want 1 (its found case): one burst per scope", other, n)
		}
		c := rateLimitCase(t, res.run, other)
		if c.Outcome != suites.Pass || !strings.Contains(noteOf(c, "burst-scope"), "judged on the burst a/rate-limit sent") {
			t.Errorf("%s/rate-limit: outcome %s, notes %+v", other, c.Outcome, c.Notes)
		}
	}
}

// TestIndependentScopesBurstEachWithinItsBudget: endpoints that name
// their own limiter each get a burst, and the verdict of one scope is not
// another's: a scope that limits with 503 fails only its endpoints.
func TestIndependentScopesBurstEachWithinItsBudget(t *testing.T) {
	api, base := newCountingAPI(t, fixtures.Options{RateLimit: 10, RateWindow: time.Second})
	cfg := scopedConfig(t, base, "a strict strict", "b lenient lenient", "c strict strict", "d lenient lenient")
	res := runMain(t, nil, "run", "--config", cfg, "--label-filter", "rate-limit", "--concurrency", "4")
	if res.code != ExitPass {
		t.Fatalf("exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	for _, leader := range []string{foundURI("strict", "a"), foundURI("lenient", "b")} {
		if n := api.count(leader); n < 1 || n > 31 {
			t.Errorf("%s got %d requests; want one burst within the budget of 30 and a recovery", leader, n)
		}
	}
	for _, follower := range []string{foundURI("strict", "c"), foundURI("lenient", "d")} {
		if n := api.count(follower); n != 0 {
			t.Errorf("%s got %d requests; its scope's burst went to another endpoint", follower, n)
		}
	}
	if d := rateLimitCase(t, res.run, "d"); !strings.Contains(noteOf(d, "burst-scope"), "b/rate-limit sent: one burst per rate-limit scope (lenient)") {
		t.Errorf("d/rate-limit does not point at its scope's burst: %+v", d.Notes)
	}

	_, broken := newCountingAPI(t, fixtures.Options{RateLimit: 10, RateWindow: time.Second, Defects: []fixtures.Defect{fixtures.DefectRateLimit503}})
	res = runMain(t, nil, "run", "--config", scopedConfig(t, broken, "a strict", "b strict"), "--label-filter", "rate-limit")
	for _, ep := range []string{"a", "b"} {
		c := rateLimitCase(t, res.run, ep)
		if c.Outcome != suites.Fail || !strings.Contains(c.Failures[0].Message, "rate limiting answered with 503") {
			t.Errorf("%s/rate-limit on a limiter that answers 503: %s %+v", ep, c.Outcome, c.Failures)
		}
	}
}
