package reports

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/apiconform/apiconform/suites"
)

// checkSpread refuses parts that started further apart than maxSpread: a
// part that failed to write tonight must not be stood in for by last
// night's reports left in its directory.
func checkSpread(runs []*Run, sources []string, maxSpread time.Duration) error {
	first, last := 0, 0
	for i, r := range runs {
		if r.Started.Before(runs[first].Started) {
			first = i
		}
		if r.Started.After(runs[last].Started) {
			last = i
		}
	}
	if spread := runs[last].Started.Sub(runs[first].Started); spread > maxSpread {
		return fmt.Errorf("%s started at %s, %s at %s: %s apart, more than --max-spread %s, so they are not one job's parts (a stale part?)",
			sources[first], runs[first].Started.Format(time.RFC3339), sources[last], runs[last].Started.Format(time.RFC3339),
			spread.Round(time.Minute), maxSpread)
	}
	return nil
}

// Merge combines the runs of the parts of one job (the shards of a CI
// matrix, a rate-limit job run apart) into one run with the verdict of
// the whole; sources name where each run was read from. It refuses runs
// that cannot be one job's: another target, the same run twice, a case
// judged in two parts, shards of different splits, or parts that started
// more than maxSpread apart. A missing shard is
// a gap: the merged run is then inconclusive unless something failed.
func Merge(runs []*Run, sources []string, maxSpread time.Duration) (*Run, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("nothing to merge: give the report directories of the parts")
	}
	if err := checkMergeable(runs, sources); err != nil {
		return nil, err
	}
	if err := checkSpread(runs, sources, maxSpread); err != nil {
		return nil, err
	}
	first := runs[0]
	out := &Run{Tool: "apiconform", Version: first.Version, Target: first.Target, Profile: first.Profile,
		ReportURL: first.ReportURL, Insecure: slices.ContainsFunc(runs, func(r *Run) bool { return r.Insecure })}
	out.RunID = newRunID()
	cases, err := mergeCases(runs, sources)
	if err != nil {
		return nil, err
	}
	out.Cases = cases
	mergeMeta(out, runs, sources)
	out.Gaps = append(out.Gaps, missingShards(runs)...)
	out.Tally()
	return out, nil
}

// checkMergeable refuses parts that cannot come from one job.
func checkMergeable(runs []*Run, sources []string) error {
	seen := map[string]string{}
	shards := map[int]string{}
	var split *Shard
	for i, r := range runs {
		if r.Target != runs[0].Target {
			return fmt.Errorf("%s probed %s, but %s probed %s: the parts of one job probe one API", sources[i], r.Target, sources[0], runs[0].Target)
		}
		if prev, ok := seen[r.RunID]; ok && r.RunID != "" {
			return fmt.Errorf("%s and %s are the same run (run ID %s): give each part once", prev, sources[i], r.RunID)
		}
		seen[r.RunID] = sources[i]
		if r.Detection != nil {
			return fmt.Errorf("%s is a detect run: merge puts together the parts of `apiconform run`", sources[i])
		}
		if r.Shard == nil {
			continue
		}
		if split != nil && split.Count != r.Shard.Count {
			return fmt.Errorf("%s is shard %d/%d, but another part is of %d shards: merge the parts of one split", sources[i], r.Shard.Index, r.Shard.Count, split.Count)
		}
		if prev, ok := shards[r.Shard.Index]; ok {
			return fmt.Errorf("%s and %s are both shard %d/%d: give each shard once", prev, sources[i], r.Shard.Index, r.Shard.Count)
		}
		shards[r.Shard.Index] = sources[i]
		split = r.Shard
	}
	return nil
}

// mergeCases puts the cases of every part together. A case that one part
// skipped (a filter, a burst run apart) gives way to the part that judged
// it; a case judged in two parts is refused, since no verdict of the two
// would be honest.
func mergeCases(runs []*Run, sources []string) ([]Case, error) {
	var out []Case
	at := map[string]int{}
	from := map[string]string{}
	for i, r := range runs {
		for _, c := range r.Cases {
			j, ok := at[c.ID]
			switch {
			case !ok:
				at[c.ID], from[c.ID] = len(out), sources[i]
				out = append(out, c)
			case c.Outcome == suites.Skipped:
			case out[j].Outcome == suites.Skipped:
				out[j], from[c.ID] = c, sources[i]
			default:
				return nil, fmt.Errorf("case %s was judged in %s and in %s: each case must come from one part (are two shards of different configs, or a part given twice?)", c.ID, from[c.ID], sources[i])
			}
		}
	}
	return out, nil
}

// mergeMeta combines what the parts say about themselves: the span of
// time they ran in, their notices, IDs, gaps, known failures, the first
// incident and why any of them stopped early.
func mergeMeta(out *Run, runs []*Run, sources []string) {
	var end time.Time
	seeds := map[int64]bool{}
	for i, r := range runs {
		if out.Started.IsZero() || r.Started.Before(out.Started) {
			out.Started = r.Started
		}
		if e := r.Started.Add(time.Duration(r.DurationMS) * time.Millisecond); e.After(end) {
			end = e
		}
		for _, n := range r.Notices {
			if !strings.HasPrefix(n, "shard ") && !slices.Contains(out.Notices, n) {
				out.Notices = append(out.Notices, n)
			}
		}
		out.IDs = append(out.IDs, r.IDs...)
		out.Gaps = append(out.Gaps, r.Gaps...)
		out.Known = append(out.Known, r.Known...)
		if out.Incident == nil {
			out.Incident = r.Incident
		}
		if r.Interrupted != "" {
			out.Interrupted = joinReason(out.Interrupted, sources[i]+": "+r.Interrupted)
		}
		if r.Seed != 0 {
			seeds[r.Seed] = true
			out.Seed = r.Seed
		}
		out.Parts = append(out.Parts, Part{Source: sources[i], RunID: r.RunID, Shard: r.Shard, Verdict: r.Verdict})
	}
	if len(seeds) > 1 {
		out.Seed = 0
		out.Notices = append(out.Notices, "the parts generated their IDs from different seeds; each part's results.json records its own")
	}
	out.DurationMS = end.Sub(out.Started).Milliseconds()
	out.Notices = append(out.Notices, fmt.Sprintf("merged from %d parts: %s", len(runs), strings.Join(sources, ", ")))
}

func joinReason(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}

// missingShards names the shards of the split that no part holds.
func missingShards(runs []*Run) []string {
	count := 0
	have := map[int]bool{}
	for _, r := range runs {
		if r.Shard != nil {
			count = r.Shard.Count
			have[r.Shard.Index] = true
		}
	}
	var gaps []string
	for k := 1; k <= count; k++ {
		if !have[k] {
			gaps = append(gaps, fmt.Sprintf("shard %d/%d is missing from the merge: its endpoints were not judged", k, count))
		}
	}
	return gaps
}
