// Package plan turns endpoints and their ID sets into the cases apiconform
// sends. A plan is pure data: it can be printed (--dry-run), filtered by
// label and tested without a network.
package plan

import (
	"regexp"
	"strings"

	"github.com/apiconform/apiconform/suites/auth"
)

// Fields are the gjson paths where a response body carries what the judge
// reads. Every one can be overridden per endpoint.
type Fields struct {
	Data          string `yaml:"data" json:"data"`                     // Data is the list (or single object) of returned items.
	ID            string `yaml:"id" json:"id"`                         // ID is the item's ID, relative to one item.
	MissingIDs    string `yaml:"missing_ids" json:"missing_ids"`       // MissingIDs lists the IDs that were not found.
	RequestedIDs  string `yaml:"requested_ids" json:"requested_ids"`   // RequestedIDs echoes the IDs that were asked for.
	ReturnedCount string `yaml:"returned_count" json:"returned_count"` // ReturnedCount counts the returned items.
	Results       string `yaml:"results" json:"results"`               // Results is a 207 body's per-item list.
	ResultID      string `yaml:"result_id" json:"result_id"`           // ResultID is an item's ID, relative to one result.
	ResultStatus  string `yaml:"result_status" json:"result_status"`   // ResultStatus is an item's status, relative to one result.
	ResultData    string `yaml:"result_data" json:"result_data"`       // ResultData is an item's record, relative to one result.
	OK            string `yaml:"ok" json:"ok"`                         // OK is the envelope's success boolean.
	Error         string `yaml:"error" json:"error"`                   // Error is the error code of an envelope (and of a buried error).
	// ErrorBody is where an error body says why; "" reads the first
	// present of error, errors, detail, message and title.
	ErrorBody string `yaml:"error_body" json:"error_body,omitempty"`
}

// DefaultFields returns the field paths of profiles.md §2.
func DefaultFields() Fields {
	return Fields{
		Data: "data", ID: "id", MissingIDs: "missing_ids", RequestedIDs: "requested_ids",
		ReturnedCount: "returned_count", Results: "results", ResultID: "id",
		ResultStatus: "status", ResultData: "data", OK: "ok", Error: "error",
	}
}

// Or returns f with every empty path taken from fallback.
func (f Fields) Or(fallback Fields) Fields {
	pick := func(a, b string) string {
		if a != "" {
			return a
		}
		return b
	}
	return Fields{
		Data: pick(f.Data, fallback.Data), ID: pick(f.ID, fallback.ID),
		MissingIDs: pick(f.MissingIDs, fallback.MissingIDs), RequestedIDs: pick(f.RequestedIDs, fallback.RequestedIDs),
		ReturnedCount: pick(f.ReturnedCount, fallback.ReturnedCount), Results: pick(f.Results, fallback.Results),
		ResultID: pick(f.ResultID, fallback.ResultID), ResultStatus: pick(f.ResultStatus, fallback.ResultStatus),
		ResultData: pick(f.ResultData, fallback.ResultData), OK: pick(f.OK, fallback.OK), Error: pick(f.Error, fallback.Error),
		ErrorBody: pick(f.ErrorBody, fallback.ErrorBody),
	}
}

// EndpointKind says what an endpoint is asked (profiles.md §1a).
type EndpointKind string

// The endpoint kinds.
const (
	KindList   EndpointKind = "list"   // several IDs per request
	KindSingle EndpointKind = "single" // one ID per request: /items/{id}
	KindSearch EndpointKind = "search" // no IDs: a query, judged by its parameter cases
)

// Valid reports whether k is an endpoint kind ("" is: derived).
func (k EndpointKind) Valid() bool {
	return k == "" || k == KindList || k == KindSingle || k == KindSearch
}

