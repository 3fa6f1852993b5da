package plan

import (
	"fmt"
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/apiconform/apiconform/suites/auth"
)

// IDStyle says how a list of IDs is written into the request.
type IDStyle string

// The ID styles of profiles.md §1.
const (
	StyleComma  IDStyle = "comma"  // ?id=1,2
	StyleRepeat IDStyle = "repeat" // ?id=1&id=2
	StylePath   IDStyle = "path"   // /items/{id}, one ID per request
)

// Valid reports whether s is a known ID style.
func (s IDStyle) Valid() bool {
	return s == StyleComma || s == StyleRepeat || s == StylePath
}

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
	Error         string `yaml:"error" json:"error"`                   // Error is the error code.
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
	}
}

// Endpoint is one API endpoint under test, fully resolved.
type Endpoint struct {
	Name      string   `json:"name"`
	Path      string   `json:"path"`
	IDParam   string   `json:"id_param"`
	IDStyle   IDStyle  `json:"id_style"`
	Found     []string `json:"found,omitempty"`
	Missing   []string `json:"missing,omitempty"`
	Malformed []string `json:"malformed,omitempty"`
	MaxIDs    int      `json:"max_ids,omitempty"`
	Profile   string   `json:"profile"`
	Fields    Fields   `json:"fields"`
}

// IsList reports whether the endpoint takes a list of IDs.
func (e *Endpoint) IsList() bool { return e.IDStyle != StylePath }

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

// placeholderID marks where a path-style endpoint takes its ID.
const placeholderID = "{id}"

// Request is what a case sends. Secrets are never part of it: Auth names
// the credentials and the prober supplies them.
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
	AuthConfigured      bool   // a valid token is configured
	ForbiddenConfigured bool   // a token without rights is configured
	WrongMethod         string // "" leaves wrong-method off
	RateLimitBurst      int    // 0 leaves rate-limit off
	UnknownSuffix       string // random suffix of the unknown-endpoint path
}

// Plan is the ordered list of cases of a run.
type Plan struct {
	Cases []Case `json:"cases"`
}

// Build returns the plan for endpoints: every case kind for every endpoint,
// with a skip reason where the configuration does not allow the case.
func Build(endpoints []*Endpoint, opts Options) (Plan, error) {
	base, err := url.Parse(opts.BaseURL)
	if err != nil || base.Scheme == "" || base.Host == "" {
		return Plan{}, fmt.Errorf("base URL %q is not an absolute URL", opts.BaseURL)
	}
	var p Plan
	for _, ep := range endpoints {
		b := builder{ep: ep, base: base, opts: opts}
		for _, kind := range Kinds() {
			p.Cases = append(p.Cases, b.build(kind))
		}
	}
	return p, nil
}

type builder struct {
	ep   *Endpoint
	base *url.URL
	opts Options
}

func (b builder) build(kind Kind) Case {
	c := Case{
		ID:       b.ep.Name + "/" + string(kind),
		Endpoint: b.ep,
		Kind:     kind,
		Request:  Request{Method: "GET"},
		Labels: []string{
			"case:" + string(kind), "endpoint:" + b.ep.Name, "profile:" + b.ep.Profile, string(kind.Family()),
		},
	}
	ep := b.ep
	needList := func() bool {
		if !ep.IsList() {
			c.SkipReason = "not applicable to a path-style endpoint (one ID per request)"
			return false
		}
		return true
	}
	need := func(what string, ids []string, n int) bool {
		if len(ids) < n {
			if n == 1 {
				c.SkipReason = fmt.Sprintf("needs %s IDs (none configured)", what)
			} else {
				c.SkipReason = fmt.Sprintf("needs at least %d %s IDs", n, what)
			}
			return false
		}
		return true
	}
	switch kind {
	case Found:
		if needList() && need("found", ep.Found, 2) {
			b.ids(&c, ep.Found, nil, nil, ep.Found)
		}
	case FoundOne:
		if need("found", ep.Found, 1) {
			b.ids(&c, ep.Found[:1], nil, nil, ep.Found[:1])
		}
	case Partial:
		if needList() && need("found", ep.Found, 1) && need("missing", ep.Missing, 1) {
			b.ids(&c, ep.Found[:1], ep.Missing[:1], nil, []string{ep.Missing[0], ep.Found[0]})
		}
	case None:
		if need("missing", ep.Missing, 1) {
			missing := ep.Missing
			if !ep.IsList() {
				missing = missing[:1]
			}
			b.ids(&c, nil, missing, nil, missing)
		}
	case Malformed:
		if need("malformed", ep.Malformed, 1) {
			b.ids(&c, nil, nil, ep.Malformed[:1], ep.Malformed[:1])
		}
	case MalformedMixed:
		if needList() && need("found", ep.Found, 1) && need("malformed", ep.Malformed, 1) {
			b.ids(&c, ep.Found[:1], nil, ep.Malformed[:1], []string{ep.Found[0], ep.Malformed[0]})
		}
	case Duplicate:
		if needList() && need("found", ep.Found, 1) {
			b.ids(&c, ep.Found[:1], nil, nil, []string{ep.Found[0], ep.Found[0]})
		}
	case Empty:
		if needList() {
			c.Request.URL = b.listURL([]string{}, true)
		}
	case MissingParam:
		if needList() {
			c.Request.URL = b.listURL(nil, false)
		}
	case Oversized:
		switch {
		case !needList():
		case ep.MaxIDs <= 0:
			c.SkipReason = "needs max_ids (--max-ids)"
		case len(ep.Found)+len(ep.Missing) == 0:
			c.SkipReason = "needs found or missing IDs to fill the list"
		default:
			sent := oversizedIDs(ep, ep.MaxIDs+1)
			c.IDs = IDs{Sent: sent}
			c.Request.URL = b.listURL(sent, true)
		}
	case UnknownEndpoint:
		c.Request.URL = b.unknownURL()
	case WrongMethod:
		if b.opts.WrongMethod == "" {
			c.SkipReason = "opt-in: enable with --wrong-method METHOD"
			break
		}
		c.Request.Method = b.opts.WrongMethod
		// Sent to missing IDs (or no IDs): should the server allow the
		// method after all, nothing that exists is touched.
		switch {
		case len(ep.Missing) > 0 && ep.IsList():
			c.IDs = IDs{Sent: ep.Missing, Missing: ep.Missing}
			c.Request.URL = b.listURL(ep.Missing, true)
		case len(ep.Missing) > 0:
			c.IDs = IDs{Sent: ep.Missing[:1], Missing: ep.Missing[:1]}
			c.Request.URL = b.pathURL(ep.Missing[0])
		case ep.IsList():
			c.Request.URL = b.listURL(nil, false)
		default:
			c.SkipReason = "needs missing IDs, so that the probe never targets a record that exists"
		}
	case AuthMissing, AuthInvalid, AuthForbidden:
		switch {
		case !b.opts.AuthConfigured:
			c.SkipReason = "needs a token: --token-env NAME"
		case kind == AuthForbidden && !b.opts.ForbiddenConfigured:
			c.SkipReason = "needs a token without rights: --forbidden-token-env NAME"
		case need("found", ep.Found, 1):
			b.foundRequest(&c)
			c.Request.Auth = map[Kind]auth.Variant{AuthMissing: auth.Missing, AuthInvalid: auth.Invalid, AuthForbidden: auth.Forbidden}[kind]
		}
	case RateLimit:
		switch {
		case b.opts.RateLimitBurst <= 0:
			c.SkipReason = "needs a burst budget: --rate-limit-burst N"
		case need("found", ep.Found, 1):
			b.foundRequest(&c)
		}
	}
	if c.Skipped() {
		c.Request = Request{}
		c.IDs = IDs{}
	}
	return c
}

