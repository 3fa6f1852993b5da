package suites

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// Detection is what `apiconform detect` found: how well the API's answers
// match each profile, judged on one set of recorded exchanges.
type Detection struct {
	Profiles []ProfileScore `json:"profiles"`
	// Follows lists the profiles every judged case matched (several when
	// the configured cases cannot tell them apart).
	Follows []string `json:"follows"`
	// Closest is the best-matching profile when none matches fully.
	Closest string `json:"closest,omitempty"`
	// Incident is set when partial was answered 2xx with no signal of its
	// missing ID: the production incident, whatever the other cases did.
	Incident     bool      `json:"incident"`
	IncidentCase *Incident `json:"incident_case,omitempty"`
	Verdict      string    `json:"verdict"` // what the API follows, in a few sentences
}

// ProfileScore counts one profile's outcomes over the same exchanges.
type ProfileScore struct {
	Name string `json:"name"`
	Counts
	Mismatches []string `json:"mismatches,omitempty"` // failing case IDs
}

// Detect scores every profile of names on its results (by profile name)
// and names what the API follows, or the closest profile: the one that
// fails fewest of the cases that tell profiles apart (partial, none,
// malformed), then fewest in all. Whatever the scores, an answer that
// reproduces the production incident is named.
func Detect(names []string, byProfile map[string][]*Result, exchanges map[string]*probe.Exchange) *Detection {
	d := &Detection{}
	telling := map[string]int{}
	for _, name := range names {
		s := ProfileScore{Name: name, Counts: CountResults(byProfile[name])}
		for _, r := range byProfile[name] {
			if r.Outcome == Fail {
				s.Mismatches = append(s.Mismatches, r.Case.ID)
				if tellsProfilesApart[r.Case.Kind] {
					telling[name]++
				}
			}
		}
		d.Profiles = append(d.Profiles, s)
		if s.Fail == 0 && s.Pass > 0 {
			d.Follows = append(d.Follows, name)
		}
	}
	best := d.Profiles[0]
	for _, s := range d.Profiles[1:] {
		if closer(s, best, telling) {
			best = s
		}
	}
	if len(names) > 0 {
		d.IncidentCase = FindIncident(byProfile[names[0]])
	}
	d.Incident = d.IncidentCase != nil
	d.Verdict = d.verdict(best, incidentPattern(exchanges, byProfile[best.Name]))
	if len(d.Follows) != 1 {
		d.Closest = best.Name
	}
	return d
}

// tellsProfilesApart are the case kinds whose answers differ between the
// built-in profiles.
var tellsProfilesApart = map[plan.Kind]bool{plan.Partial: true, plan.None: true, plan.Malformed: true}

// closer reports whether profile a is closer to the API than b.
func closer(a, b ProfileScore, telling map[string]int) bool {
	switch {
	case telling[a.Name] != telling[b.Name]:
		return telling[a.Name] < telling[b.Name]
	case a.Fail != b.Fail:
		return a.Fail < b.Fail
	}
	return a.Pass > b.Pass
}

// verdict says in one paragraph what the API follows, naming the
// incident whenever it was seen.
func (d *Detection) verdict(best ProfileScore, always200 bool) string {
	var v string
	switch {
	case best.Judged() == 0:
		return "No case could be judged (every answer was an error or skipped): nothing to detect."
	case len(d.Follows) == 1:
		v = fmt.Sprintf("The API follows the %s profile (%d of %d cases).", d.Follows[0], best.Pass, best.Judged())
	case len(d.Follows) > 1:
		v = fmt.Sprintf("The API is consistent with %s: they expect the same answers to the cases configured (more ID sets, auth or --max-ids may tell them apart).", strings.Join(d.Follows, ", "))
	case d.Incident:
		v = "The API matches no profile, and it reproduces the incident: " + d.IncidentCase.Summary + "."
		if always200 {
			v += " It answers 2xx where every profile expects an error: this is the incident pattern, always-200."
		}
		v += fmt.Sprintf(" Closest: %s (%d of %d cases).", best.Name, best.Pass, best.Judged())
		return v
	case always200:
		return fmt.Sprintf("The API matches no profile: it answers 2xx where every profile expects an error. This is the incident pattern, always-200: a client that trusts the status takes missing records, bad requests and wrong URLs for success. Closest: %s (%d of %d cases).", best.Name, best.Pass, best.Judged())
	default:
		return fmt.Sprintf("The API matches no profile. Closest: %s (%d of %d cases).", best.Name, best.Pass, best.Judged())
	}
	if d.Incident {
		v += " Yet it reproduces the incident: " + d.IncidentCase.Summary + "."
	}
	return v
}

// incidentPattern reports whether the API answered 2xx to the cases that
// every profile answers with an error status or an error signal: a wrong
// URL, a missing parameter, a malformed ID, IDs that do not exist.
func incidentPattern(exchanges map[string]*probe.Exchange, results []*Result) bool {
	telling := map[plan.Kind]bool{plan.UnknownEndpoint: true, plan.MissingParam: true, plan.Malformed: true, plan.None: true, plan.Partial: true}
	answered := 0
	for _, r := range results {
		if !telling[r.Case.Kind] {
			continue
		}
		ex := exchanges[r.Case.ID]
		if ex == nil || ex.Response == nil {
			continue
		}
		answered++
		if ex.Response.Status < http.StatusOK || ex.Response.Status > 299 {
			return false
		}
		if hasOK(r, ex) {
			// An envelope's ok:false is an honest signal, not the incident.
			return false
		}
	}
	return answered >= 2
}

// hasOK says whether the answer carries the profile's ok member: taken
// when the answer was judged, or observed now.
func hasOK(r *Result, ex *probe.Exchange) bool {
	if r.facts != nil {
		return r.facts.hasOK
	}
	o := Observe(r.Case, r.Case.Endpoint.Fields, ex.Response)
	return o.Get(o.Fields.OK).Exists()
}
