package reports

import (
	"fmt"
	"slices"
	"strings"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
)

// headlineKinds are the cases of the incident's family: an ID set that
// is partly or wholly absent, or not IDs at all. A false 2xx there is
// what crashes clients, so their failures lead every report.
var headlineKinds = []plan.Kind{
	plan.Partial, plan.None, plan.Malformed, plan.MalformedMixed, plan.NoResults, plan.ParamMalformed,
}

// HeadlineOrder returns the cases of run with what matters first: the
// incident's case, the failures of partial, none and malformed, the other
// failures, known failures, errors, cases that passed with warnings, the
// passes, and the skipped cases last. Within each group the plan's order
// is kept.
func HeadlineOrder(run *Run) []Case {
	order := headlineIndexes(run)
	out := make([]Case, len(order))
	for k, i := range order {
		out[k] = run.Cases[i]
	}
	return out
}

// headlineIndexes returns the indexes of run.Cases in headline order,
// for callers that point into run.Cases rather than copy it.
func headlineIndexes(run *Run) []int {
	order := make([]int, len(run.Cases))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := run.Cases[i], run.Cases[j]
		if d := headlineRank(run, a) - headlineRank(run, b); d != 0 {
			return d
		}
		return kindRank(a) - kindRank(b)
	})
	return order
}

// kindRank orders the headline kinds as the incident's story goes:
// partial, none, then malformed; every other kind keeps the plan's order.
func kindRank(c Case) int {
	if c.Outcome != suites.Fail {
		return 0
	}
	base, _, _ := strings.Cut(c.Case, ":")
	if i := slices.Index(headlineKinds, plan.Kind(base)); i >= 0 {
		return i
	}
	return 0
}

func headlineRank(run *Run, c Case) int {
	switch {
	case run.Incident != nil && c.ID == run.Incident.Case:
		return 0
	case c.Outcome == suites.Fail && isHeadlineKind(c.Case):
		return 1
	case c.Outcome == suites.Fail:
		return 2
	case c.Outcome == suites.KnownFailure:
		return 3
	case c.Outcome == suites.Error || c.Outcome == suites.NotRun:
		return 4
	case len(c.Warnings) > 0:
		return 5
	case c.Outcome == suites.Skipped:
		return 7
	}
	return 6
}

// isHeadlineKind says whether a case kind (param cases carry their
// parameter after a colon) is of the incident's family.
func isHeadlineKind(kind string) bool {
	base, _, _ := strings.Cut(kind, ":")
	return slices.Contains(headlineKinds, plan.Kind(base))
}

// EndpointSummary is one endpoint's line in the console and summary.md
// tables of a run.
type EndpointSummary struct {
	Endpoint string
	Profile  string
	Counts   Counts
	// Failing lists the endpoint's failing case kinds, headline first.
	Failing []string
	// File and Line point at the endpoint's definition, when known.
	File string
	Line int
}

// EndpointSummaries sums run per endpoint, in the run's endpoint order.
func EndpointSummaries(run *Run) []EndpointSummary {
	byName := map[string]*EndpointSummary{}
	var out []*EndpointSummary
	for _, name := range run.Endpoints() {
		e := &EndpointSummary{Endpoint: name}
		byName[name] = e
		out = append(out, e)
	}
	for _, c := range HeadlineOrder(run) {
		e := byName[c.Endpoint]
		if e == nil {
			continue
		}
		if e.Profile == "" {
			e.Profile, e.File, e.Line = c.Profile, c.File, c.Line
		}
		e.Counts.Add(c.Outcome, len(c.Warnings))
		if c.Outcome == suites.Fail {
			e.Failing = append(e.Failing, c.Case)
		}
	}
	list := make([]EndpointSummary, len(out))
	for i, e := range out {
		list[i] = *e
	}
	return list
}

// caseGroup is cases that differ only in their endpoint: the same kind,
// the same first finding (or reason) and the same impact.
type caseGroup struct {
	first  Case
	others []string // the endpoints of the other cases
}

// groupCases groups cases, keeping the order of each group's first case.
func groupCases(cases []Case) []*caseGroup {
	var out []*caseGroup
	byKey := map[string]*caseGroup{}
	for _, c := range cases {
		msg := c.Reason
		if len(c.Failures) > 0 {
			msg = strings.TrimPrefix(c.Failures[0].Message, c.ID+": ")
		}
		key := strings.Join([]string{c.Case, msg, c.Impact, fmt.Sprint(len(c.Failures))}, "\x00")
		if g := byKey[key]; g != nil {
			g.others = append(g.others, c.Endpoint)
			continue
		}
		g := &caseGroup{first: c}
		byKey[key] = g
		out = append(out, g)
	}
	return out
}

// sameOnShown is how many other endpoints a grouped entry names.
const sameOnShown = 4

// namesShown lists the first sameOnShown names, and an ellipsis for the rest.
func namesShown(names []string) string {
	shown := strings.Join(names[:min(len(names), sameOnShown)], ", ")
	if len(names) > sameOnShown {
		shown += ", …"
	}
	return shown
}
