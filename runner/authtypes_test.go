package runner

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// authSecrets are the credential values of the auth type tests.
var authSecrets = map[string]string{
	"API_KEY": "key-valid-9f2c41d7e0", "RO_KEY": "key-readonly-5a7e1c93",
	"API_USER": "alice", "API_PASSWORD": "pass-valid-3e8d1f02", "RO_USER": "bob", "RO_PASSWORD": "pass-readonly-77c1a9",
	"CLIENT_ID": "client-valid", "CLIENT_SECRET": "secret-valid-b41e0c96d2", "RO_CLIENT_ID": "client-readonly", "RO_CLIENT_SECRET": "secret-readonly-0d5f8a",
}

// authType is one kind of credentials: how the reference API checks it
// and how the config file describes it (BASE stands for the server).
type authType struct {
	name    string
	fixture fixtures.AuthOptions
	config  string
	secrets []string
}

var authTypes = []authType{
	{"header", fixtures.AuthOptions{Type: fixtures.AuthHeader, Header: "X-API-Key", Token: authSecrets["API_KEY"], ForbiddenToken: authSecrets["RO_KEY"]},
		"auth: {type: header, header: X-API-Key, token_env: API_KEY, forbidden_token_env: RO_KEY}", []string{"API_KEY", "RO_KEY"}},
	{"query", fixtures.AuthOptions{Type: fixtures.AuthQuery, QueryParam: "api_key", Token: authSecrets["API_KEY"], ForbiddenToken: authSecrets["RO_KEY"]},
		"auth: {type: query, param: api_key, token_env: API_KEY, forbidden_token_env: RO_KEY}", []string{"API_KEY", "RO_KEY"}},
	{"basic", fixtures.AuthOptions{Type: fixtures.AuthBasic, Username: "alice", Password: authSecrets["API_PASSWORD"], ForbiddenUsername: "bob", ForbiddenPassword: authSecrets["RO_PASSWORD"]},
		"auth: {type: basic, username_env: API_USER, password_env: API_PASSWORD, forbidden_username_env: RO_USER, forbidden_password_env: RO_PASSWORD}", []string{"API_PASSWORD", "RO_PASSWORD"}},
	{"oauth2", fixtures.AuthOptions{Type: fixtures.AuthOAuth2, ClientID: "client-valid", ClientSecret: authSecrets["CLIENT_SECRET"], ForbiddenClientID: "client-readonly", ForbiddenClientSecret: authSecrets["RO_CLIENT_SECRET"]},
		"auth: {type: oauth2, token_url: BASE/oauth/token, client_id_env: CLIENT_ID, client_secret_env: CLIENT_SECRET, forbidden_client_id_env: RO_CLIENT_ID, forbidden_client_secret_env: RO_CLIENT_SECRET, scopes: [items.read], audience: https://api.example}",
		[]string{"CLIENT_SECRET", "RO_CLIENT_SECRET"}},
}

// authRun runs the auth cases of the strict reference API with the given
// credentials in the config file.
func authRun(t *testing.T, a authType, defects ...fixtures.Defect) (runResult, *fixtures.API) {
	t.Helper()
	au := a.fixture
	api, base := referenceAPI(t, fixtures.Options{Auth: &au, Defects: defects})
	file := writeFile(t, "apiconform.yaml", "base_url: "+base+"/strict\n"+strings.ReplaceAll(a.config, "BASE", base)+
		"\nendpoints:\n  - path: /items\n    found: [2, 3]\n    missing: [1, 999]\n")
	return runMain(t, authSecrets, "run", "--config", file, "--label-filter", "auth || case:found || case:partial"), api
}

// TestEveryAuthType judges each kind of credentials against the reference
// API: honest, exit 0 with every auth case judged; a 401 without a
// challenge and a forbidden caller who is served fail; no secret reaches
// an artifact or the console, in any encoding.
func TestEveryAuthType(t *testing.T) {
	for _, a := range authTypes {
		t.Run(a.name, func(t *testing.T) {
			t.Parallel()
			res, api := authRun(t, a)
			if res.code != ExitPass || res.run.Counts.Pass != 5 {
				t.Fatalf("honest: exit %d, %d passed (want 5)\n%s%s", res.code, res.run.Counts.Pass, res.stdout, res.stderr)
			}
			var secrets []string
			for _, name := range a.secrets {
				secrets = append(secrets, authSecrets[name])
			}
			assertNoSecrets(t, res, secrets...)
			if a.name == "oauth2" && api.TokenRequests() != 2 {
				t.Errorf("%d token requests, want 2: one per client, once per run", api.TokenRequests())
			}
			res, _ = authRun(t, a, fixtures.DefectNoChallenge)
			if failed := join(casesWith(res.run, suites.Fail)); failed != "auth-missing auth-invalid" {
				t.Errorf("no-challenge: failed %q", failed)
			}
			res, _ = authRun(t, a, fixtures.DefectForbiddenGetsData)
			if failed := join(casesWith(res.run, suites.Fail)); failed != "auth-forbidden" {
				t.Errorf("forbidden-gets-data: failed %q", failed)
			}
		})
	}
}

// TestQueryKeysAreShownByName checks that an API key in the query is
// shown as ${VAR} in every URL the reports show, the curl replay included.
func TestQueryKeysAreShownByName(t *testing.T) {
	res, _ := authRun(t, authTypes[1])
	page := readFile(t, filepath.Join(res.dir, "report.html"))
	if !strings.Contains(page, "api_key=${API_KEY}") {
		t.Errorf("report.html does not show the key as ${API_KEY}")
	}
	if c := caseByKind(t, res.run, "found"); !strings.Contains(c.Request.URL, "api_key=${API_KEY}") {
		t.Errorf("results.json URL %s", c.Request.URL)
	}
}

// TestTokenEndpointRefusalIsInconclusive: a token endpoint that refuses
// the client ends the run inconclusive, with the reason, before any case
// is sent.
func TestTokenEndpointRefusalIsInconclusive(t *testing.T) {
	a := authTypes[3]
	a.fixture.ClientSecret = "another-secret-entirely"
	res, api := authRun(t, a)
	if res.code != ExitInconclusive {
		t.Fatalf("exit %d, want 3\n%s%s", res.code, res.stdout, res.stderr)
	}
	if n := api.Requests("strict"); n != 0 {
		t.Errorf("%d requests reached the API; none may before the credentials are obtained", n)
	}
	if c := caseByKind(t, res.run, "found"); !strings.Contains(c.Reason, "invalid_client") {
		t.Errorf("reason %q does not say what the token endpoint answered", c.Reason)
	}
	assertNoSecrets(t, res, authSecrets["CLIENT_SECRET"])
}
