package plan

import "github.com/apiconform/apiconform/suites/auth"

// Kind names one case of the conformance spec (profiles.md §1).
type Kind string

// The case kinds, in the order the spec lists them.
const (
	Found           Kind = "found"
	FoundOne        Kind = "found-one"
	Partial         Kind = "partial"
	None            Kind = "none"
	Malformed       Kind = "malformed"
	MalformedMixed  Kind = "malformed-mixed"
	Duplicate       Kind = "duplicate"
	Empty           Kind = "empty"
	MissingParam    Kind = "missing-param"
	Oversized       Kind = "oversized"
	UnknownEndpoint Kind = "unknown-endpoint"
	WrongMethod     Kind = "wrong-method"
	AuthMissing     Kind = "auth-missing"
	AuthInvalid     Kind = "auth-invalid"
	AuthForbidden   Kind = "auth-forbidden"
	RateLimit       Kind = "rate-limit"
	Valid           Kind = "valid"
	NoResults       Kind = "no-results"
	ParamMissing    Kind = "param-missing"
	ParamMalformed  Kind = "param-malformed"
)

// Family groups case kinds into the feature labels that --label-filter
// selects (for example `auth` or `id-set`).
type Family string

// The case families.
const (
	FamilyIDSet     Family = "id-set"
	FamilyRouting   Family = "routing"
	FamilyAuth      Family = "auth"
	FamilyRateLimit Family = "rate-limit"
	FamilyParams    Family = "params"
)

// kindSpec is one case kind: its family, what it sends in words, and the
// builder that fills its request (or says why it is skipped). Adding a
// case kind is one entry here, its builder beside it, and its cell in the
// profiles.
type kindSpec struct {
	kind        Kind
	family      Family
	description string
	build       func(b *builder, c *Case)
	// variants lists the parameters a kind makes one case each for
	// (nil: one case).
	variants func(ep *Endpoint) []string
}

var kindTable = []kindSpec{
	{Found, FamilyIDSet, "all found IDs", buildFound, nil},
	{FoundOne, FamilyIDSet, "one found ID", buildFoundOne, nil},
	{Partial, FamilyIDSet, "a missing ID, then a found ID (the incident: ?id=1,2)", buildPartial, nil},
	{None, FamilyIDSet, "only missing IDs", buildNone, nil},
	{Malformed, FamilyIDSet, "one malformed ID", buildMalformed, nil},
	{MalformedMixed, FamilyIDSet, "a found ID and a malformed ID", buildMalformedMixed, nil},
	{Duplicate, FamilyIDSet, "the same found ID twice", buildDuplicate, nil},
	{Empty, FamilyIDSet, "the ID parameter with an empty value", buildEmpty, nil},
	{MissingParam, FamilyIDSet, "no ID parameter at all", buildMissingParam, nil},
	{Oversized, FamilyIDSet, "max_ids + 1 IDs", buildOversized, nil},
	{UnknownEndpoint, FamilyRouting, "a path that cannot exist", buildUnknownEndpoint, nil},
	{WrongMethod, FamilyRouting, "a method the endpoint does not allow", buildWrongMethod, nil},
	{AuthMissing, FamilyAuth, "the found request without credentials", buildAuth(auth.Missing), nil},
	{AuthInvalid, FamilyAuth, "the found request with well-formed but wrong credentials", buildAuth(auth.Invalid), nil},
	{AuthForbidden, FamilyAuth, "the found request with valid credentials lacking rights", buildAuth(auth.Forbidden), nil},
	{RateLimit, FamilyRateLimit, "a bounded burst of found requests until the first 429", buildRateLimit, nil},
	{Valid, FamilyParams, "a search with its valid parameter values", buildValid, nil},
	{NoResults, FamilyParams, "a valid search that matches nothing", buildNoResults, nil},
	{ParamMissing, FamilyParams, "a required parameter left out", buildParamMissing, requiredParams},
	{ParamMalformed, FamilyParams, "a parameter given a malformed value", buildParamMalformed, malformableParams},
}

