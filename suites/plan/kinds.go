// Package plan turns endpoints and their ID sets into the cases apiconform
// sends. A plan is pure data: it can be printed (--dry-run), filtered by
// label and tested without a network.
package plan

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

var kindInfo = []struct {
	kind        Kind
	family      Family
	description string
}{
	{Found, FamilyIDSet, "all found IDs"},
	{FoundOne, FamilyIDSet, "one found ID"},
	{Partial, FamilyIDSet, "a missing ID, then a found ID (the incident: ?id=1,2)"},
	{None, FamilyIDSet, "only missing IDs"},
	{Malformed, FamilyIDSet, "one malformed ID"},
	{MalformedMixed, FamilyIDSet, "a found ID and a malformed ID"},
	{Duplicate, FamilyIDSet, "the same found ID twice"},
	{Empty, FamilyIDSet, "the ID parameter with an empty value"},
	{MissingParam, FamilyIDSet, "no ID parameter at all"},
	{Oversized, FamilyIDSet, "max_ids + 1 IDs"},
	{UnknownEndpoint, FamilyRouting, "a path that cannot exist"},
	{WrongMethod, FamilyRouting, "a method the endpoint does not allow"},
	{AuthMissing, FamilyAuth, "the found request without credentials"},
	{AuthInvalid, FamilyAuth, "the found request with a well-formed but wrong token"},
	{AuthForbidden, FamilyAuth, "the found request with a valid token lacking rights"},
	{RateLimit, FamilyRateLimit, "a bounded burst of found requests until the first 429"},
}

// Kinds returns every case kind in the spec's order.
func Kinds() []Kind {
	kinds := make([]Kind, len(kindInfo))
	for i, k := range kindInfo {
		kinds[i] = k.kind
	}
	return kinds
}

// info returns k's row of kindInfo, and whether k is in it.
func (k Kind) info() (family Family, description string, ok bool) {
	for _, row := range kindInfo {
		if row.kind == k {
			return row.family, row.description, true
		}
	}
	return "", "", false
}

// Valid reports whether k is a case kind of the spec.
func (k Kind) Valid() bool {
	_, _, ok := k.info()
	return ok
}

// Family returns the feature family of k.
func (k Kind) Family() Family {
	family, _, _ := k.info()
	return family
}

// Description says in a few words what the case sends.
func (k Kind) Description() string {
	_, description, _ := k.info()
	return description
}
