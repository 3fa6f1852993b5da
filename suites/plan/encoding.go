package plan

import (
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// IDStyle names how a list of IDs is written into the request.
type IDStyle string

// The ID styles of profiles.md §1a.
const (
	StyleComma    IDStyle = "comma"    // ?id=1,2
	StyleRepeat   IDStyle = "repeat"   // ?id=1&id=2
	StylePath     IDStyle = "path"     // /items/{id}, one ID per request
	StyleBody     IDStyle = "body"     // {"ids":[1,2]} at id_param in the body
	StyleTemplate IDStyle = "template" // ?id=in.(1,2): each ID through a pattern, joined, wrapped
)

// Encoding writes a list of IDs into a request. Each ID style is one
// implementation; adding a style is one implementation and one entry in
// encodings.
type Encoding interface {
	// Single reports whether a request carries exactly one ID.
	Single() bool
	// Write puts ids into d; an empty list writes the parameter with no ID
	// (?id=, "ids": []). Leaving the parameter out is not calling Write.
	Write(d *Draft, ep *Endpoint, ids []string)
}

// encodings maps each ID style to its encoding.
var encodings = map[IDStyle]Encoding{
	StyleComma:    joined{","},
	StyleRepeat:   repeated{},
	StylePath:     pathSegment{},
	StyleBody:     bodyMember{},
	StyleTemplate: templated{},
}

// Styles lists the ID styles, for help texts and errors.
func Styles() []IDStyle {
	return []IDStyle{StyleComma, StyleRepeat, StylePath, StyleBody, StyleTemplate}
}

// Valid reports whether s is a known ID style.
func (s IDStyle) Valid() bool { return encodings[s] != nil }

// Encoding returns the style's encoding (comma for an unknown style).
func (s IDStyle) Encoding() Encoding {
	if e := encodings[s]; e != nil {
		return e
	}
	return encodings[StyleComma]
}

// IDTemplate writes a list of IDs in a syntax of the API's own: each ID
// through Each ("{id}" marks it), joined by Separator, inside Wrap
// ("{ids}" marks the list): in.(1,2) is Each "{id}", Separator ",", Wrap
// "in.({ids})"; (id='a'||id='b') is Each "id='{id}'", Separator "||",
// Wrap "({ids})".
type IDTemplate struct {
	Each      string `json:"each" yaml:"each"`
	Separator string `json:"separator" yaml:"separator"`
	Wrap      string `json:"wrap,omitempty" yaml:"wrap"`
}

// Render writes ids through the template.
func (t *IDTemplate) Render(ids []string) string {
	each := t.Each
	if each == "" {
		each = "{id}"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strings.ReplaceAll(each, "{id}", id)
	}
	list := strings.Join(parts, t.Separator)
	if t.Wrap == "" {
		return list
	}
	return strings.ReplaceAll(t.Wrap, "{ids}", list)
}

// Draft is a request being written: the path and query as they go on the
// wire (already escaped), the headers and the JSON body.
type Draft struct {
	Method string
	Path   string            // escaped path, joined to the base URL
	Query  []string          // escaped name=value pairs, in order
	Header map[string]string // in addition to the prober's own
	Body   any               // a JSON value; nil sends no body
}

// AddQuery appends one parameter, escaping name and value.
func (d *Draft) AddQuery(name, value string) {
	d.Query = append(d.Query, QueryName(name)+"="+QueryValue(value))
}

// URL joins the draft to base (a URL without query or fragment).
func (d *Draft) URL(base *url.URL) string {
	u := *base
	u.RawQuery, u.Fragment = "", ""
	s := strings.TrimSuffix(u.String(), "/") + d.Path
	if len(d.Query) > 0 {
		s += "?" + strings.Join(d.Query, "&")
	}
	return s
}

// BodyJSON returns the body as JSON text ("" for none).
func (d *Draft) BodyJSON() string {
	if d.Body == nil {
		return ""
	}
	b, err := json.Marshal(d.Body)
	if err != nil {
		return ""
	}
	return string(b)
}

// QueryName escapes a parameter name, keeping the brackets of names such
// as ids[] and filter[id] as APIs document them.
func QueryName(name string) string {
	return strings.NewReplacer("%5B", "[", "%5D", "]").Replace(url.QueryEscape(name))
}

// QueryValue escapes a query value, keeping the characters that APIs'
// own syntaxes use and that RFC 3986 allows in a query (in.(1,2),
// (id='a'), a:b); '&', '=', '+', '#' and '%' are escaped so that a value
// never breaks the query apart.
func QueryValue(v string) string {
	var b strings.Builder
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', strings.IndexByte("-._~!$'()*,;:@/?", c) >= 0:
			b.WriteByte(c)
		default:
			b.WriteString("%" + strings.ToUpper(strconv.FormatUint(uint64(c)|0x100, 16)[1:]))
		}
	}
	return b.String()
}

