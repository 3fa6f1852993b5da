package runner

import (
	"errors"
	"io"
	"strings"
	"testing"
)

// fuzzEnv holds vars, and a token in any other variable a config may
// name (--token-env), so a fuzzed config gets as far as the plan.
func fuzzEnv(vars map[string]string) Env {
	return Env{Stdout: io.Discard, Stderr: io.Discard, LookupEnv: func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		if strings.HasPrefix(name, "APICONFORM_") || strings.HasSuffix(strings.ToUpper(name), "_PROXY") || name == "REQUEST_METHOD" {
			return "", false
		}
		return "token-of-" + name, true
	}}
}

// fuzzPrepare resolves cfg and builds its plan; every error must be a
// usage error (exit 2, one line), never a panic.
func fuzzPrepare(t *testing.T, cfg *Config, env Env) {
	t.Helper()
	job, err := Prepare(cfg, env)
	if err != nil {
		expectUsageError(t, err)
		return
	}
	if len(job.Plan.Cases) == 0 {
		t.Fatal("a prepared job without cases")
	}
	for _, c := range job.Plan.Cases {
		if !c.Skipped() && c.Request.URL == "" {
			t.Fatalf("%s: a runnable case without a URL", c.ID)
		}
	}
	_ = job.Suites()
}

func expectUsageError(t *testing.T, err error) {
	t.Helper()
	var usage *UsageError
	if !errors.As(err, &usage) {
		t.Fatalf("error %T %q is not a usage error", err, err)
	}
	if strings.TrimSpace(usage.Msg) == "" {
		t.Fatal("a usage error without a message")
	}
}

// FuzzConfigFile feeds arbitrary YAML to the config loader, then resolves
// and plans whatever it accepts.
func FuzzConfigFile(f *testing.F) {
	f.Add([]byte("base_url: http://127.0.0.1:1/api\nendpoints:\n  - path: /items\n    found: [2, 3]\n    missing: [1]\n    malformed: abc\n    max_ids: 5\n"))
	f.Add([]byte("profiles:\n  house:\n    base: lenient\n    cases:\n      partial:\n        - status: [207]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := Defaults()
		if err := decodeConfig(data, "fuzz.yaml", &cfg, func(string) (string, bool) { return "", false }); err != nil {
			expectUsageError(t, err)
			return
		}
		cfg.ConfigFile = "fuzz.yaml"
		if cfg.BaseURL == "" {
			cfg.BaseURL = "http://127.0.0.1:1/api"
		}
		fuzzPrepare(t, &cfg, fuzzEnv(nil))
	})
}

// FuzzRunArgs feeds arbitrary command lines (one argument per line) and
// APICONFORM_* variables (NAME=value per line) to the flag parser, the ID
// lists among them, then resolves and plans whatever it accepts.
func FuzzRunArgs(f *testing.F) {
	f.Add("--base-url\nhttp://127.0.0.1:1\n--path\n/items\n--found\n2,3\n--missing\n1\n--malformed\nabc\n--max-ids\n5", "")
	f.Add("--base-url\nhttp://127.0.0.1:1\n--path\n/items/{id}\n--id-style\npath", "APICONFORM_FOUND=2,3\nAPICONFORM_MISSING=1")
	f.Fuzz(func(t *testing.T, args, envLines string) {
		vars := map[string]string{}
		for _, line := range strings.Split(envLines, "\n") {
			if name, value, ok := strings.Cut(line, "="); ok {
				vars[name] = value
			}
		}
		if _, ok := vars[EnvName("config")]; ok {
			delete(vars, EnvName("config")) // no files from fuzzed input
		}
		var argv []string
		if args != "" {
			argv = strings.Split(args, "\n")
		}
		for _, a := range argv {
			if a == "--config" || strings.HasPrefix(a, "--config=") {
				return
			}
		}
		env := fuzzEnv(vars)
		cfg, err := LoadConfig(argv, env.LookupEnv, newRunFlagSet)
		if err != nil {
			expectUsageError(t, err)
			return
		}
		fuzzPrepare(t, cfg, env)
	})
}
