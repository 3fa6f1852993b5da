package runner

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func lookup(vars map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := vars[name]
		return v, ok
	}
}

// TestConfigPrecedence checks defaults < config file < environment < flags
// that were actually given, one setting at a time.
func TestConfigPrecedence(t *testing.T) {
	file := writeFile(t, "c.yaml", `
base_url: http://file.example
profile: lenient
timeout: 7s
concurrency: 3
endpoints:
  - path: /items
    found: [2, 3]
`)
	cases := []struct {
		name    string
		env     map[string]string
		args    []string
		profile string
		timeout time.Duration
		conc    int
		base    string
	}{
		{"defaults only", nil, nil, "strict", 10 * time.Second, 4, ""},
		{"file over defaults", nil, []string{"--config", file}, "lenient", 7 * time.Second, 3, "http://file.example"},
		{"env over file", map[string]string{"APICONFORM_PROFILE": "envelope", "APICONFORM_TIMEOUT": "3s"}, []string{"--config", file}, "envelope", 3 * time.Second, 3, "http://file.example"},
		{"flags over env", map[string]string{"APICONFORM_PROFILE": "envelope"}, []string{"--config", file, "--profile", "multi-status", "--concurrency", "9"}, "multi-status", 7 * time.Second, 9, "http://file.example"},
		{"config file from env", map[string]string{"APICONFORM_CONFIG": file}, nil, "lenient", 7 * time.Second, 3, "http://file.example"},
		{"flag equal to the default still wins", map[string]string{"APICONFORM_PROFILE": "envelope"}, []string{"--profile", "strict"}, "strict", 10 * time.Second, 4, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(tc.args, lookup(tc.env), newRunFlagSet)
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Profile != tc.profile || cfg.Timeout != tc.timeout || cfg.Concurrency != tc.conc || cfg.BaseURL != tc.base {
				t.Fatalf("got profile %s timeout %s concurrency %d base %q; want %s %s %d %q",
					cfg.Profile, cfg.Timeout, cfg.Concurrency, cfg.BaseURL, tc.profile, tc.timeout, tc.conc, tc.base)
			}
		})
	}
}

// TestEndpointFlagsAndConfigEndpoints checks how the endpoint flags meet
// the config file's endpoints: they describe the only endpoint, override
// the one endpoint of a file, and are refused with several.
func TestEndpointFlagsAndConfigEndpoints(t *testing.T) {
	one := writeFile(t, "one.yaml", "base_url: http://x\nendpoints:\n  - path: /items\n    found: [2, 3]\n    missing: [1]\n")
	two := writeFile(t, "two.yaml", "base_url: http://x\nendpoints:\n  - path: /items\n  - path: /orders\n")

	cfg, err := LoadConfig([]string{"--config", one, "--found", "7,8"}, lookup(nil), newRunFlagSet)
	if err != nil {
		t.Fatal(err)
	}
	ep := cfg.Endpoints[0]
	if len(cfg.Endpoints) != 1 || ep.Path != "/items" || join(ep.Found) != "7 8" || join(ep.Missing) != "1" {
		t.Fatalf("the flag should override found only: %+v", cfg.Endpoints)
	}

	cfg, err = LoadConfig([]string{"--base-url", "http://x", "--path", "/things", "--missing", "5"}, lookup(map[string]string{"APICONFORM_FOUND": "1,2"}), newRunFlagSet)
	if err != nil {
		t.Fatal(err)
	}
	if ep := cfg.Endpoints[0]; ep.Path != "/things" || join(ep.Found) != "1 2" || join(ep.Missing) != "5" || ep.IDParam != "id" || ep.IDStyle != "comma" {
		t.Fatalf("flags and environment should describe one endpoint with defaults: %+v", ep)
	}

	if _, err := LoadConfig([]string{"--config", two, "--path", "/x"}, lookup(nil), newRunFlagSet); err == nil || !strings.Contains(err.Error(), "--path") || !strings.Contains(err.Error(), "lists 2") {
		t.Fatalf("want a refusal naming --path and the two endpoints, got %v", err)
	}
}

