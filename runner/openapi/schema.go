package openapi

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// maxSchemaDepth bounds the walk through nested and composed schemas.
const maxSchemaDepth = 16

// properties returns the properties of s with allOf merged and the
// alternatives of oneOf and anyOf joined: everything a body of this schema
// may carry at the top level.
func properties(s *openapi3.Schema) map[string]*openapi3.Schema {
	out := map[string]*openapi3.Schema{}
	collectProperties(s, out, 0)
	return out
}

func collectProperties(s *openapi3.Schema, out map[string]*openapi3.Schema, depth int) {
	if s == nil || depth > maxSchemaDepth {
		return
	}
	for name, ref := range s.Properties {
		if ref != nil && ref.Value != nil && out[name] == nil {
			out[name] = ref.Value
		}
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, ref := range group {
			if ref != nil {
				collectProperties(ref.Value, out, depth+1)
			}
		}
	}
}

// typeOf returns the schema's type, looking through compositions ("" when
// none is declared).
func typeOf(s *openapi3.Schema) string {
	for depth := 0; s != nil && depth < maxSchemaDepth; depth++ {
		if s.Type != nil {
			for _, t := range s.Type.Slice() {
				if t != "null" {
					return t
				}
			}
		}
		switch {
		case len(s.Properties) > 0:
			return "object"
		case s.Items != nil:
			return "array"
		}
		s = firstComposed(s)
	}
	return ""
}

// itemsOf returns the items schema of an array schema, through compositions.
func itemsOf(s *openapi3.Schema) *openapi3.Schema {
	for depth := 0; s != nil && depth < maxSchemaDepth; depth++ {
		if s.Items != nil {
			return s.Items.Value
		}
		s = firstComposed(s)
	}
	return nil
}

func firstComposed(s *openapi3.Schema) *openapi3.Schema {
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, ref := range group {
			if ref != nil && ref.Value != nil {
				return ref.Value
			}
		}
	}
	return nil
}

// sortedNames lists a property map's names, preferred ones first.
func sortedNames(props map[string]*openapi3.Schema, preferred ...string) []string {
	names := make([]string, 0, len(props))
	for n := range props {
		names = append(names, n)
	}
	rank := func(n string) int {
		for i, p := range preferred {
			if strings.EqualFold(n, p) {
				return i
			}
		}
		return len(preferred)
	}
	sort.Slice(names, func(i, j int) bool {
		if ri, rj := rank(names[i]), rank(names[j]); ri != rj {
			return ri < rj
		}
		return names[i] < names[j]
	})
	return names
}

// findProperty returns the first property named one of names.
func findProperty(props map[string]*openapi3.Schema, names ...string) (string, *openapi3.Schema) {
	for _, want := range names {
		for n, s := range props {
			if strings.EqualFold(n, want) {
				return n, s
			}
		}
	}
	return "", nil
}

// idName matches parameter and property names that carry IDs: id, ids,
// order_id, orderIds, ids[], filter[id], id__in.
var idName = regexp.MustCompile(`^(?:id|ids|ID|IDs|ids\[\]|id\[\]|.*[_-](?:id|ids|ID|IDs)|.*[a-z](?:Id|Ids|ID|IDs)|.*\[(?:id|ids)\]|id__in|.*_id__in|.*_ids?\[\])$`)

// looksLikeID reports whether name is the name of an ID or a list of IDs.
func looksLikeID(name string) bool { return idName.MatchString(name) }

// itemIDProperty returns the property of an item schema that is its ID.
func itemIDProperty(item *openapi3.Schema) string {
	props := properties(item)
	if n, _ := findProperty(props, "id"); n != "" {
		return n
	}
	for _, n := range sortedNames(props) {
		if t := typeOf(props[n]); looksLikeID(n) && t != "array" && t != "object" {
			return n
		}
	}
	return ""
}

// scalarString writes an example value as an ID or parameter value.
func scalarString(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case float64:
		if x == float64(int64(x)) {
			return fmt.Sprint(int64(x)), true
		}
		return fmt.Sprint(x), true
	case int, int64, bool:
		return fmt.Sprint(x), true
	}
	return "", false
}

// examplesOf lists the scalar examples a value carries: one scalar, or a
// list of them.
func examplesOf(v any) []string {
	if list, ok := v.([]any); ok {
		var out []string
		for _, x := range list {
			if s, ok := scalarString(x); ok {
				out = append(out, s)
			}
		}
		return out
	}
	if s, ok := scalarString(v); ok {
		return []string{s}
	}
	return nil
}

// schemaExamples lists the examples of a schema (example, 3.1 examples)
// and of its items.
func schemaExamples(s *openapi3.Schema) []string {
	if s == nil {
		return nil
	}
	var out []string
	out = append(out, examplesOf(s.Example)...)
	for _, e := range s.Examples {
		out = append(out, examplesOf(e)...)
	}
	if len(out) == 0 && s.Items != nil {
		return schemaExamples(s.Items.Value)
	}
	return out
}
