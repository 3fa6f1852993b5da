package plan

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/suites/auth"
)

func endpoint(style IDStyle) *Endpoint {
	return &Endpoint{
		Name: "items", Path: "/items", IDParam: "id", IDStyle: style, Profile: "strict",
		Found: []string{"2", "3"}, Missing: []string{"1", "999"}, Malformed: []string{"a b"}, MaxIDs: 4,
		Fields: DefaultFields(),
	}
}

func byKind(p Plan) map[Kind]Case {
	out := map[Kind]Case{}
	for _, c := range p.Cases {
		out[c.Kind] = c
	}
	return out
}

func build(t *testing.T, ep *Endpoint, opts Options) map[Kind]Case {
	t.Helper()
	if opts.BaseURL == "" {
		opts.BaseURL = "https://api.example/v1/"
	}
	if opts.UnknownSuffix == "" {
		opts.UnknownSuffix = "abc123"
	}
	p, err := Build([]*Endpoint{ep}, opts)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Cases) != len(Kinds()) {
		t.Fatalf("%d cases, want one per kind (%d)", len(p.Cases), len(Kinds()))
	}
	return byKind(p)
}

// TestCommaStyleRequests checks every request of a comma-style endpoint
// against profiles.md §1.
func TestCommaStyleRequests(t *testing.T) {
	cases := build(t, endpoint(StyleComma), Options{AuthConfigured: true, ForbiddenConfigured: true, WrongMethod: "DELETE", RateLimitBurst: 10})
	want := map[Kind]struct{ method, url, sent string }{
		Found:           {"GET", "https://api.example/v1/items?id=2,3", "2 3"},
		FoundOne:        {"GET", "https://api.example/v1/items?id=2", "2"},
		Partial:         {"GET", "https://api.example/v1/items?id=1,2", "1 2"},
		None:            {"GET", "https://api.example/v1/items?id=1,999", "1 999"},
		Malformed:       {"GET", "https://api.example/v1/items?id=a+b", "a b"},
		MalformedMixed:  {"GET", "https://api.example/v1/items?id=2,a+b", "2 a b"},
		Duplicate:       {"GET", "https://api.example/v1/items?id=2,2", "2 2"},
		Empty:           {"GET", "https://api.example/v1/items?id=", ""},
		MissingParam:    {"GET", "https://api.example/v1/items", ""},
		Oversized:       {"GET", "https://api.example/v1/items?id=2,3,1,999,1000", "2 3 1 999 1000"},
		UnknownEndpoint: {"GET", "https://api.example/v1/apiconform-unknown-abc/123", ""},
		WrongMethod:     {"DELETE", "https://api.example/v1/items?id=1,999", "1 999"},
		AuthMissing:     {"GET", "https://api.example/v1/items?id=2,3", "2 3"},
		AuthInvalid:     {"GET", "https://api.example/v1/items?id=2,3", "2 3"},
		AuthForbidden:   {"GET", "https://api.example/v1/items?id=2,3", "2 3"},
		RateLimit:       {"GET", "https://api.example/v1/items?id=2,3", "2 3"},
	}
	for kind, w := range want {
		c := cases[kind]
		if c.Skipped() {
			t.Errorf("%s skipped: %s", kind, c.SkipReason)
			continue
		}
		if c.Request.Method != w.method || c.Request.URL != w.url || strings.Join(c.IDs.Sent, " ") != w.sent {
			t.Errorf("%s: %s %s sent %v; want %s %s sent %s", kind, c.Request.Method, c.Request.URL, c.IDs.Sent, w.method, w.url, w.sent)
		}
	}
	if c := cases[Partial]; strings.Join(c.IDs.Found, ",") != "2" || strings.Join(c.IDs.Missing, ",") != "1" {
		t.Errorf("partial: found %v missing %v", c.IDs.Found, c.IDs.Missing)
	}
	variants := map[Kind]auth.Variant{AuthMissing: auth.Missing, AuthInvalid: auth.Invalid, AuthForbidden: auth.Forbidden, Found: auth.Valid}
	for kind, mode := range variants {
		if cases[kind].Request.Auth != mode {
			t.Errorf("%s sends %q credentials, want %q", kind, cases[kind].Request.Auth, mode)
		}
	}
}

