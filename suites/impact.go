package suites

import (
	"fmt"
	"slices"

	"github.com/apiconform/apiconform/suites/plan"
)

// statusImpact says, in one line, which consumer of status codes a wrong
// status misleads (profiles.md §4, seed 000's table of consumers).
func statusImpact(c *plan.Case, expected []int, got int) string {
	class := func(s int) int { return s / 100 }
	wantClass := class(expected[0])
	missing := len(unique(c.IDs.Missing))
	switch {
	case class(got) == 2 && wantClass != 2:
		switch c.Kind {
		case plan.Partial:
			return fmt.Sprintf("a client that trusts %d takes %s as delivered (the incident: it maps the answer to %d records and crashes); monitoring counts the miss as success", got, records(missing, "missing record"), len(unique(c.IDs.Sent)))
		case plan.None:
			return fmt.Sprintf("a client that trusts %d takes an answer with no records as success; monitoring and dashboards never count the miss", got)
		case plan.Malformed, plan.MalformedMixed, plan.Empty, plan.MissingParam:
			return fmt.Sprintf("the caller's bug looks like success: client code and retry logic never see a 4xx, and monitoring never counts the bad request")
		case plan.Oversized:
			return fmt.Sprintf("silent truncation: a client that trusts %d takes a cut-down list as complete, the incident again", got)
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
	case class(got) == 5 && wantClass != 5:
		return "load balancers mark the backend unhealthy and alerting counts a client-side condition as a server fault; retry logic retries a request that cannot succeed"
	case wantClass == 2 && class(got) == 4:
		return fmt.Sprintf("client code treats a good request as its own error (%d); monitoring counts a healthy request as a failure", got)
	case wantClass == 2 && class(got) == 2:
		if missing > 0 {
			return fmt.Sprintf("client code that trusts %d takes %s as delivered; monitoring counts it as success", got, records(missing, "missing record"))
		}
		return fmt.Sprintf("client code that branches on the exact 2xx takes the wrong path on %d", got)
	case got == 401 && slices.Contains(expected, 403):
		return "clients re-authenticate in a loop instead of reporting missing rights"
	case got == 403 && slices.Contains(expected, 401):
		return "auth interceptors do not refresh credentials: 403 says the token is fine but lacks rights"
	case got == 401 && slices.Contains(expected, 400):
		return "the envelope contract keeps 401 for an invalid token: interceptors send the user to log in again for what is a programming bug (missing credentials)"
	case got == 404 && (slices.Contains(expected, 400) || slices.Contains(expected, 422)):
		return "client code reads its own malformed request as a missing record, so the bug is never fixed; dashboards count it as not-found"
	case (got == 400 || got == 422) && slices.Contains(expected, 404):
		return "client code reads a missing record as its own malformed request; retry logic and dashboards misclassify it"
	case got == 429:
		return "retry logic backs off from a request that was not rate limited"
	case class(got) == 3:
		return fmt.Sprintf("clients that do not follow redirects treat the %d as a failure; caches may store the redirect", got)
	}
	return "client code that branches on the status takes the wrong path, and dashboards aggregate the answer under the wrong code"
}

func records(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// jsonImpact is the impact of a body that does not parse where the
// profile reads it.
const jsonImpact = "client code that parses the answer fails, as in the incident's parse error"

// missingIDsImpact refines the missing_ids check's impact: an answer with
// no metadata at all is the incident itself (profiles.md §4).
func missingIDsImpact(o *Observation, c *plan.Case) string {
	missing := len(unique(c.IDs.Missing))
	if o.Get(o.Fields.MissingIDs).Exists() {
		return "a client that reads missing_ids believes records were delivered that were not (or the reverse)"
	}
	if missing > 0 {
		return fmt.Sprintf("a client that trusts %d takes %s as delivered; monitoring counts it as success", o.Status, records(missing, "missing record"))
	}
	return fmt.Sprintf("without %s a client cannot tell this complete answer from a partial one: it must trust %d blindly", o.Fields.MissingIDs, o.Status)
}

// okImpact refines the ok check's impact for the case at hand.
func okImpact(c *plan.Case, want bool) string {
	if !want && len(unique(c.IDs.Missing)) > 0 {
		return fmt.Sprintf("a client that trusts ok takes %s as delivered; monitoring counts the miss as success", records(len(unique(c.IDs.Missing)), "missing record"))
	}
	return "client code that trusts ok takes the answer for what it is not; monitoring of ok rates is wrong"
}
