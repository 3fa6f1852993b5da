package suites

import (
	"fmt"
	"strings"

	"github.com/onsi/gomega/types"

	"github.com/apiconform/apiconform/suites/plan"
)

// bodyCheck is one thing a profile cell can demand of a body, under its
// own key (`missing_ids: missing`, `ok: false`, ...). Adding a body check
// is one entry in bodyChecks: how its value is read from the profile, how
// it is said in words, the matcher that checks it and the consumer it
// misleads when it fails. Checks run in the table's order.
type bodyCheck struct {
	name  string
	level Level // LevelFail unless set
	// optional checks read what a body offers and do not demand a JSON
	// body: a body without the member passes.
	optional bool
	// implies names checks that come with this one (error_body brings its
	// warn-level error_reason).
	implies []string
	// parse reads the cell's value (a string, bool or map as YAML gives it).
	parse func(v any, p *Profile) (any, error)
	// words says what the check expects of case c, e.g. "missing_ids [1]".
	words func(arg any, c *plan.Case) string
	// matcher checks the body.
	matcher func(arg any, c *plan.Case) types.GomegaMatcher
	// impact names the consumer a failure misleads.
	impact func(arg any, o *Observation, c *plan.Case) string
}

var bodyChecks = []bodyCheck{
	{
		name: "error_body", parse: parseTrue, implies: []string{"error_reason"},
		words:   func(any, *plan.Case) string { return "error body" },
		matcher: func(any, *plan.Case) types.GomegaMatcher { return HaveErrorBody() },
		impact:  fixedImpact("client code and logs cannot read the error: it is not a JSON object"),
	},
	{
		name: "error_reason", parse: parseTrue, level: LevelWarn,
		matcher: func(any, *plan.Case) types.GomegaMatcher { return HaveErrorReason() },
		impact:  fixedImpact("client code and logs get no machine-readable reason for the error"),
	},
	{
		name: "ok", parse: parseBool,
		words:   func(arg any, c *plan.Case) string { return fmt.Sprintf("%s %t", c.Endpoint.Fields.OK, arg.(bool)) },
		matcher: func(arg any, _ *plan.Case) types.GomegaMatcher { return HaveOK(arg.(bool)) },
		impact:  func(arg any, _ *Observation, c *plan.Case) string { return okImpact(c, arg.(bool)) },
	},
	{
		name: "error", parse: parseTrue,
		words:   func(_ any, c *plan.Case) string { return c.Endpoint.Fields.Error + " set" },
		matcher: func(any, *plan.Case) types.GomegaMatcher { return HaveErrorCode() },
		impact:  fixedImpact("client code gets no error code to branch on"),
	},
	{
		name: "ids", parse: parseIDSet,
		words: func(arg any, c *plan.Case) string {
			return fmt.Sprintf("%s IDs %s", c.Endpoint.Fields.Data, fmtIDs(arg.(IDSet).Of(c)))
		},
		matcher: func(arg any, c *plan.Case) types.GomegaMatcher {
			return HaveItemIDs(arg.(IDSet).Of(c), setWords(arg.(IDSet)))
		},
		impact: fixedImpact("client code that maps the answer to the requested records gets a different set than it asked for: the incident's parse error"),
	},
	{
		name: "item_id", parse: parseIDSet, optional: true,
		words: func(arg any, c *plan.Case) string {
			return fmt.Sprintf("the record's %s %s where the body carries one", c.Endpoint.Fields.ID, fmtIDs(arg.(IDSet).Of(c)))
		},
		matcher: func(arg any, c *plan.Case) types.GomegaMatcher { return HaveRecordID(arg.(IDSet).Of(c)) },
		impact:  fixedImpact("client code that asked for one record is handed another"),
	},
	{
		name: "missing_ids", parse: parseIDSet,
		words: func(arg any, c *plan.Case) string {
			return fmt.Sprintf("%s %s", c.Endpoint.Fields.MissingIDs, fmtIDs(arg.(IDSet).Of(c)))
		},
		matcher: func(arg any, c *plan.Case) types.GomegaMatcher {
			return HaveIDList(func(o *Observation) string { return o.Fields.MissingIDs }, arg.(IDSet).Of(c), setWords(arg.(IDSet)))
		},
		impact: func(_ any, o *Observation, c *plan.Case) string { return missingIDsImpact(o, c) },
	},
	{
		name: "requested_ids", parse: parseIDSet,
		words: func(arg any, c *plan.Case) string {
			return fmt.Sprintf("%s %s", c.Endpoint.Fields.RequestedIDs, fmtIDs(arg.(IDSet).Of(c)))
		},
		matcher: func(arg any, c *plan.Case) types.GomegaMatcher {
			return HaveIDList(func(o *Observation) string { return o.Fields.RequestedIDs }, arg.(IDSet).Of(c), setWords(arg.(IDSet)))
		},
		impact: fixedImpact("a client cannot match the answer to the request it made"),
	},
	{
		name: "returned_count", parse: parseIDSet,
		words: func(arg any, c *plan.Case) string {
			return fmt.Sprintf("%s %d", c.Endpoint.Fields.ReturnedCount, len(arg.(IDSet).Of(c)))
		},
		matcher: func(arg any, c *plan.Case) types.GomegaMatcher { return HaveCount(len(arg.(IDSet).Of(c))) },
		impact:  fixedImpact("a client that checks returned_count against requested_ids miscounts what was delivered"),
	},
	{
		name: "results", parse: parseResults,
		words: func(arg any, c *plan.Case) string {
			var items []string
			for _, it := range itemExpectations(c, arg.(map[IDSet][]int)) {
				items = append(items, it.ID+"→"+fmtCodes(it.Codes))
			}
			return "per item " + strings.Join(items, ", ")
		},
		matcher: func(arg any, c *plan.Case) types.GomegaMatcher {
			return HaveResults(itemExpectations(c, arg.(map[IDSet][]int)))
		},
		impact: fixedImpact("a client walking the per-item results never learns the fate of every ID it asked for"),
	},
}