// foundRequest fills c with the found request (all found IDs on a list
// endpoint, the first one on a path endpoint).
func (b builder) foundRequest(c *Case) {
	found := b.ep.Found
	if !b.ep.IsList() {
		found = found[:1]
	}
	b.ids(c, found, nil, nil, found)
}

func (b builder) ids(c *Case, found, missing, malformed, sent []string) {
	c.IDs = IDs{Sent: sent, Found: found, Missing: missing, Malformed: malformed}
	if b.ep.IsList() {
		c.Request.URL = b.listURL(sent, true)
		return
	}
	c.Request.URL = b.pathURL(sent[0])
}

// listURL writes ids into the query. withParam false leaves the parameter
// out; an empty list with withParam writes "?id=".
func (b builder) listURL(ids []string, withParam bool) string {
	u := b.join(b.ep.Path)
	if !withParam {
		return u
	}
	param := url.QueryEscape(b.ep.IDParam)
	escaped := make([]string, len(ids))
	for i, id := range ids {
		escaped[i] = url.QueryEscape(id)
	}
	var query string
	if b.ep.IDStyle == StyleRepeat && len(ids) > 0 {
		parts := make([]string, len(ids))
		for i, id := range escaped {
			parts[i] = param + "=" + id
		}
		query = strings.Join(parts, "&")
	} else {
		// Literal commas, as clients write them (?id=1,2).
		query = param + "=" + strings.Join(escaped, ",")
	}
	return u + "?" + query
}

func (b builder) pathURL(id string) string {
	p := b.ep.Path
	if strings.Contains(p, placeholderID) {
		p = strings.Replace(p, placeholderID, url.PathEscape(id), 1)
	} else {
		p = strings.TrimSuffix(p, "/") + "/" + url.PathEscape(id)
	}
	return b.join(p)
}

// unknownURL is a sibling of the endpoint's path that cannot exist, so that
// it reaches the same service behind a gateway that routes by prefix.
func (b builder) unknownURL() string {
	p := b.ep.Path
	if i := strings.Index(p, placeholderID); i >= 0 {
		p = p[:i]
	}
	dir := path.Dir(strings.TrimSuffix(p, "/"))
	if dir == "." {
		dir = "/"
	}
	return b.join(path.Join(dir, "apiconform-unknown-"+b.opts.UnknownSuffix))
}

// join appends an already escaped path to the base URL.
func (b builder) join(escapedPath string) string {
	u := *b.base
	u.RawQuery, u.Fragment = "", ""
	return strings.TrimSuffix(u.String(), "/") + escapedPath
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

// Filter keeps the cases whose labels match the Ginkgo label filter expr.
func (p Plan) Filter(expr string) (Plan, error) {
	if strings.TrimSpace(expr) == "" {
		return p, nil
	}
	match, err := types.ParseLabelFilter(expr)
	if err != nil {
		return Plan{}, fmt.Errorf("--label-filter %q: %s", expr, oneLine(stripANSI(err.Error())))
	}
	var out Plan
	for _, c := range p.Cases {
		if match(c.Labels) {
			out.Cases = append(out.Cases, c)
		}
	}
	return out, nil
}

// Labels lists every label of the plan, sorted, for help texts and errors.
func (p Plan) Labels() []string {
	set := map[string]bool{}
	for _, c := range p.Cases {
		for _, l := range c.Labels {
			set[l] = true
		}
	}
	labels := make([]string, 0, len(set))
	for l := range set {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	return labels
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }

// oneLine folds a multi-line message into one line.
func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
