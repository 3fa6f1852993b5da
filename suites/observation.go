// Package suites is apiconform's judge: Ginkgo specs, one per case, that
// assert with Gomega on exchanges the probe already recorded. It sends no
// request, so the same exchanges can be judged against any profile.
package suites

import (
	"fmt"
	"mime"
	"net/http"
	"sort"
	"strings"
	"unicode/utf8"
	"unsafe"

	"github.com/tidwall/gjson"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/apiconform/apiconform/suites/words"
)

// Observation is a recorded answer as the judge sees it: the case that
// asked, the status, the headers and the body parsed once.
type Observation struct {
	Case   *plan.Case
	Fields plan.Fields
	Status int
	Header http.Header
	Body   []byte
	doc    gjson.Result
	json   bool
	// duplicates are the members the body carries twice; doc holds the
	// last value of each, as standard JSON parsers read it.
	duplicates []duplicate
}

// errorMembers are where an error body says why, by default, in the order
// they are looked for (profiles.md §2).
var errorMembers = []string{"error", "errors", "detail", "message", "title"}

// Observe prepares the recorded response of ex for judging.
func Observe(c *plan.Case, fields plan.Fields, resp *probe.Response) *Observation {
	if resp.Excerpted || resp.Compacted() {
		// A bug, loudly: a verdict on a cut answer could be a false one.
		panic("the judge was handed an answer already cut to what the reports keep")
	}
	o := &Observation{Case: c, Fields: fields, Status: resp.Status, Header: resp.Header, Body: resp.Body}
	if o.Header == nil {
		o.Header = http.Header{}
	}
	// gjson does not check UTF-8; a body that is not UTF-8 is not JSON (RFC 8259 §8.1).
	if len(resp.Body) > 0 && utf8.Valid(resp.Body) && gjson.ValidBytes(resp.Body) {
		o.json = true
		o.doc = gjson.Parse(bodyString(resp.Body))
		if o.duplicates = findDuplicates(o.doc); len(o.duplicates) > 0 {
			o.doc = gjson.Parse(lastWins(o.doc, 0))
		}
	}
	return o
}

// ErrorReason returns the member of an error body that says why, and its
// value: the configured one, or the first present of errorMembers.
func (o *Observation) ErrorReason() (member string, value gjson.Result) {
	candidates := errorMembers
	if o.Fields.ErrorBody != "" {
		candidates = []string{o.Fields.ErrorBody}
	}
	for _, m := range candidates {
		if v := o.Get(m); v.Exists() && truthy(v) {
			return m, v
		}
	}
	return "", gjson.Result{}
}

// IsJSON reports whether the body is valid JSON.
func (o *Observation) IsJSON() bool { return o.json }

// Get reads a gjson path from the body; it never exists in a non-JSON body.
func (o *Observation) Get(path string) gjson.Result {
	if !o.json || path == "" {
		return gjson.Result{}
	}
	return o.doc.Get(path)
}

