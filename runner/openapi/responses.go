package openapi

import (
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

func sortStrings(s []string) { sort.Strings(s) }

// readIDShape takes the found IDs from the document's examples, and the
// declared pattern and format of one ID.
func (m *mapper) readIDShape(ep *Endpoint, ref *openapi3.SchemaRef, examples []string) {
	seen := map[string]bool{}
	for _, id := range examples {
		if id != "" && !seen[id] && len(ep.Found) < 3 {
			seen[id] = true
			ep.Found = append(ep.Found, id)
		}
	}
	if ref == nil || ref.Value == nil {
		return
	}
	s := ref.Value
	if typeOf(s) == "array" {
		s = itemsOf(s)
	}
	if s == nil {
		return
	}
	ep.IDPattern = s.Pattern
	switch {
	case s.Format == "uuid":
		ep.IDFormat = "uuid"
	case typeOf(s) == "integer":
		ep.IDFormat = "integer"
	}
}

// bodySchema returns the JSON schema of op's answer with status.
func bodySchema(op *openapi3.Operation, status int) *openapi3.Schema {
	if op.Responses == nil {
		return nil
	}
	r := op.Responses.Status(status)
	if r == nil || r.Value == nil {
		return nil
	}
	for _, mime := range []string{"application/json", "application/problem+json"} {
		if mt := r.Value.Content.Get(mime); mt != nil && mt.Schema != nil {
			return mt.Schema.Value
		}
	}
	for mime, mt := range r.Value.Content {
		if strings.HasSuffix(mime, "+json") && mt != nil && mt.Schema != nil {
			return mt.Schema.Value
		}
	}
	return nil
}

// readResponses reads the field paths and the profile from the declared
// answers.
func (m *mapper) readResponses(ep *Endpoint, op *openapi3.Operation) {
	ep.Fields = map[string]string{}
	ok := bodySchema(op, http.StatusOK)
	m.readDataFields(ep, ok)
	m.readMetaFields(ep, ok, bodySchema(op, http.StatusNotFound), bodySchema(op, http.StatusMultiStatus), bodySchema(op, http.StatusPartialContent))
	ep.Profile, ep.Comments = profileOf(op, ok), append(ep.Comments, profileReason(op, ok))
	if len(ep.Fields) == 0 {
		ep.Fields = nil
	}
}

// readDataFields finds where the records are and their ID.
func (m *mapper) readDataFields(ep *Endpoint, ok *openapi3.Schema) {
	if ok == nil {
		return
	}
	if list, _ := listProperty(ok); ep.Kind == "single" && typeOf(ok) == "object" && list == "" {
		props := properties(ok)
		if _, data := findProperty(props, "data", "item", "record", "result"); data == nil || typeOf(data) != "object" {
			if id := itemIDProperty(ok); id != "" {
				setField(ep, "data", "@this", "data")
				setField(ep, "id", id, "id")
			}
			return
		}
	}
	list, item := listProperty(ok)
	if list != "" {
		setField(ep, "data", list, "data")
		if id := itemIDProperty(item); id != "" {
			setField(ep, "id", id, "id")
		}
	}
}

// listProperty finds the list of records in a body: the body itself, or
// its first property that is an array of objects (data, items, results
// first), or an object with one (data.item).
func listProperty(s *openapi3.Schema) (path string, item *openapi3.Schema) {
	if typeOf(s) == "array" {
		return "@this", itemsOf(s)
	}
	props := properties(s)
	for _, n := range sortedNames(props, "data", "items", "records", "values", "entries", "results") {
		p := props[n]
		if typeOf(p) == "array" && typeOf(itemsOf(p)) == "object" && !hasStatus(itemsOf(p)) {
			return n, itemsOf(p)
		}
	}
	if _, data := findProperty(props, "data"); data != nil && typeOf(data) == "object" {
		if inner, it := listProperty(data); inner != "" && inner != "@this" {
			return "data." + inner, it
		}
	}
	return "", nil
}

// hasStatus reports whether an item schema carries a per-item status (a
// 207 result).
func hasStatus(s *openapi3.Schema) bool {
	_, st := findProperty(properties(s), "status", "code", "statusCode")
	return st != nil && (typeOf(st) == "integer" || typeOf(st) == "number")
}

// readMetaFields finds missing_ids, requested_ids, returned_count, ok,
// error and a 207 body's results.
func (m *mapper) readMetaFields(ep *Endpoint, ok, notFound, multi, partial *openapi3.Schema) {
	for _, s := range []*openapi3.Schema{ok, notFound, partial} {
		props := properties(s)
		if n, _ := findProperty(props, "missing_ids", "missingIds", "missingIDs", "not_found_ids", "notFoundIds"); n != "" {
			setField(ep, "missing_ids", n, "missing_ids")
		}
		if n, _ := findProperty(props, "requested_ids", "requestedIds", "requestedIDs"); n != "" {
			setField(ep, "requested_ids", n, "requested_ids")
		}
		if n, _ := findProperty(props, "returned_count", "returnedCount"); n != "" {
			setField(ep, "returned_count", n, "returned_count")
		}
	}
	props := properties(ok)
	if n, s := findProperty(props, "ok", "success"); n != "" && typeOf(s) == "boolean" {
		setField(ep, "ok", n, "ok")
	}
	if n, _ := findProperty(props, "error"); n != "" {
		setField(ep, "error", n, "error")
	}
	if multi == nil {
		return
	}
	mp := properties(multi)
	for _, n := range sortedNames(mp, "results", "responses") {
		if item := itemsOf(mp[n]); typeOf(mp[n]) == "array" && hasStatus(item) {
			setField(ep, "results", n, "results")
			ip := properties(item)
			if id := itemIDProperty(item); id != "" {
				setField(ep, "result_id", id, "id")
			}
			if st, _ := findProperty(ip, "status", "code", "statusCode"); st != "" {
				setField(ep, "result_status", st, "status")
			}
			if d, _ := findProperty(ip, "data", "body", "value", "item"); d != "" {
				setField(ep, "result_data", d, "data")
			}
			return
		}
	}
}

// setField records a field path that differs from its default.
func setField(ep *Endpoint, key, path, def string) {
	if path != def {
		ep.Fields[key] = path
	}
}

// profileOf chooses the profile the declared answers follow.
func profileOf(op *openapi3.Operation, ok *openapi3.Schema) string {
	props := properties(ok)
	_, okFlag := findProperty(props, "ok", "success")
	_, missing := findProperty(props, "missing_ids", "missingIds", "missingIDs")
	_, count := findProperty(props, "returned_count", "returnedCount")
	_, missing404 := findProperty(properties(bodySchema(op, http.StatusNotFound)), "missing_ids", "missingIds", "missingIDs")
	switch {
	case declares(op, http.StatusMultiStatus):
		return "multi-status"
	case declares(op, http.StatusPartialContent):
		return "partial-content"
	case okFlag != nil && typeOf(okFlag) == "boolean":
		return "envelope"
	case missing != nil && count != nil:
		return "lenient"
	case missing404 != nil:
		return "strict"
	}
	return ""
}

// profileReason says why the endpoint has its profile.
func profileReason(op *openapi3.Operation, ok *openapi3.Schema) string {
	switch profileOf(op, ok) {
	case "multi-status":
		return "profile multi-status: the operation declares 207"
	case "partial-content":
		return "profile partial-content: the operation declares 206"
	case "envelope":
		return "profile envelope: the 200 schema has an ok boolean"
	case "lenient":
		return "profile lenient: the 200 schema has missing_ids and returned_count"
	case "strict":
		return "profile strict: the 404 schema has missing_ids"
	}
	return "guess: no declared answer tells the profile apart; the run's profile applies (change it if the API follows another)"
}

// findListing finds where the found IDs can be read at run time: the same
// path without IDs when the ID parameter is an optional filter; for a
// required one or a single resource, the collection's own GET (found by
// path, or by a response link that points at this operation).
func (m *mapper) findListing(ep *Endpoint, path string, idParam *openapi3.Parameter, op *openapi3.Operation) {
	var candidates []string
	if idParam != nil && idParam.In == openapi3.ParameterInQuery && !idParam.Required {
		candidates = append(candidates, path)
	}
	collections := collectionPaths(path)
	candidates = append(candidates, collections...)
	candidates = append(candidates, m.linkedFrom(op.OperationID)...)
	candidates = append(candidates, m.sameResource(collections)...)
	for _, c := range candidates {
		item := m.doc.Paths.Value(c)
		if item == nil || item.Get == nil || strings.Contains(c, "{") || (c != path && needsParams(item.Get)) {
			continue
		}
		list, listItem := listProperty(bodySchema(item.Get, http.StatusOK))
		if list == "" {
			continue
		}
		id := itemIDProperty(listItem)
		if id == "" {
			continue
		}
		ids := list + ".#." + id
		if list == "@this" {
			ids = "#." + id
		}
		ep.FoundFrom = &FoundFrom{Path: c, IDs: ids}
		ep.Comments = append(ep.Comments, fmt.Sprintf("the document gives no ID examples: found IDs are read at run time from GET %s (%s)", c, ids))
		return
	}
	ep.Comments = append(ep.Comments, "the document gives no ID examples and no listing was found: fill in found (IDs that exist)")
}

// needsParams reports whether a GET cannot be sent without parameters of
// its own (a listing by IDs is no listing of the collection).
func needsParams(op *openapi3.Operation) bool {
	for _, ref := range op.Parameters {
		if ref != nil && ref.Value != nil && ref.Value.Required && ref.Value.In == openapi3.ParameterInQuery {
			return true
		}
	}
	return false
}

// sameResource lists the other GET paths that end in the collection's
// name (/collection/items for /items/{id}): listings of the same records.
func (m *mapper) sameResource(collections []string) []string {
	var out []string
	for _, c := range collections {
		name := c[strings.LastIndex(c, "/")+1:]
		for _, p := range m.doc.Paths.Keys() {
			if p != c && strings.HasSuffix(p, "/"+name) {
				out = append(out, p)
			}
		}
	}
	sortStrings(out)
	return out
}

// collectionPaths are the collection paths of an ID path: /records for
// /records/{id}, /v1/items for /v1/items:batchGet.
func collectionPaths(path string) []string {
	var out []string
	if i := strings.LastIndex(path, "/{"); i > 0 && strings.HasSuffix(path, "}") {
		out = append(out, path[:i])
	}
	if i := strings.LastIndex(path, ":"); i > strings.LastIndex(path, "/") {
		out = append(out, path[:i])
	}
	return out
}

// linkedFrom lists the paths whose GET answers link to operationID.
func (m *mapper) linkedFrom(operationID string) []string {
	if operationID == "" {
		return nil
	}
	var out []string
	for _, path := range m.doc.Paths.Keys() {
		item := m.doc.Paths.Value(path)
		if item == nil || item.Get == nil || item.Get.Responses == nil {
			continue
		}
		for _, r := range item.Get.Responses.Map() {
			if r == nil || r.Value == nil {
				continue
			}
			for _, l := range r.Value.Links {
				if l != nil && l.Value != nil && l.Value.OperationID == operationID {
					out = append(out, path)
				}
			}
		}
	}
	sortStrings(out)
	return out
}
