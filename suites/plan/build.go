package plan

import (
	"encoding/json"
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
		b := &builder{ep: ep, base: base, opts: opts, endpointLabel: "endpoint:" + ep.Name, profileLabel: "profile:" + ep.Profile}
		for _, k := range kindTable {
			p.Cases = append(p.Cases, b.build(k)...)
		}
	}
	return p, nil
}

// caseLabels are the case: labels of the kinds, made once.
var caseLabels = func() map[Kind]string {
	out := map[Kind]string{}
	for _, k := range kindTable {
		out[k.kind] = "case:" + string(k.kind)
	}
	return out
}()

// builder writes the cases of one endpoint.
type builder struct {
	ep   *Endpoint
	base *url.URL
	opts Options
	// The labels every case of the endpoint carries, made once: a run
	// of thousands of cases holds them until its reports are written.
	endpointLabel, profileLabel string
}

// build returns the cases of kind k: one, or one per parameter for the
// parameter cases.
func (b *builder) build(k kindSpec) []Case {
	variants := []string{""}
	if k.variants != nil {
		if variants = k.variants(b.ep); len(variants) == 0 {
			variants = []string{""}
		}
	}
	var out []Case
	for _, param := range variants {
		c := Case{Endpoint: b.ep, Kind: k.kind, Param: param, Request: Request{Method: b.ep.MethodOf()}}
		c.ID = b.ep.Name + "/" + c.Name()
		c.Labels = []string{caseLabels[k.kind], b.endpointLabel, b.profileLabel, string(k.family)}
		if param != "" {
			c.Labels = append(c.Labels, "param:"+param)
		}
		k.build(b, &c)
		if c.Skipped() {
			c.Request = Request{}
			c.IDs = IDs{}
		}
		out = append(out, c)
	}
	return out
}

// needList skips c on an endpoint that takes no list of IDs.
func (b *builder) needList(c *Case) bool {
	switch {
	case b.ep.KindOf() == KindSearch:
		c.SkipReason = "not applicable to a search endpoint (it takes no IDs)"
		return false
	case !b.ep.IsList():
		c.SkipReason = "not applicable to a path-style endpoint (one ID per request)"
		return false
	}
	return true
}

// needIDs skips c on a search endpoint, which takes no IDs.
func (b *builder) needIDs(c *Case) bool {
	if b.ep.KindOf() == KindSearch {
		c.SkipReason = "not applicable to a search endpoint (it takes no IDs)"
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

// foundRequest fills c with the request that is answered with data: all
// found IDs on a list endpoint, the first on a single-resource one, the
// valid query on a search endpoint. It reports false, with c skipped, when
// the endpoint has no found IDs.
func (b *builder) foundRequest(c *Case) bool {
	if b.ep.KindOf() == KindSearch {
		b.send(c, nil, false, nil)
		return true
	}
	if !b.need(c, "found", b.ep.Found, 1) {
		return false
	}
	found := b.ep.Found
	if !b.ep.IsList() {
		found = found[:1]
	}
	b.ids(c, found, nil, nil, found)
	return true
}

// ids records which IDs c sends and writes its request.
func (b *builder) ids(c *Case, found, missing, malformed, sent []string) {
	c.IDs = IDs{Sent: sent, Found: found, Missing: missing, Malformed: malformed}
	b.send(c, sent, true, nil)
}

// send writes c's request: the endpoint's fixed headers, query and body,
// its parameters with their valid values (as tweak changes them), and
// ids with the endpoint's encoding. withParam false leaves the ID
// parameter out; an empty list with withParam writes it without an ID.
func (b *builder) send(c *Case, ids []string, withParam bool, tweak func(Param) (Param, bool)) {
	ep := b.ep
	d := &Draft{Method: c.Request.Method, Path: ep.Path, Body: CloneJSON(ep.Body), Header: map[string]string{}}
	for k, v := range ep.Header {
		d.Header[k] = v
	}
	for _, q := range ep.Query {
		d.AddQuery(q.Name, q.Value)
	}
	for _, p := range ep.Params {
		if tweak != nil {
			var keep bool
			if p, keep = tweak(p); !keep {
				continue
			}
		}
		d.addParam(p)
	}
	if withParam && ep.KindOf() != KindSearch {
		ep.IDStyle.Encoding().Write(d, ep, ids)
	}
	if len(d.Header) == 0 {
		d.Header = nil
	}
	c.Request.URL, c.Request.Header, c.Request.Body = d.URL(b.base), d.Header, d.BodyJSON()
}

// addParam writes one parameter where it goes.
func (d *Draft) addParam(p Param) {
	switch p.In {
	case "header":
		d.Header[p.Name] = p.Value
	case "body":
		var v any = p.Value
		if (p.JSON == "number" && isNumber(p.Value)) || (p.JSON == "boolean" && (p.Value == "true" || p.Value == "false")) {
			v = json.RawMessage(p.Value)
		}
		d.Body = SetMember(d.Body, p.Name, v)
	default:
		d.AddQuery(p.Name, p.Value)
	}
}

func isNumber(s string) bool {
	_, err := strconv.ParseFloat(s, 64)
	return err == nil
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
