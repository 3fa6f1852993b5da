package runner

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites/plan"
)

func namedEndpoints(from, to int) []*plan.Endpoint {
	var out []*plan.Endpoint
	for i := from; i <= to; i++ {
		out = append(out, &plan.Endpoint{Name: fmt.Sprintf("service-%03d", i)})
	}
	return out
}

// TestShardsCoverEveryEndpointOnceAndStayPut: the parts of a split hold
// every endpoint exactly once, and adding endpoints moves none of the
// others to another part.
func TestShardsCoverEveryEndpointOnceAndStayPut(t *testing.T) {
	const n = 4
	before := map[string]int{}
	all := namedEndpoints(1, 100)
	for k := 1; k <= n; k++ {
		part, shard := selectShard(all, k, n)
		if shard.Total != 100 || shard.Endpoints != len(part) {
			t.Errorf("shard %d: %+v for %d endpoints", k, shard, len(part))
		}
		for _, ep := range part {
			if prev, ok := before[ep.Name]; ok {
				t.Errorf("%s is in shards %d and %d", ep.Name, prev, k)
			}
			before[ep.Name] = k
		}
	}
	if len(before) != 100 {
		t.Fatalf("the shards hold %d of 100 endpoints", len(before))
	}
	grown := namedEndpoints(1, 150)
	for k := 1; k <= n; k++ {
		part, _ := selectShard(grown, k, n)
		for _, ep := range part {
			if was, ok := before[ep.Name]; ok && was != k {
				t.Errorf("adding endpoints moved %s from shard %d to %d", ep.Name, was, k)
			}
		}
	}
}

func TestShardFlagIsChecked(t *testing.T) {
	for _, bad := range []string{"2", "0/3", "4/3", "1/0", "a/b", "1/1001", "index=3/3", "index=-1/3"} {
		res := runMain(t, nil, "run", "--base-url", "http://127.0.0.1:1", "--path", "/items", "--found", "1", "--shard", bad)
		if res.code != ExitUsage || !strings.Contains(res.stderr, "--shard") || strings.Count(res.stderr, "\n") != 1 {
			t.Errorf("--shard %s: exit %d, stderr %q", bad, res.code, res.stderr)
		}
	}
}

// shardedConfig writes 12 endpoints: 4 on an API that answers 200 to
// everything, 8 on an honest one.
func shardedConfig(t *testing.T, base string) string {
	return endpointsConfig{count: 12, name: "svc-%02d", prefix: everyThird}.write(t, base)
}

// TestMergedShardsGiveTheUnsplitRunsVerdicts: a run split in three and
// merged back has the verdict, the exit code and every case outcome of
// the same run unsplit.
func TestMergedShardsGiveTheUnsplitRunsVerdicts(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	cfg := shardedConfig(t, base)
	whole := runMain(t, nil, "run", "--config", cfg)
	// The parts side by side, as CI artifacts download; the last one with
	// the zero-based index of a Kubernetes Indexed Job.
	parts := t.TempDir()
	endpoints := 0
	for k, shard := range []string{"1/3", "2/3", "index=2/3"} {
		dir := filepath.Join(parts, fmt.Sprintf("shard-%d", k+1))
		part := runMain(t, nil, "run", "--config", cfg, "--shard", shard, "--report-dir", dir)
		if part.run.Shard == nil || part.run.Shard.Index != k+1 {
			t.Fatalf("--shard %s recorded %+v", shard, part.run.Shard)
		}
		endpoints += part.run.Shard.Endpoints
	}
	if endpoints != 12 {
		t.Fatalf("the shards probed %d of 12 endpoints", endpoints)
	}
	out := t.TempDir()
	merged := runMain(t, nil, "merge", "--report-dir", out, parts)
	if merged.code != whole.code || merged.run == nil || merged.run.Verdict != whole.run.Verdict {
		t.Fatalf("merge: exit %d (unsplit %d)\n%s%s", merged.code, whole.code, merged.stdout, merged.stderr)
	}
	want := map[string]string{}
	for _, c := range whole.run.Cases {
		want[c.ID] = string(c.Outcome)
	}
	for _, c := range merged.run.Cases {
		if want[c.ID] != string(c.Outcome) {
			t.Errorf("%s: %s merged, %s unsplit", c.ID, c.Outcome, want[c.ID])
		}
		delete(want, c.ID)
	}
	if len(want) > 0 || merged.run.Counts != whole.run.Counts {
		t.Errorf("merged counts %+v, unsplit %+v; cases missing from the merge: %v", merged.run.Counts, whole.run.Counts, want)
	}
	if merged.run.Incident == nil || !strings.Contains(merged.stdout, "THE INCIDENT:") {
		t.Errorf("the merged report does not name the incident:\n%s", merged.stdout)
	}
	for _, name := range []string{reports.JUnitFile, reports.HTMLFile, reports.SummaryFile} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil {
			t.Errorf("merge wrote no %s: %v", name, err)
		}
	}
}

