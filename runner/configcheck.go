package runner

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// A yamlProblem is one mistake of a config file, in the words of the
// person who wrote it: the line, the key's full path
// (endpoints[0].found) and what is wrong.
type yamlProblem struct {
	line int
	key  string
	msg  string
}

// String writes the problem as a message says it: line 4: endpoints[0].found: ...
func (p yamlProblem) String() string {
	if p.key == "" {
		return fmt.Sprintf("line %d: %s", p.line, p.msg)
	}
	return fmt.Sprintf("line %d: %s: %s", p.line, p.key, p.msg)
}

// yamlCheck walks a config file's YAML beside the Go types it fills and
// words every mistake, so that the decoder (whose words are Go's) finds
// none left.
type yamlCheck struct {
	expanded map[*yaml.Node]string // values as written before ${NAME} expansion
	seen     map[*yaml.Node]bool   // anchors already walked: each once, however often it is used
	problems []yamlProblem
}

// checkConfigYAML returns the mistakes of doc as a Config, in document
// order. doc is the file after ${NAME} expansion; expanded holds the
// values as written of those that changed, so that a message shows
// ${NAME} and never what the environment holds.
func checkConfigYAML(doc *yaml.Node, expanded map[*yaml.Node]string) []yamlProblem {
	c := &yamlCheck{expanded: expanded, seen: map[*yaml.Node]bool{}}
	root := doc
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	c.value(root, reflect.TypeFor[Config](), "")
	return c.problems
}

// problemsMessage is the first problem, and how many follow it.
func problemsMessage(problems []yamlProblem) string {
	msg := problems[0].String()
	if n := len(problems) - 1; n > 0 {
		msg += fmt.Sprintf(" (and %s)", words.Count(n, "more problem"))
	}
	return msg
}

var (
	nodeType       = reflect.TypeFor[yaml.Node]()
	durationType   = reflect.TypeFor[time.Duration]()
	idListType     = reflect.TypeFor[IDList]()
	commaListType  = reflect.TypeFor[CommaList]()
	unmarshalerTyp = reflect.TypeFor[yaml.Unmarshaler]()
)

// add records a problem at line and key.
func (c *yamlCheck) add(line int, key, format string, args ...any) {
	c.problems = append(c.problems, yamlProblem{line: line, key: key, msg: fmt.Sprintf(format, args...)})
}

// value checks n as a value of type t at path.
func (c *yamlCheck) value(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind == yaml.AliasNode {
		if n.Alias == nil || c.seen[n.Alias] {
			return
		}
		c.seen[n.Alias] = true
		c.value(n.Alias, t, path)
		return
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return // nothing: the key keeps its default
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == nodeType:
		return // read later, by its own rules (body, id_each)
	case t == idListType || t == commaListType:
		c.list(n, t, path)
		return
	case reflect.PointerTo(t).Implements(unmarshalerTyp):
		c.opaque(n, t, path)
		return
	case t == durationType:
		c.scalar(n, t, path)
		return
	}
	switch t.Kind() {
	case reflect.Struct:
		c.structure(n, t, path)
	case reflect.Map:
		c.mapping(n, t, path)
	case reflect.Slice:
		c.sequence(n, t, path)
	case reflect.Interface:
		return
	default:
		c.scalar(n, t, path)
	}
}

// wrongKind reports n as not what t expects.
func (c *yamlCheck) wrongKind(n *yaml.Node, t reflect.Type, path string) {
	c.add(n.Line, path, "expected %s, found %s", expectedWords(t, path), c.found(n))
}

// found says what n is, for a message. A value that came from the
// environment is shown as written (${NAME}): its value may be a secret.
func (c *yamlCheck) found(n *yaml.Node) string {
	if written, ok := c.expanded[n]; ok {
		return quoted(written) + ", expanded from the environment"
	}
	return nodeWords(n)
}

// scalar checks a value that YAML writes as one scalar: text, a number,
// true or false, a duration.
func (c *yamlCheck) scalar(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.ScalarNode {
		c.wrongKind(n, t, path)
		return
	}
	if err := n.Decode(reflect.New(t).Interface()); err == nil {
		return
	}
	hint := ""
	if _, err := strconv.ParseFloat(n.Value, 64); err == nil && t == durationType {
		hint = " (a number without a unit: write 10s, 500ms or 2m)"
	}
	c.add(n.Line, path, "expected %s, found %s%s", expectedWords(t, path), c.found(n), hint)
}

