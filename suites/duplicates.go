package suites

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/apiconform/apiconform/suites/words"
)

// duplicate is a member that occurs more than once in one JSON object.
type duplicate struct {
	path  []string // member names and array indexes down to it
	first string   // the first value, clipped
	last  string   // the last value, which standard parsers keep
}

// where writes the member's path in gjson syntax: data.0.id.
func (d duplicate) where() string { return strings.Join(d.path, ".") }

// maxScanDepth bounds the walk for duplicates: deeper nesting is left
// unscanned rather than followed without limit.
const maxScanDepth = 64

// findDuplicates lists the duplicate members of doc, in document order.
func findDuplicates(doc gjson.Result) []duplicate {
	var out []duplicate
	var walk func(r gjson.Result, path []string)
	walk = func(r gjson.Result, path []string) {
		if len(path) > maxScanDepth {
			return
		}
		switch {
		case r.IsObject():
			first := map[string]string{}
			r.ForEach(func(k, v gjson.Result) bool {
				key := k.String()
				if f, seen := first[key]; seen {
					out = append(out, duplicate{path: appendPath(path, key), first: f, last: words.ClipLine(v.Raw, 60)})
				} else {
					first[key] = words.ClipLine(v.Raw, 60)
				}
				walk(v, appendPath(path, key))
				return true
			})
		case r.IsArray():
			for i, v := range r.Array() {
				walk(v, appendPath(path, strconv.Itoa(i)))
			}
		}
	}
	walk(doc, nil)
	return out
}

func appendPath(path []string, seg string) []string {
	return append(path[:len(path):len(path)], seg)
}

// lastWins rewrites a JSON value so that every object keeps one value per
// member, the last one, as JavaScript, Python and Go's encoding/json read
// it (gjson alone would read the first).
func lastWins(r gjson.Result, depth int) string {
	switch {
	case depth > maxScanDepth:
		return r.Raw
	case r.IsObject():
		var order []string
		values := map[string]string{}
		r.ForEach(func(k, v gjson.Result) bool {
			key := k.Raw
			if _, seen := values[key]; !seen {
				order = append(order, key)
			}
			values[key] = lastWins(v, depth+1)
			return true
		})
		var b strings.Builder
		b.WriteByte('{')
		for i, key := range order {
			if i > 0 {
				b.WriteByte(',')
			}
			b.WriteString(key + ":" + values[key])
		}
		b.WriteByte('}')
		return b.String()
	case r.IsArray():
		parts := make([]string, 0, 8)
		for _, v := range r.Array() {
			parts = append(parts, lastWins(v, depth+1))
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return r.Raw
}

// pathSegments splits a simple gjson path (a.b.c) into its members; a
// path with gjson's query syntax counts up to its first special segment.
func pathSegments(path string) []string {
	var segs []string
	for _, s := range strings.Split(path, ".") {
		if s == "" || strings.ContainsAny(s, "#*?@|\\!=<>%") {
			break
		}
		segs = append(segs, s)
	}
	return segs
}

// readPatterns lists the members the judge reads in o's body, as path
// patterns where "*" stands for any array index.
func (o *Observation) readPatterns() [][]string {
	f := o.Fields
	var pats [][]string
	add := func(segs ...[]string) {
		var p []string
		for _, s := range segs {
			p = append(p, s...)
		}
		if len(p) > 0 {
			pats = append(pats, p)
		}
	}
	data, id := pathSegments(f.Data), pathSegments(f.ID)
	add(data)
	add(data, []string{"*"}, id)
	add(data, id)
	add(id) // a bare record
	results := pathSegments(f.Results)
	add(results)
	for _, p := range []string{f.ResultID, f.ResultStatus, f.ResultData} {
		add(results, []string{"*"}, pathSegments(p))
	}
	for _, p := range []string{f.MissingIDs, f.RequestedIDs, f.ReturnedCount, f.OK, f.Error, f.ErrorBody} {
		add(pathSegments(p))
	}
	if o.Status >= 400 {
		for _, p := range errorMembers {
			add([]string{p})
		}
	}
	if o.MediaType() == "application/problem+json" {
		add([]string{"status"})
	}
	return pats
}

// reads reports whether the judge reads the member at path: the member
// itself, or an object on the way to one (which of two "result" objects
// counts decides which "result.orders" is read).
func (o *Observation) reads(path []string) bool {
	for _, pat := range o.readPatterns() {
		if len(path) > len(pat) {
			continue
		}
		match := true
		for i := 0; i < len(path) && match; i++ {
			match = pat[i] == "*" || pat[i] == path[i]
		}
		if match {
			return true
		}
	}
	return false
}

// Duplicates lists the body's duplicate members, those the judge reads
// first.
func (o *Observation) Duplicates() (read, unread []duplicate) {
	for _, d := range o.duplicates {
		if o.reads(d.path) {
			read = append(read, d)
		} else {
			unread = append(unread, d)
		}
	}
	return read, unread
}

// describeDuplicates names each duplicate member with its first and its
// last value.
func describeDuplicates(dups []duplicate) string {
	parts := make([]string, 0, len(dups))
	for i, d := range dups {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(dups)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%s twice: first %s, then %s (the value standard parsers keep)", d.where(), d.first, d.last))
	}
	return "members that occur twice: " + strings.Join(parts, "; ")
}
