package openapi

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// Render writes the config file: the keys of docs/config.md, each guess
// in a comment above what it decided, and the skipped operations at the
// end.
func (c *Config) Render(source string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# apiconform config written by `apiconform init --openapi %s`.\n", source)
	b.WriteString("# Every guess is said in a comment; edit freely.\n")
	if vars := c.Variables(); len(vars) > 0 {
		fmt.Fprintf(&b, "# Export before a run: %s\n", strings.Join(vars, ", "))
	}
	fmt.Fprintf(&b, "base_url: %s\nprofile: %s\n", q(c.BaseURL), c.Profile)
	for _, comment := range c.Comments {
		fmt.Fprintf(&b, "# %s\n", comment)
	}
	c.renderAuth(&b)
	if c.RateLimit {
		b.WriteString("# An operation declares 429: the rate-limit burst is on, bounded by its budget.\nrate_limit_burst: 50\nretry_after_max: 10s\n")
	} else {
		b.WriteString("# No operation declares 429: the rate-limit burst is off (rate_limit_burst: N turns it on).\n")
	}
	b.WriteString("endpoints:\n")
	for _, ep := range c.Endpoints {
		ep.render(&b)
	}
	if len(c.Skipped) > 0 {
		b.WriteString("# Operations not mapped:\n")
		for _, s := range c.Skipped {
			fmt.Fprintf(&b, "#   %s: %s\n", s.Operation, s.Reason)
		}
	}
	return b.String()
}

func (c *Config) renderAuth(b *strings.Builder) {
	a := c.Auth
	if a == nil {
		return
	}
	if a.Comment != "" {
		fmt.Fprintf(b, "# %s\n", a.Comment)
	}
	fmt.Fprintf(b, "auth:\n  type: %s\n", a.Type)
	if a.Header != "" {
		fmt.Fprintf(b, "  header: %s\n", q(a.Header))
	}
	if a.Param != "" {
		fmt.Fprintf(b, "  param: %s\n", q(a.Param))
	}
	if a.TokenURL != "" {
		fmt.Fprintf(b, "  token_url: %s\n", q(a.TokenURL))
	}
	if len(a.Scopes) > 0 {
		fmt.Fprintf(b, "  scopes: %s\n", list(a.Scopes))
	}
	keys := make([]string, 0, len(a.Vars))
	for k := range a.Vars {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(b, "  %s: %s\n", k, a.Vars[k])
	}
}

func (ep Endpoint) render(b *strings.Builder) {
	fmt.Fprintf(b, "  # %s\n", ep.Operation)
	for _, c := range ep.Comments {
		fmt.Fprintf(b, "  # %s\n", c)
	}
	fmt.Fprintf(b, "  - name: %s\n", ep.Name)
	line := func(key, value string) {
		if value != "" {
			fmt.Fprintf(b, "    %s: %s\n", key, value)
		}
	}
	if ep.Kind != "list" {
		line("kind", ep.Kind)
	}
	line("method", ep.Method)
	line("path", q(ep.Path))
	if ep.IDParam != "" && ep.IDParam != "id" {
		line("id_param", q(ep.IDParam))
	}
	if ep.IDStyle != "" && ep.IDStyle != "comma" {
		line("id_style", ep.IDStyle)
	}
	if ep.IDRequired != nil {
		line("id_required", fmt.Sprint(*ep.IDRequired))
	}
	if ep.Body {
		line("body", "{}")
	}
	ep.renderParams(b)
	ep.renderIDs(b, line)
	if ep.Profile != "" {
		line("profile", ep.Profile)
	}
	if len(ep.Fields) > 0 {
		keys := make([]string, 0, len(ep.Fields))
		for k := range ep.Fields {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + q(ep.Fields[k])
		}
		line("fields", "{"+strings.Join(parts, ", ")+"}")
	}
}

func (ep Endpoint) renderParams(b *strings.Builder) {
	if len(ep.Params) == 0 {
		return
	}
	b.WriteString("    params:\n")
	for _, p := range ep.Params {
		parts := []string{"name: " + q(p.Name)}
		if p.In != "query" {
			parts = append(parts, "in: "+p.In)
		}
		if p.Required {
			parts = append(parts, "required: true")
		}
		parts = append(parts, "value: "+q(p.Value))
		if p.Type != "" {
			parts = append(parts, "type: "+p.Type)
		}
		if len(p.Enum) > 0 {
			parts = append(parts, "enum: "+list(p.Enum))
		}
		fmt.Fprintf(b, "      - {%s}\n", strings.Join(parts, ", "))
	}
}

func (ep Endpoint) renderIDs(b *strings.Builder, line func(key, value string)) {
	if ep.Kind == "search" {
		return
	}
	if len(ep.Found) > 0 {
		line("found", list(ep.Found))
	}
	if ep.FoundFrom != nil {
		line("found_from", "{path: "+q(ep.FoundFrom.Path)+", ids: "+q(ep.FoundFrom.IDs)+"}")
	}
	line("generate_ids", "true")
	if ep.IDPattern != "" {
		line("id_pattern", q(ep.IDPattern))
	}
	line("id_format", ep.IDFormat)
}

// q writes s as a double-quoted YAML scalar (JSON's quoting is YAML's).
func q(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func list(items []string) string {
	parts := make([]string, len(items))
	for i, s := range items {
		parts[i] = q(s)
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
