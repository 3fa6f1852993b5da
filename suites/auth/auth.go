// Package auth puts credentials onto requests. Each kind of credentials
// (a bearer token, a raw key in a header, ...) is one Method: it knows how
// valid credentials go onto a request, which of its values are secrets,
// and how the missing, invalid and forbidden variants of the auth cases
// are made. Secrets come from the environment and never leave a Method
// except onto the wire.
package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
)

// Variant names the credentials a request carries.
type Variant string

// The variants of the auth cases.
const (
	Valid     Variant = ""          // the valid credentials
	Missing   Variant = "missing"   // no credentials at all
	Invalid   Variant = "invalid"   // well-formed credentials that are wrong
	Forbidden Variant = "forbidden" // valid credentials without rights
)

// Method puts one kind of credentials onto requests.
type Method interface {
	// Apply sets the credentials of variant v on req; Missing leaves them off.
	Apply(ctx context.Context, req *http.Request, v Variant) error
	// Offers reports whether the method can make variant v.
	Offers(v Variant) bool
	// Secrets lists every value that must never reach an output, each
	// with the name shown in its place.
	Secrets() []Secret
	// Header names the request header that carries the credentials ("" if
	// none), so that it is dropped on a redirect to another host.
	Header() string
}

// Preparer is a Method with work to do before the first request: oauth2
// fetches its tokens, so that a run whose token endpoint refuses the
// client ends before any case is sent, with one error instead of one per
// case.
type Preparer interface {
	Prepare(ctx context.Context) error
}

// Prepare readies m when it is a Preparer; other Methods need nothing.
func Prepare(ctx context.Context, m Method) error {
	if p, ok := m.(Preparer); ok {
		return p.Prepare(ctx)
	}
	return nil
}

// errNoForbidden is the error of a Forbidden variant asked of a Method
// that does not offer it (the plan asks Offers first).
func errNoForbidden(fields string) error {
	return errors.New("no forbidden credentials are configured (" + fields + ")")
}

// Secret is a value to hide and what to show instead: a reference to the
// environment variable it came from, so a recorded request reads like a
// command that would reproduce it.
type Secret struct {
	Value string
	Shown string // e.g. "${API_TOKEN}"
}

// None is the Method of a run without credentials.
type None struct{}

// Apply sets nothing.
func (None) Apply(context.Context, *http.Request, Variant) error { return nil }

// Offers reports that only the valid (empty) variant exists.
func (None) Offers(v Variant) bool { return v == Valid }

// Secrets is empty.
func (None) Secrets() []Secret { return nil }

// Header is empty.
func (None) Header() string { return "" }

// Configured reports whether m sends credentials at all.
func Configured(m Method) bool { return m != nil && m.Offers(Missing) }

// Redact replaces every secret of m in s with its shown name.
func Redact(m Method, s string) string {
	if m == nil {
		return s
	}
	for _, sec := range m.Secrets() {
		if sec.Value != "" {
			s = strings.ReplaceAll(s, sec.Value, sec.Shown)
		}
	}
	return s
}

// RedactHeader replaces every secret of m in the values of h, in place,
// and returns h.
func RedactHeader(m Method, h http.Header) http.Header {
	for name, values := range h {
		for i, v := range values {
			values[i] = Redact(m, v)
		}
		h[name] = values
	}
	return h
}

// envRef is how a secret from the environment variable name is shown.
func envRef(name string) string { return "${" + name + "}" }
