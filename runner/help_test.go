package runner

import (
	"encoding/json"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/suites/words"
)

// TestEveryCommandHasItsHelp asks every command for its help in the three
// ways (CMD --help, CMD -h, help CMD): exit 0, on stdout, nothing on
// stderr, the usage line, the summary, the flags, the same text each way.
func TestEveryCommandHasItsHelp(t *testing.T) {
	for _, c := range commands() {
		t.Run(c.name, func(t *testing.T) {
			var first string
			for _, args := range [][]string{{c.name, "--help"}, {c.name, "-h"}, {"help", c.name}} {
				res := runMain(t, nil, args...)
				if res.code != ExitPass || res.stderr != "" {
					t.Fatalf("%v: exit %d, stderr %q", args, res.code, res.stderr)
				}
				if !strings.HasPrefix(res.stdout, "Usage: apiconform "+c.name+" [flags]") {
					t.Fatalf("%v: no usage line:\n%s", args, res.stdout)
				}
				for _, want := range []string{"\n" + words.Capitalize(c.summary) + ".\n", "\nFlags:\n", "-h, --help"} {
					if !strings.Contains(res.stdout, want) {
						t.Errorf("%v: help lacks %q:\n%s", args, want, res.stdout)
					}
				}
				helpFlagSet(c).VisitAll(func(f *pflag.Flag) {
					if !strings.Contains(res.stdout, "--"+f.Name+" ") {
						t.Errorf("%v: help does not list --%s", args, f.Name)
					}
				})
				if first == "" {
					first = res.stdout
				} else if res.stdout != first {
					t.Errorf("%v: another help than %s --help", args, c.name)
				}
			}
		})
	}
}

// TestDetectHelpFitsDetect checks that detect lists the flags that
// describe the API, the transport, the credentials, the IDs and the
// reports, none of run's policies, and examples with credentials.
func TestDetectHelpFitsDetect(t *testing.T) {
	res := runMain(t, nil, "detect", "--help")
	for name := range detectLeavesOut {
		if strings.Contains(res.stdout, "--"+name+" ") {
			t.Errorf("detect --help lists --%s", name)
		}
	}
	for _, want := range []string{"--base-url", "--path", "--found", "--token-env", "--auth-header", "--ca-cert", "--timeout", "--report-dir", "--redact-header", "--dry-run"} {
		if !strings.Contains(res.stdout, want+" ") {
			t.Errorf("detect --help lacks %s", want)
		}
	}
	if n := strings.Count(res.stdout, "apiconform detect --base-url"); n < 2 {
		t.Errorf("detect --help has %d examples, want 2", n)
	}
	if !strings.Contains(res.stdout, "--token-env API_TOKEN") || !strings.Contains(res.stdout, "401") {
		t.Errorf("detect --help should show --token-env API_TOKEN and say that without it every case is 401:\n%s", res.stdout)
	}
	if run := runMain(t, nil, "run", "--help"); !strings.Contains(run.stdout, "--profile ") || !strings.Contains(run.stdout, "--baseline ") {
		t.Errorf("run --help lost its policies:\n%s", run.stdout)
	}
}

