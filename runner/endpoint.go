package runner

import (
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/httpsyntax"
	"github.com/apiconform/apiconform/suites/plan"
)

// EndpointConfig is one endpoint as the config file (or the flags) describe it.
type EndpointConfig struct {
	Name    string            `yaml:"name"`     // Name labels the endpoint's cases (default: from the path).
	Kind    string            `yaml:"kind"`     // Kind is list (default), single or search.
	Method  string            `yaml:"method"`   // Method is GET (default), or POST for a batch-get endpoint: a read, never a write.
	Path    string            `yaml:"path"`     // Path is joined to the base URL; "{id}" marks the ID of path style.
	Headers map[string]string `yaml:"headers"`  // Headers are sent with every case (a tenant header, a vendor Accept).
	Query   map[string]string `yaml:"query"`    // Query are fixed parameters sent with every case (api-version=...).
	Body    yaml.Node         `yaml:"body"`     // Body is the JSON template of a POST: a mapping or a JSON string.
	IDParam string            `yaml:"id_param"` // IDParam is the query parameter (or, for id_style body, the body member) carrying IDs.
	IDStyle string            `yaml:"id_style"` // IDStyle is comma, repeat, path, body or template.
	// IDTemplate is the per-ID pattern, separator and wrapper of id_style template.
	IDTemplate *plan.IDTemplate `yaml:"id_template"`
	IDEach     yaml.Node        `yaml:"id_each"`     // IDEach is, for id_style body, an object built per ID ("{id}" in its strings).
	IDJSON     string           `yaml:"id_json"`     // IDJSON writes body IDs as string (default) or number.
	IDRequired *bool            `yaml:"id_required"` // IDRequired false: the ID parameter is an optional filter on a collection.
	Params     []ParamConfig    `yaml:"params"`      // Params are non-ID parameters, with their cases.
	Found      IDList           `yaml:"found"`       // Found are IDs that exist.
	Missing    IDList           `yaml:"missing"`     // Missing are IDs that do not exist.
	Malformed  IDList           `yaml:"malformed"`   // Malformed are syntactically invalid IDs.
	// FoundFrom finds the found IDs at run time from a listing of the collection.
	FoundFrom   *FoundFromConfig `yaml:"found_from"`
	GenerateIDs bool             `yaml:"generate_ids"` // GenerateIDs makes missing and malformed IDs in the found IDs' shape.
	IDPattern   string           `yaml:"id_pattern"`   // IDPattern is the regular expression of a valid ID (from the API's documentation).
	IDFormat    string           `yaml:"id_format"`    // IDFormat is the format of a valid ID: integer, uuid.
	MaxIDs      int              `yaml:"max_ids"`      // MaxIDs is the longest list the endpoint accepts (0: unknown).
	// UnknownPath is a path that cannot exist for the unknown-endpoint case
	// (default: two random segments directly under the base URL).
	UnknownPath string `yaml:"unknown_path"`
	// RateLimitScope names the rate limiter that guards the endpoint when
	// it is not the API's one (the base URL and credentials): the burst
	// runs once per scope.
	RateLimitScope string      `yaml:"rate_limit_scope"`
	Profile        string      `yaml:"profile"` // Profile overrides the run's profile for this endpoint.
	Fields         plan.Fields `yaml:"fields"`  // Fields override the gjson paths for this endpoint.
}

// FoundFromConfig is the request that lists a collection, and where its
// answer holds the IDs.
type FoundFromConfig struct {
	Path  string            `yaml:"path"`  // Path of the listing, under the base URL (e.g. /records).
	Query map[string]string `yaml:"query"` // Query parameters of the listing (e.g. limit: "10").
	IDs   string            `yaml:"ids"`   // IDs is the gjson path of the IDs in the answer (e.g. data.#.id).
	Limit int               `yaml:"limit"` // Limit is the most IDs taken (default 3).
}

// ParamConfig is a non-ID parameter: sent with its valid value in every
// case, left out by param-missing (when required) and given a malformed
// value by param-malformed.
type ParamConfig struct {
	Name      string   `yaml:"name"`       // Name is the parameter (or, in a body, the member path).
	In        string   `yaml:"in"`         // In is query (default), header or body.
	Required  bool     `yaml:"required"`   // Required makes a param-missing case.
	Value     string   `yaml:"value"`      // Value is a valid value, sent in every other case.
	Malformed string   `yaml:"malformed"`  // Malformed is a value the API must refuse (or made from type).
	Type      string   `yaml:"type"`       // Type (integer, number, boolean, uuid, date, enum) makes the malformed value.
	Enum      []string `yaml:"enum"`       // Enum lists the allowed values of type enum.
	NoResults string   `yaml:"no_results"` // NoResults is a valid value that matches nothing (search: no-results).
}

// IDList is a list of IDs that YAML may write as numbers or strings.
type IDList []string

