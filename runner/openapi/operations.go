package openapi

import (
	"fmt"
	"net/http"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// mapGet maps a GET: an ID operation (an array query parameter or a path
// parameter that carries IDs), or a search (required non-ID query
// parameters).
func (m *mapper) mapGet(path string, params []*openapi3.Parameter, op *openapi3.Operation) (*Endpoint, string) {
	idParam, why := pickIDParam(params)
	ep := &Endpoint{Path: path}
	if why != "" {
		ep.Comments = append(ep.Comments, why)
	}
	if idParam == nil {
		if !hasRequired(params, openapi3.ParameterInQuery) {
			return nil, "no ID parameter (an array query parameter or a path parameter named like an ID) and no required query parameter (a search)"
		}
		ep.Kind = "search"
		if reason := m.addParams(ep, params, nil); reason != "" {
			return nil, reason
		}
		m.readResponses(ep, op)
		return ep, ""
	}
	switch idParam.In {
	case openapi3.ParameterInPath:
		ep.Kind, ep.IDStyle = "single", "path"
		ep.Path = strings.Replace(path, "{"+idParam.Name+"}", "{id}", 1)
	default:
		ep.IDParam, ep.IDStyle = idParam.Name, "repeat"
		if idParam.Explode != nil && !*idParam.Explode {
			ep.IDStyle = "comma"
		}
		if !idParam.Required {
			f := false
			ep.IDRequired = &f
		}
	}
	if reason := m.addParams(ep, params, idParam); reason != "" {
		return nil, reason
	}
	m.readIDShape(ep, idParam.Schema, paramExamples(idParam))
	m.readResponses(ep, op)
	if len(ep.Found) == 0 {
		m.findListing(ep, path, idParam, op)
	}
	return ep, ""
}

// pickIDParam chooses the parameter that carries IDs: an array query
// parameter or a path parameter named like an ID (the last path
// parameter when none is). why says so when several could.
func pickIDParam(params []*openapi3.Parameter) (*openapi3.Parameter, string) {
	var candidates []*openapi3.Parameter
	var lastPath *openapi3.Parameter
	for _, p := range params {
		s := schemaOf(p)
		switch {
		case p.In == openapi3.ParameterInQuery && typeOf(s) == "array" && looksLikeID(p.Name):
			candidates = append(candidates, p)
		case p.In == openapi3.ParameterInQuery && looksLikeID(p.Name) && strings.HasSuffix(p.Name, "__in"):
			candidates = append(candidates, p)
		case p.In == openapi3.ParameterInPath && looksLikeID(p.Name):
			candidates = append(candidates, p)
		case p.In == openapi3.ParameterInPath:
			lastPath = p
		}
	}
	switch {
	case len(candidates) == 1:
		return candidates[0], ""
	case len(candidates) > 1:
		names := make([]string, len(candidates))
		for i, c := range candidates {
			names[i] = c.Name
		}
		return candidates[0], fmt.Sprintf("guess: %s could each carry the IDs; %s was taken", strings.Join(names, ", "), names[0])
	case lastPath != nil:
		return lastPath, fmt.Sprintf("guess: the path parameter %s is taken as the record's ID", lastPath.Name)
	}
	return nil, ""
}

func schemaOf(p *openapi3.Parameter) *openapi3.Schema {
	if p.Schema != nil {
		return p.Schema.Value
	}
	for _, mt := range p.Content {
		if mt != nil && mt.Schema != nil {
			return mt.Schema.Value
		}
	}
	return nil
}

func hasRequired(params []*openapi3.Parameter, in string) bool {
	for _, p := range params {
		if p.In == in && p.Required {
			return true
		}
	}
	return false
}

// paramExamples lists the examples a parameter gives.
func paramExamples(p *openapi3.Parameter) []string {
	out := examplesOf(p.Example)
	for _, name := range sortedExampleNames(p.Examples) {
		if e := p.Examples[name]; e != nil && e.Value != nil {
			out = append(out, examplesOf(e.Value.Value)...)
		}
	}
	if len(out) == 0 {
		out = schemaExamples(schemaOf(p))
	}
	return out
}

func sortedExampleNames(examples openapi3.Examples) []string {
	names := make([]string, 0, len(examples))
	for n := range examples {
		names = append(names, n)
	}
	sortStrings(names)
	return names
}

// addParams adds the non-ID parameters: every required one, and optional
// query parameters of a search whose type makes a malformed case. Extra
// path parameters take their example into the path.
func (m *mapper) addParams(ep *Endpoint, params []*openapi3.Parameter, idParam *openapi3.Parameter) string {
	for _, p := range params {
		if p == idParam || p.In == openapi3.ParameterInCookie {
			continue
		}
		value, guessed := paramValue(p)
		if p.In == openapi3.ParameterInPath {
			if guessed {
				return fmt.Sprintf("the path parameter %s has no example, default or enum to fill the path with", p.Name)
			}
			ep.Path = strings.ReplaceAll(ep.Path, "{"+p.Name+"}", value)
			continue
		}
		s := schemaOf(p)
		typ := paramType(s)
		if !p.Required && (ep.Kind != "search" || typ == "") {
			continue
		}
		ep.Params = append(ep.Params, Param{Name: p.Name, In: p.In, Value: value, Required: p.Required, Type: typ, Enum: enumOf(s)})
		if guessed {
			ep.Comments = append(ep.Comments, fmt.Sprintf("guess: %s has no example, default or enum; %q is sent", p.Name, value))
		}
	}
	return ""
}

// paramValue is the value a parameter is sent with: its example, first
// enum value or default; guessed says none was given.
func paramValue(p *openapi3.Parameter) (value string, guessed bool) {
	if ex := paramExamples(p); len(ex) > 0 {
		return ex[0], false
	}
	s := schemaOf(p)
	if s != nil {
		if e := enumOf(s); len(e) > 0 {
			return e[0], false
		}
		if v, ok := scalarString(s.Default); ok {
			return v, false
		}
	}
	switch typeOf(s) {
	case "integer", "number":
		return "1", true
	case "boolean":
		return "true", true
	}
	return "example", true
}

// paramType names the type that makes a parameter's malformed value.
func paramType(s *openapi3.Schema) string {
	if len(enumOf(s)) > 0 {
		return "enum"
	}
	switch t := typeOf(s); t {
	case "integer", "number", "boolean":
		return t
	case "string":
		switch s.Format {
		case "uuid", "date":
			return s.Format
		}
	}
	return ""
}

func enumOf(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	for _, v := range s.Enum {
		if str, ok := scalarString(v); ok {
			out = append(out, str)
		}
	}
	return out
}

// mapBatchGet maps a POST whose JSON body carries an array of IDs.
func (m *mapper) mapBatchGet(path string, params []*openapi3.Parameter, op *openapi3.Operation) *Endpoint {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	props := properties(mt.Schema.Value)
	for _, name := range sortedNames(props, "ids") {
		s := props[name]
		if typeOf(s) != "array" || !looksLikeID(name) {
			continue
		}
		ep := &Endpoint{Path: path, Method: http.MethodPost, IDStyle: "body", IDParam: name, Body: true}
		if reason := m.addParams(ep, params, nil); reason != "" {
			return nil
		}
		examples := schemaExamples(s)
		if mt.Example != nil {
			if obj, ok := mt.Example.(map[string]any); ok {
				examples = append(examplesOf(obj[name]), examples...)
			}
		}
		m.readIDShape(ep, &openapi3.SchemaRef{Value: s}, examples)
		m.readResponses(ep, op)
		if len(ep.Found) == 0 {
			m.findListing(ep, path, nil, op)
		}
		return ep
	}
	return nil
}