// Kinds returns every case kind in the spec's order.
func Kinds() []Kind {
	kinds := make([]Kind, len(kindTable))
	for i, k := range kindTable {
		kinds[i] = k.kind
	}
	return kinds
}

// spec returns k's entry of kindTable, or nil.
func (k Kind) spec() *kindSpec {
	for i := range kindTable {
		if kindTable[i].kind == k {
			return &kindTable[i]
		}
	}
	return nil
}

// Valid reports whether k is a case kind of the spec.
func (k Kind) Valid() bool { return k.spec() != nil }

// Family returns the feature family of k.
func (k Kind) Family() Family {
	if s := k.spec(); s != nil {
		return s.family
	}
	return ""
}

// Description says in a few words what the case sends.
func (k Kind) Description() string {
	if s := k.spec(); s != nil {
		return s.description
	}
	return ""
}

func buildFound(b *builder, c *Case) {
	if b.needList(c) && b.need(c, "found", b.ep.Found, 2) {
		b.ids(c, b.ep.Found, nil, nil, b.ep.Found)
	}
}

func buildFoundOne(b *builder, c *Case) {
	if b.needIDs(c) && b.need(c, "found", b.ep.Found, 1) {
		b.ids(c, b.ep.Found[:1], nil, nil, b.ep.Found[:1])
	}
}

func buildPartial(b *builder, c *Case) {
	ep := b.ep
	if b.needList(c) && b.need(c, "found", ep.Found, 1) && b.need(c, "missing", ep.Missing, 1) {
		b.ids(c, ep.Found[:1], ep.Missing[:1], nil, []string{ep.Missing[0], ep.Found[0]})
	}
}

func buildNone(b *builder, c *Case) {
	if b.needIDs(c) && b.need(c, "missing", b.ep.Missing, 1) {
		missing := b.ep.Missing
		if !b.ep.IsList() {
			missing = missing[:1]
		}
		b.ids(c, nil, missing, nil, missing)
	}
}

func buildMalformed(b *builder, c *Case) {
	if b.needIDs(c) && b.need(c, "malformed", b.ep.Malformed, 1) {
		b.ids(c, nil, nil, b.ep.Malformed[:1], b.ep.Malformed[:1])
	}
}

func buildMalformedMixed(b *builder, c *Case) {
	ep := b.ep
	if b.needList(c) && b.need(c, "found", ep.Found, 1) && b.need(c, "malformed", ep.Malformed, 1) {
		b.ids(c, ep.Found[:1], nil, ep.Malformed[:1], []string{ep.Found[0], ep.Malformed[0]})
	}
}

func buildDuplicate(b *builder, c *Case) {
	if b.needList(c) && b.need(c, "found", b.ep.Found, 1) {
		b.ids(c, b.ep.Found[:1], nil, nil, []string{b.ep.Found[0], b.ep.Found[0]})
	}
}

func buildEmpty(b *builder, c *Case) {
	if b.needList(c) {
		b.send(c, []string{}, true, nil)
	}
}

func buildMissingParam(b *builder, c *Case) {
	if b.needList(c) {
		b.send(c, nil, false, nil)
	}
}

func buildOversized(b *builder, c *Case) {
	ep := b.ep
	switch {
	case !b.needList(c):
	case ep.MaxIDs <= 0:
		c.SkipReason = "needs max_ids (--max-ids)"
	case len(ep.Found)+len(ep.Missing) == 0:
		c.SkipReason = "needs found or missing IDs to fill the list"
	default:
		sent := oversizedIDs(ep, ep.MaxIDs+1)
		c.IDs = IDs{Sent: sent}
		b.send(c, sent, true, nil)
	}
}

func buildUnknownEndpoint(b *builder, c *Case) {
	c.Request.Method = "GET"
	c.Request.URL = b.unknownURL()
}

