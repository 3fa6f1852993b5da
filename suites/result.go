package suites

import (
	"time"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// Outcome is the verdict on one case. Outcomes are kept apart: an error
// (inconclusive) is never a failure, and a skipped case is never a pass.
type Outcome string

// The outcomes.
const (
	Pass    Outcome = "pass"
	Fail    Outcome = "fail"
	Error   Outcome = "error"   // inconclusive: transport failure, or a 429 outside the burst
	Skipped Outcome = "skipped" // not configured, not applicable, or not in the profile
	NotRun  Outcome = "not-run" // the run stopped before the case was answered
)

// Finding is one broken expectation or rule, or an info note.
type Finding struct {
	Check   string `json:"check"` // status, ids, missing_ids, ..., or rule:<id>
	Level   Level  `json:"level"`
	Message string `json:"message"`
	Impact  string `json:"impact,omitempty"`
	Source  string `json:"source,omitempty"`
}

// Result is the judge's verdict on one case.
type Result struct {
	Case           *plan.Case
	Suite          string
	Profile        string
	Exchange       *probe.Exchange
	Outcome        Outcome
	Expected       string // the profile's expectation, in words
	ExpectedStatus []int
	Failures       []Finding
	Warnings       []Finding
	Notes          []Finding
	Reason         string // why the case was skipped, errored or not run
	Message        string // the failure message as the judge reported it
	Duration       time.Duration

	notRun       bool
	inconclusive bool
	facts        *answerFacts // what detection and the incident need of the answer
}

// Impact returns the consumer impact of the first failure.
func (r *Result) Impact() string {
	for _, f := range r.Failures {
		if f.Impact != "" {
			return f.Impact
		}
	}
	return ""
}