// TestMergeRefusesWhatIsNotOneJob: a part given twice, parts of two
// APIs, the output over a part; and a missing shard makes an honest
// run's merge inconclusive, never a pass.
func TestMergeRefusesWhatIsNotOneJob(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	_, other := referenceAPI(t, fixtures.Options{})
	honest := shardedConfig(t, base)
	data, err := os.ReadFile(honest)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(honest, []byte(strings.ReplaceAll(string(data), "always-200", "strict")), 0o644); err != nil {
		t.Fatal(err)
	}
	shard := func(k int, baseURL string) string {
		dir := t.TempDir()
		runMain(t, nil, "run", "--config", honest, "--base-url", baseURL, "--shard", fmt.Sprintf("%d/2", k), "--report-dir", dir)
		return dir
	}
	one, two := shard(1, base), shard(2, base)
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{one, one}, "are the same run"},
		{[]string{one, shard(2, other)}, "the parts of one job probe one API"},
		{[]string{"--report-dir", two, one, two}, "is one of the parts"},
		{[]string{filepath.Join(t.TempDir(), "none")}, "none"},
		{nil, "give the report directories"},
	} {
		args := append([]string{"merge"}, tc.args...)
		if len(tc.args) == 0 || tc.args[0] != "--report-dir" {
			args = append([]string{"merge", "--report-dir", t.TempDir()}, tc.args...)
		}
		res := runMain(t, nil, args...)
		if res.code != ExitUsage || !strings.Contains(res.stderr, tc.want) || strings.Count(res.stderr, "\n") != 1 {
			t.Errorf("merge %v: exit %d, stderr %q, want %q", tc.args, res.code, res.stderr, tc.want)
		}
	}
	res := runMain(t, nil, "merge", "--report-dir", t.TempDir(), one)
	if res.code != ExitInconclusive || !strings.Contains(res.stdout, "shard 2/2 is missing") {
		t.Errorf("merging one of two shards: exit %d\n%s", res.code, res.stdout)
	}
	if res := runMain(t, nil, "merge", "--report-dir", t.TempDir(), one, two); res.code != ExitPass {
		t.Errorf("merging both shards of an honest run: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestAnEmptyShardPasses: a part that holds no endpoint has nothing to
// probe; it passes and says so, and the merge judges the whole.
func TestAnEmptyShardPasses(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	empty := 1
	if shardOf("items", 8) == 1 {
		empty = 2
	}
	res := runMain(t, nil, "run", "--base-url", base+"/strict", "--path", "/items", "--found", "2,3", "--shard", fmt.Sprintf("%d/8", empty))
	if res.code != ExitPass || !strings.Contains(res.stdout, fmt.Sprintf("shard %d/8 holds none of the 1 endpoints", empty)) {
		t.Errorf("an empty shard: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}

// TestMergeRefusesAStalePart: last night's reports left in a shard's
// directory are not tonight's part.
func TestMergeRefusesAStalePart(t *testing.T) {
	_, base := referenceAPI(t, fixtures.Options{})
	var dirs []string
	for k := 1; k <= 2; k++ {
		dir := t.TempDir()
		runMain(t, nil, "run", "--base-url", base+"/strict", "--path", "/items", "--found", "2,3", "--shard", fmt.Sprintf("%d/2", k), "--report-dir", dir)
		dirs = append(dirs, dir)
	}
	path := filepath.Join(dirs[0], reports.ResultsFile)
	run, err := reports.ReadJSON(path)
	if err != nil {
		t.Fatal(err)
	}
	run.Started = run.Started.Add(-24 * time.Hour)
	var b bytes.Buffer
	if err := reports.WriteJSON(&b, run); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	res := runMain(t, nil, "merge", "--report-dir", t.TempDir(), dirs[0], dirs[1])
	if res.code != ExitUsage || !strings.Contains(res.stderr, "24h0m0s apart, more than --max-spread 12h0m0s") {
		t.Errorf("a stale part: exit %d, stderr %q", res.code, res.stderr)
	}
	res = runMain(t, nil, "merge", "--report-dir", t.TempDir(), "--max-spread", "48h", dirs[0], dirs[1])
	if res.code == ExitUsage {
		t.Errorf("--max-spread 48h still refuses: %s", res.stderr)
	}
}
