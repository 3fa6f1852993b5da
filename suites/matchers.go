package suites

import (
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/apiconform/apiconform/suites/words"
	"github.com/onsi/gomega/types"
	"github.com/tidwall/gjson"
)

// observationMatcher is a Gomega matcher over an *Observation: expect
// says what the rule wants (in the endpoint's field names), and match says
// what came back when it fails.
type observationMatcher struct {
	expect   func(o *Observation) string
	match    func(o *Observation) (ok bool, got string)
	expected string
	got      string
}

var _ types.GomegaMatcher = (*observationMatcher)(nil)

func (m *observationMatcher) Match(actual any) (bool, error) {
	o, ok := actual.(*Observation)
	if !ok || o == nil {
		return false, fmt.Errorf("expected an *Observation, got %T", actual)
	}
	m.expected = m.expect(o)
	ok, m.got = m.match(o)
	if !ok && !strings.HasPrefix(m.got, strconv.Itoa(o.Status)+" ") {
		// Every answer is told with its status: the status is the claim.
		m.got = fmt.Sprintf("%d %s, %s", o.Status, http.StatusText(o.Status), m.got)
	}
	return ok, nil
}

func (m *observationMatcher) FailureMessage(any) string {
	return "expected " + m.expected + "; got " + m.got
}

func (m *observationMatcher) NegatedFailureMessage(any) string {
	return "expected not " + m.expected + "; got " + m.got
}

func matcher(expect func(o *Observation) string, match func(o *Observation) (bool, string)) types.GomegaMatcher {
	return &observationMatcher{expect: expect, match: match}
}

// text is an expectation that does not depend on field names.
func text(s string) func(*Observation) string {
	return func(*Observation) string { return s }
}

// HaveStatusIn succeeds when the status is one of codes. what describes
// the full expectation for the failure message.
func HaveStatusIn(codes []int, what string) types.GomegaMatcher {
	return matcher(text(what), func(o *Observation) (bool, string) {
		for _, c := range codes {
			if o.Status == c {
				return true, ""
			}
		}
		return false, o.Summary()
	})
}

// HaveJSONBody succeeds when the body is valid UTF-8 JSON.
func HaveJSONBody() types.GomegaMatcher {
	return matcher(text("a JSON body"), func(o *Observation) (bool, string) {
		if o.IsJSON() {
			return true, ""
		}
		if len(o.Body) == 0 {
			return false, "an empty body"
		}
		return false, fmt.Sprintf("%d bytes of %s that do not parse as JSON: %q", len(o.Body), orUnknown(o.MediaType()), words.ClipLine(bodyString(o.Body), 80))
	})
}

// HaveItemIDs succeeds when the item IDs at fields.data equal want as a set.
func HaveItemIDs(want []string, what string) types.GomegaMatcher {
	return matcher(
		func(o *Observation) string {
			return fmt.Sprintf("%s IDs %s (%s)", o.Fields.Data, fmtIDs(want), what)
		},
		func(o *Observation) (bool, string) {
			ids, present, problem := o.ItemIDs(o.Fields.Data, o.Fields.ID)
			return compareSet(o.Fields.Data+" IDs", ids, present, problem, want)
		})
}

// HaveIDList succeeds when the ID list at the field chosen by pick equals want as a set.
func HaveIDList(pick func(*Observation) string, want []string, what string) types.GomegaMatcher {
	return matcher(
		func(o *Observation) string {
			return fmt.Sprintf("%s = %s (%s)", pick(o), fmtIDs(want), what)
		},
		func(o *Observation) (bool, string) {
			path := pick(o)
			ids, present, problem := o.IDList(path)
			return compareSet(path, ids, present, problem, want)
		})
}

func compareSet(name string, got []string, present bool, problem string, want []string) (bool, string) {
	switch {
	case !present:
		return false, "no " + name + " in the body"
	case problem != "":
		return false, problem
	}
	extra, missing := setDiff(got, want)
	if len(extra) == 0 && len(missing) == 0 {
		return true, ""
	}
	var parts []string
	if len(missing) > 0 {
		parts = append(parts, "without "+fmtIDs(missing))
	}
	if len(extra) > 0 {
		parts = append(parts, "with unexpected "+fmtIDs(extra))
	}
	return false, fmt.Sprintf("%s %s, %s", name, fmtIDs(got), strings.Join(parts, " and "))
}

// HaveCount succeeds when the number at fields.returned_count is want.
func HaveCount(want int) types.GomegaMatcher {
	return matcher(
		func(o *Observation) string {
			return fmt.Sprintf("%s = %d", o.Fields.ReturnedCount, want)
		},
		func(o *Observation) (bool, string) {
			r := o.Get(o.Fields.ReturnedCount)
			switch {
			case !r.Exists():
				return false, "no " + o.Fields.ReturnedCount + " in the body"
			case r.Type != gjson.Number:
				return false, fmt.Sprintf("%s is %s", o.Fields.ReturnedCount, describeType(r))
			case r.Raw != strconv.Itoa(want) && r.Float() != float64(want):
				return false, fmt.Sprintf("%s = %s", o.Fields.ReturnedCount, r.Raw)
			}
			return true, ""
		})
}