// UnmarshalYAML accepts a sequence of scalars, or one scalar that may list
// several IDs with commas, split as the flags and the environment split
// them (found: 2,3 is two IDs; an ID that holds a comma is quoted whole,
// or given in a YAML list).
func (l *IDList) UnmarshalYAML(node *yaml.Node) error {
	list, err := unmarshalList(node, "a list of IDs")
	if err != nil {
		return err
	}
	*l = list
	return nil
}

// malformedByType is the malformed value a parameter's type makes.
var malformedByType = map[string]string{
	"integer": "xyz", "number": "xyz", "boolean": "maybe", "uuid": "not-a-uuid", "date": "2026-13-45", "enum": "apiconform-not-in-enum",
}

// maxMaxIDs bounds max_ids: a URL with more IDs is far beyond any
// server's limit, and building it would only cost memory.
const maxMaxIDs = 100000

func (ec EndpointConfig) resolve(fields plan.Fields, profile string, profiles suites.Profiles) (*plan.Endpoint, error) {
	ep := &plan.Endpoint{
		Name: ec.Name, Kind: plan.EndpointKind(ec.Kind), Method: strings.ToUpper(ec.Method), Path: ec.Path,
		IDParam: ec.IDParam, IDStyle: plan.IDStyle(ec.IDStyle), Template: ec.IDTemplate, IDNumber: ec.IDJSON == "number",
		IDOptional: ec.IDRequired != nil && !*ec.IDRequired,
		Found:      ec.Found, Missing: ec.Missing, Malformed: ec.Malformed, MaxIDs: ec.MaxIDs, UnknownPath: ec.UnknownPath,
		RateLimitScope: ec.RateLimitScope,
		Profile:        ec.Profile, Fields: ec.Fields.Or(fields),
	}
	if ep.IDParam == "" {
		ep.IDParam = "id"
	}
	if ep.IDStyle == "" {
		ep.IDStyle = plan.StyleComma
	}
	if ep.Profile == "" {
		ep.Profile = profile
	}
	if err := ec.resolveShape(ep); err != nil {
		return nil, err
	}
	if err := ec.resolveIDs(ep); err != nil {
		return nil, err
	}
	if err := ec.resolveDiscovery(ep); err != nil {
		return nil, err
	}
	if _, ok := profiles[ep.Profile]; !ok {
		return nil, fmt.Errorf("profile %q: %s", ep.Profile, unknownProfile(ep.Profile, profiles))
	}
	if ep.Name == "" {
		ep.Name = plan.NameFromPath(ep.Path)
	}
	if !plan.ValidName(ep.Name) {
		return nil, fmt.Errorf("name %q: may hold only letters, digits, '.', '_' and '-'", ep.Name)
	}
	return ep, nil
}

// resolveShape checks and fills how the endpoint is asked: kind, method,
// path, headers, query, body and the ID encoding.
func (ec EndpointConfig) resolveShape(ep *plan.Endpoint) error {
	styles := make([]string, 0, 5)
	for _, s := range plan.Styles() {
		styles = append(styles, string(s))
	}
	switch {
	case !ep.Kind.Valid():
		return fmt.Errorf("kind %q: must be list, single or search", ec.Kind)
	case ep.Method != "" && !httpsyntax.IsMethod(ep.Method):
		return fmt.Errorf("method %q: not an HTTP method", ec.Method)
	case ep.Path == "" || !strings.HasPrefix(ep.Path, "/"):
		return fmt.Errorf("path %q: must start with /", ep.Path)
	case strings.ContainsAny(ep.Path, "?#"):
		return fmt.Errorf("path %q: must not carry a query or fragment (put fixed parameters under query:)", ep.Path)
	case hasControl(ep.Path):
		return fmt.Errorf("path %q: must not hold control characters", ep.Path)
	case !ep.IDStyle.Valid():
		return fmt.Errorf("id_style %q: must be one of %s", ep.IDStyle, strings.Join(styles, ", "))
	case ep.IDStyle != plan.StylePath && strings.Contains(ep.Path, "{id}"):
		return fmt.Errorf("path %q has {id}: use id_style path (--id-style path)", ep.Path)
	case ep.IDStyle == plan.StyleBody && (ep.Method == "" || ep.Method == "GET" || ep.Method == "HEAD"):
		return fmt.Errorf("id_style body: needs a method that carries a body (method: POST, for a batch-get endpoint)")
	case ep.IDStyle == plan.StyleTemplate && (ep.Template == nil || !strings.Contains(ep.Template.Each+ep.Template.Wrap, "{id")):
		return fmt.Errorf("id_template: id_style template needs id_template with each (\"{id}\" marks the ID), separator and an optional wrap (\"{ids}\" marks the list)")
	case ec.IDJSON != "" && ec.IDJSON != "string" && ec.IDJSON != "number":
		return fmt.Errorf("id_json %q: must be string or number", ec.IDJSON)
	case ep.UnknownPath != "" && (!strings.HasPrefix(ep.UnknownPath, "/") || strings.Contains(ep.UnknownPath, "#")):
		return fmt.Errorf("unknown_path %q: must start with / and carry no fragment", ep.UnknownPath)
	}
	if ep.Kind == plan.KindSingle && ep.IDStyle != plan.StylePath {
		return fmt.Errorf("kind single: needs id_style path (/items/{id})")
	}
	if err := ec.resolveRequestParts(ep); err != nil {
		return err
	}
	return ec.resolveParams(ep)
}

