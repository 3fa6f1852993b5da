package runner

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// TestBodyChecksFailAgainstServersThatBreakThem points the runner at
// small servers that break one body expectation of a profile each, and
// checks that exactly that check fails, with the case, the expectation,
// what came back and the consumer it misleads.
func TestBodyChecksFailAgainstServersThatBreakThem(t *testing.T) {
	cases := []struct {
		check, profile, kind, status, contentType, body, got string
	}{
		{"ids", "strict", "found", "200", "application/json", `{"data":[{"id":2},{"id":3},{"id":7}]}`, "with unexpected [7]"},
		{"ids", "strict", "found", "200", "application/json", `{"data":[{"id":3}]}`, "without [2]"},
		{"requested_ids", "lenient", "found", "200", "application/json", `{"requested_ids":[2],"returned_count":2,"missing_ids":[],"data":[{"id":2},{"id":3}]}`, "without [3]"},
		{"error", "envelope", "none", "200", "application/json", `{"ok":false,"data":[]}`, "no error code"},
		{"error_body", "strict", "partial", "404", "text/plain", `{"error":"not_found","missing_ids":[1]}`, "Content-Type text/plain"},
		{"json", "lenient", "found", "200", "application/json", `{"data":[{"id":2},`, "do not parse as JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.check+"/"+tc.profile+"/"+tc.kind, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Type", tc.contentType)
				w.Header().Set("Cache-Control", "no-store")
				w.WriteHeader(map[string]int{"200": 200, "404": 404}[tc.status])
				_, _ = w.Write([]byte(tc.body))
			}))
			defer srv.Close()
			res := runMain(t, nil, "run", "--base-url", srv.URL, "--profile", tc.profile, "--path", "/items",
				"--found", "2,3", "--missing", "1", "--label-filter", "case:"+tc.kind)
			c := caseByKind(t, res.run, tc.kind)
			if c.Outcome != suites.Fail || len(c.Failures) != 1 || c.Failures[0].Check != tc.check {
				t.Fatalf("want only %s to fail: %s %+v", tc.check, c.Outcome, c.Failures)
			}
			f := c.Failures[0]
			if !strings.HasPrefix(f.Message, "items/"+tc.kind+": expected ") || !strings.Contains(f.Message, tc.got) || len(f.Impact) < 20 {
				t.Errorf("message %q (impact %q) should name the case, the expectation and %q", f.Message, f.Impact, tc.got)
			}
		})
	}
}

// TestRateLimitHeadersAreShown checks the info-level rule: RateLimit and
// RateLimit-Policy are parsed and shown when the API sends them, never
// failing the case, and absent when it does not.
func TestRateLimitHeadersAreShown(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{RateLimit: 10, RateWindow: time.Second})
	res := runMain(t, nil, "run", "--base-url", base+"/strict", "--path", "/items", "--found", "2,3",
		"--rate-limit-burst", "30", "--label-filter", "rate-limit")
	c := caseByKind(t, res.run, "rate-limit")
	var shown string
	for _, n := range c.Notes {
		if n.Check == "rule:ratelimit-headers" {
			shown = n.Message
		}
	}
	if c.Outcome != suites.Pass || !strings.Contains(shown, `"RateLimit-Policy":[{"name":"default","q":"10","w":"1"}]`) {
		t.Fatalf("outcome %s, note %q", c.Outcome, shown)
	}
	_, plain := referenceAPI(t, fixtures.Options{})
	res = runMain(t, nil, "run", "--base-url", plain+"/strict", "--path", "/items", "--found", "2,3", "--label-filter", "case:found")
	if notes := caseByKind(t, res.run, "found").Notes; len(notes) != 0 {
		t.Fatalf("no rate-limit headers, no note: %+v", notes)
	}
}