// buildWrongMethod sends the opt-in method to missing IDs (or no IDs):
// should the server allow the method after all, nothing that exists is
// touched.
func buildWrongMethod(b *builder, c *Case) {
	ep := b.ep
	if b.opts.WrongMethod == "" {
		c.SkipReason = "opt-in: enable with --wrong-method METHOD"
		return
	}
	c.Request.Method = b.opts.WrongMethod
	switch {
	case ep.KindOf() == KindSearch:
		b.send(c, nil, false, nil)
	case len(ep.Missing) > 0:
		missing := ep.Missing
		if !ep.IsList() {
			missing = missing[:1]
		}
		c.IDs = IDs{Sent: missing, Missing: missing}
		b.send(c, missing, true, nil)
	case ep.IsList():
		b.send(c, nil, false, nil)
	default:
		c.SkipReason = "needs missing IDs, so that the probe never targets a record that exists"
	}
}

// buildAuth sends the found request with the credentials of variant v.
func buildAuth(v auth.Variant) func(b *builder, c *Case) {
	return func(b *builder, c *Case) {
		switch {
		case !b.opts.AuthConfigured:
			c.SkipReason = "needs credentials: --token-env NAME, or auth in the config file"
		case v == auth.Forbidden && !b.opts.ForbiddenConfigured:
			c.SkipReason = "needs credentials without rights: --forbidden-token-env NAME, or the auth type's forbidden_* variables"
		case b.foundRequest(c):
			c.Request.Auth = v
		}
	}
}

func buildRateLimit(b *builder, c *Case) {
	if b.opts.RateLimitBurst <= 0 {
		c.SkipReason = "needs a burst budget: --rate-limit-burst N"
		return
	}
	b.foundRequest(c)
}

// needSearch skips c on an endpoint that is no search endpoint.
func (b *builder) needSearch(c *Case) bool {
	if b.ep.KindOf() != KindSearch {
		c.SkipReason = "search endpoints only (kind: search)"
		return false
	}
	return true
}

func buildValid(b *builder, c *Case) {
	if b.needSearch(c) {
		b.send(c, nil, false, nil)
	}
}

func buildNoResults(b *builder, c *Case) {
	if !b.needSearch(c) {
		return
	}
	var with *Param
	for i := range b.ep.Params {
		if b.ep.Params[i].NoResults != "" {
			with = &b.ep.Params[i]
			break
		}
	}
	if with == nil {
		c.SkipReason = "needs a parameter with a no_results value (a valid query that matches nothing)"
		return
	}
	b.send(c, nil, false, func(p Param) (Param, bool) {
		if p.Name == with.Name {
			p.Value = p.NoResults
		}
		return p, true
	})
}

func requiredParams(ep *Endpoint) []string {
	var names []string
	for _, p := range ep.Params {
		if p.Required {
			names = append(names, p.Name)
		}
	}
	return names
}

func malformableParams(ep *Endpoint) []string {
	var names []string
	for _, p := range ep.Params {
		if p.Malformed != "" {
			names = append(names, p.Name)
		}
	}
	return names
}

// paramRequest sends the found (or valid) request with the case's
// parameter changed by tweak.
func (b *builder) paramRequest(c *Case, tweak func(Param) (Param, bool)) {
	if !b.foundRequest(c) {
		return
	}
	only := func(p Param) (Param, bool) {
		if p.Name != c.Param {
			return p, true
		}
		return tweak(p)
	}
	b.send(c, c.IDs.Sent, b.ep.KindOf() != KindSearch, only)
}

func buildParamMissing(b *builder, c *Case) {
	if c.Param == "" {
		c.SkipReason = "needs required parameters (params with required: true)"
		return
	}
	b.paramRequest(c, func(p Param) (Param, bool) { return p, false })
}

func buildParamMalformed(b *builder, c *Case) {
	if c.Param == "" {
		c.SkipReason = "needs parameters with a malformed value or a type (params)"
		return
	}
	b.paramRequest(c, func(p Param) (Param, bool) {
		p.Value = p.Malformed
		return p, true
	})
}
