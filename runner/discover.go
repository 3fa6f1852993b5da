package runner

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// discoverer finds the found IDs of an endpoint at run time.
type discoverer func(ep *plan.Endpoint) ([]string, error)

// withIDs returns copies of endpoints with the IDs the run uses: found IDs
// discovered with discover (or, without it, placeholders that --dry-run
// shows), and missing and malformed IDs generated in their shape where
// the endpoint asks for it. The endpoints as configured stay untouched.
func (j *Job) withIDs(endpoints []*plan.Endpoint, discover discoverer) []*plan.Endpoint {
	out := make([]*plan.Endpoint, len(endpoints))
	for i, configured := range endpoints {
		ep := *configured
		if ep.FoundFrom != nil {
			j.findIDs(&ep, discover)
		}
		if ep.Generate {
			j.generateIDs(&ep, discover == nil && ep.FoundFrom != nil)
		}
		out[i] = &ep
	}
	return out
}

// findIDs fills ep's found IDs from its listing, or with placeholders.
func (j *Job) findIDs(ep *plan.Endpoint, discover discoverer) {
	d := ep.FoundFrom
	from := "GET " + d.Path + " (" + d.IDs + ")"
	if discover == nil {
		ep.Found = []string{"{found-1}", "{found-2}"}
		ep.Sources.Found = "discovered at run time from " + from
		return
	}
	ids, err := discover(ep)
	if err != nil {
		ep.Found = nil
		ep.Sources.Found = "discovery found no IDs: " + from + ": " + err.Error()
		j.Gaps = append(j.Gaps, fmt.Sprintf("%s: %s; the cases that need found IDs were skipped", ep.Name, ep.Sources.Found))
		return
	}
	ep.Found = ids
	ep.Sources.Found = "discovered from " + from
}

// generateIDs makes the missing and malformed IDs ep does not configure,
// in the shape of its found IDs, from the run's seed.
func (j *Job) generateIDs(ep *plan.Endpoint, placeholders bool) {
	if placeholders {
		if len(ep.Missing) == 0 {
			ep.Missing, ep.Sources.Missing = []string{"{missing-1}", "{missing-2}"}, "generated at run time in the found IDs' shape"
		}
		if len(ep.Malformed) == 0 {
			ep.Malformed, ep.Sources.Malformed = []string{"{malformed}"}, "generated at run time in the found IDs' shape"
		}
		return
	}
	shape := plan.IDShape{Found: ep.Found, Pattern: ep.IDPattern, Format: ep.IDFormat}
	rng := rand.New(rand.NewPCG(uint64(j.Seed), uint64(len(ep.Name))))
	seed := fmt.Sprintf(" (seed %d)", j.Seed)
	if len(ep.Missing) == 0 && len(ep.Found) > 0 {
		var how string
		if ep.Missing, how = shape.Missing(2, rng); len(ep.Missing) > 0 {
			ep.Sources.Missing = "generated: " + how + seed
		}
	}
	if len(ep.Malformed) == 0 && len(ep.Found) > 0 {
		var how string
		if ep.Malformed, how = shape.Malformed(); len(ep.Malformed) > 0 {
			ep.Sources.Malformed = "generated: " + how
		} else {
			ep.Sources.Malformed = "none: free-form IDs have no malformed shape; declare malformed or id_pattern"
		}
	}
}

// discoverIDs finds the IDs of every endpoint with found_from through the
// prober, generates the rest, and plans the cases again with them.
func (j *Job) discoverIDs(ctx context.Context, prober *probe.Prober) {
	needs := false
	for _, ep := range j.Resolved.Endpoints {
		needs = needs || ep.FoundFrom != nil
	}
	if !needs {
		return
	}
	discover := func(ep *plan.Endpoint) ([]string, error) {
		limit := ep.FoundFrom.Limit
		if limit == 0 {
			limit = 3
		}
		paths := []string{ep.FoundFrom.IDs}
		if ep.FoundFrom.IDs == autoIDs {
			paths = usualIDPaths
		}
		return prober.Discover(ctx, j.discoveryRequest(ep), limit, paths...)
	}
	// The label filter was checked when the job was prepared.
	_ = j.buildPlan(j.withIDs(j.Resolved.Endpoints, discover))
}

// discoveryRequest is the listing of ep's collection: a GET with the
// endpoint's headers, the listing's query and valid credentials.
func (j *Job) discoveryRequest(ep *plan.Endpoint) plan.Request {
	d := &plan.Draft{Path: ep.FoundFrom.Path, Header: ep.Header}
	for _, q := range ep.FoundFrom.Query {
		d.AddQuery(q.Name, q.Value)
	}
	base := strings.TrimSuffix(j.Resolved.Config.BaseURL, "/")
	u := base + d.Path
	if len(d.Query) > 0 {
		u += "?" + strings.Join(d.Query, "&")
	}
	return plan.Request{Method: "GET", URL: u, Header: ep.Header}
}

// autoIDs asks discovery to look for the IDs where APIs usually put them.
const autoIDs = "(auto)"

// usualIDPaths are where APIs usually put the IDs of a listing.
var usualIDPaths = []string{"data.#.id", "items.#.id", "results.#.id", "records.#.id", "#.id", "data.items.#.id"}