// TestUsageMistakesSayWhatWasMeant gives misspelt commands and flags,
// and run's flags to detect: one line, exit 2, naming what was meant.
func TestUsageMistakesSayWhatWasMeant(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"rnu"}, `apiconform: unknown command "rnu"; did you mean run?`},
		{[]string{"detetc", "--base-url", "x"}, `unknown command "detetc"; did you mean detect?`},
		{[]string{"launch"}, `unknown command "launch"; commands: run, detect`},
		{[]string{"--base-url", "x"}, "unknown flag --base-url; the command comes first"},
		{[]string{"run", "--base-ulr", "x"}, "apiconform run: unknown flag --base-ulr; did you mean --base-url?"},
		{[]string{"run", "--base-url=http://x", "--rate-limit-brust", "5"}, "unknown flag --rate-limit-brust; did you mean --rate-limit-burst?"},
		{[]string{"run", "--know-failures", "k.yaml"}, "did you mean --known-failures?"},
		{[]string{"run", "-profile", "strict"}, "unknown shorthand flag 'p' in -profile; did you mean --profile?"},
		{[]string{"run", "-x"}, "unknown shorthand flag 'x' in -x (apiconform run --help lists its flags)"},
		{[]string{"run", "--zzzzzzzz"}, "unknown flag --zzzzzzzz (apiconform run --help lists its flags)"},
		{[]string{"detect", "--tokn-env", "API_TOKEN"}, "did you mean --token-env?"},
		{[]string{"detect", "--profile", "strict"}, "unknown flag --profile: not a flag of detect, which judges the answers against every profile"},
		{[]string{"detect", "--baseline", "old/results.json"}, "unknown flag --baseline: not a flag of detect"},
		{[]string{"detect", "--known-failures=k.yaml"}, "unknown flag --known-failures: not a flag of detect"},
		{[]string{"detect", "--strict-warnings"}, "unknown flag --strict-warnings: not a flag of detect"},
		{[]string{"diff", "--fromat", "json", "a", "b"}, "apiconform diff: unknown flag --fromat; did you mean --format?"},
		{[]string{"init", "--open-api", "x.yaml"}, "did you mean --openapi?"},
		{[]string{"fixtures", "--adr", ":0"}, "did you mean --addr?"},
		{[]string{"version", "--jsno"}, "did you mean --json?"},
		{[]string{"demo", "--verbos"}, "did you mean --verbose?"},
		{[]string{"help", "rnu"}, "did you mean run?"},
	} {
		res := runMain(t, nil, tc.args...)
		if res.code != ExitUsage || !strings.Contains(res.stderr, tc.want) || strings.Count(res.stderr, "\n") != 1 || res.stdout != "" {
			t.Errorf("%v: exit %d, stderr %q; want exit 2 and one line with %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
}

// TestVersion checks that version prints its line, and with --json the
// build as JSON that scripts read.
func TestVersion(t *testing.T) {
	res := runMain(t, nil, "version")
	if res.code != ExitPass || !strings.HasPrefix(res.stdout, "apiconform "+Version()+" (commit ") || !strings.Contains(res.stdout, "trusted CA roots") {
		t.Fatalf("version: exit %d %q", res.code, res.stdout)
	}
	res = runMain(t, nil, "version", "--json")
	var got map[string]string
	if err := json.Unmarshal([]byte(res.stdout), &got); res.code != ExitPass || err != nil {
		t.Fatalf("version --json: exit %d, %v: %q", res.code, err, res.stdout)
	}
	want := map[string]string{
		"version": Version(), "commit": Commit(), "date": BuildDate(),
		"go": runtime.Version(), "platform": runtime.GOOS + "/" + runtime.GOARCH,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("version --json: %s = %q, want %q", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("version --json has keys beyond %v: %v", want, got)
	}
	if res := runMain(t, nil, "version", "extra"); res.code != ExitUsage || !strings.Contains(res.stderr, `"extra"`) {
		t.Errorf("version extra: exit %d %q", res.code, res.stderr)
	}
	if res := runMain(t, nil, "--version"); res.code != ExitPass || !strings.HasPrefix(res.stdout, "apiconform ") {
		t.Errorf("--version: exit %d %q", res.code, res.stdout)
	}
}

// TestDetectTakesRunVariablesQuietly checks that a CI job's
// APICONFORM_PROFILE, set for run and detect alike, is no misspelling to
// detect, while a real misspelling still is.
func TestDetectTakesRunVariablesQuietly(t *testing.T) {
	c := Defaults()
	warnings := unknownEnvVariables(newDetectFlagSet(&c), []string{"APICONFORM_PROFILE=strict", "APICONFORM_BASE_ULR=http://x"})
	if len(warnings) != 1 || !strings.Contains(warnings[0], "APICONFORM_BASE_ULR sets nothing; did you mean APICONFORM_BASE_URL?") {
		t.Errorf("warnings %q", warnings)
	}
}

// TestTopUsageListsEveryCommand keeps apiconform --help in step with the
// commands.
func TestTopUsageListsEveryCommand(t *testing.T) {
	res := runMain(t, nil, "help")
	for _, name := range commandNames() {
		if !strings.Contains(res.stdout, "\n  "+name+" ") {
			t.Errorf("apiconform help does not list %s", name)
		}
	}
	if !slices.Contains(commandNames(), "completion") {
		t.Error("no completion command")
	}
}
