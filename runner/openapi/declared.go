package openapi

import (
	"net/url"
	"sort"
	"strings"
)

// Statuses are the statuses each operation of a document declares, by
// method and path template.
type Statuses struct {
	ops []declaredOp
}

type declaredOp struct {
	method   string
	segments []string // "{x}" matches any one segment
	codes    []string // "200", "4XX", "default"
}

// DeclaredStatuses reads every operation's declared responses.
func DeclaredStatuses(doc *Document) *Statuses {
	s := &Statuses{}
	for _, path := range doc.T.Paths.Keys() {
		item := doc.T.Paths.Value(path)
		if item == nil {
			continue
		}
		for method, op := range item.Operations() {
			if op == nil || op.Responses == nil {
				continue
			}
			codes := op.Responses.Keys()
			sort.Strings(codes)
			s.ops = append(s.ops, declaredOp{method: method, segments: strings.Split(strings.Trim(path, "/"), "/"), codes: codes})
		}
	}
	return s
}

// Lookup returns the statuses declared for a request: the operation whose
// path template matches the request's path under base (literal segments
// before templated ones). ok is false when no operation matches, as for
// a path that cannot exist or a method the API does not offer.
func (s *Statuses) Lookup(method, rawURL, base string) (codes []string, ok bool) {
	u, err := url.Parse(rawURL)
	b, err2 := url.Parse(base)
	if err != nil || err2 != nil {
		return nil, false
	}
	rel := strings.TrimPrefix(u.EscapedPath(), strings.TrimSuffix(b.EscapedPath(), "/"))
	segments := strings.Split(strings.Trim(rel, "/"), "/")
	best, bestLiteral := -1, -1
	for i, op := range s.ops {
		if op.method != method || len(op.segments) != len(segments) {
			continue
		}
		literal, match := 0, true
		for k, seg := range op.segments {
			switch {
			case strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}"):
			case seg == segments[k]:
				literal++
			default:
				match = false
			}
		}
		if match && literal > bestLiteral {
			best, bestLiteral = i, literal
		}
	}
	if best < 0 {
		return nil, false
	}
	return s.ops[best].codes, true
}