// list checks a list of IDs or names: a sequence of scalars, or one
// comma-separated scalar.
func (c *yamlCheck) list(n *yaml.Node, t reflect.Type, path string) {
	switch n.Kind {
	case yaml.ScalarNode:
		if _, err := splitList(n.Value); err != nil {
			c.add(n.Line, path, "expected %s, found %s: %s", expectedWords(t, path), c.found(n), err)
		}
	case yaml.SequenceNode:
		item := "a name (text)"
		if t == idListType {
			item = "an ID (a number or text)"
		}
		for i, e := range n.Content {
			if e.Kind == yaml.AliasNode && e.Alias != nil {
				e = e.Alias
			}
			if e.Kind != yaml.ScalarNode {
				c.add(e.Line, fmt.Sprintf("%s[%d]", path, i), "expected %s, found %s", item, c.found(e))
			}
		}
	default:
		c.wrongKind(n, t, path)
	}
}

// opaque checks a value of a type that reads YAML itself (a profile's
// alternative), keeping the words of its own errors.
func (c *yamlCheck) opaque(n *yaml.Node, t reflect.Type, path string) {
	err := n.Decode(reflect.New(t).Interface())
	if err == nil {
		return
	}
	line, msg := n.Line, yamlMessage(err)
	if m := leadingLine.FindStringSubmatch(msg); m != nil {
		line, _ = strconv.Atoi(m[1])
		msg = msg[len(m[0]):]
	}
	c.add(line, path, "%s", msg)
}

var leadingLine = regexp.MustCompile(`^line (\d+): `)

// structure checks a mapping of the keys a struct takes.
func (c *yamlCheck) structure(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		c.wrongKind(n, t, path)
		return
	}
	names, types := yamlKeys(t)
	c.pairs(n, path, func(k, v *yaml.Node, at string) {
		ft, ok := types[k.Value]
		if !ok {
			c.unknownKey(k, t, at, names)
			return
		}
		c.value(v, ft, at)
	})
}

// mapping checks a mapping of free names (headers, profiles) to values of
// one type.
func (c *yamlCheck) mapping(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.MappingNode {
		c.wrongKind(n, t, path)
		return
	}
	c.pairs(n, path, func(k, v *yaml.Node, at string) {
		if err := k.Decode(reflect.New(t.Key()).Interface()); err != nil {
			c.add(k.Line, at, "expected %s as the key, found %s", typeWords(t.Key()), c.found(k))
			return
		}
		c.value(v, t.Elem(), at)
	})
}

// sequence checks a list of values of one type.
func (c *yamlCheck) sequence(n *yaml.Node, t reflect.Type, path string) {
	if n.Kind != yaml.SequenceNode {
		c.wrongKind(n, t, path)
		return
	}
	for i, e := range n.Content {
		c.value(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i))
	}
}

// pairs calls f with each key and value of mapping n, and the key's path,
// after checking the key: a name, given once. The entries of a merge
// (<<: *defaults) count as the mapping's own.
func (c *yamlCheck) pairs(n *yaml.Node, path string, f func(k, v *yaml.Node, at string)) {
	first := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			c.merge(v, path, f)
			continue
		}
		if k.Kind != yaml.ScalarNode {
			c.add(k.Line, path, "expected a key (a name), found %s", nodeWords(k))
			continue
		}
		at := joinKey(path, k.Value)
		if line, twice := first[k.Value]; twice {
			c.add(k.Line, at, "given twice (first at line %d)", line)
			continue
		}
		first[k.Value] = k.Line
		f(k, v, at)
	}
}

// merge walks the mappings a merge key names: one mapping, or a list of them.
func (c *yamlCheck) merge(v *yaml.Node, path string, f func(k, v *yaml.Node, at string)) {
	if v.Kind == yaml.AliasNode {
		if v.Alias == nil || c.seen[v.Alias] {
			return
		}
		c.seen[v.Alias] = true
		v = v.Alias
	}
	switch v.Kind {
	case yaml.MappingNode:
		c.pairs(v, path, f)
	case yaml.SequenceNode:
		for _, e := range v.Content {
			c.merge(e, path, f)
		}
	default:
		c.add(v.Line, path, "expected a mapping to merge (<<: *name), found %s", nodeWords(v))
	}
}