func (c *bodyCheck) levelOr(l Level) Level {
	if c.level == "" {
		return l
	}
	return c.level
}

// lookupBodyCheck returns the body check named name, or nil.
func lookupBodyCheck(name string) *bodyCheck {
	for i := range bodyChecks {
		if bodyChecks[i].name == name {
			return &bodyChecks[i]
		}
	}
	return nil
}

func bodyCheckNames() string {
	names := make([]string, len(bodyChecks))
	for i, c := range bodyChecks {
		names[i] = c.name
	}
	return strings.Join(names, ", ")
}

func fixedImpact(s string) func(any, *Observation, *plan.Case) string {
	return func(any, *Observation, *plan.Case) string { return s }
}

func parseBool(v any, _ *Profile) (any, error) {
	b, ok := v.(bool)
	if !ok {
		return nil, fmt.Errorf("%v is not true or false", v)
	}
	return b, nil
}

// parseTrue reads a flag that is only ever switched on.
func parseTrue(v any, p *Profile) (any, error) {
	b, err := parseBool(v, p)
	if err == nil && !b.(bool) {
		return nil, fmt.Errorf("false: leave the key out instead")
	}
	return b, err
}

func parseIDSet(v any, _ *Profile) (any, error) {
	s, _ := v.(string)
	if set := IDSet(s); set.valid() {
		return set, nil
	}
	return nil, fmt.Errorf("%q is not one of sent, found, missing, malformed, none", fmt.Sprint(v))
}

// parseResults reads a 207 cell's per-item statuses by kind of ID.
func parseResults(v any, p *Profile) (any, error) {
	m, ok := v.(map[string]any)
	if !ok || len(m) == 0 {
		return nil, fmt.Errorf("needs a map of found/missing/malformed to statuses")
	}
	out := map[IDSet][]int{}
	for key, words := range m {
		set := IDSet(key)
		if set != SetFound && set != SetMissing && set != SetMalformed {
			return nil, fmt.Errorf("%q is not one of found, missing, malformed", key)
		}
		list, ok := words.([]any)
		if !ok {
			return nil, fmt.Errorf("%s: needs a list of statuses", key)
		}
		codes, err := p.codes(statusWords(list))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", key, err)
		}
		out[set] = codes
	}
	return out, nil
}

// statusWords turns YAML's scalars (numbers or words) into status words.
func statusWords(list []any) []StatusCode {
	out := make([]StatusCode, len(list))
	for i, w := range list {
		out[i] = StatusCode(fmt.Sprint(w))
	}
	return out
}
