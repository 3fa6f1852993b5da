package runner

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// completionScript writes `apiconform completion SHELL` to a file.
func completionScript(t *testing.T, shell string) string {
	t.Helper()
	res := runMain(t, nil, "completion", shell)
	if res.code != ExitPass || res.stderr != "" || res.stdout == "" {
		t.Fatalf("completion %s: exit %d, stderr %q", shell, res.code, res.stderr)
	}
	return writeFile(t, "apiconform."+shell, res.stdout)
}

// TestCompletionScriptsParse checks each script with its shell's own
// syntax check: bash always, zsh and fish where they are installed.
func TestCompletionScriptsParse(t *testing.T) {
	for _, shell := range shells {
		t.Run(shell, func(t *testing.T) {
			bin, err := exec.LookPath(shell)
			if err != nil {
				if shell == "bash" {
					t.Fatal("bash is not installed")
				}
				t.Skipf("%s is not installed", shell)
			}
			out, err := exec.Command(bin, "-n", completionScript(t, shell)).CombinedOutput()
			if err != nil {
				t.Fatalf("%s -n: %v\n%s", shell, err, out)
			}
		})
	}
}

// TestCompletionRefusesOtherShells: one line naming the three, exit 2.
func TestCompletionRefusesOtherShells(t *testing.T) {
	for _, args := range [][]string{{"completion", "tcsh"}, {"completion"}, {"completion", "bash", "zsh"}} {
		res := runMain(t, nil, args...)
		if res.code != ExitUsage || strings.Count(res.stderr, "\n") != 1 || !strings.Contains(res.stderr, "bash, zsh") || !strings.Contains(res.stderr, "fish") {
			t.Errorf("%v: exit %d, stderr %q", args, res.code, res.stderr)
		}
	}
}

// bashComplete sources the bash script and completes the last of words
// as bash would on TAB, returning the candidates.
func bashComplete(t *testing.T, script string, words ...string) []string {
	t.Helper()
	quoted := make([]string, len(words))
	for i, w := range words {
		quoted[i] = shQuote(w)
	}
	program := "source " + shQuote(script) + "\nCOMP_WORDS=(" + strings.Join(quoted, " ") + ")\n" +
		"COMP_CWORD=$((${#COMP_WORDS[@]} - 1))\n_apiconform\nprintf '%s\\n' \"${COMPREPLY[@]}\"\n"
	cmd := exec.Command("bash", "--norc", "--noprofile", "-c", program)
	cmd.Dir = filepath.Dir(script)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %v\n%s", words, err, out)
	}
	return strings.Fields(string(out))
}

// TestBashCompletionCompletes sources the bash script and completes
// command names, flags, the values of enumerated flags, files and
// operands, and leaves out what a command does not take.
func TestBashCompletionCompletes(t *testing.T) {
	if _, err := exec.LookPath("bash"); err != nil {
		t.Fatal("bash is not installed")
	}
	script := completionScript(t, "bash")
	dir := filepath.Dir(script)
	if err := os.WriteFile(filepath.Join(dir, "last-night.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		words []string
		want  string
	}{
		{[]string{"apiconform", "ru"}, "run"},
		{[]string{"apiconform", "run", "--prof"}, "--profile"},
		{[]string{"apiconform", "run", "--profile", "s"}, "strict"},
		{[]string{"apiconform", "run", "--profile", "=", "len"}, "lenient"},
		{[]string{"apiconform", "run", "--profile=mul"}, "--profile=multi-status"},
		{[]string{"apiconform", "run", "--id-style", ""}, "comma path repeat"},
		{[]string{"apiconform", "run", "--base-"}, "--base-url"},
		{[]string{"apiconform", "run", "--base-url", ""}, ""},
		{[]string{"apiconform", "run", "--baseline", "last-"}, "last-night.json"},
		{[]string{"apiconform", "run", "--known-failures", "last-"}, "last-night.json"},
		{[]string{"apiconform", "detect", "--prof"}, ""},
		{[]string{"apiconform", "detect", "--token"}, "--token-env"},
		{[]string{"apiconform", "demo", "--profile", "e"}, "envelope"},
		{[]string{"apiconform", "demo", "-"}, "--help --profile --report-dir --verbose -h -v"},
		{[]string{"apiconform", "diff", "--format", ""}, "json markdown text"},
		{[]string{"apiconform", "diff", "last"}, "last-night.json"},
		{[]string{"apiconform", "completion", ""}, "bash fish zsh"},
		{[]string{"apiconform", "help", "de"}, "demo detect"},
		{[]string{"apiconform", "version", "--"}, "--help --json"},
		{[]string{"apiconform", "--vers"}, "--version"},
	} {
		got := bashComplete(t, script, tc.words...)
		if want := strings.Fields(tc.want); !sameWords(got, want) {
			t.Errorf("%q<TAB>: %q, want %q", strings.Join(tc.words, " "), got, want)
		}
	}
}

// TestCompletionFollowsTheFlagSets completes every flag of every command
// from its first letters, so a flag added to a set is completed without
// touching the script.
func TestCompletionFollowsTheFlagSets(t *testing.T) {
	script := completionScript(t, "bash")
	for _, c := range commands() {
		var names []string
		helpFlagSet(c).VisitAll(func(f *pflag.Flag) { names = append(names, f.Name) })
		for _, name := range names {
			got := bashComplete(t, script, "apiconform", c.name, "--"+name)
			if !strings.Contains(" "+strings.Join(got, " ")+" ", " --"+name+" ") {
				t.Errorf("apiconform %s --%s<TAB>: %q", c.name, name, got)
			}
		}
	}
}

// TestFishCompletionCompletes asks fish itself, where it is installed.
func TestFishCompletionCompletes(t *testing.T) {
	if _, err := exec.LookPath("fish"); err != nil {
		t.Skip("fish is not installed")
	}
	script := completionScript(t, "fish")
	for line, want := range map[string]string{
		"apiconform ru":              "run",
		"apiconform run --prof":      "--profile",
		"apiconform run --profile s": "strict",
		"apiconform detect --prof":   "",
		"apiconform completion z":    "zsh",
	} {
		out, err := exec.Command("fish", "--no-config", "-c", "source "+shQuote(script)+"; complete -C "+shQuote(line)).CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", line, err, out)
		}
		var got []string
		for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if l != "" {
				got = append(got, strings.SplitN(l, "\t", 2)[0])
			}
		}
		if !sameWords(got, strings.Fields(want)) {
			t.Errorf("%q<TAB>: %q, want %q", line, got, want)
		}
	}
}

// sameWords reports whether a and b hold the same words, in any order.
func sameWords(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	seen := map[string]int{}
	for _, w := range a {
		seen[w]++
	}
	for _, w := range b {
		seen[w]--
		if seen[w] < 0 {
			return false
		}
	}
	return true
}