// Endpoint is one API endpoint under test, fully resolved: how it is
// asked (method, headers, fixed query, body template, where the IDs go),
// its ID sets and parameters, and how its answers are read.
type Endpoint struct {
	Name   string       `json:"name"`
	Kind   EndpointKind `json:"kind,omitempty"` // "": single for a one-ID encoding, else list
	Method string       `json:"method,omitempty"`
	Path   string       `json:"path"`
	// Header and Query are sent with every case (a tenant header,
	// api-version=...); Body is the JSON template of a POST.
	Header map[string]string `json:"header,omitempty"`
	Query  []Pair            `json:"query,omitempty"`
	Body   any               `json:"body,omitempty"`
	// IDParam is the query parameter that carries the IDs, or the member
	// path in Body for the body encoding.
	IDParam  string      `json:"id_param"`
	IDStyle  IDStyle     `json:"id_style"`
	Template *IDTemplate `json:"id_template,omitempty"` // the template encoding's pattern
	IDEach   any         `json:"id_each,omitempty"`     // body encoding: one object per ID, "{id}" in its strings
	IDNumber bool        `json:"id_number,omitempty"`   // body encoding: integer IDs as JSON numbers
	// IDOptional marks an ID parameter that filters a collection: without
	// it the endpoint lists the collection (profiles.md §2, filter rules).
	IDOptional bool     `json:"id_optional,omitempty"`
	Params     []Param  `json:"params,omitempty"`
	Found      []string `json:"found,omitempty"`
	Missing    []string `json:"missing,omitempty"`
	Malformed  []string `json:"malformed,omitempty"`
	// FoundFrom finds the found IDs at run time, from a listing of the
	// collection, because staging data changes under a nightly job.
	FoundFrom *Discovery `json:"found_from,omitempty"`
	// Generate makes the missing and malformed IDs that are not configured
	// in the shape of the found ones (IDShape).
	Generate  bool      `json:"generate_ids,omitempty"`
	IDPattern string    `json:"id_pattern,omitempty"` // the declared pattern of a valid ID
	IDFormat  string    `json:"id_format,omitempty"`  // the declared format (uuid, integer, ...)
	Sources   IDSources `json:"sources"`              // where each ID set came from
	MaxIDs    int       `json:"max_ids,omitempty"`
	// UnknownPath is the endpoint's own path that cannot exist ("": two
	// random segments under the base URL).
	UnknownPath string `json:"unknown_path,omitempty"`
	// RateLimitScope names the limiter that guards the endpoint ("": the
	// API's, which the base URL and the run's credentials identify).
	RateLimitScope string `json:"rate_limit_scope,omitempty"`
	Profile        string `json:"profile"`
	Fields         Fields `json:"fields"`
	// Source is where the endpoint is defined, for CI annotations.
	Source Source `json:"source,omitempty"`
}

// DefaultScope is how the API's own rate-limit scope is named.
const DefaultScope = "the base URL and credentials"

// ScopeOf names the rate-limit scope of the endpoint.
func (ep *Endpoint) ScopeOf() string {
	if ep.RateLimitScope == "" {
		return DefaultScope
	}
	return ep.RateLimitScope
}

// Source is a place in a file: the config file line that defines an endpoint.
type Source struct {
	File string `json:"file,omitempty"`
	Line int    `json:"line,omitempty"`
}

// Discovery is the request that lists a collection and the gjson path of
// the IDs in its answer.
type Discovery struct {
	Path  string `json:"path"`
	Query []Pair `json:"query,omitempty"`
	IDs   string `json:"ids"`             // e.g. data.#.id
	Limit int    `json:"limit,omitempty"` // the most IDs taken (0: 3)
}

// IDSources says, in words, where each ID set of an endpoint came from.
type IDSources struct {
	Found     string `json:"found,omitempty"`
	Missing   string `json:"missing,omitempty"`
	Malformed string `json:"malformed,omitempty"`
}

// Pair is one name and value, in order (a fixed query parameter).
type Pair struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Param is a non-ID parameter of an endpoint: sent with its valid value,
// and the subject of the param-missing and param-malformed cases.
type Param struct {
	Name      string `json:"name"`
	In        string `json:"in"` // query, header or body (a member path)
	Required  bool   `json:"required,omitempty"`
	Value     string `json:"value"`
	Malformed string `json:"malformed,omitempty"`  // "": no param-malformed case
	NoResults string `json:"no_results,omitempty"` // a valid value that matches nothing
	JSON      string `json:"json,omitempty"`       // in a body: "number" or "boolean" writes the value unquoted
}

