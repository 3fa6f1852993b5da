package runner

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// TestHonestSingleResourcesPass checks profiles.md §2 on the reference
// API's single resource without metadata (/records/{id}): a missing
// record answered 404 {"message":"not found"} passes every profile, with
// or without an error body, and no missing_ids is asked for.
func TestHonestSingleResourcesPass(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{}))
	for _, profile := range suites.BuiltinNames() {
		res := runMain(t, nil, fullArgs(base, profile, profile, append(singleRecord, "--label-filter", "!rate-limit")...)...)
		if res.code != ExitPass {
			t.Fatalf("%s: exit %d, want a pass\n%s", profile, res.code, res.stdout)
		}
		if c := caseByKind(t, res.run, "none"); c.Outcome != suites.Pass {
			t.Errorf("%s: none %s: %+v", profile, c.Outcome, c.Failures)
		}
	}
}

// TestSingleResourceMalformedAs404Warns checks that a 404 for a malformed
// ID on a single resource passes with a warning that says whom it misleads.
func TestSingleResourceMalformedAs404Warns(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		if strings.HasSuffix(r.URL.Path, "/2") {
			_, _ = w.Write([]byte(`{"id":2}`))
			return
		}
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"detail":"Not found."}`))
	}))
	t.Cleanup(srv.Close)
	res := runMain(t, nil, "run", "--base-url", srv.URL, "--path", "/records/{id}", "--id-style", "path",
		"--found", "2", "--missing", "1", "--malformed", "abc", "--label-filter", "id-set")
	c := caseByKind(t, res.run, "malformed")
	if res.code != ExitPass || c.Outcome != suites.Pass || len(c.Warnings) != 1 {
		t.Fatalf("exit %d, malformed %s with warnings %+v", res.code, c.Outcome, c.Warnings)
	}
	if w := c.Warnings[0]; !strings.Contains(w.Message, "expected 400/422") || !strings.Contains(w.Impact, "caller's bug") {
		t.Errorf("warning %+v does not say what was expected and whom it misleads", w)
	}
}

// TestFrameworkErrorBodiesPass checks profiles.md §2's error body: any
// JSON object, the reason read at the first of error, errors, detail,
// message and title; an object with none of them is a warning.
func TestFrameworkErrorBodiesPass(t *testing.T) {
	for _, style := range fixtures.ErrorStyles() {
		t.Run(style, func(t *testing.T) {
			_, base := referenceAPI(t, fixtures.Options{ErrorStyle: style, MaxIDs: 5})
			res := runMain(t, nil, "run", "--base-url", base+"/strict", "--profile", "strict", "--path", "/items",
				"--found", "2,3", "--missing", "1,999", "--malformed", "abc", "--max-ids", "5", "--label-filter", "id-set")
			if res.code != ExitPass {
				t.Fatalf("exit %d: an honest framework's 400/422 fails\n%s", res.code, res.stdout)
			}
			c := caseByKind(t, res.run, "malformed")
			warned := len(c.Warnings) > 0 && c.Warnings[0].Check == "error_reason"
			if wantWarning := style == fixtures.ErrorStyleDRF; warned != wantWarning {
				t.Errorf("malformed warnings %+v; a warning is due only for a body without a reason member", c.Warnings)
			}
		})
	}
	// An empty or non-JSON body is still a failure.
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusBadRequest)
		_, _ = w.Write([]byte("<h1>Bad Request</h1>"))
	}))
	t.Cleanup(srv.Close)
	res := runMain(t, nil, "run", "--base-url", srv.URL, "--profile", "strict", "--path", "/items",
		"--malformed", "abc", "--label-filter", "case:malformed")
	if c := caseByKind(t, res.run, "malformed"); res.code != ExitFail || c.Outcome != suites.Fail {
		t.Fatalf("an HTML 400 where an error body is due: exit %d, %s", res.code, c.Outcome)
	}
}

// TestUnknownPathIsNotASiblingOfATemplatedRoute runs against an endpoint
// beside a templated route (/users/{name}/{x} answers anything): the
// unknown-endpoint probe goes under the base URL and is answered 404.
func TestUnknownPathIsNotASiblingOfATemplatedRoute(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{}))
	res := runMain(t, nil, fullArgs(base, "strict", "strict", "--path", "/users/alice/orders", "--label-filter", "case:unknown-endpoint")...)
	c := caseByKind(t, res.run, "unknown-endpoint")
	if res.code != ExitPass || strings.Contains(c.Request.URL, "/users/alice/") {
		t.Fatalf("exit %d, unknown-endpoint sent to %s: %s %+v", res.code, c.Request.URL, c.Outcome, c.Failures)
	}
	res = runMain(t, nil, fullArgs(base, "strict", "strict", "--path", "/users/alice/orders", "--unknown-path", "/users/alice/nothing/here", "--label-filter", "case:unknown-endpoint")...)
	if c := caseByKind(t, res.run, "unknown-endpoint"); !strings.HasSuffix(c.Request.URL, "/strict/users/alice/nothing/here") {
		t.Errorf("--unknown-path not used: %s", c.Request.URL)
	}
}

// TestWarmingUpIsNotBroken checks profiles.md §1b: --wait waits until the
// API answers with anything but 502/503/504; without it, 503s outside the
// burst are inconclusive (exit 3), never failures.
func TestWarmingUpIsNotBroken(t *testing.T) {
	api, base := referenceAPI(t, fixtures.Options{WarmUp: 700 * time.Millisecond})
	res := runMain(t, nil, "run", "--base-url", base+"/lenient", "--profile", "lenient", "--path", "/items",
		"--found", "2,3", "--missing", "1,999", "--malformed", "abc", "--wait", "20s", "--wait-path", "/lenient/items?id=2")
	if res.code != ExitPass || api.WarmUpAnswers() == 0 {
		t.Fatalf("exit %d after %d warm-up answers, want a pass after waiting\n%s\n%s", res.code, api.WarmUpAnswers(), res.stdout, res.stderr)
	}

	_, base = referenceAPI(t, fixtures.Options{WarmUp: time.Hour})
	res = runMain(t, nil, "run", "--base-url", base+"/lenient", "--profile", "lenient", "--path", "/items",
		"--found", "2,3", "--missing", "1,999", "--malformed", "abc")
	if res.code != ExitInconclusive || res.run.Counts.Fail != 0 || res.run.Counts.Error == 0 {
		t.Fatalf("503s everywhere: exit %d, counts %+v; want exit 3 with errors and no failure", res.code, res.run.Counts)
	}
	if c := caseByKind(t, res.run, "partial"); !strings.Contains(c.Reason, "unavailable (503") {
		t.Errorf("the reason does not say the API was unavailable: %q", c.Reason)
	}
}

// TestTokenInTheDataChangesNoVerdict: the judge sees each answer as
// received, so a token that equals an item ID does not turn an honest
// answer into a failure; the artifacts still never show it.
func TestTokenInTheDataChangesNoVerdict(t *testing.T) {
	const token = "12345678" // the ID of an item of the reference data
	_, base := referenceAPI(t, fixtures.Options{Auth: &fixtures.AuthOptions{Scheme: "Bearer", Token: token}})
	res := runMain(t, map[string]string{"NUMERIC_TOKEN": token}, "run", "--base-url", base+"/strict", "--profile", "strict",
		"--path", "/items", "--found", "2,"+token, "--missing", "1", "--token-env", "NUMERIC_TOKEN", "--label-filter", "case:found || case:found-one || auth")
	if res.code != ExitPass {
		t.Fatalf("exit %d: a token that occurs in the data changed a verdict\n%s", res.code, res.stdout)
	}
	assertNoSecrets(t, res, token)
}

// TestAllSkippedIsInconclusive: a run that judged nothing proves nothing.
func TestAllSkippedIsInconclusive(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	res := runMain(t, nil, "run", "--base-url", base+"/strict", "--path", "/items/{id}", "--id-style", "path",
		"--found", "2", "--label-filter", "case:partial || case:duplicate")
	if res.code != ExitInconclusive || res.run.Verdict != "inconclusive" {
		t.Fatalf("every case skipped: exit %d, verdict %s; want 3, inconclusive", res.code, res.run.Verdict)
	}
	if !strings.Contains(strings.ToLower(readFile(t, filepath.Join(res.dir, "summary.md"))), "nothing was judged") {
		t.Error("summary.md does not say that nothing was judged")
	}
}

// silentlyPartial is the incident with honest 400s: missing IDs are
// dropped without a word, malformed ones are refused.
func silentlyPartial(t *testing.T) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Cache-Control", "no-store")
		raw, ok := r.URL.Query()["id"]
		if !strings.HasSuffix(r.URL.Path, "/items") {
			w.WriteHeader(http.StatusNotFound)
			_, _ = w.Write([]byte(`{"error":"no_route"}`))
			return
		}
		if !ok || raw[0] == "" {
			w.WriteHeader(http.StatusBadRequest)
			_, _ = w.Write([]byte(`{"error":"id_required"}`))
			return
		}
		var data []map[string]int
		for _, s := range strings.Split(raw[0], ",") {
			id, err := strconv.Atoi(s)
			if err != nil {
				w.WriteHeader(http.StatusBadRequest)
				_, _ = w.Write([]byte(`{"error":"malformed_id"}`))
				return
			}
			if id >= 2 && id <= 13 {
				data = append(data, map[string]int{"id": id})
			}
		}
		_ = json.NewEncoder(w).Encode(map[string]any{"data": data})
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestTheIncidentIsNamedEverywhere checks profiles.md §5: an API that
// answers partial 200 with no signal of the missing ID is named the
// incident by detect and in every report of a run, whatever the other
// cases did.
func TestTheIncidentIsNamedEverywhere(t *testing.T) {
	base := silentlyPartial(t)
	args := []string{"--base-url", base, "--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc"}
	res := runMain(t, nil, append([]string{"detect"}, args...)...)
	d := res.run.Detection
	if d == nil || !d.Incident || !strings.Contains(d.Verdict, "the incident: items/partial answered 200") {
		t.Fatalf("detect does not name the incident: %+v\n%s", d, res.stdout)
	}
	if d.Closest != "strict" && d.Closest != "partial-content" && d.Closest != "lenient" {
		t.Errorf("closest %q: it should be judged by the cases that tell profiles apart", d.Closest)
	}
	res = runMain(t, nil, append([]string{"run", "--profile", "strict"}, args...)...)
	if res.code != ExitFail || res.run.Incident == nil || res.run.Incident.Case != "items/partial" {
		t.Fatalf("run: exit %d, incident %+v", res.code, res.run.Incident)
	}
	if !strings.Contains(res.stdout, "THE INCIDENT: items/partial answered 200") {
		t.Errorf("the console headline does not name the incident:\n%s", res.stdout)
	}
	for _, file := range []string{"report.html", "summary.md"} {
		if !strings.Contains(strings.ToLower(readFile(t, filepath.Join(res.dir, file))), "the incident: items/partial answered 200 with no sign of missing id 1") {
			t.Errorf("%s does not name the incident in its headline", file)
		}
	}
}