func TestRepeatStyleRequests(t *testing.T) {
	cases := build(t, endpoint(StyleRepeat), Options{})
	if got := cases[Partial].Request.URL; got != "https://api.example/v1/items?id=1&id=2" {
		t.Errorf("partial: %s", got)
	}
	if got := cases[Empty].Request.URL; got != "https://api.example/v1/items?id=" {
		t.Errorf("empty: %s", got)
	}
}

// TestPathStyleRequests checks that a path-style endpoint sends single IDs
// and skips, with a reason, the cases that need a list.
func TestPathStyleRequests(t *testing.T) {
	ep := endpoint(StylePath)
	ep.Path = "/items/{id}/detail"
	cases := build(t, ep, Options{})
	if got := cases[FoundOne].Request.URL; got != "https://api.example/v1/items/2/detail" {
		t.Errorf("found-one: %s", got)
	}
	if got := cases[None].Request.URL; got != "https://api.example/v1/items/1/detail" {
		t.Errorf("none: %s", got)
	}
	if got := cases[Malformed].Request.URL; got != "https://api.example/v1/items/a%20b/detail" {
		t.Errorf("malformed: %s", got)
	}
	if got := cases[UnknownEndpoint].Request.URL; got != "https://api.example/v1/apiconform-unknown-abc/123" {
		t.Errorf("unknown-endpoint: %s", got)
	}
	for _, kind := range []Kind{Found, Partial, MalformedMixed, Duplicate, Empty, MissingParam, Oversized} {
		if !strings.Contains(cases[kind].SkipReason, "path-style") {
			t.Errorf("%s: want a path-style skip reason, got %q", kind, cases[kind].SkipReason)
		}
	}
}

// TestSkipReasons checks that a case whose inputs are not configured is
// skipped with a reason that says what to configure, and sends nothing.
func TestSkipReasons(t *testing.T) {
	ep := endpoint(StyleComma)
	ep.Found, ep.Missing, ep.Malformed, ep.MaxIDs = []string{"2"}, nil, nil, 0
	cases := build(t, ep, Options{})
	want := map[Kind]string{
		Found: "at least 2 found", Partial: "missing", None: "missing", Malformed: "malformed",
		Oversized: "max_ids", WrongMethod: "--wrong-method", AuthMissing: "--token-env",
		AuthForbidden: "--token-env", RateLimit: "--rate-limit-burst",
	}
	for kind, w := range want {
		c := cases[kind]
		if !strings.Contains(c.SkipReason, w) || c.Request.URL != "" {
			t.Errorf("%s: skip reason %q (URL %q), want one mentioning %q and no request", kind, c.SkipReason, c.Request.URL, w)
		}
	}
	for _, kind := range []Kind{FoundOne, Duplicate, Empty, MissingParam, UnknownEndpoint} {
		if cases[kind].Skipped() {
			t.Errorf("%s should run: %s", kind, cases[kind].SkipReason)
		}
	}
	cases = build(t, ep, Options{AuthConfigured: true})
	if !strings.Contains(cases[AuthForbidden].SkipReason, "--forbidden-token-env") {
		t.Errorf("auth-forbidden: %q", cases[AuthForbidden].SkipReason)
	}
}

// TestOversizedIDsAreDistinct checks that the oversized list stays over
// max_ids even for a server that removes duplicates before counting.
func TestOversizedIDsAreDistinct(t *testing.T) {
	ep := endpoint(StyleComma)
	ep.MaxIDs = 50
	ids := build(t, ep, Options{})[Oversized].IDs.Sent
	seen := map[string]bool{}
	for _, id := range ids {
		seen[id] = true
	}
	if len(ids) != 51 || len(seen) != 51 {
		t.Fatalf("%d IDs, %d distinct; want 51 distinct", len(ids), len(seen))
	}
}

