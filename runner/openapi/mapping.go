package openapi

import (
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Config is what init writes: the run-wide settings and one endpoint per
// operation that apiconform can test, each guess said in a comment, and
// the operations skipped with the reason.
type Config struct {
	BaseURL   string
	Profile   string
	Auth      *Auth
	RateLimit bool     // some operation declares 429: the burst is on
	Comments  []string // run-wide guesses
	Endpoints []Endpoint
	Skipped   []Skip
}

// Endpoint is one endpoint of the config, in the config file's terms.
type Endpoint struct {
	Name       string
	Operation  string // "GET /items (listItems)"
	Kind       string // list, single, search
	Method     string // "" for GET
	Path       string
	IDParam    string
	IDStyle    string
	IDRequired *bool
	Body       bool // a POST with a JSON body: body: {}
	Params     []Param
	Found      []string
	FoundFrom  *FoundFrom
	IDPattern  string
	IDFormat   string
	Fields     map[string]string // gjson paths that differ from the defaults
	Profile    string            // "" : the run's
	Comments   []string          // what init guessed, and why
}

// Param is a non-ID parameter, sent with a value from the document.
type Param struct {
	Name, In, Value, Type string
	Required              bool
	Enum                  []string
}

// FoundFrom is the listing the found IDs come from.
type FoundFrom struct{ Path, IDs string }

// Auth is the run's credentials, with the variables that hold them.
type Auth struct {
	Type, Header, Param, TokenURL, Audience string
	Vars                                    map[string]string // key (token_env, username_env, ...) → variable name
	Scopes                                  []string
	Comment                                 string
}

// Skip is an operation init did not map, and why.
type Skip struct{ Operation, Reason string }

// Options shape the mapping.
type Options struct {
	BaseURL string // replaces the document's server URL
	Profile string // the run's profile where the document does not say
}

// Map turns the document's operations into a config.
func Map(doc *Document, opts Options) (*Config, error) {
	base, err := baseURL(doc, opts.BaseURL)
	if err != nil {
		return nil, err
	}
	cfg := &Config{BaseURL: base, Profile: opts.Profile}
	if cfg.Profile == "" {
		cfg.Profile = "strict"
	}
	m := &mapper{doc: doc.T, cfg: cfg, names: map[string]bool{}, schemes: map[string]int{}}
	paths := doc.T.Paths.Keys()
	sort.Strings(paths)
	for _, path := range paths {
		m.mapPath(path, doc.T.Paths.Value(path))
	}
	sort.SliceStable(cfg.Endpoints, func(i, j int) bool { return cfg.Endpoints[i].Path < cfg.Endpoints[j].Path })
	sort.SliceStable(cfg.Skipped, func(i, j int) bool { return cfg.Skipped[i].Operation < cfg.Skipped[j].Operation })
	m.mapAuth()
	return cfg, nil
}

// baseURL is --base-url, or the document's first server URL.
func baseURL(doc *Document, flag string) (string, error) {
	if flag != "" {
		return strings.TrimSuffix(flag, "/"), nil
	}
	if len(doc.T.Servers) == 0 || doc.T.Servers[0] == nil {
		return "", fmt.Errorf("%s: the document names no server: give --base-url", doc.Path)
	}
	s := doc.T.Servers[0]
	u := s.URL
	for name, v := range s.Variables {
		if v != nil {
			u = strings.ReplaceAll(u, "{"+name+"}", v.Default)
		}
	}
	parsed, err := url.Parse(u)
	if err != nil || parsed.Scheme == "" || parsed.Host == "" {
		return "", fmt.Errorf("%s: the server URL %q is relative: give --base-url, the URL it is relative to", doc.Path, s.URL)
	}
	return strings.TrimSuffix(u, "/"), nil
}

// mapper walks the document's operations.
type mapper struct {
	doc     *openapi3.T
	cfg     *Config
	names   map[string]bool
	schemes map[string]int // security scheme name → endpoints that use it
	scopes  map[string][]string
}

func (m *mapper) mapPath(path string, item *openapi3.PathItem) {
	methods := make([]string, 0, 8)
	for method := range item.Operations() {
		methods = append(methods, method)
	}
	sort.Strings(methods)
	for _, method := range methods {
		op := item.Operations()[method]
		where := method + " " + path
		if op.OperationID != "" {
			where += " (" + op.OperationID + ")"
		}
		ep, reason := m.mapOperation(method, path, item, op)
		if ep == nil {
			m.cfg.Skipped = append(m.cfg.Skipped, Skip{Operation: where, Reason: reason})
			continue
		}
		ep.Operation = where
		ep.Name = m.uniqueName(op.OperationID, path)
		m.useSecurity(op)
		if declares(op, http.StatusTooManyRequests) {
			m.cfg.RateLimit = true
		}
		m.cfg.Endpoints = append(m.cfg.Endpoints, *ep)
	}
}

// mapOperation maps one operation, or says why it cannot be tested.
func (m *mapper) mapOperation(method, path string, item *openapi3.PathItem, op *openapi3.Operation) (*Endpoint, string) {
	params := parameters(item, op)
	switch method {
	case http.MethodGet:
		return m.mapGet(path, params, op)
	case http.MethodPost:
		if ep := m.mapBatchGet(path, params, op); ep != nil {
			return ep, ""
		}
		return nil, "a write (POST without an array of IDs in its JSON body); apiconform sends only reads"
	case http.MethodHead, http.MethodOptions, http.MethodTrace:
		return nil, "not a read that returns records"
	}
	return nil, "a write (" + method + "); apiconform sends only reads"
}

// parameters lists the operation's parameters with the path item's.
func parameters(item *openapi3.PathItem, op *openapi3.Operation) []*openapi3.Parameter {
	var out []*openapi3.Parameter
	seen := map[string]bool{}
	for _, list := range []openapi3.Parameters{op.Parameters, item.Parameters} {
		for _, ref := range list {
			if ref == nil || ref.Value == nil || seen[ref.Value.In+" "+ref.Value.Name] {
				continue
			}
			seen[ref.Value.In+" "+ref.Value.Name] = true
			out = append(out, ref.Value)
		}
	}
	return out
}

func (m *mapper) uniqueName(operationID, path string) string {
	name := labelName(operationID)
	if name == "" {
		name = labelName(strings.ReplaceAll(strings.Trim(path, "/"), "/", "-"))
	}
	if name == "" {
		name = "root"
	}
	base := name
	for i := 2; m.names[name]; i++ {
		name = fmt.Sprintf("%s-%d", base, i)
	}
	m.names[name] = true
	return name
}

var labelUnsafe = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// labelName makes s a label-safe endpoint name.
func labelName(s string) string {
	s = strings.ReplaceAll(s, "{", "")
	s = strings.ReplaceAll(s, "}", "")
	return strings.Trim(labelUnsafe.ReplaceAllString(s, "-"), "-._")
}

// declares reports whether op declares a response with status.
func declares(op *openapi3.Operation, status int) bool {
	return op.Responses != nil && op.Responses.Status(status) != nil
}