// MediaType returns the Content-Type's media type, lower case, or "".
func (o *Observation) MediaType() string {
	ct := o.Header.Get("Content-Type")
	if ct == "" {
		return ""
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err != nil {
		return strings.ToLower(strings.TrimSpace(strings.Split(ct, ";")[0]))
	}
	return mt
}

// IsJSONMediaType reports whether the Content-Type announces JSON
// (application/json, application/problem+json or any +json type).
func (o *Observation) IsJSONMediaType() bool {
	mt := o.MediaType()
	return mt == "application/json" || strings.HasSuffix(mt, "+json")
}

// ErrorIndicated reports whether the body signals an error: an error
// member with a value, or ok set to false.
func (o *Observation) ErrorIndicated() (bool, string) {
	if e := o.Get(o.Fields.Error); e.Exists() && truthy(e) {
		return true, fmt.Sprintf("%s: %s", o.Fields.Error, words.ClipLine(e.Raw, 60))
	}
	if ok := o.Get(o.Fields.OK); ok.Exists() && ok.Type == gjson.False {
		return true, o.Fields.OK + ": false"
	}
	return false, ""
}

func truthy(r gjson.Result) bool {
	switch r.Type {
	case gjson.Null, gjson.False:
		return false
	case gjson.String:
		return r.Str != ""
	case gjson.JSON:
		return r.Raw != "{}" && r.Raw != "[]"
	}
	return true
}

// ItemIDs reads the IDs of the items at path: a list of items, or a single
// item object. present is false when the body has no such member.
func (o *Observation) ItemIDs(path, idPath string) (ids []string, present bool, problem string) {
	r := o.Get(path)
	if !r.Exists() {
		return nil, false, ""
	}
	switch {
	case r.Type == gjson.Null:
		return nil, true, nullList(path)
	case r.IsArray():
		ids = []string{}
		for i, item := range r.Array() {
			id := item.Get(idPath)
			if !id.Exists() {
				return ids, true, fmt.Sprintf("item %d of %s has no %s", i, path, idPath)
			}
			ids = append(ids, id.String())
		}
		return ids, true, ""
	case r.IsObject():
		id := r.Get(idPath)
		if !id.Exists() {
			return []string{}, true, fmt.Sprintf("%s has no %s", path, idPath)
		}
		return []string{id.String()}, true, ""
	}
	return nil, true, fmt.Sprintf("%s is %s, not a list of items", path, describeType(r))
}

// IDList reads a list of IDs (such as missing_ids) at path.
func (o *Observation) IDList(path string) (ids []string, present bool, problem string) {
	r := o.Get(path)
	if !r.Exists() {
		return nil, false, ""
	}
	if r.Type == gjson.Null {
		return nil, true, nullList(path)
	}
	if !r.IsArray() {
		return nil, true, fmt.Sprintf("%s is %s, not a list", path, describeType(r))
	}
	ids = []string{}
	for _, v := range r.Array() {
		ids = append(ids, v.String())
	}
	return ids, true, ""
}

// nullList says why null is no empty list: Go encodes a nil slice as
// null, and a client that counts or walks the list fails on it.
func nullList(path string) string {
	return fmt.Sprintf("%s is null, not a list: a client that takes its length or walks it fails (JavaScript's .length, Python's len); send []", path)
}

func describeType(r gjson.Result) string {
	switch r.Type {
	case gjson.String:
		return "a string"
	case gjson.Number:
		return "a number"
	case gjson.True, gjson.False:
		return "a boolean"
	case gjson.Null:
		return "null"
	}
	if r.IsObject() {
		return "an object"
	}
	return "a list"
}

// Summary describes the answer in one line for failure messages: status,
// media type and what the body says about items, gaps and errors.
func (o *Observation) Summary() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s", o.Status, http.StatusText(o.Status))
	if loc := o.Header.Get("Location"); o.Status >= 300 && o.Status <= 399 && loc != "" {
		fmt.Fprintf(&b, " to %s (a redirect: --follow-redirects judges the answer it points to)", words.ClipLine(loc, 120))
	}
	switch {
	case len(o.Body) == 0:
		b.WriteString(" with an empty body")
		return b.String()
	case !o.json:
		fmt.Fprintf(&b, " with a %d-byte %s body that is not JSON", len(o.Body), orUnknown(o.MediaType()))
		return b.String()
	}
	var parts []string
	ids, hasItems, _ := o.ItemIDs(o.Fields.Data, o.Fields.ID)
	if hasItems {
		parts = append(parts, fmt.Sprintf("%s: %s", o.Fields.Data, countItems(ids)))
	}
	if r := o.Get(o.Fields.Results); r.Exists() && r.IsArray() {
		parts = append(parts, fmt.Sprintf("%s: %d entries", o.Fields.Results, len(r.Array())))
	}
	for _, f := range []string{o.Fields.MissingIDs, o.Fields.ReturnedCount, o.Fields.OK, o.Fields.Error} {
		if r := o.Get(f); r.Exists() {
			parts = append(parts, fmt.Sprintf("%s: %s", f, words.ClipLine(r.Raw, 60)))
		}
	}
	if len(parts) == 0 {
		parts = append(parts, "members: "+strings.Join(o.topKeys(6), ", "))
	}
	hasMeta := o.Get(o.Fields.MissingIDs).Exists() || o.Get(o.Fields.Results).Exists()
	if hasItems && !hasMeta {
		parts = append(parts, "no "+o.Fields.MissingIDs)
	}
	fmt.Fprintf(&b, " (%s)", strings.Join(parts, "; "))
	return b.String()
}

func (o *Observation) topKeys(n int) []string {
	var keys []string
	if !o.doc.IsObject() {
		return []string{describeType(o.doc)}
	}
	o.doc.ForEach(func(k, _ gjson.Result) bool {
		keys = append(keys, k.String())
		return len(keys) < n
	})
	if len(keys) == 0 {
		return []string{"none"}
	}
	return keys
}

func countItems(ids []string) string {
	switch len(ids) {
	case 0:
		return "no items"
	case 1:
		return "1 item " + fmtIDs(ids)
	}
	return fmt.Sprintf("%d items %s", len(ids), fmtIDs(ids))
}

func orUnknown(s string) string {
	if s == "" {
		return "untyped"
	}
	return s
}

// fmtIDs writes ids as [1 2].
func fmtIDs(ids []string) string {
	if len(ids) > 12 {
		return "[" + strings.Join(ids[:12], " ") + fmt.Sprintf(" … +%d]", len(ids)-12)
	}
	return "[" + strings.Join(ids, " ") + "]"
}

// setDiff compares got with want as sets.
func setDiff(got, want []string) (extra, missing []string) {
	g, w := map[string]bool{}, map[string]bool{}
	for _, id := range got {
		g[id] = true
	}
	for _, id := range want {
		w[id] = true
	}
	for id := range g {
		if !w[id] {
			extra = append(extra, id)
		}
	}
	for id := range w {
		if !g[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	return extra, missing
}

// recordID finds the ID of the one record a single-resource answer
// carries: at fields.data (an object, or a list of one), else at fields.id
// of the body itself.
func (o *Observation) recordID() (gjson.Result, string) {
	f := o.Fields
	switch d := o.Get(f.Data); {
	case d.IsObject():
		return d.Get(f.ID), f.Data + "." + f.ID
	case d.IsArray() && len(d.Array()) == 1:
		return d.Array()[0].Get(f.ID), f.Data + ".0." + f.ID
	case d.Exists():
		return gjson.Result{}, ""
	}
	return o.Get(f.ID), f.ID
}

// bodyString reads a body as a string without copying it: a body is
// never written after it is received (the judge reads it, the reports
// copy their excerpt), and a large one would otherwise be held twice
// while it is judged.
func bodyString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
