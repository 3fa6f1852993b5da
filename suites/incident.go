package suites

import (
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/apiconform/apiconform/suites/words"
)

// hidesMiss reports whether an answer to a request with missing IDs is a
// 2xx with no signal of any of them: no missing_ids that names one, no ok
// false, no error, no per-item status, and not the 206 that says
// "incomplete" by itself. That one answer is the production incident.
func hidesMiss(o *Observation) bool {
	missing := unique(o.Case.IDs.Missing)
	if len(missing) == 0 || !is2xx(o.Status) || o.Status == http.StatusPartialContent {
		return false
	}
	if ids, _, _ := o.IDList(o.Fields.MissingIDs); slices.ContainsFunc(ids, func(id string) bool { return slices.Contains(missing, id) }) {
		return false
	}
	if signals, _ := o.ErrorIndicated(); signals {
		return false
	}
	return !o.itemStatusSignals(missing)
}

// itemStatusSignals reports whether a per-item results list gives one of
// the missing IDs a status other than 2xx.
func (o *Observation) itemStatusSignals(missing []string) bool {
	results := o.Get(o.Fields.Results)
	if !results.IsArray() {
		return false
	}
	signals := false
	results.ForEach(func(_, r gjson.Result) bool {
		id, st := r.Get(o.Fields.ResultID).String(), r.Get(o.Fields.ResultStatus)
		if slices.Contains(missing, id) && st.Type == gjson.Number && !is2xx(int(st.Int())) {
			signals = true
		}
		return !signals
	})
	return signals
}

// Incident names the answer that reproduces the production incident, if
// any case of results got one: partial answered 2xx with no signal of
// its missing ID.
type Incident struct {
	Case    string `json:"case"`    // the case ID, e.g. items/partial
	Request string `json:"request"` // the request line
	Status  int    `json:"status"`
	Summary string `json:"summary"` // what happened, in one sentence: "items/partial answered 200 with no sign of ..."
}

// FindIncident returns the first partial case of results that was
// answered as in the incident, or nil.
func FindIncident(results []*Result) *Incident {
	for _, r := range results {
		if r.facts != nil {
			if r.facts.incident != nil {
				return r.facts.incident
			}
			continue
		}
		if inc := incidentOf(r.Case, r.Exchange); inc != nil {
			return inc
		}
	}
	return nil
}

func incidentOf(c *plan.Case, ex *probe.Exchange) *Incident {
	if c.Kind != plan.Partial || ex == nil || ex.Response == nil || ex.Err != nil {
		return nil
	}
	return incidentFrom(c, Observe(c, c.Endpoint.Fields, ex.Response))
}

// incidentFrom is the incident, if the observed answer to c is one.
func incidentFrom(c *plan.Case, o *Observation) *Incident {
	if c.Kind != plan.Partial || !hidesMiss(o) {
		return nil
	}
	missing := unique(c.IDs.Missing)
	return &Incident{
		Case: c.ID, Request: c.Request.Method + " " + c.Request.URL, Status: o.Status,
		Summary: fmt.Sprintf("%s answered %d with no sign of %s %s, so a client that trusts the status takes %s as delivered",
			c.ID, o.Status, words.Plural(len(missing), "missing ID"), strings.Join(missing, ", "), words.Count(len(missing), "missing record")),
	}
}
