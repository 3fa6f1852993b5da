package runner

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
)

// stagingConfig writes a config of 9 endpoints of the reference API, 3 of
// them on always-200, each prefix its own rate-limit scope.
func stagingConfig(t *testing.T, base string) string {
	scope := func(p string) string { return ", rate_limit_scope: " + p }
	return endpointsConfig{count: 9, name: "ep-%d", prefix: everyThird, extra: scope}.write(t, base)
}

// jobSteps returns the run scripts of a workflow job, in order.
func jobSteps(t *testing.T, doc map[string]any, job string) []string {
	t.Helper()
	jobs, _ := doc["jobs"].(map[string]any)
	j, ok := jobs[job].(map[string]any)
	if !ok {
		t.Fatalf("no job %s", job)
	}
	var out []string
	steps, _ := j["steps"].([]any)
	for _, s := range steps {
		if run, ok := s.(map[string]any)["run"].(string); ok {
			out = append(out, run)
		}
	}
	return out
}

// example turns one `apiconform CMD ...` line of an example into the
// arguments of a run here: the staging URL is the reference API, the
// config is the test's, and every directory is under root.
func example(t *testing.T, line, cmd string, subst map[string]string) []string {
	t.Helper()
	i := strings.Index(line, "apiconform "+cmd)
	if i < 0 {
		t.Fatalf("no apiconform %s in %q", cmd, line)
	}
	command, _, _ := strings.Cut(continuation.ReplaceAllString(line[i+len("apiconform "):], " "), "\n")
	args := strings.Join(strings.Fields(command), " ")
	for from, to := range subst {
		args = strings.ReplaceAll(args, from, to)
	}
	return shellWords(t, args)
}

// TestGitHubActionsShardedExampleJudgesLikeOneRun plays the sharded
// workflow: each matrix part, the burst job and the merge, as written;
// the merged verdict is the unsplit run's.
func TestGitHubActionsShardedExampleJudgesLikeOneRun(t *testing.T) {
	doc := parseYAML(t, "github-actions-sharded.yml")
	jobs, _ := doc["jobs"].(map[string]any)
	matrix := jobs["probe"].(map[string]any)["strategy"].(map[string]any)["matrix"].(map[string]any)["shard"].([]any)
	// No limiter: the bursts fail, in the split run as in the whole one.
	_, base := referenceAPI(t, withAuth(fixtures.Options{}))
	cfg := stagingConfig(t, base)
	root := t.TempDir()
	env := map[string]string{"STAGING_API_TOKEN": testToken}
	subst := map[string]string{"apiconform.yaml": cfg, `"$STAGING_URL"`: base}
	probe := strings.Join(jobSteps(t, doc, "probe"), "\n")
	for _, shard := range matrix {
		part := filepath.Join(root, "parts", fmt.Sprintf("apiconform-part-%v", shard))
		args := example(t, probe, "run", map[string]string{"apiconform.yaml": cfg, `"$STAGING_URL"`: base, `"$SHARD/`: fmt.Sprintf(`"%v/`, shard)})
		args = append(args, "--report-dir", part)
		if res := runMain(t, env, args...); res.run == nil || res.run.Shard == nil || res.run.Shard.Count != len(matrix) {
			t.Fatalf("part %v: %v wrote %+v\n%s", shard, args, res.run, res.stderr)
		}
	}
	burst := example(t, strings.Join(jobSteps(t, doc, "rate-limit"), "\n"), "run", subst)
	runMain(t, env, append(burst, "--report-dir", filepath.Join(root, "parts", "apiconform-part-rate-limit"))...)
	merge := example(t, strings.Join(jobSteps(t, doc, "merge"), "\n"), "merge", map[string]string{"reports": filepath.Join(root, "reports"), "parts": filepath.Join(root, "parts")})
	merged := runMain(t, nil, merge...)

	whole := runMain(t, env, "run", "--config", cfg, "--token-env", "STAGING_API_TOKEN", "--rate-limit-burst", "50")
	if merged.code != whole.code || merged.run == nil || merged.run.Counts != whole.run.Counts {
		t.Fatalf("merged: exit %d %+v; unsplit: exit %d %+v\n%s", merged.code, countsOf(merged), whole.code, whole.run.Counts, merged.stderr)
	}
	if k := merged.run.Counts; k.Fail == 0 || k.Pass == 0 {
		t.Errorf("the example's run should fail on always-200 and pass elsewhere: %+v", k)
	}
}

func countsOf(r runResult) any {
	if r.run == nil {
		return nil
	}
	return r.run.Counts
}

func replaceArg(args []string, from, to string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		out[i] = strings.ReplaceAll(a, from, to)
	}
	return out
}

// TestKubernetesIndexedJobExampleJudgesLikeOneRun plays the Indexed Job:
// each pod's arguments with its completion index, then the merge Job's.
func TestKubernetesIndexedJobExampleJudgesLikeOneRun(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("..", "docs", "kubernetes", "indexed-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	docs := strings.Split(string(data), "\n---\n")
	if len(docs) != 3 {
		t.Fatalf("indexed-job.yaml: want a comment and two Jobs, got %d documents", len(docs))
	}
	parts, merge := podArgs(t, docs[1]), podArgs(t, docs[2])
	completions := strings.Count(strings.Join(merge, " "), "/reports/part-")
	if !strings.Contains(docs[1], "completionMode: Indexed") || !strings.Contains(docs[1], fmt.Sprintf("completions: %d", completions)) {
		t.Fatalf("the parts Job must be Indexed with as many completions as the merge reads (%d)", completions)
	}
	_, base := referenceAPI(t, withAuth(fixtures.Options{}))
	cfg := stagingConfig(t, base)
	root := t.TempDir()
	env := map[string]string{"API_TOKEN": testToken}
	for index := 0; index < completions; index++ {
		args := replaceArg(parts, "$(JOB_COMPLETION_INDEX)", fmt.Sprint(index))
		args = replaceArg(args, "/config/apiconform.yaml", cfg)
		args = replaceArg(args, "/reports/", root+"/")
		if res := runMain(t, env, args...); res.run == nil || res.run.Shard == nil || res.run.Shard.Index != index+1 {
			t.Fatalf("pod %d: %v\n%s", index, args, res.stderr)
		}
	}
	merged := runMain(t, nil, replaceArg(merge, "/reports/", root+"/")...)
	whole := runMain(t, env, "run", "--config", cfg, "--token-env", "API_TOKEN")
	if merged.code != whole.code || merged.run == nil || merged.run.Counts != whole.run.Counts {
		t.Fatalf("merged: exit %d %+v; unsplit: exit %d %+v\n%s", merged.code, countsOf(merged), whole.code, whole.run.Counts, merged.stderr)
	}
}

// podArgs reads the args list of a Job document's one container.
func podArgs(t *testing.T, doc string) []string {
	t.Helper()
	var args []string
	in := false
	for _, line := range strings.Split(doc, "\n") {
		trimmed := strings.TrimSpace(line)
		switch {
		case trimmed == "args:":
			in = true
		case in && strings.HasPrefix(trimmed, "- "):
			args = append(args, strings.TrimPrefix(trimmed, "- "))
		case in:
			return args
		}
	}
	t.Fatalf("no args in %q", doc)
	return nil
}