// IsList reports whether the endpoint takes a list of IDs.
func (e *Endpoint) IsList() bool { return e.KindOf() != KindSearch && !e.IDStyle.Encoding().Single() }

// KindOf returns the endpoint's kind, derived from its encoding when unset.
func (e *Endpoint) KindOf() EndpointKind {
	switch {
	case e.Kind != "":
		return e.Kind
	case e.IDStyle.Encoding().Single():
		return KindSingle
	}
	return KindList
}

// MethodOf returns the endpoint's method (GET by default).
func (e *Endpoint) MethodOf() string {
	if e.Method == "" {
		return "GET"
	}
	return e.Method
}

var labelSafe = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// ValidName reports whether name can serve as an endpoint name: it becomes
// a Ginkgo label, so it is restricted to letters, digits, '.', '_' and '-'.
func ValidName(name string) bool { return labelSafe.MatchString(name) }

// NameFromPath derives a readable endpoint name from its path:
// "/v1/items/{id}" becomes "v1-items".
func NameFromPath(p string) string {
	var parts []string
	for _, seg := range strings.Split(p, "/") {
		if seg == "" || strings.HasPrefix(seg, "{") {
			continue
		}
		clean := strings.Map(func(r rune) rune {
			if r == '.' || r == '_' || r == '-' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' {
				return r
			}
			return '-'
		}, seg)
		parts = append(parts, clean)
	}
	name := strings.Trim(strings.Join(parts, "-"), "-._")
	if name == "" {
		return "root"
	}
	return name
}

// Request is what a case sends. Secrets are never part of it: Auth names
// the variant of the credentials and the prober supplies them.
type Request struct {
	Method string            `json:"method"`
	URL    string            `json:"url"`
	Header map[string]string `json:"header,omitempty"`
	Body   string            `json:"body,omitempty"` // JSON
	Auth   auth.Variant      `json:"auth,omitempty"`
}

// IDs records which IDs a case sends, in order, and what kind each one is.
type IDs struct {
	Sent      []string `json:"sent,omitempty"`
	Found     []string `json:"found,omitempty"`
	Missing   []string `json:"missing,omitempty"`
	Malformed []string `json:"malformed,omitempty"`
}

// Case is one request of the plan and what the judge needs to know about it.
type Case struct {
	ID       string    `json:"id"` // endpoint/name, stable across runs
	Endpoint *Endpoint `json:"-"`
	Kind     Kind      `json:"case"`
	// Param names the parameter of a param-missing or param-malformed case.
	Param      string   `json:"param,omitempty"`
	Request    Request  `json:"request"`
	IDs        IDs      `json:"ids"`
	Labels     []string `json:"labels"`
	SkipReason string   `json:"skip_reason,omitempty"`
	// Declared lists the statuses the API's OpenAPI document declares for
	// the operation this case asks ("200", "4XX", "default"); nil when no
	// document was given or no operation matches.
	Declared []string `json:"declared,omitempty"`
}

// Name is the case's name within its endpoint: the kind, and the
// parameter of a parameter case (param-missing:query).
func (c Case) Name() string {
	if c.Param == "" {
		return string(c.Kind)
	}
	return string(c.Kind) + ":" + c.Param
}

// Skipped reports whether the case is in the plan only to say why it is not sent.
func (c Case) Skipped() bool { return c.SkipReason != "" }

// Options are the run-wide settings a plan depends on.
type Options struct {
	BaseURL             string
	AuthConfigured      bool   // valid credentials are configured
	ForbiddenConfigured bool   // credentials without rights are configured
	WrongMethod         string // "" leaves wrong-method off
	RateLimitBurst      int    // 0 leaves rate-limit off
	UnknownSuffix       string // random suffix of the unknown-endpoint path
}

// Plan is the ordered list of cases of a run.
type Plan struct {
	Cases []Case `json:"cases"`
}
