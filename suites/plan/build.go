package plan

import (
	"fmt"
	"net/url"
	"strconv"
)

// Build returns the plan for endpoints: every case kind for every endpoint,
// with a skip reason where the configuration does not allow the case.
func Build(endpoints []*Endpoint, opts Options) (Plan, error) {
	base, err := url.Parse(opts.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return Plan{}, fmt.Errorf("base URL %q is not an absolute URL", opts.BaseURL)
	}
	var p Plan
	for _, ep := range endpoints {
		b := &builder{ep: ep, base: base, opts: opts}
		for _, k := range kindTable {
			p.Cases = append(p.Cases, b.build(k))
		}
	}
	return p, nil
}

// builder writes the cases of one endpoint.
type builder struct {
	ep   *Endpoint
	base *url.URL
	opts Options
}

func (b *builder) build(k kindSpec) Case {
	c := Case{
		ID:       b.ep.Name + "/" + string(k.kind),
		Endpoint: b.ep,
		Kind:     k.kind,
		Request:  Request{Method: "GET"},
		Labels: []string{
			"case:" + string(k.kind), "endpoint:" + b.ep.Name, "profile:" + b.ep.Profile, string(k.family),
		},
	}
	k.build(b, &c)
	if c.Skipped() {
		c.Request = Request{}
		c.IDs = IDs{}
	}
	return c
}

// needList skips c on an endpoint that takes one ID per request.
func (b *builder) needList(c *Case) bool {
	if !b.ep.IsList() {
		c.SkipReason = "not applicable to a path-style endpoint (one ID per request)"
		return false
	}
	return true
}

// need skips c unless ids holds at least n IDs of the named set.
func (b *builder) need(c *Case, what string, ids []string, n int) bool {
	if len(ids) >= n {
		return true
	}
	if n == 1 {
		c.SkipReason = fmt.Sprintf("needs %s IDs (none configured)", what)
	} else {
		c.SkipReason = fmt.Sprintf("needs at least %d %s IDs", n, what)
	}
	return false
}

// foundRequest fills c with the found request (all found IDs on a list
// endpoint, the first one on a single-ID endpoint).
func (b *builder) foundRequest(c *Case) {
	found := b.ep.Found
	if !b.ep.IsList() {
		found = found[:1]
	}
	b.ids(c, found, nil, nil, found)
}

// ids records which IDs c sends and writes them into its request.
func (b *builder) ids(c *Case, found, missing, malformed, sent []string) {
	c.IDs = IDs{Sent: sent, Found: found, Missing: missing, Malformed: malformed}
	c.Request.URL = b.url(sent, true)
}

// url writes ids into the endpoint's request with its encoding. withParam
// false leaves the ID parameter out; an empty list with withParam writes
// the parameter without an ID.
func (b *builder) url(ids []string, withParam bool) string {
	d := &Draft{Path: b.ep.Path}
	if withParam {
		b.ep.IDStyle.Encoding().Write(d, b.ep, ids)
	}
	return d.URL(b.base)
}

// unknownURL is a path that cannot exist: the endpoint's own unknown_path,
// or two random segments directly under the base URL. Never a sibling of
// the endpoint's path, which a templated route (/users/{name}/{x}) would
// answer, rightly, with 200 or 401 (profiles.md §1b).
func (b *builder) unknownURL() string {
	if b.ep.UnknownPath != "" {
		return (&Draft{Path: b.ep.UnknownPath}).URL(b.base)
	}
	r := b.opts.UnknownSuffix
	half := len(r) / 2
	return (&Draft{Path: "/apiconform-unknown-" + r[:half] + "/" + r[half:]}).URL(b.base)
}

// oversizedIDs returns n distinct IDs where it can: the configured ones
// first, then (for numeric IDs) the numbers after the largest. The
// endpoint has at least one found or missing ID. A server
// that removes duplicates before counting must still see more than max_ids.
func oversizedIDs(ep *Endpoint, n int) []string {
	seen := map[string]bool{}
	var ids []string
	add := func(id string) {
		if !seen[id] && len(ids) < n {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, id := range ep.Found {
		add(id)
	}
	for _, id := range ep.Missing {
		add(id)
	}
	largest := int64(0)
	numeric := len(ids) > 0
	for _, id := range ids {
		v, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			numeric = false
			break
		}
		largest = max(largest, v)
	}
	for next := largest + 1; numeric && len(ids) < n; next++ {
		add(strconv.FormatInt(next, 10))
	}
	known := len(ids)
	for i := 0; len(ids) < n; i++ {
		// Non-numeric IDs: repeat the known ones.
		ids = append(ids, ids[i%known])
	}
	return ids
}
