package plan

import (
	"net/url"
	"strings"
)

// IDStyle names how a list of IDs is written into the request.
type IDStyle string

// The ID styles of profiles.md §1.
const (
	StyleComma  IDStyle = "comma"  // ?id=1,2
	StyleRepeat IDStyle = "repeat" // ?id=1&id=2
	StylePath   IDStyle = "path"   // /items/{id}, one ID per request
)

// Encoding writes a list of IDs into a request. Each ID style is one
// implementation; adding a style is one implementation and one entry in
// encodings.
type Encoding interface {
	// Single reports whether a request carries exactly one ID.
	Single() bool
	// Write puts ids into d; an empty list writes the parameter with no ID
	// (?id=). Leaving the parameter out is not calling Write at all.
	Write(d *Draft, ep *Endpoint, ids []string)
}

// encodings maps each ID style to its encoding.
var encodings = map[IDStyle]Encoding{
	StyleComma:  joined{","},
	StyleRepeat: repeated{},
	StylePath:   pathSegment{},
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

// Draft is a request being written: the path and query as they go on the
// wire (already escaped).
type Draft struct {
	Path  string   // escaped path, joined to the base URL
	Query []string // escaped name=value pairs, in order
}

// AddQuery appends one parameter, escaping name and value.
func (d *Draft) AddQuery(name, value string) {
	d.Query = append(d.Query, url.QueryEscape(name)+"="+url.QueryEscape(value))
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

// joined writes ?id=1,2: one parameter, the IDs joined by a separator
// written literally, as clients write it.
type joined struct{ sep string }

func (joined) Single() bool { return false }

func (j joined) Write(d *Draft, ep *Endpoint, ids []string) {
	escaped := make([]string, len(ids))
	for i, id := range ids {
		escaped[i] = url.QueryEscape(id)
	}
	d.Query = append(d.Query, url.QueryEscape(ep.IDParam)+"="+strings.Join(escaped, j.sep))
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
		d.AddQuery(ep.IDParam, id)
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

// placeholderID marks where a path-style endpoint takes its ID.
const placeholderID = "{id}"