// joined writes ?id=1,2: one parameter, the IDs joined by a separator
// written literally, as clients write it.
type joined struct{ sep string }

func (joined) Single() bool { return false }

func (j joined) Write(d *Draft, ep *Endpoint, ids []string) {
	escaped := make([]string, len(ids))
	for i, id := range ids {
		escaped[i] = url.QueryEscape(id)
	}
	d.Query = append(d.Query, QueryName(ep.IDParam)+"="+strings.Join(escaped, j.sep))
}

// repeated writes ?id=1&id=2: the parameter once per ID.
type repeated struct{}

func (repeated) Single() bool { return false }

func (repeated) Write(d *Draft, ep *Endpoint, ids []string) {
	if len(ids) == 0 {
		d.AddQuery(ep.IDParam, "")
		return
	}
	for _, id := range ids {
		d.Query = append(d.Query, QueryName(ep.IDParam)+"="+url.QueryEscape(id))
	}
}

// pathSegment writes /items/{id}: the one ID as a path segment, at the
// {id} placeholder or appended to the path.
type pathSegment struct{}

func (pathSegment) Single() bool { return true }

func (pathSegment) Write(d *Draft, ep *Endpoint, ids []string) {
	id := ""
	if len(ids) > 0 {
		id = url.PathEscape(ids[0])
	}
	if strings.Contains(d.Path, placeholderID) {
		d.Path = strings.Replace(d.Path, placeholderID, id, 1)
		return
	}
	d.Path = strings.TrimSuffix(d.Path, "/") + "/" + id
}

// templated writes ?id=in.(1,2): the IDs through the endpoint's template,
// as one query value.
type templated struct{}

func (templated) Single() bool { return false }

func (templated) Write(d *Draft, ep *Endpoint, ids []string) {
	t := ep.Template
	if t == nil {
		t = &IDTemplate{Separator: ","}
	}
	d.AddQuery(ep.IDParam, t.Render(ids))
}

// bodyMember writes the IDs as a JSON array at id_param in the body: the
// IDs themselves ({"ids": ["1","2"]}), or one object per ID built from
// id_each ({"requests": [{"id": "1", "url": "/items/1"}, ...]}).
type bodyMember struct{}

func (bodyMember) Single() bool { return false }

func (bodyMember) Write(d *Draft, ep *Endpoint, ids []string) {
	list := make([]any, len(ids))
	for i, id := range ids {
		switch {
		case ep.IDEach != nil:
			list[i] = fillID(ep.IDEach, id)
		case ep.IDNumber && isInteger(id):
			list[i] = json.Number(id)
		default:
			list[i] = id
		}
	}
	d.Body = SetMember(d.Body, ep.IDParam, list)
}

// fillID copies a JSON template with "{id}" replaced in every string.
func fillID(tmpl any, id string) any {
	switch v := tmpl.(type) {
	case string:
		return strings.ReplaceAll(v, "{id}", id)
	case map[string]any:
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = fillID(x, id)
		}
		return out
	case []any:
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = fillID(x, id)
		}
		return out
	}
	return tmpl
}

// SetMember returns a copy of the JSON object body with value at the
// dotted member path (a.b.c), creating the objects on the way.
func SetMember(body any, path string, value any) any {
	obj, _ := CloneJSON(body).(map[string]any)
	if obj == nil {
		obj = map[string]any{}
	}
	name, rest, nested := strings.Cut(path, ".")
	if nested {
		obj[name] = SetMember(obj[name], rest, value)
	} else {
		obj[name] = value
	}
	return obj
}

// DeleteMember returns a copy of body without the member at path.
func DeleteMember(body any, path string) any {
	obj, _ := CloneJSON(body).(map[string]any)
	if obj == nil {
		return body
	}
	name, rest, nested := strings.Cut(path, ".")
	if nested {
		obj[name] = DeleteMember(obj[name], rest)
	} else {
		delete(obj, name)
	}
	return obj
}

// CloneJSON deep-copies a JSON value of maps, lists and scalars.
func CloneJSON(v any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, y := range x {
			out[k] = CloneJSON(y)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, y := range x {
			out[i] = CloneJSON(y)
		}
		return out
	}
	return v
}

func isInteger(s string) bool {
	_, err := strconv.ParseInt(s, 10, 64)
	return err == nil
}

// placeholderID marks where a path-style endpoint takes its ID.
const placeholderID = "{id}"
