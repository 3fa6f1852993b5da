package runner

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The CI examples in docs/ci are copied into real pipelines, so they are
// tested: each must parse, and each `apiconform run` in them must load
// and prepare with the run flags as they are today.

const ciExamples = "../docs/ci"

// ciEnv is what the examples expect the CI server to provide.
var ciEnv = map[string]string{
	"STAGING_URL":       "https://staging.example.com/api",
	"STAGING_API_TOKEN": "ci-example-token",
	"GOBIN":             "/ci/bin",
}

var (
	apiconformRun = regexp.MustCompile(`apiconform["']?\s+run(\s|$)`)
	continuation  = regexp.MustCompile(`\\\r?\n`)
	longFlag      = regexp.MustCompile(`(?:^|\s)--([a-z][a-z0-9-]*)`)
	shortFlag     = regexp.MustCompile(`(?:^|\s)-([a-zA-Z])(?:\s|$)`)
)

// runInvocations returns the arguments after each `apiconform run` in
// text, with line continuations joined.
func runInvocations(text string) []string {
	var out []string
	for _, line := range strings.Split(continuation.ReplaceAllString(text, " "), "\n") {
		if loc := apiconformRun.FindStringIndex(line); loc != nil {
			out = append(out, strings.TrimSpace(line[loc[1]:]))
		}
	}
	return out
}

// shellWords splits a command line as sh would for the simple commands of
// the examples: blanks separate words, quotes group, "$VAR" and $VAR
// expand from ciEnv (inside double quotes and bare).
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord := false
	expand := func(s string) string {
		return os.Expand(s, func(name string) string {
			v, ok := ciEnv[name]
			if !ok {
				t.Errorf("the example uses $%s, which the CI environment of the test does not define", name)
			}
			return v
		})
	}
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			if inWord {
				words, inWord = append(words, w.String()), false
				w.Reset()
			}
		case c == '\'' || c == '"':
			end := strings.IndexByte(line[i+1:], c)
			if end < 0 {
				t.Fatalf("unbalanced %c in %q", c, line)
			}
			part := line[i+1 : i+1+end]
			if c == '"' {
				part = expand(part)
			}
			w.WriteString(part)
			inWord = true
			i += end + 1
		default:
			j := i
			for j < len(line) && !strings.ContainsRune(" \t'\"", rune(line[j])) {
				j++
			}
			w.WriteString(expand(line[i:j]))
			inWord = true
			i = j - 1
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

// checkRunFlagsExist fails for every flag in args that `run` lacks.
func checkRunFlagsExist(t *testing.T, where, args string) {
	t.Helper()
	cfg := Defaults()
	fs := newRunFlagSet(&cfg)
	for _, m := range longFlag.FindAllStringSubmatch(args, -1) {
		if fs.Lookup(m[1]) == nil {
			t.Errorf("%s: apiconform run has no flag --%s", where, m[1])
		}
	}
	for _, m := range shortFlag.FindAllStringSubmatch(args, -1) {
		if fs.ShorthandLookup(m[1]) == nil {
			t.Errorf("%s: apiconform run has no flag -%s", where, m[1])
		}
	}
}

// checkInvocation checks one example's `apiconform run` thoroughly: its
// flags exist, it loads and prepares as a real run would (nothing is
// sent), the token comes from the environment and reports land in
// reports/.
func checkInvocation(t *testing.T, where, args string) {
	t.Helper()
	checkRunFlagsExist(t, where, args)
	args = strings.Join(strings.Fields(args), " ")
	words := shellWords(t, args)
	lookup := func(name string) (string, bool) {
		v, ok := ciEnv[name]
		return v, ok
	}
	cfg, err := LoadConfig(words, lookup, newRunFlagSet)
	if err != nil {
		t.Fatalf("%s: apiconform run %s: %v", where, args, err)
	}
	if _, err := Prepare(cfg, Env{LookupEnv: lookup}); err != nil {
		t.Fatalf("%s: apiconform run %s: %v", where, args, err)
	}
	if cfg.TokenEnv != "STAGING_API_TOKEN" || cfg.ReportDir != "reports" {
		t.Errorf("%s: want --token-env STAGING_API_TOKEN and --report-dir reports, got %q and %q", where, cfg.TokenEnv, cfg.ReportDir)
	}
}