// unknownKey reports a key that t does not take, with the nearest one
// that it does.
func (c *yamlCheck) unknownKey(k *yaml.Node, t reflect.Type, at string, names []string) {
	if _, endpointKeys := yamlKeys(reflect.TypeFor[EndpointConfig]()); t == reflect.TypeFor[Config]() && endpointKeys[k.Value] != nil {
		c.add(k.Line, at, "a key of an endpoint, not of the whole file; put it under endpoints:, e.g. endpoints: [{path: /items, %s: ...}]", k.Value)
		return
	}
	if near := words.Nearest(k.Value, names); near != "" {
		c.add(k.Line, at, "unknown key; did you mean %s?", near)
		return
	}
	c.add(k.Line, at, "unknown key; the keys here are %s", strings.Join(names, ", "))
}

// joinKey is the path of key under path: endpoints[0] and found make
// endpoints[0].found.
func joinKey(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// yamlKeys lists the keys a struct takes in YAML, in the order of its
// fields, and the type of each.
func yamlKeys(t reflect.Type) ([]string, map[string]reflect.Type) {
	var names []string
	types := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "-" {
			continue
		}
		if strings.Contains(opts, "inline") {
			inner, innerTypes := yamlKeys(f.Type)
			names = append(names, inner...)
			for k, v := range innerTypes {
				types[k] = v
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(f.Name)
		}
		names = append(names, name)
		types[name] = f.Type
	}
	return names, types
}

// keyWords are what some keys expect, in words more telling than their
// type's.
var keyWords = map[string]string{
	"redact_headers": "a list of header names, such as [X-Internal, X-Trace] or X-Internal,X-Trace",
	"scopes":         "a list of scopes, such as [data.read, data.write]",
	"enum":           "a list of values, such as [asc, desc]",
	"headers":        "a mapping of header names to values, such as {X-Org: example}",
	"query":          "a mapping of parameter names to values, such as {api-version: 2025-01-01}",
	"bad_request":    "a list of status codes, such as [400, 422]",
}

// expectedWords says what a value of type t at path must be.
func expectedWords(t reflect.Type, path string) string {
	key := path[strings.LastIndex(path, ".")+1:]
	if i := strings.IndexByte(key, '['); i >= 0 {
		key = key[:i]
	}
	if w, ok := keyWords[key]; ok && !strings.HasSuffix(path, "]") {
		return w
	}
	return typeWords(t)
}

// typeWords says what a value of type t is: "a whole number", "a list of
// IDs". No Go name reaches a person.
func typeWords(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if w, ok := namedWords[t]; ok {
		return w[0]
	}
	switch t.Kind() {
	case reflect.String:
		return "text"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice:
		return "a list of " + pluralWords(t.Elem())
	case reflect.Map:
		return "a mapping of " + pluralWords(t.Key()) + " to " + pluralWords(t.Elem())
	case reflect.Struct:
		return "a mapping"
	}
	return "a value"
}

// pluralWords says what several values of type t are: "whole numbers".
func pluralWords(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if w, ok := namedWords[t]; ok {
		return w[1]
	}
	switch t.Kind() {
	case reflect.String:
		return "values"
	case reflect.Bool:
		return "true or false values"
	case reflect.Float32, reflect.Float64:
		return "numbers"
	case reflect.Slice:
		return "lists of " + pluralWords(t.Elem())
	case reflect.Map, reflect.Struct:
		return "mappings"
	case reflect.Interface:
		return "values"
	}
	return "whole numbers"
}

// namedWords are the words of the config's own types: one, and several.
var namedWords = map[reflect.Type][2]string{
	reflect.TypeFor[Config]():             {"a mapping of keys such as base_url and endpoints", "mappings"},
	durationType:                          {"a duration such as 10s", "durations such as 10s"},
	idListType:                            {"a list of IDs, such as [2, 3] or 2,3", "lists of IDs"},
	commaListType:                         {"a list of names, such as [a, b] or a,b", "lists of names"},
	reflect.TypeFor[EndpointConfig]():     {"an endpoint: a mapping such as {path: /items, found: [2, 3]}", "endpoints, each a mapping such as {path: /items, found: [2, 3]}"},
	reflect.TypeFor[ParamConfig]():        {"a parameter: a mapping such as {name: q, value: x}", "parameters, each a mapping such as {name: q, value: x}"},
	reflect.TypeFor[FoundFromConfig]():    {"a mapping such as {path: /items, ids: data.#.id}", "mappings"},
	reflect.TypeFor[plan.IDTemplate]():    {`a mapping such as {each: "{id}", separator: ","}`, "mappings"},
	reflect.TypeFor[plan.Fields]():        {"a mapping of fields to gjson paths, such as {data: data, id: id}", "mappings"},
	reflect.TypeFor[plan.Kind]():          {"a case kind", "case kinds"},
	reflect.TypeFor[auth.Spec]():          {"a mapping such as {type: bearer, token_env: API_TOKEN}", "mappings"},
	reflect.TypeFor[suites.Profile]():     {"a profile: a mapping such as {base: lenient, cases: {partial: [{status: [207]}]}}", "profiles"},
	reflect.TypeFor[suites.Alternative](): {"an alternative: a mapping such as {status: [404]}", "alternatives, such as [{status: [404]}]"},
	reflect.TypeFor[suites.StatusCode]():  {"a status code", "status codes"},
	reflect.TypeFor[any]():                {"a value", "values"},
}

// goWords match what only Go's own messages say: a type or package name,
// a YAML tag.
var goWords = regexp.MustCompile(`runner\.|!!|unmarshal|\[\]|map\[|int64|int32|float64|uint|time\.Duration|struct|interface|reflect|yaml\.|suites\.|plan\.|auth\.`)

// cannotDecode and unknownField are the shapes of the YAML decoder's
// type errors: a value of the wrong kind, an unknown key.
var (
	cannotDecode = regexp.MustCompile("^line (\\d+): cannot unmarshal !!(\\w+)(?: `(.*)`)? into (.+)$")
	unknownField = regexp.MustCompile(`^line (\d+): field (\S+) not found in type \S+$`)
)

// yamlMessage folds a YAML error into one line in plain words. The config
// file's own check (checkConfigYAML) words every mistake it knows before
// the decoder sees it; this is the last guard, so that no Go type name,
// YAML tag or package path ever reaches a person.
func yamlMessage(err error) string {
	var te *yaml.TypeError
	if !errors.As(err, &te) {
		return plainYAML(strings.TrimPrefix(err.Error(), "yaml: "))
	}
	entries := make([]string, len(te.Errors))
	for i, e := range te.Errors {
		entries[i] = plainYAML(e)
	}
	return strings.Join(entries, "; ")
}

// plainYAML rewrites one message of the YAML decoder in plain words.
func plainYAML(msg string) string {
	if m := cannotDecode.FindStringSubmatch(msg); m != nil {
		found := "a list"
		switch {
		case m[2] == "map":
			found = "a mapping"
		case m[2] != "seq":
			found = quoted(m[3])
		}
		return fmt.Sprintf("line %s: expected %s, found %s", m[1], goTypeWords(m[4]), found)
	}
	if m := unknownField.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("line %s: %s: unknown key", m[1], m[2])
	}
	if !goWords.MatchString(msg) {
		return msg
	}
	if m := leadingLine.FindStringSubmatch(msg); m != nil {
		return m[0] + "a value of the wrong kind"
	}
	return "a value of the wrong kind"
}

// goTypeWords says in words what the decoder's Go type name expects.
func goTypeWords(name string) string {
	name = strings.TrimLeft(name, "*")
	switch {
	case name == "time.Duration":
		return "a duration such as 10s"
	case name == "string":
		return "text"
	case name == "bool":
		return "true or false"
	case strings.HasPrefix(name, "int") || strings.HasPrefix(name, "uint"):
		return "a whole number"
	case strings.HasPrefix(name, "float"):
		return "a number"
	case strings.HasPrefix(name, "[]") || strings.HasSuffix(name, "List"):
		return "a list"
	}
	return "a mapping"
}