// resolveRequestParts reads the fixed headers, query and body template.
func (ec EndpointConfig) resolveRequestParts(ep *plan.Endpoint) error {
	for name, value := range ec.Headers {
		if err := checkHeader(name, value); err != nil {
			return fmt.Errorf("headers.%s: %w", name, err)
		}
	}
	if len(ec.Headers) > 0 {
		ep.Header = ec.Headers
	}
	names := make([]string, 0, len(ec.Query))
	for name := range ec.Query {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if name == "" || hasControl(name+ec.Query[name]) {
			return fmt.Errorf("query.%s: a name and a value without control characters", name)
		}
		ep.Query = append(ep.Query, plan.Pair{Name: name, Value: ec.Query[name]})
	}
	var err error
	if ep.Body, err = jsonTemplate(&ec.Body); err != nil {
		return fmt.Errorf("body: %w", err)
	}
	if ep.IDEach, err = jsonTemplate(&ec.IDEach); err != nil {
		return fmt.Errorf("id_each: %w", err)
	}
	if ep.Body != nil {
		if _, isObject := ep.Body.(map[string]any); !isObject {
			return fmt.Errorf("body: must be a JSON object")
		}
	}
	return nil
}

// resolveParams reads the non-ID parameters and makes their malformed values.
func (ec EndpointConfig) resolveParams(ep *plan.Endpoint) error {
	seen := map[string]bool{}
	for i, pc := range ec.Params {
		at := fmt.Sprintf("params[%d]", i)
		p := plan.Param{Name: pc.Name, In: pc.In, Required: pc.Required, Value: pc.Value, Malformed: pc.Malformed, NoResults: pc.NoResults}
		if p.In == "" {
			p.In = "query"
		}
		switch {
		case p.Name == "":
			return fmt.Errorf("%s.name: required", at)
		case seen[p.Name]:
			return fmt.Errorf("%s.name: %q is declared twice", at, p.Name)
		case p.In != "query" && p.In != "header" && p.In != "body":
			return fmt.Errorf("%s.in %q: must be query, header or body", at, pc.In)
		case p.In == "query" && ec.Query[p.Name] != "" || p.In == "header" && ec.Headers[p.Name] != "":
			return fmt.Errorf("%s.name: %q is also a fixed %s value: declare it once (a param is sent in every case but its own)", at, p.Name, p.In)
		case p.In == "header" && !httpsyntax.IsToken(p.Name):
			return fmt.Errorf("%s.name %q: not a header name", at, p.Name)
		case pc.Type != "" && pc.Type != "string" && malformedByType[pc.Type] == "":
			return fmt.Errorf("%s.type %q: must be string, integer, number, boolean, uuid, date or enum", at, pc.Type)
		case pc.Type == "enum" && len(pc.Enum) == 0:
			return fmt.Errorf("%s.enum: type enum needs the allowed values", at)
		case hasControl(p.Name + p.Value + p.Malformed + p.NoResults):
			return fmt.Errorf("%s: values must not hold control characters", at)
		}
		seen[p.Name] = true
		if p.Malformed == "" {
			p.Malformed = malformedByType[pc.Type]
		}
		if pc.Type == "integer" || pc.Type == "number" || pc.Type == "boolean" {
			p.JSON = map[string]string{"integer": "number", "number": "number", "boolean": "boolean"}[pc.Type]
		}
		ep.Params = append(ep.Params, p)
	}
	if ep.Kind == plan.KindSearch && len(ep.Params) == 0 {
		return fmt.Errorf("kind search: needs params (the query parameters, with a valid value each)")
	}
	return nil
}