// TestUsageErrorsExit2 checks that bad flags, config files and environment
// variables exit 2 with one line that names what is wrong, and never panic.
func TestUsageErrorsExit2(t *testing.T) {
	good := []string{"--base-url", "http://127.0.0.1:1", "--path", "/items", "--found", "2,3"}
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string // must appear in the message
	}{
		{"unknown flag", nil, []string{"run", "--bogus"}, "--bogus"},
		{"flag without value", nil, []string{"run", "--report-dir", os.TempDir(), "--base-url"}, "base-url"},
		{"bad duration", nil, append([]string{"run", "--timeout", "soon"}, good...), "timeout"},
		{"bad int", nil, append([]string{"run", "--concurrency", "many"}, good...), "concurrency"},
		{"zero concurrency", nil, append([]string{"run", "--concurrency", "0"}, good...), "--concurrency"},
		{"no base url", nil, []string{"run", "--path", "/items"}, "--base-url"},
		{"relative base url", nil, []string{"run", "--base-url", "staging/api", "--path", "/items"}, "--base-url"},
		{"unknown profile", nil, append([]string{"run", "--profile", "chaotic"}, good...), `--profile "chaotic"`},
		{"bad id style", nil, append([]string{"run", "--id-style", "semicolon"}, good...), "id_style"},
		{"path without slash", nil, []string{"run", "--base-url", "http://x", "--path", "items"}, "must start with /"},
		{"found and missing overlap", nil, append([]string{"run", "--missing", "3"}, good...), `"3"`},
		{"no endpoint", nil, []string{"run", "--base-url", "http://x"}, "no endpoint"},
		{"token env unset", nil, append([]string{"run", "--token-env", "NOPE_TOKEN"}, good...), "NOPE_TOKEN"},
		{"forbidden without valid", nil, append([]string{"run", "--forbidden-token-env", testForbiddenEnv}, good...), "--token-env"},
		{"bad env value", map[string]string{"APICONFORM_RATE_LIMIT_BURST": "lots"}, append([]string{"run"}, good...), "APICONFORM_RATE_LIMIT_BURST"},
		{"bad label filter", nil, append([]string{"run", "--label-filter", "case:partial &&"}, good...), "--label-filter"},
		{"label filter selects nothing", nil, append([]string{"run", "--label-filter", "case:nothing"}, good...), "selects no case"},
		{"stray argument", nil, append([]string{"run", "extra"}, good...), `"extra"`},
		{"unknown command", nil, []string{"launch"}, `"launch"`},
		{"wrong method not a method", nil, append([]string{"run", "--wrong-method", "del ete"}, good...), "--wrong-method"},
		{"found beyond max ids", nil, append([]string{"run", "--max-ids", "1"}, good...), "max_ids"},
		{"missing config file", nil, []string{"run", "--config", "/nonexistent/apiconform.yaml"}, "/nonexistent/apiconform.yaml"},
		{"missing ca cert", nil, append([]string{"run", "--ca-cert", "/nonexistent/ca.pem"}, good...), "--ca-cert"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runMain(t, tc.env, tc.args...)
			if res.code != ExitUsage {
				t.Fatalf("exit %d, want %d; stderr %q", res.code, ExitUsage, res.stderr)
			}
			msg := strings.TrimSpace(res.stderr)
			if !strings.Contains(msg, tc.want) || strings.Count(msg, "\n") > 0 {
				t.Fatalf("want one line naming %q, got %q", tc.want, msg)
			}
			if res.run != nil {
				t.Fatal("a usage error must not write reports")
			}
		})
	}
}

// TestConfigFileErrorsNameTheKey checks that mistakes in a config file are
// reported with the file, the key and, where YAML knows it, the line.
func TestConfigFileErrorsNameTheKey(t *testing.T) {
	cases := []struct{ name, content, want string }{
		{"unknown key", "base_url: http://x\nbase_ulr: http://y\n", "base_ulr"},
		{"wrong type", "base_url: http://x\nconcurrency: many\n", "line 2"},
		{"empty file", "", "empty"},
		{"bad endpoint style", "base_url: http://x\nendpoints:\n  - path: /a\n    id_style: pipes\n", "endpoints[0]: id_style"},
		{"duplicate names", "base_url: http://x\nendpoints:\n  - path: /a\n  - path: /a\n", "used twice"},
		{"bad id list", "base_url: http://x\nendpoints:\n  - path: /a\n    found: {a: 1}\n", "list of IDs"},
		{"house profile with unknown base", "base_url: http://x\nprofile: house\nprofiles:\n  house:\n    base: loose\nendpoints:\n  - path: /a\n", "profiles.house.base"},
		{"house profile bad status", "base_url: http://x\nprofiles:\n  lenient:\n    cases:\n      none:\n        - status: [20]\nendpoints:\n  - path: /a\n", "profiles.lenient: cases.none[0].status"},
		{"house profile unknown case", "base_url: http://x\nprofiles:\n  lenient:\n    cases:\n      nothing:\n        - status: [200]\nendpoints:\n  - path: /a\n", "cases.nothing"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			file := writeFile(t, "apiconform.yaml", tc.content)
			res := runMain(t, nil, "run", "--config", file)
			if res.code != ExitUsage || !strings.Contains(res.stderr, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 naming %q", res.code, res.stderr, tc.want)
			}
		})
	}
}