func readExample(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(ciExamples, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// yamlStrings returns every string scalar in a YAML value.
func yamlStrings(v any) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []any:
		var out []string
		for _, e := range v {
			out = append(out, yamlStrings(e)...)
		}
		return out
	case map[string]any:
		var out []string
		for _, e := range v {
			out = append(out, yamlStrings(e)...)
		}
		return out
	}
	return nil
}

func parseYAML(t *testing.T, name string) map[string]any {
	t.Helper()
	var doc map[string]any
	dec := yaml.NewDecoder(bytes.NewReader(readExample(t, name)))
	if err := dec.Decode(&doc); err != nil {
		t.Fatalf("%s does not parse: %v", name, err)
	}
	return doc
}

// yamlInvocations checks every `apiconform run` of a YAML example and
// returns how many there are.
func yamlInvocations(t *testing.T, name string, doc map[string]any) int {
	t.Helper()
	n := 0
	for _, s := range yamlStrings(doc) {
		for _, args := range runInvocations(s) {
			checkInvocation(t, name, args)
			n++
		}
	}
	return n
}

func TestGitHubActionsExample(t *testing.T) {
	const name = "github-actions-nightly.yml"
	doc := parseYAML(t, name)
	if n := yamlInvocations(t, name, doc); n != 1 {
		t.Fatalf("%s: %d apiconform run commands, want 1", name, n)
	}
	on, _ := doc["on"].(map[string]any)
	schedule, _ := on["schedule"].([]any)
	if len(schedule) == 0 || schedule[0].(map[string]any)["cron"] == nil {
		t.Errorf("%s: not a nightly workflow: on.schedule has no cron", name)
	}
	jobs, _ := doc["jobs"].(map[string]any)
	if len(jobs) != 1 {
		t.Fatalf("%s: want one job, got %d", name, len(jobs))
	}
	var steps []any
	for _, job := range jobs {
		steps, _ = job.(map[string]any)["steps"].([]any)
	}
	var tokenFromSecret, summary, upload bool
	for _, s := range steps {
		step := s.(map[string]any)
		run, _ := step["run"].(string)
		uses, _ := step["uses"].(string)
		env, _ := step["env"].(map[string]any)
		if len(runInvocations(run)) > 0 {
			v, _ := env["STAGING_API_TOKEN"].(string)
			tokenFromSecret = strings.HasPrefix(v, "${{ secrets.")
		}
		always := step["if"] == "always()"
		if always && strings.Contains(run, `cat reports/summary.md >> "$GITHUB_STEP_SUMMARY"`) {
			summary = true
		}
		if always && strings.HasPrefix(uses, "actions/upload-artifact@") {
			with, _ := step["with"].(map[string]any)
			path, _ := with["path"].(string)
			upload = strings.Contains(path, "reports/junit.xml") && strings.Contains(path, "reports/summary.md") && strings.Contains(path, "reports/report.html")
		}
	}
	if !tokenFromSecret {
		t.Errorf("%s: the probe step must take STAGING_API_TOKEN from ${{ secrets.* }} in its env", name)
	}
	if !summary {
		t.Errorf("%s: no `if: always()` step appends reports/summary.md to $GITHUB_STEP_SUMMARY", name)
	}
	if !upload {
		t.Errorf("%s: no `if: always()` actions/upload-artifact step keeps junit.xml, summary.md and report.html", name)
	}
}