// HaveOK succeeds when the envelope's ok member is the boolean want.
func HaveOK(want bool) types.GomegaMatcher {
	return matcher(
		func(o *Observation) string {
			return fmt.Sprintf("%s: %t", o.Fields.OK, want)
		},
		func(o *Observation) (bool, string) {
			r := o.Get(o.Fields.OK)
			switch {
			case !r.Exists():
				return false, "no " + o.Fields.OK + " member"
			case r.Type != gjson.True && r.Type != gjson.False:
				return false, fmt.Sprintf("%s is %s, not a boolean", o.Fields.OK, describeType(r))
			case r.Bool() != want:
				return false, fmt.Sprintf("%s: %t", o.Fields.OK, r.Bool())
			}
			return true, ""
		})
}

// HaveErrorCode succeeds when fields.error carries a value.
func HaveErrorCode() types.GomegaMatcher {
	return matcher(
		func(o *Observation) string {
			return "an error code at " + o.Fields.Error
		},
		func(o *Observation) (bool, string) {
			r := o.Get(o.Fields.Error)
			if !r.Exists() || !truthy(r) {
				return false, "no " + o.Fields.Error + " code in the body"
			}
			return true, ""
		})
}

// HaveErrorBody succeeds when the body is announced as JSON and carries an
// error code: the machine-readable reason of profiles.md §2.
func HaveErrorBody() types.GomegaMatcher {
	return matcher(
		text("an error body (a JSON object as application/json, problem+json or another +json type)"),
		func(o *Observation) (bool, string) {
			if !o.IsJSONMediaType() {
				return false, "Content-Type " + orUnknown(o.Header.Get("Content-Type"))
			}
			if !o.doc.IsObject() {
				return false, "a JSON body that is " + describeType(o.doc) + ", not an object"
			}
			return true, ""
		})
}

// HaveErrorReason succeeds when an error body says why: the configured
// member, or one of error, errors, detail, message and title.
func HaveErrorReason() types.GomegaMatcher {
	return matcher(
		func(o *Observation) string {
			if o.Fields.ErrorBody != "" {
				return "a machine-readable reason at " + o.Fields.ErrorBody
			}
			return "a machine-readable reason (" + strings.Join(errorMembers, ", ") + ")"
		},
		func(o *Observation) (bool, string) {
			if m, _ := o.ErrorReason(); m != "" {
				return true, ""
			}
			return false, "an error body with none of them (members: " + strings.Join(o.topKeys(6), ", ") + ")"
		})
}

// ItemExpectation is what one sent ID's entry of a 207 body must say.
type ItemExpectation struct {
	ID       string
	Codes    []int
	WithData bool // a found item carries its record
}

// HaveResults succeeds when a 207 body has exactly one result per expected
// ID, each with an allowed status (and its record where required), and no
// result for an ID that was not sent.
func HaveResults(items []ItemExpectation) types.GomegaMatcher {
	var wantParts []string
	for _, it := range items {
		wantParts = append(wantParts, fmt.Sprintf("%s→%s", it.ID, fmtCodes(it.Codes)))
	}
	return matcher(
		func(o *Observation) string {
			return fmt.Sprintf("one %s entry per requested ID (%s)", o.Fields.Results, strings.Join(wantParts, ", "))
		},
		func(o *Observation) (bool, string) {
			r := o.Get(o.Fields.Results)
			if !r.Exists() || !r.IsArray() {
				return false, "no " + o.Fields.Results + " list in the body"
			}
			byID := map[string][]gjson.Result{}
			var order []string
			for _, res := range r.Array() {
				id := res.Get(o.Fields.ResultID).String()
				if _, seen := byID[id]; !seen {
					order = append(order, id)
				}
				byID[id] = append(byID[id], res)
			}
			var problems []string
			expected := map[string]bool{}
			for _, it := range items {
				expected[it.ID] = true
				entries := byID[it.ID]
				if len(entries) == 0 {
					problems = append(problems, "no result for ID "+it.ID)
					continue
				}
				if len(entries) > 1 {
					problems = append(problems, fmt.Sprintf("%d results for ID %s", len(entries), it.ID))
				}
				status := entries[0].Get(o.Fields.ResultStatus)
				if len(it.Codes) > 0 && (status.Type != gjson.Number || !slices.Contains(it.Codes, int(status.Int()))) {
					problems = append(problems, fmt.Sprintf("ID %s has %s %s", it.ID, o.Fields.ResultStatus, orUnknown(status.Raw)))
				}
				if it.WithData {
					if d := entries[0].Get(o.Fields.ResultData); !d.Exists() || d.Type == gjson.Null {
						problems = append(problems, fmt.Sprintf("ID %s has no %s", it.ID, o.Fields.ResultData))
					}
				}
			}
			for _, id := range order {
				if !expected[id] {
					problems = append(problems, "a result for ID "+orUnknown(id)+" that was not requested")
				}
			}
			if len(problems) > 0 {
				return false, strings.Join(problems, "; ")
			}
			return true, ""
		})
}

// fmtCodes writes codes as 400/422 ("any" for none).
func fmtCodes(codes []int) string {
	if len(codes) == 0 {
		return "any"
	}
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = strconv.Itoa(c)
	}
	return strings.Join(parts, "/")
}

// HaveRecordID succeeds when the record in the body, where the body
// carries one (at fields.data, or the body itself), has one of the IDs
// want; a body without a record ID says nothing and passes.
func HaveRecordID(want []string) types.GomegaMatcher {
	return matcher(
		func(o *Observation) string {
			return fmt.Sprintf("the record's %s %s", o.Fields.ID, fmtIDs(want))
		},
		func(o *Observation) (bool, string) {
			id, where := o.recordID()
			if !id.Exists() || slices.Contains(want, id.String()) {
				return true, ""
			}
			return false, fmt.Sprintf("%s %s", where, id.Raw)
		})
}
