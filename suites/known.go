package suites

import (
	"bytes"
	"fmt"
	"time"

	"go.yaml.in/yaml/v3"
)

// KnownFailure is the outcome of a failure listed in --known-failures and
// not yet expired. Only ApplyKnownFailures sets it, after judging: the
// judge itself never does.
const KnownFailure Outcome = "known-failure"

// KnownFailureEntry is one entry of a --known-failures file: a case that
// is allowed to fail, for a reason, until a date.
type KnownFailureEntry struct {
	Case    string `yaml:"case" json:"case"`       // case ID, e.g. items/partial
	Reason  string `yaml:"reason" json:"reason"`   // why it fails and who fixes it
	Expires string `yaml:"expires" json:"expires"` // last day it is allowed (YYYY-MM-DD, UTC)
	until   time.Time
}

// KnownStatus says what became of a known-failure entry in a run.
type KnownStatus struct {
	KnownFailureEntry
	// Status is applied (failed, allowed), expired (failed, not allowed
	// any more), stale (passes now: remove the entry), not-judged (error,
	// skipped or not run) or unknown (no such case in this run).
	Status string `json:"status"`
}

// ParseKnownFailures reads a known-failures file (source names it in errors):
//
//	known_failures:
//	  - case: items/partial
//	    reason: "PROJ-123: partial answers lack missing_ids"
//	    expires: 2026-12-31
func ParseKnownFailures(data []byte, source string) ([]KnownFailureEntry, error) {
	var doc struct {
		KnownFailures []KnownFailureEntry `yaml:"known_failures"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", source, err)
	}
	seen := map[string]bool{}
	for i := range doc.KnownFailures {
		k := &doc.KnownFailures[i]
		at := fmt.Sprintf("%s: known_failures[%d]", source, i)
		switch {
		case k.Case == "":
			return nil, fmt.Errorf("%s: case is required (an ID such as items/partial)", at)
		case k.Reason == "":
			return nil, fmt.Errorf("%s (%s): reason is required", at, k.Case)
		case seen[k.Case]:
			return nil, fmt.Errorf("%s: %s is listed twice", at, k.Case)
		}
		seen[k.Case] = true
		until, err := time.Parse("2006-01-02", k.Expires)
		if err != nil {
			return nil, fmt.Errorf("%s (%s): expires %q is not a date like 2026-12-31", at, k.Case, k.Expires)
		}
		k.until = until
	}
	return doc.KnownFailures, nil
}

// ApplyKnownFailures marks the failures that entries list as known
// failures while their entry has not expired, and says what became of
// every entry. now decides expiry: an entry holds through its expiry date.
func ApplyKnownFailures(results []*Result, entries []KnownFailureEntry, now time.Time) []KnownStatus {
	byID := map[string]*Result{}
	for _, r := range results {
		byID[r.Case.ID] = r
	}
	today := now.UTC().Truncate(24 * time.Hour)
	var statuses []KnownStatus
	for _, k := range entries {
		status := KnownStatus{KnownFailureEntry: k}
		r, ok := byID[k.Case]
		switch {
		case !ok:
			status.Status = "unknown"
		case r.Outcome == Fail && today.After(k.until):
			status.Status = "expired"
			r.Notes = append(r.Notes, Finding{Check: "known-failure", Level: LevelInfo,
				Message: fmt.Sprintf("%s was a known failure until %s (%s); it fails the run again", k.Case, k.Expires, k.Reason)})
		case r.Outcome == Fail:
			status.Status = "applied"
			r.Outcome = KnownFailure
			r.Reason = fmt.Sprintf("known failure until %s: %s", k.Expires, k.Reason)
		case r.Outcome == Pass:
			status.Status = "stale"
		default:
			status.Status = "not-judged"
		}
		statuses = append(statuses, status)
	}
	return statuses
}
