package suites

import (
	"fmt"
	"slices"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// statusImpact says, in one line, which consumer of status codes a wrong
// status misleads (profiles.md §4, seed 000's table of consumers). The
// line fits what came back, and the reasoning of one profile's school is
// given only under that profile.
func statusImpact(c *plan.Case, p *Profile, expected []int, o *Observation) string {
	got := o.Status
	class := func(s int) int { return s / 100 }
	wantClass := class(expected[0])
	switch {
	case class(got) == 2 && wantClass != 2:
		return successImpact(c, o)
	case class(got) == 5 && wantClass != 5:
		return "load balancers mark the backend unhealthy and alerting counts a client-side condition as a server fault; retry logic retries a request that cannot succeed"
	case wantClass == 2 && class(got) == 4:
		return fmt.Sprintf("client code treats a good request as its own error (%d); monitoring counts a healthy request as a failure", got)
	case wantClass == 2 && class(got) == 2:
		if hidesMiss(o) {
			return incidentImpact(c, got)
		}
		return fmt.Sprintf("client code that branches on the exact 2xx takes the wrong path on %d", got)
	}
	return errorStatusImpact(c, p, expected, got)
}

// successImpact is the impact of a 2xx where the profile wants an error.
func successImpact(c *plan.Case, o *Observation) string {
	got := o.Status
	switch c.Kind {
	case plan.Partial, plan.None:
		if hidesMiss(o) {
			return incidentImpact(c, got)
		}
		return fmt.Sprintf("the miss is told only in the body: client code that branches on %d, caches and monitoring take the answer for complete; only a client that parses the body sees the gap", got)
	case plan.Malformed, plan.MalformedMixed, plan.Empty, plan.MissingParam:
		return "the caller's bug looks like success: client code and retry logic never see a 4xx, and monitoring never counts the bad request"
	case plan.Oversized:
		if ids, ok, _ := o.ItemIDs(o.Fields.Data, o.Fields.ID); ok && len(ids) < len(unique(c.IDs.Sent)) {
			return fmt.Sprintf("silent truncation: a client that trusts %d takes a cut-down list (%d of %d) as complete, the incident again", got, len(ids), len(unique(c.IDs.Sent)))
		}
		return "no limit on list length: one request may ask for any number of records, so a client that sends too many is never told, and one caller can load the API for everyone"
	case plan.UnknownEndpoint:
		return "a wrong URL looks like success to clients, gateways and monitoring, and caches and CDNs may store the answer"
	case plan.AuthMissing, plan.AuthInvalid:
		return "gateways and auth interceptors never see the bad credentials: callers without a valid token are served, and security monitoring sees nothing"
	case plan.AuthForbidden:
		return "a caller without rights is served; gateways and audit logs record the access as allowed"
	case plan.WrongMethod:
		return "clients and gateways believe the method is supported"
	}
	return fmt.Sprintf("client code that branches on 2xx takes the %d for success", got)
}

// errorStatusImpact is the impact of one error status where another was due.
func errorStatusImpact(c *plan.Case, p *Profile, expected []int, got int) string {
	switch {
	case got == 401 && slices.Contains(expected, 403):
		return "clients re-authenticate in a loop instead of reporting missing rights"
	case got == 403 && c.Kind == plan.AuthMissing:
		return "auth interceptors never ask for credentials: 403 says they were seen and lack rights, so the caller is told to ask for access it may already have"
	case got == 403 && slices.Contains(expected, 401):
		return "auth interceptors do not refresh credentials: 403 says the token is fine but lacks rights"
	case got == 401 && slices.Contains(expected, 400) && p.IsEnvelope():
		return "the envelope contract keeps 401 for an invalid token: interceptors send the user to log in again for what is a programming bug (missing credentials)"
	case got == 401 && slices.Contains(expected, 400):
		return "auth interceptors send the user to log in again for a request that is malformed, so the bug is never fixed"
	case got == 404 && (slices.Contains(expected, 400) || slices.Contains(expected, 422)):
		return "client code reads its own malformed request as a missing record, so the bug is never fixed; dashboards count it as not-found"
	case (got == 400 || got == 422) && slices.Contains(expected, 404):
		return "client code reads a missing record as its own malformed request; retry logic and dashboards misclassify it"
	case got == 429:
		return "retry logic backs off from a request that was not rate limited"
	case got/100 == 3:
		return fmt.Sprintf("clients that do not follow redirects treat the %d as a failure; caches may store the redirect", got)
	}
	return "client code that branches on the status takes the wrong path, and dashboards aggregate the answer under the wrong code"
}

// incidentImpact is the production incident in one line.
func incidentImpact(c *plan.Case, got int) string {
	missing := len(unique(c.IDs.Missing))
	if c.Kind == plan.None {
		return fmt.Sprintf("a client that trusts %d takes an answer with no records as success; monitoring and dashboards never count the miss", got)
	}
	return fmt.Sprintf("a client that trusts %d takes %s as delivered (the incident: it maps the answer to %d records and crashes); monitoring counts the miss as success",
		got, words.Count(missing, "missing record"), len(unique(c.IDs.Sent)))
}

// jsonImpact is the impact of a body that does not parse where the
// profile reads it.
const jsonImpact = "client code that parses the answer fails, as in the incident's parse error"

// missingIDsImpact refines the missing_ids check's impact: a 2xx without
// any metadata is the incident itself (profiles.md §4); an error status
// without it leaves the client guessing which records failed.
func missingIDsImpact(o *Observation, c *plan.Case) string {
	missing := len(unique(c.IDs.Missing))
	switch {
	case o.Get(o.Fields.MissingIDs).Exists():
		return "a client that reads missing_ids believes records were delivered that were not (or the reverse)"
	case missing > 0 && is2xx(o.Status):
		return fmt.Sprintf("a client that trusts %d takes %s as delivered; monitoring counts it as success", o.Status, words.Count(missing, "missing record"))
	case missing > 0:
		return fmt.Sprintf("the %d does not say which IDs are missing: a client cannot tell which of the %d requested records to drop, report or ask for again", o.Status, len(unique(c.IDs.Sent)))
	}
	return fmt.Sprintf("without %s a client cannot tell this complete answer from a partial one: it must trust %d blindly", o.Fields.MissingIDs, o.Status)
}

// okImpact refines the ok check's impact for the case at hand.
func okImpact(c *plan.Case, want bool) string {
	if !want && len(unique(c.IDs.Missing)) > 0 {
		return fmt.Sprintf("a client that trusts ok takes %s as delivered; monitoring counts the miss as success", words.Count(len(unique(c.IDs.Missing)), "missing record"))
	}
	return "client code that trusts ok takes the answer for what it is not; monitoring of ok rates is wrong"
}
