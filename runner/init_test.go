package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
)

// corpusSecrets are the credentials of the corpus's reference APIs, in
// the variables init names.
var corpusSecrets = map[string]string{
	"USERTOKEN_TOKEN": "user-token-6c1e9a42d7", "APIKEYAUTH_TOKEN": "header-key-83b0d5e21f", "API_KEY_TOKEN": "query-key-1f7c2a9e84",
	"BASICAUTH_USERNAME": "alice", "BASICAUTH_PASSWORD": "basic-pass-4d2e8b1c",
	"OAUTH2_CLIENT_ID": "corpus-client", "OAUTH2_CLIENT_SECRET": "client-secret-9a3f6e01c2",
}

// corpusDoc is one document of runner/testdata/openapi and the reference
// API it describes.
type corpusDoc struct {
	folder, prefix string
	auth           *fixtures.AuthOptions
	rateLimit      int
	defect         fixtures.Defect
}

var corpus = []corpusDoc{
	{"array-comma", "strict", nil, 0, fixtures.DefectProblemStatusMismatch},
	{"array-repeat", "lenient", nil, 0, fixtures.DefectIncompleteMissingIDs},
	{"batch-get", "multi-status", nil, 0, fixtures.DefectMultiStatusMissingItem},
	{"compositions", "envelope", nil, 0, fixtures.DefectEnvelopeOKOnPartial},
	{"optional-filter", "strict", nil, 0, fixtures.DefectFilterIgnored},
	{"path-param", "lenient", nil, 0, fixtures.DefectSingleMissing200},
	{"refs-across-files", "lenient", nil, 0, fixtures.DefectWrongReturnedCount},
	{"search", "envelope", &fixtures.AuthOptions{Scheme: "Bearer", Token: corpusSecrets["USERTOKEN_TOKEN"]}, 20, fixtures.DefectSearchMalformedIgnored},
	{"security-apikey-header", "lenient", &fixtures.AuthOptions{Type: fixtures.AuthHeader, Header: "X-API-Key", Token: corpusSecrets["APIKEYAUTH_TOKEN"]}, 0, fixtures.DefectBuriedError},
	{"security-apikey-query", "envelope", &fixtures.AuthOptions{Type: fixtures.AuthQuery, QueryParam: "api_key", Token: corpusSecrets["API_KEY_TOKEN"]}, 0, fixtures.DefectEnvelope401ForMissing},
	{"security-basic", "strict", &fixtures.AuthOptions{Type: fixtures.AuthBasic, Username: "alice", Password: corpusSecrets["BASICAUTH_PASSWORD"]}, 0, fixtures.DefectNoChallenge},
	{"security-oauth2", "strict", &fixtures.AuthOptions{Type: fixtures.AuthOAuth2, ClientID: "corpus-client", ClientSecret: corpusSecrets["OAUTH2_CLIENT_SECRET"]}, 0, fixtures.DefectNone204WithBody},
	{"tenant", "partial-content", nil, 0, fixtures.DefectPartialContentNoMissingIDs},
}

// TestInitFromEveryDocument runs init on each document of the corpus
// against the reference API it describes: the config matches its golden
// file (APICONFORM_UPDATE_GOLDEN=1 rewrites them), runs green against the
// honest API and red against the document's defect, with no line edited.
func TestInitFromEveryDocument(t *testing.T) {
	for _, doc := range corpus {
		t.Run(doc.folder, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", "openapi", doc.folder)
			run := func(defects ...fixtures.Defect) runResult {
				opts := fixtures.Options{Auth: doc.auth, RateLimit: doc.rateLimit, Defects: defects}
				_, base := referenceAPI(t, opts)
				config := filepath.Join(t.TempDir(), "apiconform.yaml")
				res := runMain(t, nil, "init", "--openapi", filepath.Join(dir, "openapi.yaml"), "--base-url", base+"/"+doc.prefix, "--output", config)
				if res.code != ExitPass {
					t.Fatalf("init: exit %d: %s", res.code, res.stderr)
				}
				checkGolden(t, filepath.Join(dir, "apiconform.golden.yaml"), strings.ReplaceAll(readFile(t, config), base, "http://HOST"))
				return runMain(t, corpusSecrets, "run", "--config", config)
			}
			if res := run(); res.code != ExitPass {
				t.Fatalf("honest %s: exit %d\n%s%s", doc.prefix, res.code, res.stdout, res.stderr)
			}
			if res := run(doc.defect); res.code != ExitFail {
				t.Fatalf("with %s: exit %d, want 1\n%s", doc.defect, res.code, res.stdout)
			}
		})
	}
}

// checkGolden compares got with the golden file.
func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if os.Getenv("APICONFORM_UPDATE_GOLDEN") != "" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (APICONFORM_UPDATE_GOLDEN=1 writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs from what this run wrote (APICONFORM_UPDATE_GOLDEN=1 rewrites it):\n%s", path, got)
	}
}

