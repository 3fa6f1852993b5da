package openapi

import (
	"fmt"
	"net/url"
	"regexp"
	"sort"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// useSecurity counts the security scheme an operation requires (its own
// security, or the document's): the first scheme of its first requirement.
func (m *mapper) useSecurity(op *openapi3.Operation) {
	reqs := m.doc.Security
	if op.Security != nil {
		reqs = *op.Security
	}
	for _, req := range reqs {
		names := make([]string, 0, len(req))
		for name := range req {
			names = append(names, name)
		}
		sort.Strings(names)
		if len(names) == 0 {
			continue
		}
		m.schemes[names[0]]++
		if m.scopes == nil {
			m.scopes = map[string][]string{}
		}
		if len(req[names[0]]) > 0 && m.scopes[names[0]] == nil {
			m.scopes[names[0]] = req[names[0]]
		}
		return
	}
}

// mapAuth describes the credentials of the scheme most endpoints use.
func (m *mapper) mapAuth() {
	var best string
	for name, n := range m.schemes {
		if best == "" || n > m.schemes[best] || n == m.schemes[best] && name < best {
			best = name
		}
	}
	if best == "" || m.doc.Components == nil || m.doc.Components.SecuritySchemes[best] == nil {
		return
	}
	ref := m.doc.Components.SecuritySchemes[best]
	if ref.Value == nil {
		return
	}
	a := m.authFor(best, ref.Value)
	if a == nil {
		m.cfg.Comments = append(m.cfg.Comments, fmt.Sprintf("the security scheme %s (%s) is not supported: describe the credentials under auth: by hand", best, ref.Value.Type))
		return
	}
	if len(m.schemes) > 1 {
		a.Comment = fmt.Sprintf("guess: the endpoints use %d security schemes; %s, the most used, is described", len(m.schemes), best)
	}
	m.cfg.Auth = a
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]+`)

// envPrefix is the variable name a scheme's secrets are read from: the
// scheme's key upper-cased, every non-alphanumeric turned into _.
func envPrefix(scheme string) string {
	return strings.Trim(strings.ToUpper(nonAlnum.ReplaceAllString(scheme, "_")), "_")
}

// authFor maps one security scheme.
func (m *mapper) authFor(name string, s *openapi3.SecurityScheme) *Auth {
	p := envPrefix(name)
	switch {
	case s.Type == "http" && strings.EqualFold(s.Scheme, "bearer"):
		return &Auth{Type: "bearer", Vars: map[string]string{"token_env": p + "_TOKEN"}}
	case s.Type == "http" && strings.EqualFold(s.Scheme, "basic"):
		return &Auth{Type: "basic", Vars: map[string]string{"username_env": p + "_USERNAME", "password_env": p + "_PASSWORD"}}
	case s.Type == "apiKey" && s.In == "header":
		return &Auth{Type: "header", Header: s.Name, Vars: map[string]string{"token_env": p + "_TOKEN"}}
	case s.Type == "apiKey" && s.In == "query":
		return &Auth{Type: "query", Param: s.Name, Vars: map[string]string{"token_env": p + "_TOKEN"}}
	case s.Type == "apiKey" && s.In == "cookie":
		return &Auth{Type: "header", Header: "Cookie", Vars: map[string]string{"token_env": p + "_TOKEN"},
			Comment: fmt.Sprintf("the API key travels in the cookie %s: %s_TOKEN must hold %s=<key>", s.Name, p, s.Name)}
	case s.Type == "oauth2" && s.Flows != nil && s.Flows.ClientCredentials != nil:
		flow := s.Flows.ClientCredentials
		a := &Auth{Type: "oauth2", TokenURL: m.resolve(flow.TokenURL), Vars: map[string]string{"client_id_env": p + "_CLIENT_ID", "client_secret_env": p + "_CLIENT_SECRET"}}
		a.Scopes = m.scopes[name]
		if len(a.Scopes) == 0 {
			for scope := range flow.Scopes {
				a.Scopes = append(a.Scopes, scope)
			}
			sort.Strings(a.Scopes)
		}
		return a
	}
	return nil
}

// resolve makes a URL of the document absolute against the base URL, as
// a relative tokenUrl is resolved against the server URL.
func (m *mapper) resolve(ref string) string {
	base, err := url.Parse(m.cfg.BaseURL + "/")
	if err != nil {
		return ref
	}
	u, err := base.Parse(ref)
	if err != nil {
		return ref
	}
	return u.String()
}

// Variables lists the environment variables the config reads, sorted.
func (c *Config) Variables() []string {
	if c.Auth == nil {
		return nil
	}
	var vars []string
	for _, v := range c.Auth.Vars {
		vars = append(vars, v)
	}
	sort.Strings(vars)
	return vars
}