func TestLabelsAndFilter(t *testing.T) {
	p, err := Build([]*Endpoint{endpoint(StyleComma)}, Options{BaseURL: "http://x", UnknownSuffix: "z"})
	if err != nil {
		t.Fatal(err)
	}
	partial := byKind(p)[Partial]
	if strings.Join(partial.Labels, " ") != "case:partial endpoint:items profile:strict id-set" {
		t.Errorf("labels: %v", partial.Labels)
	}
	for expr, want := range map[string]int{
		"case:partial":               1,
		"auth":                       3,
		"id-set && !case:oversized":  9,
		"endpoint:items":             20, // the 16 kinds of the first version and the 4 parameter kinds
		"endpoint:orders":            0,
		"case:partial || rate-limit": 2,
	} {
		got, err := p.Filter(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		if len(got.Cases) != want {
			t.Errorf("%q selects %d cases, want %d", expr, len(got.Cases), want)
		}
	}
	_, err = p.Filter("case:partial &&")
	var fe *FilterError
	if !errors.As(err, &fe) || fe.Expr != "case:partial &&" || fe.Mistake != "an operator with nothing after it" ||
		strings.ContainsAny(err.Error(), "\x1b\n") || strings.Contains(err.Error(), "http") {
		t.Errorf("a bad filter must give a one-line plain error, got %q", err)
	}
	for expr, want := range map[string]string{
		"case:partail || auth":        "case:partail",
		"!(CASE:PARTIAL) && /a.b/":    "",
		"case: containsAny {partial}": "",
		"case:found auth":             "case:found auth",
	} {
		if got := strings.Join(p.UnknownLabels(expr), " "); got != want {
			t.Errorf("UnknownLabels(%q) = %q, want %q", expr, got, want)
		}
	}
}

func TestNameFromPath(t *testing.T) {
	for path, want := range map[string]string{"/items": "items", "/v1/items/{id}": "v1-items", "/": "root", "/a b/c": "a-b-c"} {
		if got := NameFromPath(path); got != want || !ValidName(got) {
			t.Errorf("NameFromPath(%q) = %q, want %q", path, got, want)
		}
	}
}

// TestUnknownPathIsNeverASibling checks profiles.md §1b: the
// unknown-endpoint path sits directly under the base URL, two segments
// deep, never beside the endpoint's path where a templated route
// (/users/{name}/{x}) would answer it; an endpoint may set its own.
func TestUnknownPathIsNeverASibling(t *testing.T) {
	ep := endpoint(StyleComma)
	ep.Path = "/users/alice/orders"
	if got := build(t, ep, Options{})[UnknownEndpoint].Request.URL; got != "https://api.example/v1/apiconform-unknown-abc/123" {
		t.Errorf("unknown-endpoint: %s", got)
	}
	ep.UnknownPath = "/users/alice/orders/none/such/thing"
	if got := build(t, ep, Options{})[UnknownEndpoint].Request.URL; got != "https://api.example/v1/users/alice/orders/none/such/thing" {
		t.Errorf("unknown_path: %s", got)
	}
}

// TestEveryEncodingDecodes writes IDs with each encoding and reads them
// back the way a server would: what was written is what was meant.
func TestEveryEncodingDecodes(t *testing.T) {
	ids := []string{"1", "a b", "x&y=z", "é"}
	base, _ := url.Parse("https://api.example/v1")
	for _, style := range Styles() {
		ep := &Endpoint{Path: "/items", IDParam: "ids[]", IDStyle: style}
		want := ids
		switch style {
		case StylePath:
			ep.Path, want = "/items/{id}", ids[:1]
		case StyleTemplate:
			ep.Template = &IDTemplate{Each: "'{id}'", Separator: "|", Wrap: "in.({ids})"}
		}
		d := &Draft{Path: ep.Path}
		style.Encoding().Write(d, ep, want)
		u, err := url.Parse(d.URL(base))
		if err != nil {
			t.Fatalf("%s: %v", style, err)
		}
		var got []string
		switch style {
		case StyleComma:
			got = strings.Split(u.Query().Get("ids[]"), ",")
			for i := range got {
				got[i], _ = url.QueryUnescape(got[i])
			}
		case StyleRepeat:
			got = u.Query()["ids[]"]
		case StylePath:
			seg, _ := url.PathUnescape(strings.TrimPrefix(u.EscapedPath(), "/v1/items/"))
			got = []string{seg}
		case StyleTemplate:
			v := strings.TrimSuffix(strings.TrimPrefix(u.Query().Get("ids[]"), "in.("), ")")
			for _, p := range strings.Split(v, "|") {
				got = append(got, strings.Trim(p, "'"))
			}
		case StyleBody:
			var body map[string][]string
			if err := json.Unmarshal([]byte(d.BodyJSON()), &body); err != nil {
				t.Fatalf("body: %v", err)
			}
			got = body["ids[]"]
		}
		if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
			t.Errorf("%s: wrote %s, read back %q, want %q", style, d.URL(base)+" "+d.BodyJSON(), got, want)
		}
	}
}