// resolveIDs checks the ID sets.
func (ec EndpointConfig) resolveIDs(ep *plan.Endpoint) error {
	switch {
	case ep.MaxIDs < 0:
		return fmt.Errorf("max_ids %d: must not be negative", ep.MaxIDs)
	case ep.MaxIDs > maxMaxIDs:
		return fmt.Errorf("max_ids %d: at most %d (the oversized case sends max_ids + 1 IDs in one URL)", ep.MaxIDs, maxMaxIDs)
	case ep.MaxIDs > 0 && len(ep.Found) > ep.MaxIDs:
		return fmt.Errorf("found lists %d IDs but max_ids is %d: the found case itself would be oversized", len(ep.Found), ep.MaxIDs)
	}
	for what, ids := range map[string][]string{"found": ep.Found, "missing": ep.Missing, "malformed": ep.Malformed} {
		for _, id := range ids {
			if id == "" && what != "malformed" {
				return fmt.Errorf("%s: an ID must not be empty", what)
			}
			if hasControl(id) {
				return fmt.Errorf("%s: the ID %q holds a control character (a line break would cut the request)", what, id)
			}
		}
	}
	for _, id := range ep.Found {
		if slices.Contains(ep.Missing, id) {
			return fmt.Errorf("ID %q is listed as both found and missing", id)
		}
	}
	return nil
}

// jsonTemplate reads a body template: a YAML mapping, or a JSON string.
func jsonTemplate(n *yaml.Node) (any, error) {
	if n.Kind == 0 {
		return nil, nil
	}
	if n.Kind == yaml.ScalarNode && n.Tag == "!!str" {
		var v any
		if err := json.Unmarshal([]byte(n.Value), &v); err != nil {
			return nil, fmt.Errorf("line %d: not JSON: %s", n.Line, strings.TrimPrefix(err.Error(), "json: "))
		}
		return v, nil
	}
	var v any
	if err := n.Decode(&v); err != nil {
		return nil, fmt.Errorf("line %d: %s", n.Line, yamlMessage(err))
	}
	return normalizeYAML(v), nil
}

// normalizeYAML turns YAML's decoded maps into JSON objects.
func normalizeYAML(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, y := range x {
			x[k] = normalizeYAML(y)
		}
		return x
	case []any:
		for i, y := range x {
			x[i] = normalizeYAML(y)
		}
		return x
	}
	return v
}

// hasControl reports whether s holds a control character (CR, LF, NUL, ...).
func hasControl(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0
}

// checkHeader validates a fixed header: a token name, a value on one
// line, and no credentials (they have auth: of their own, read from the
// environment and redacted everywhere).
func checkHeader(name, value string) error {
	switch {
	case !httpsyntax.IsToken(name):
		return fmt.Errorf("not a header name")
	case hasControl(value):
		return fmt.Errorf("the value holds a control character (a line break would end the header)")
	case strings.EqualFold(name, "Authorization") || strings.EqualFold(name, "Proxy-Authorization"):
		return fmt.Errorf("credentials do not go in headers: describe them under auth: (or --token-env), so they come from the environment and are redacted everywhere")
	}
	return nil
}

// resolveDiscovery reads found_from, generate_ids and the declared shape
// of an ID, and says where each ID set comes from.
func (ec EndpointConfig) resolveDiscovery(ep *plan.Endpoint) error {
	ep.Generate, ep.IDPattern, ep.IDFormat = ec.GenerateIDs, ec.IDPattern, ec.IDFormat
	if ep.IDPattern != "" {
		if _, err := regexp.Compile(ep.IDPattern); err != nil {
			return fmt.Errorf("id_pattern %q: not a regular expression: %s", ep.IDPattern, err)
		}
	}
	if f := ec.IDFormat; f != "" && f != "integer" && f != "int32" && f != "int64" && f != "uuid" && f != "string" {
		return fmt.Errorf("id_format %q: must be integer, int32, int64, uuid or string", f)
	}
	for set, ids := range map[*string][]string{&ep.Sources.Found: ep.Found, &ep.Sources.Missing: ep.Missing, &ep.Sources.Malformed: ep.Malformed} {
		if len(ids) > 0 {
			*set = "configured"
		}
	}
	ff := ec.FoundFrom
	if ff == nil {
		return nil
	}
	switch {
	case len(ep.Found) > 0:
		return fmt.Errorf("found_from: give found IDs or found_from, not both")
	case !strings.HasPrefix(ff.Path, "/") || strings.ContainsAny(ff.Path, "?#") || hasControl(ff.Path):
		return fmt.Errorf("found_from.path %q: a path under the base URL, starting with / (query parameters under found_from.query)", ff.Path)
	case strings.TrimSpace(ff.IDs) == "":
		return fmt.Errorf("found_from.ids: the gjson path of the IDs in the listing's answer, e.g. data.#.id")
	case ff.Limit < 0 || ff.Limit > 100:
		return fmt.Errorf("found_from.limit %d: between 1 and 100 (0: 3)", ff.Limit)
	}
	ep.FoundFrom = &plan.Discovery{Path: ff.Path, IDs: ff.IDs, Limit: ff.Limit}
	names := make([]string, 0, len(ff.Query))
	for name := range ff.Query {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		ep.FoundFrom.Query = append(ep.FoundFrom.Query, plan.Pair{Name: name, Value: ff.Query[name]})
	}
	return nil
}