func TestGitLabExample(t *testing.T) {
	const name = "gitlab-ci.yml"
	doc := parseYAML(t, name)
	if n := yamlInvocations(t, name, doc); n != 1 {
		t.Fatalf("%s: %d apiconform run commands, want 1", name, n)
	}
	job, _ := doc["apiconform"].(map[string]any)
	if job == nil {
		t.Fatalf("%s: no apiconform job", name)
	}
	artifacts, _ := job["artifacts"].(map[string]any)
	reportsKey, _ := artifacts["reports"].(map[string]any)
	if reportsKey["junit"] != "reports/junit.xml" {
		t.Errorf("%s: artifacts:reports:junit = %v, want reports/junit.xml", name, reportsKey["junit"])
	}
	if artifacts["when"] != "always" {
		t.Errorf("%s: artifacts:when = %v, want always (the reports exist whatever the verdict)", name, artifacts["when"])
	}
	if vars, _ := job["variables"].(map[string]any); vars["STAGING_API_TOKEN"] != nil {
		t.Errorf("%s: the token must come from a masked CI/CD variable, not from the file", name)
	}
}

func TestJenkinsfileExample(t *testing.T) {
	const name = "Jenkinsfile"
	text := string(readExample(t, name))
	code := groovyCode(text)
	for _, pair := range []string{"{}", "()", "[]"} {
		if o, c := strings.Count(code, pair[:1]), strings.Count(code, pair[1:]); o != c {
			t.Errorf("%s: %d %q but %d %q", name, o, pair[:1], c, pair[1:])
		}
	}
	if !strings.HasPrefix(strings.TrimSpace(code), "pipeline {") {
		t.Errorf("%s: not a declarative pipeline", name)
	}
	compact := strings.Join(strings.Fields(code), " ")
	for _, want := range []string{"stages {", "post { always {", "junit testResults:", "archiveArtifacts artifacts:", "withCredentials([string(credentialsId:", "sh"} {
		if !strings.Contains(compact, want) {
			t.Errorf("%s: lacks %q", name, want)
		}
	}
	for _, want := range []string{"junit testResults: 'reports/junit.xml'", "variable: 'STAGING_API_TOKEN'", "sh '''"} {
		if !strings.Contains(text, want) {
			t.Errorf("%s: lacks %q", name, want)
		}
	}
	invocations := runInvocations(text)
	if len(invocations) != 1 {
		t.Fatalf("%s: %d apiconform run commands, want 1", name, len(invocations))
	}
	checkInvocation(t, name, invocations[0])
}

// groovyCode blanks out comments and string literals of a Groovy source,
// keeping the structure the test checks.
func groovyCode(src string) string {
	var b strings.Builder
	for i := 0; i < len(src); i++ {
		rest := src[i:]
		switch {
		case strings.HasPrefix(rest, "//"):
			end := strings.IndexByte(rest, '\n')
			if end < 0 {
				return b.String()
			}
			i += end - 1
		case strings.HasPrefix(rest, "'''"), strings.HasPrefix(rest, `"""`):
			end := strings.Index(rest[3:], rest[:3])
			if end < 0 {
				return b.String()
			}
			b.WriteString("''")
			i += end + 5
		case rest[0] == '\'' || rest[0] == '"':
			end := strings.IndexByte(rest[1:], rest[0])
			if end < 0 {
				return b.String()
			}
			b.WriteString("''")
			i += end + 1
		default:
			b.WriteByte(rest[0])
		}
	}
	return b.String()
}

func TestCIDocLinksEveryExampleAndUsesRealFlags(t *testing.T) {
	doc, err := os.ReadFile(filepath.Join(ciExamples, "..", "ci.md"))
	if err != nil {
		t.Fatal(err)
	}
	entries, err := os.ReadDir(ciExamples)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
		if !bytes.Contains(doc, []byte("(ci/"+e.Name()+")")) {
			t.Errorf("docs/ci.md does not link ci/%s", e.Name())
		}
	}
	for _, want := range []string{"Jenkinsfile", "github-actions-nightly.yml", "gitlab-ci.yml"} {
		if !slices.Contains(names, want) {
			t.Errorf("docs/ci/%s is missing", want)
		}
	}
	invocations := runInvocations(string(doc))
	if len(invocations) == 0 {
		t.Error("docs/ci.md shows no apiconform run command")
	}
	for _, args := range invocations {
		checkRunFlagsExist(t, "docs/ci.md", args)
	}
}