// TestHelpExitsZero checks that --help prints only apiconform's flags.
func TestHelpExitsZero(t *testing.T) {
	res := runMain(t, nil, "run", "--help")
	if res.code != ExitPass || !strings.Contains(res.stdout, "--base-url") || strings.Contains(res.stdout, "ginkgo") {
		t.Fatalf("exit %d; help:\n%s", res.code, res.stdout)
	}
	if res := runMain(t, nil, "--help"); res.code != ExitPass || !strings.Contains(res.stdout, "Exit codes") {
		t.Fatalf("top-level help: exit %d\n%s", res.code, res.stdout)
	}
	if res := runMain(t, nil, "version"); res.code != ExitPass || !strings.HasPrefix(res.stdout, "apiconform ") {
		t.Fatalf("version: exit %d %q", res.code, res.stdout)
	}
}

// TestRequestShapeKeysAreChecked gives each new endpoint key a bad value:
// exit 2, one line naming the key.
func TestRequestShapeKeysAreChecked(t *testing.T) {
	for name, tc := range map[string]struct{ yaml, want string }{
		"kind":            {"kind: batch", `kind "batch"`},
		"method":          {"method: get it", `method "get it"`},
		"id style":        {"id_style: semicolon", "id_style"},
		"body style GET":  {"id_style: body", "id_style body"},
		"template":        {"id_style: template", "id_template"},
		"id_json":         {"id_json: float", "id_json"},
		"body not JSON":   {"method: POST\n    body: '{\"ids\": ['", "body"},
		"header name":     {`headers: {"X Org": a}`, "headers.X Org"},
		"header secret":   {`headers: {X-Api-Key: "sk_live_4eC39HqLyjWDarjtT1zdp7dc"}`, "looks like a secret"},
		"authorization":   {`headers: {Authorization: "Bearer ${TOKEN}"}`, "headers.Authorization"},
		"query control":   {"query: {v: \"a\\nb\"}", "query.v"},
		"param name":      {"params: [{value: x}]", "params[0].name"},
		"param in":        {"params: [{name: q, in: cookie, value: x}]", "params[0].in"},
		"param type":      {"params: [{name: q, type: colour, value: x}]", "params[0].type"},
		"param twice":     {"query: {q: a}\n    params: [{name: q, value: x}]", "params[0].name"},
		"search no param": {"kind: search", "kind search"},
		"unset variable":  {"headers: {X-Org: \"${NO_SUCH_ORG}\"}", "${NO_SUCH_ORG} is not set"},
		"ID with newline": {"found: [\"2\\n3\"]", "control character"},
	} {
		t.Run(name, func(t *testing.T) {
			file := writeFile(t, "c.yaml", "base_url: http://127.0.0.1:9\nendpoints:\n  - path: /items\n    "+tc.yaml+"\n")
			res := runMain(t, map[string]string{"TOKEN": "x"}, "run", "--config", file)
			msg := strings.TrimSpace(res.stderr)
			if res.code != ExitUsage || !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Fatalf("exit %d, stderr %q; want exit 2 and one line naming %q", res.code, msg, tc.want)
			}
		})
	}
	for name, tc := range map[string]struct{ yaml, want string }{
		"auth type":      {"auth: {type: kerberos}", "auth.type"},
		"auth variable":  {"auth: {type: basic, username_env: U, password_env: NO_SUCH_PASSWORD}", "auth.password_env"},
		"auth token url": {"auth: {type: oauth2, token_url: /token, client_id_env: U, client_secret_env: S}", "auth.token_url"},
		"wrong method":   {"wrong_method: GET", "--wrong-method GET"},
	} {
		t.Run(name, func(t *testing.T) {
			file := writeFile(t, "c.yaml", "base_url: http://127.0.0.1:9\n"+tc.yaml+"\nendpoints:\n  - path: /items\n")
			res := runMain(t, map[string]string{"U": "alice", "S": "secret-value-123"}, "run", "--config", file)
			msg := strings.TrimSpace(res.stderr)
			if res.code != ExitUsage || !strings.Contains(msg, tc.want) {
				t.Fatalf("exit %d, stderr %q; want exit 2 naming %q", res.code, msg, tc.want)
			}
		})
	}
}

// TestHeaderAndQueryFlags: the single-endpoint flags gain --header and
// --query; a header that looks like a secret is refused without echoing it.
func TestHeaderAndQueryFlags(t *testing.T) {
	res := runMain(t, nil, "run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2,3",
		"--header", "X-Org: example", "--query", "api-version=2025-01-01", "--dry-run", "--label-filter", "case:found")
	if !strings.Contains(res.stdout, "items?api-version=2025-01-01&id=2,3 [X-Org: example]") {
		t.Errorf("--dry-run does not show the header and the query:\n%s", res.stdout)
	}
	const secret = "ghp_0123456789abcdefghijABCDEFGHIJ0123456789"
	res = runMain(t, nil, "run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2,3", "--header", "X-Token: "+secret)
	if res.code != ExitUsage || strings.Contains(res.stderr, secret) || !strings.Contains(res.stderr, "looks like a secret") {
		t.Errorf("exit %d, stderr %q", res.code, res.stderr)
	}
}
