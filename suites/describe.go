package suites

import (
	"strings"

	"github.com/apiconform/apiconform/suites/plan"
)

// itemExpectations lists what each sent ID's entry of a 207 body must
// say, given the accepted statuses by kind of ID.
func itemExpectations(c *plan.Case, resultCodes map[IDSet][]int) []ItemExpectation {
	kindOf := map[string]IDSet{}
	for _, id := range c.IDs.Malformed {
		kindOf[id] = SetMalformed
	}
	for _, id := range c.IDs.Missing {
		kindOf[id] = SetMissing
	}
	for _, id := range c.IDs.Found {
		kindOf[id] = SetFound
	}
	var items []ItemExpectation
	for _, id := range unique(c.IDs.Sent) {
		kind := kindOf[id]
		items = append(items, ItemExpectation{ID: id, Codes: resultCodes[kind], WithData: kind == SetFound})
	}
	return items
}

func setWords(s IDSet) string {
	switch s {
	case SetSent:
		return "every ID sent"
	case SetFound:
		return "the found IDs"
	case SetMissing:
		return "the missing IDs"
	case SetMalformed:
		return "the malformed IDs"
	}
	return "no ID"
}

// Describe states profile p's expectation for case c in words, with the
// case's IDs: "404 + error body + missing_ids [1]".
func Describe(p *Profile, c *plan.Case) string {
	alts := p.ExpectOn(c.Endpoint, c.Kind)
	if len(alts) == 0 {
		return "no expectation in profile " + p.Name
	}
	return describeAlternatives(alts, c)
}

// describeAlternatives writes a profile cell in words with the case's IDs,
// e.g. "404 + error body + missing_ids [1]".
func describeAlternatives(alts []*Alternative, c *plan.Case) string {
	var out []string
	for _, a := range alts {
		parts := []string{fmtCodes(a.Codes())}
		for _, check := range a.checks {
			if check.words != nil {
				parts = append(parts, check.words(check.arg, c))
			}
		}
		if c.Kind == plan.RateLimit {
			parts = append(parts, "valid Retry-After, then recovery")
		}
		out = append(out, strings.Join(parts, " + "))
	}
	return strings.Join(out, ", or ")
}
