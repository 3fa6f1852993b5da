package suites

import (
	"fmt"
	"net/http"

	"github.com/apiconform/apiconform/suites/plan"
)

// IDStyleHints says, for each endpoint whose found-one request was
// answered 2xx while its found request (the same found IDs, two or more)
// was refused as a bad request, that the API may read a list of IDs in
// another style than the one sent: the verdicts of such an endpoint say
// more about the config than about the API.
func IDStyleHints(results []*Result) []string {
	type pair struct{ one, many *Result }
	byEndpoint := map[*plan.Endpoint]*pair{}
	var order []*plan.Endpoint
	for _, r := range results {
		c := r.Case
		if c == nil || c.Endpoint == nil || (c.Kind != plan.Found && c.Kind != plan.FoundOne) {
			continue
		}
		p := byEndpoint[c.Endpoint]
		if p == nil {
			p = &pair{}
			byEndpoint[c.Endpoint] = p
			order = append(order, c.Endpoint)
		}
		if c.Kind == plan.Found {
			p.many = r
		} else {
			p.one = r
		}
	}
	var hints []string
	for _, ep := range order {
		p := byEndpoint[ep]
		other, ok := otherListStyle[ep.IDStyle]
		if !ok || p.one == nil || p.many == nil || len(p.many.Case.IDs.Sent) < 2 {
			continue
		}
		one, many := answerStatus(p.one), answerStatus(p.many)
		if one < 200 || one > 299 || (many != http.StatusBadRequest && many != http.StatusUnprocessableEntity) {
			continue
		}
		hints = append(hints, fmt.Sprintf("%s: one ID was answered %d but a list of them %d: the API may read a list in another style than %s; if so, set id_style: %s (--id-style %s) and run again",
			ep.Name, one, many, ep.IDStyle, other, other))
	}
	return hints
}

// otherListStyle is the list style to suggest for each.
var otherListStyle = map[plan.IDStyle]plan.IDStyle{plan.StyleComma: plan.StyleRepeat, plan.StyleRepeat: plan.StyleComma}

func answerStatus(r *Result) int {
	if r.Exchange == nil || r.Exchange.Response == nil {
		return 0
	}
	return r.Exchange.Response.Status
}