// TestInitRefusesWhatItCannotMap: broken documents and documents with
// nothing to test exit 2 with a message that points at the place or
// lists each operation with why.
func TestInitRefusesWhatItCannotMap(t *testing.T) {
	for folder, want := range map[string][]string{
		"broken-syntax":    {"line 11"},
		"broken-ref":       {"ItemList"},
		"nothing-testable": {"POST /records (createRecord): a write", "DELETE /records/{id} (deleteRecord): a write"},
	} {
		res := runMain(t, nil, "init", "--openapi", filepath.Join("testdata", "openapi", folder, "openapi.yaml"), "--base-url", "http://127.0.0.1:9", "--output", filepath.Join(t.TempDir(), "c.yaml"))
		for _, w := range want {
			if res.code != ExitUsage || !strings.Contains(res.stderr, w) {
				t.Errorf("%s: exit %d, stderr %q; want exit 2 naming %q", folder, res.code, res.stderr, w)
			}
		}
	}
	existing := writeFile(t, "apiconform.yaml", "base_url: http://x\n")
	doc := filepath.Join("testdata", "openapi", "array-comma", "openapi.yaml")
	if res := runMain(t, nil, "init", "--openapi", doc, "--base-url", "http://127.0.0.1:9", "--output", existing); res.code != ExitUsage || !strings.Contains(res.stderr, "--force") {
		t.Errorf("an existing file: exit %d, %q", res.code, res.stderr)
	}
	if res := runMain(t, nil, "init", "--openapi", doc, "--base-url", "http://127.0.0.1:9", "--output", existing, "--force"); res.code != ExitPass {
		t.Errorf("--force: exit %d, %q", res.code, res.stderr)
	}
	if res := runMain(t, nil, "init", "--openapi", filepath.Join("..", "fixtures", "openapi", "strict.yaml"), "--output", "-"); res.code != ExitUsage || !strings.Contains(res.stderr, "--base-url") {
		t.Errorf("a relative server URL without --base-url: exit %d, %q", res.code, res.stderr)
	}
}

// TestRunChecksDeclaredStatuses: with --openapi, a status the operation
// does not declare is a warning (a failure with --strict-warnings).
func TestRunChecksDeclaredStatuses(t *testing.T) {
	doc := filepath.Join("testdata", "openapi", "array-comma", "openapi.yaml")
	_, base := referenceAPI(t, fixtures.Options{})
	args := []string{"run", "--base-url", base + "/strict", "--openapi", doc, "--label-filter", "case:none || case:found"}
	res := runMain(t, nil, args...)
	if res.code != ExitPass || res.run.Counts.Warnings != 0 {
		t.Fatalf("honest: exit %d, %d warnings\n%s", res.code, res.run.Counts.Warnings, res.stdout)
	}
	_, broken := referenceAPI(t, fixtures.Options{Defects: []fixtures.Defect{fixtures.DefectNone204WithBody}})
	res = runMain(t, nil, "run", "--base-url", broken+"/strict", "--openapi", doc, "--label-filter", "case:none || case:found", "--strict-warnings")
	c := caseByKind(t, res.run, "none")
	var found bool
	for _, f := range c.Failures {
		found = found || f.Check == "rule:declared-status" && strings.Contains(f.Message, "204, which the document does not declare")
	}
	if res.code != ExitFail || !found {
		t.Errorf("an undeclared 204: exit %d, failures %+v", res.code, c.Failures)
	}
}

// TestInitFromTheReferenceAPIsOwnDocuments: each prefix's document, as
// the reference API serves it, makes a config that passes its honest API
// and fails always-200 as the incident.
func TestInitFromTheReferenceAPIsOwnDocuments(t *testing.T) {
	const token = "bearer-token-5e0a7c31d9"
	_, base := referenceAPI(t, fixtures.Options{Auth: &fixtures.AuthOptions{Scheme: "Bearer", Token: token}})
	for _, prefix := range fixtures.Profiles() {
		t.Run(prefix, func(t *testing.T) {
			config := filepath.Join(t.TempDir(), "apiconform.yaml")
			doc := filepath.Join("..", "fixtures", "openapi", prefix+".yaml")
			if res := runMain(t, nil, "init", "--openapi", doc, "--base-url", base+"/"+prefix, "--output", config); res.code != ExitPass {
				t.Fatalf("init: exit %d: %s", res.code, res.stderr)
			}
			env := map[string]string{"BEARERAUTH_TOKEN": token}
			if res := runMain(t, env, "run", "--config", config); res.code != ExitPass {
				t.Fatalf("honest %s: exit %d\n%s%s", prefix, res.code, res.stdout, res.stderr)
			}
			res := runMain(t, env, "run", "--config", config, "--base-url", base+"/"+fixtures.AntiPattern)
			if res.code != ExitFail || res.run.Incident == nil {
				t.Errorf("always-200 with the %s config: exit %d, incident %+v", prefix, res.code, res.run.Incident)
			}
		})
	}
}
