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
)

// Endpoint is one API endpoint under test, fully resolved.
type Endpoint struct {
	Name      string       `json:"name"`
	Kind      EndpointKind `json:"kind,omitempty"` // "": single for a one-ID encoding, else list
	Path      string       `json:"path"`
	IDParam   string       `json:"id_param"`
	IDStyle   IDStyle      `json:"id_style"`
	Found     []string     `json:"found,omitempty"`
	Missing   []string     `json:"missing,omitempty"`
	Malformed []string     `json:"malformed,omitempty"`
	MaxIDs    int          `json:"max_ids,omitempty"`
	// UnknownPath is the endpoint's own path that cannot exist ("": two
	// random segments under the base URL).
	UnknownPath string `json:"unknown_path,omitempty"`
	Profile     string `json:"profile"`
	Fields      Fields `json:"fields"`
}

// IsList reports whether the endpoint takes a list of IDs.
func (e *Endpoint) IsList() bool { return !e.IDStyle.Encoding().Single() }

// KindOf returns the endpoint's kind, derived from its encoding when unset.
func (e *Endpoint) KindOf() EndpointKind {
	switch {
	case e.Kind != "":
		return e.Kind
	case e.IsList():
		return KindList
	}
	return KindSingle
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
	Method string       `json:"method"`
	URL    string       `json:"url"`
	Auth   auth.Variant `json:"auth,omitempty"`
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
	ID         string    `json:"id"` // endpoint/kind, stable across runs
	Endpoint   *Endpoint `json:"-"`
	Kind       Kind      `json:"case"`
	Request    Request   `json:"request"`
	IDs        IDs       `json:"ids"`
	Labels     []string  `json:"labels"`
	SkipReason string    `json:"skip_reason,omitempty"`
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
