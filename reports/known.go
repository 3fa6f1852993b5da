package reports

import (
	"bytes"
	"fmt"
	"os"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/suites"
)

// KnownFailure is one entry of a --known-failures file: a case that is
// allowed to fail, for a reason, until a date.
type KnownFailure struct {
	Case    string `yaml:"case" json:"case"`       // case ID, e.g. items/partial
	Reason  string `yaml:"reason" json:"reason"`   // why it fails and who fixes it
	Expires string `yaml:"expires" json:"expires"` // last day it is allowed (YYYY-MM-DD, UTC)
	until   time.Time
}

// KnownStatus says what became of a known-failure entry in a run.
type KnownStatus struct {
	KnownFailure
	// Status is applied (failed, allowed), expired (failed, not allowed
	// any more), stale (passes now: remove the entry), not-judged (error,
	// skipped or not run) or unknown (no such case in this run).
	Status string `json:"status"`
}

// LoadKnownFailures reads a known-failures file:
//
//	known_failures:
//	  - case: items/partial
//	    reason: "PROJ-123: partial answers lack missing_ids"
//	    expires: 2026-12-31
func LoadKnownFailures(path string) ([]KnownFailure, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var doc struct {
		KnownFailures []KnownFailure `yaml:"known_failures"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	seen := map[string]bool{}
	for i := range doc.KnownFailures {
		k := &doc.KnownFailures[i]
		at := fmt.Sprintf("%s: known_failures[%d]", path, i)
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

// ApplyKnownFailures marks failures listed in known as known failures
// while their entry has not expired, records what became of every entry,
// and recounts the run. now decides expiry: an entry holds through its
// expiry date.
func (run *Run) ApplyKnownFailures(known []KnownFailure, now time.Time) {
	index := map[string]int{}
	for i, c := range run.Cases {
		index[c.ID] = i
	}
	today := now.UTC().Truncate(24 * time.Hour)
	run.Known = nil
	for _, k := range known {
		status := KnownStatus{KnownFailure: k}
		i, ok := index[k.Case]
		switch {
		case !ok:
			status.Status = "unknown"
		case run.Cases[i].Outcome == suites.Fail && today.After(k.until):
			status.Status = "expired"
			run.Cases[i].Notes = append(run.Cases[i].Notes, suites.Finding{Check: "known-failure", Level: suites.LevelInfo,
				Message: fmt.Sprintf("%s was a known failure until %s (%s); it fails the run again", k.Case, k.Expires, k.Reason)})
		case run.Cases[i].Outcome == suites.Fail:
			status.Status = "applied"
			run.Cases[i].Outcome = suites.KnownFailure
			run.Cases[i].Reason = fmt.Sprintf("known failure until %s: %s", k.Expires, k.Reason)
		case run.Cases[i].Outcome == suites.Pass:
			status.Status = "stale"
		default:
			status.Status = "not-judged"
		}
		run.Known = append(run.Known, status)
	}
	run.Tally()
}
