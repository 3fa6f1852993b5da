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
}

var kindTable = []kindSpec{
	{Found, FamilyIDSet, "all found IDs", buildFound},
	{FoundOne, FamilyIDSet, "one found ID", buildFoundOne},
	{Partial, FamilyIDSet, "a missing ID, then a found ID (the incident: ?id=1,2)", buildPartial},
	{None, FamilyIDSet, "only missing IDs", buildNone},
	{Malformed, FamilyIDSet, "one malformed ID", buildMalformed},
	{MalformedMixed, FamilyIDSet, "a found ID and a malformed ID", buildMalformedMixed},
	{Duplicate, FamilyIDSet, "the same found ID twice", buildDuplicate},
	{Empty, FamilyIDSet, "the ID parameter with an empty value", buildEmpty},
	{MissingParam, FamilyIDSet, "no ID parameter at all", buildMissingParam},
	{Oversized, FamilyIDSet, "max_ids + 1 IDs", buildOversized},
	{UnknownEndpoint, FamilyRouting, "a path that cannot exist", buildUnknownEndpoint},
	{WrongMethod, FamilyRouting, "a method the endpoint does not allow", buildWrongMethod},
	{AuthMissing, FamilyAuth, "the found request without credentials", buildAuth(auth.Missing)},
	{AuthInvalid, FamilyAuth, "the found request with a well-formed but wrong token", buildAuth(auth.Invalid)},
	{AuthForbidden, FamilyAuth, "the found request with a valid token lacking rights", buildAuth(auth.Forbidden)},
	{RateLimit, FamilyRateLimit, "a bounded burst of found requests until the first 429", buildRateLimit},
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
	if b.need(c, "found", b.ep.Found, 1) {
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
	if b.need(c, "missing", b.ep.Missing, 1) {
		missing := b.ep.Missing
		if !b.ep.IsList() {
			missing = missing[:1]
		}
		b.ids(c, nil, missing, nil, missing)
	}
}

func buildMalformed(b *builder, c *Case) {
	if b.need(c, "malformed", b.ep.Malformed, 1) {
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
		c.Request.URL = b.url([]string{}, true)
	}
}

func buildMissingParam(b *builder, c *Case) {
	if b.needList(c) {
		c.Request.URL = b.url(nil, false)
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
		c.Request.URL = b.url(sent, true)
	}
}

func buildUnknownEndpoint(b *builder, c *Case) { c.Request.URL = b.unknownURL() }

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
	case len(ep.Missing) > 0:
		missing := ep.Missing
		if !ep.IsList() {
			missing = missing[:1]
		}
		c.IDs = IDs{Sent: missing, Missing: missing}
		c.Request.URL = b.url(missing, true)
	case ep.IsList():
		c.Request.URL = b.url(nil, false)
	default:
		c.SkipReason = "needs missing IDs, so that the probe never targets a record that exists"
	}
}

// buildAuth sends the found request with the credentials of variant v.
func buildAuth(v auth.Variant) func(b *builder, c *Case) {
	return func(b *builder, c *Case) {
		switch {
		case !b.opts.AuthConfigured:
			c.SkipReason = "needs a token: --token-env NAME"
		case v == auth.Forbidden && !b.opts.ForbiddenConfigured:
			c.SkipReason = "needs a token without rights: --forbidden-token-env NAME"
		case b.need(c, "found", b.ep.Found, 1):
			b.foundRequest(c)
			c.Request.Auth = v
		}
	}
}

func buildRateLimit(b *builder, c *Case) {
	switch {
	case b.opts.RateLimitBurst <= 0:
		c.SkipReason = "needs a burst budget: --rate-limit-burst N"
	case b.need(c, "found", b.ep.Found, 1):
		b.foundRequest(c)
	}
}
