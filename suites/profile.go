package suites

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

//go:embed profiles/*.yaml
var builtinFiles embed.FS

// IDSet names a set of IDs relative to the case: the IDs it sent, or the
// found, missing or malformed part of them, or no ID at all.
type IDSet string

// The ID sets an expectation can refer to.
const (
	SetSent      IDSet = "sent"
	SetFound     IDSet = "found"
	SetMissing   IDSet = "missing"
	SetMalformed IDSet = "malformed"
	SetNone      IDSet = "none"
)

// Of returns the IDs of the set for case c, without duplicates.
func (s IDSet) Of(c *plan.Case) []string {
	switch s {
	case SetSent:
		return unique(c.IDs.Sent)
	case SetFound:
		return unique(c.IDs.Found)
	case SetMissing:
		return unique(c.IDs.Missing)
	case SetMalformed:
		return unique(c.IDs.Malformed)
	}
	return []string{}
}

func (s IDSet) valid() bool {
	return s == SetSent || s == SetFound || s == SetMissing || s == SetMalformed || s == SetNone
}

// StatusCode is one entry of an expectation's status list: a number, or the
// word "bad-request", which stands for the profile's bad_request codes.
type StatusCode string

// Alternative is one acceptable answer to a case: the statuses it allows
// and what the body must then say. A case passes when its status selects
// an alternative and the body passes every check of that alternative.
//
// In YAML an alternative is a map: `status` lists the statuses, and every
// other key names a body check (see bodyChecks) with its value:
//
//   - status: [404]
//     error_body: true
//     missing_ids: missing
type Alternative struct {
	Status []StatusCode   `yaml:"status"`
	Warn   string         `yaml:"warn,omitempty"` // accepted with this warning: who it misleads
	Body   map[string]any `yaml:"-"`              // body check name → its value as written
	codes  []int          // Status resolved against the profile
	checks []boundCheck   // Body resolved against bodyChecks, in the table's order
}

// boundCheck is a body check with the value an alternative gives it.
type boundCheck struct {
	*bodyCheck
	arg any
}

// UnmarshalYAML reads `status` and gathers every other key as a body check.
func (a *Alternative) UnmarshalYAML(node *yaml.Node) error {
	if node.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: an alternative is a map with status and body checks", node.Line)
	}
	*a = Alternative{Body: map[string]any{}}
	for i := 0; i+1 < len(node.Content); i += 2 {
		key, value := node.Content[i].Value, node.Content[i+1]
		switch key {
		case "status":
			if err := value.Decode(&a.Status); err != nil {
				return fmt.Errorf("line %d: status: a list of status codes or bad-request", value.Line)
			}
			continue
		case "warn":
			if err := value.Decode(&a.Warn); err != nil {
				return fmt.Errorf("line %d: warn: a sentence that says who the answer misleads", value.Line)
			}
			continue
		}
		var v any
		if err := value.Decode(&v); err != nil {
			return fmt.Errorf("line %d: %s: %w", value.Line, key, err)
		}
		a.Body[key] = v
	}
	return nil
}

// Codes returns the status codes the alternative accepts.
func (a *Alternative) Codes() []int { return a.codes }

// ResultCodes returns, for a 207 alternative, the accepted per-item
// statuses by kind of ID.
func (a *Alternative) ResultCodes() map[IDSet][]int {
	for _, c := range a.checks {
		if rc, ok := c.arg.(map[IDSet][]int); ok {
			return rc
		}
	}
	return nil
}

// NeedsBody reports whether the alternative demands a JSON body.
func (a *Alternative) NeedsBody() bool {
	for _, c := range a.checks {
		if !c.optional {
			return true
		}
	}
	return false
}

// Profile is one honest way of answering multi-ID requests: an expectation
// per case kind. Profiles are data: built in as YAML, and definable or
// overridable in the config file.
type Profile struct {
	Name    string `yaml:"name"`
	Base    string `yaml:"base,omitempty"` // Base is the profile whose cells this one starts from.
	Summary string `yaml:"summary,omitempty"`
	// BadRequest is what "bad-request" means in this profile's status lists.
	BadRequest []int `yaml:"bad_request,omitempty"`
	// Envelope marks the ok-envelope school: semantic failures travel in a
	// 2xx, so an error member in a 2xx is not buried.
	Envelope *bool `yaml:"envelope,omitempty"`
	// PartialContent marks a profile that answers 206 without a Range
	// request on purpose: noted, not failed.
	PartialContent *bool `yaml:"partial_content,omitempty"`
	// Cases are the cells of list endpoints, and of every endpoint for the
	// kinds its own section leaves out.
	Cases map[plan.Kind][]*Alternative `yaml:"cases"`
	// Single overrides cells for single-resource endpoints (/items/{id}).
	Single map[plan.Kind][]*Alternative `yaml:"single,omitempty"`
	// Filter overrides cells for list endpoints whose ID parameter is an
	// optional filter on a collection.
	Filter map[plan.Kind][]*Alternative `yaml:"filter,omitempty"`
}

// IsEnvelope reports whether the profile is of the ok-envelope school.
func (p *Profile) IsEnvelope() bool { return p.Envelope != nil && *p.Envelope }

// UsesPartialContent reports whether the profile repurposes 206.
func (p *Profile) UsesPartialContent() bool { return p.PartialContent != nil && *p.PartialContent }

// Expect returns the alternatives for kind on a list endpoint, or nil
// when the profile says nothing about it.
func (p *Profile) Expect(kind plan.Kind) []*Alternative { return p.Cases[kind] }

// ExpectOn returns the alternatives for a case of kind on ep: the cell of
// ep's kind of endpoint where the profile has one, else the list cell.
func (p *Profile) ExpectOn(ep *plan.Endpoint, kind plan.Kind) []*Alternative {
	if section := p.section(ep); section[kind] != nil {
		return section[kind]
	}
	return p.Cases[kind]
}

// section returns the cells that override Cases for endpoint ep.
func (p *Profile) section(ep *plan.Endpoint) map[plan.Kind][]*Alternative {
	switch {
	case ep.KindOf() == plan.KindSingle:
		return p.Single
	case ep.IDOptional:
		return p.Filter
	}
	return nil
}

// cellTable is one table of cells of a profile and its key in the YAML.
type cellTable struct {
	key   string
	cells *map[plan.Kind][]*Alternative
}

// tables lists every table of cells of p.
func (p *Profile) tables() []cellTable {
	return []cellTable{{"cases", &p.Cases}, {"single", &p.Single}, {"filter", &p.Filter}}
}

// Profiles is a set of resolved profiles by name.
type Profiles map[string]*Profile

// Names returns the profile names, built-in ones first in their usual order.
func (ps Profiles) Names() []string {
	var names []string
	for _, n := range BuiltinNames() {
		if _, ok := ps[n]; ok {
			names = append(names, n)
		}
	}
	var house []string
	for n := range ps {
		if !slices.Contains(names, n) {
			house = append(house, n)
		}
	}
	sort.Strings(house)
	return append(names, house...)
}

// BuiltinNames lists the five built-in profiles.
func BuiltinNames() []string {
	return []string{"strict", "lenient", "multi-status", "partial-content", "envelope"}
}

// LoadProfiles returns the built-in profiles with the config file's house
// profiles and overrides applied. An entry named like a built-in profile
// (and without base) overrides single cells of it; any other entry is a
// house profile, which may start from a base.
func LoadProfiles(overrides map[string]*Profile) (Profiles, error) {
	raw, err := decodeBuiltins()
	if err != nil {
		return nil, err
	}
	if err := applyOverrides(raw, overrides); err != nil {
		return nil, err
	}
	out := Profiles{}
	for name, p := range raw {
		if err := p.resolve(); err != nil {
			return nil, fmt.Errorf("profiles.%s: %w", name, err)
		}
		out[name] = p
	}
	return out, nil
}

// decodeBuiltins decodes the embedded profiles, each on its own
// goroutine: YAML decoding is slow, and a run waits for them before its
// first request.
func decodeBuiltins() (map[string]*Profile, error) {
	entries, err := fs.ReadDir(builtinFiles, "profiles")
	if err != nil {
		return nil, err
	}
	decoded := make([]*Profile, len(entries))
	errs := make([]error, len(entries))
	var wg sync.WaitGroup
	for i, e := range entries {
		wg.Go(func() {
			path := "profiles/" + e.Name()
			data, err := builtinFiles.ReadFile(path)
			if err == nil {
				decoded[i], err = decodeProfile(data, path)
			}
			errs[i] = err
		})
	}
	wg.Wait()
	raw := map[string]*Profile{}
	for i, p := range decoded {
		if errs[i] != nil {
			return nil, errs[i]
		}
		raw[p.Name] = p
	}
	return raw, nil
}

// applyOverrides merges the config file's profiles into raw: an entry
// named like a built-in profile (and without base) overrides single cells
// of it; any other entry is a house profile, which may start from a base.
func applyOverrides(raw map[string]*Profile, overrides map[string]*Profile) error {
	names := make([]string, 0, len(overrides))
	for name := range overrides {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		o := overrides[name]
		if o == nil {
			return fmt.Errorf("profiles.%s: empty profile", name)
		}
		if !plan.ValidName(name) {
			return fmt.Errorf("profiles.%s: a profile name may hold only letters, digits, '.', '_' and '-'", name)
		}
		base := o.Base
		if base == "" {
			if _, builtin := raw[name]; builtin {
				base = name
			}
		}
		merged := &Profile{Name: name, Cases: map[plan.Kind][]*Alternative{}}
		if base != "" {
			b, ok := raw[base]
			if !ok {
				meant := ""
				if near := words.Nearest(base, BuiltinNames()); near != "" {
					meant = "; did you mean " + near + "?"
				}
				return fmt.Errorf("profiles.%s.base: unknown profile %q%s (known: %s)", name, base, meant, strings.Join(BuiltinNames(), ", "))
			}
			*merged = *b.clone()
			merged.Name = name
		}
		merged.Base = base
		if o.Summary != "" {
			merged.Summary = o.Summary
		}
		if o.BadRequest != nil {
			merged.BadRequest = o.BadRequest
		}
		if o.Envelope != nil {
			merged.Envelope = o.Envelope
		}
		if o.PartialContent != nil {
			merged.PartialContent = o.PartialContent
		}
		overrides := o.tables()
		for i, t := range merged.tables() {
			for kind, alts := range *overrides[i].cells {
				if *t.cells == nil {
					*t.cells = map[plan.Kind][]*Alternative{}
				}
				(*t.cells)[kind] = alts
			}
		}
		raw[name] = merged
	}
	return nil
}

func decodeProfile(data []byte, source string) (*Profile, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	return &p, nil
}

func (p *Profile) clone() *Profile {
	c := *p
	for _, t := range c.tables() {
		cells := make(map[plan.Kind][]*Alternative, len(*t.cells))
		for k, alts := range *t.cells {
			cells[k] = slices.Clone(alts)
		}
		*t.cells = cells
	}
	c.BadRequest = slices.Clone(p.BadRequest)
	return &c
}

// resolve checks the profile and turns its status words into codes.
func (p *Profile) resolve() error {
	if len(p.BadRequest) == 0 {
		p.BadRequest = []int{400, 422}
	}
	for _, code := range p.BadRequest {
		if code < 400 || code > 499 {
			return fmt.Errorf("bad_request: %d is not a 4xx status", code)
		}
	}
	for _, t := range p.tables() {
		for kind, alts := range *t.cells {
			if err := p.resolveCell(t.key+"."+string(kind), kind, alts); err != nil {
				return err
			}
		}
	}
	return nil
}

// bindChecks resolves an alternative's body keys against bodyChecks, in
// the table's order.
func (p *Profile) bindChecks(body map[string]any) ([]boundCheck, error) {
	for name := range body {
		if lookupBodyCheck(name) == nil {
			return nil, fmt.Errorf("%s: unknown body check (known: status, %s)", name, bodyCheckNames())
		}
	}
	wanted := map[string]any{}
	for name, v := range body {
		wanted[name] = v
		for _, implied := range lookupBodyCheck(name).implies {
			if _, set := wanted[implied]; !set {
				wanted[implied] = true
			}
		}
	}
	var bound []boundCheck
	for i := range bodyChecks {
		check := &bodyChecks[i]
		v, ok := wanted[check.name]
		if !ok {
			continue
		}
		arg, err := check.parse(v, p)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", check.name, err)
		}
		bound = append(bound, boundCheck{check, arg})
	}
	return bound, nil
}

// resolveCell checks one cell (at where) and resolves its alternatives in place.
func (p *Profile) resolveCell(where string, kind plan.Kind, alts []*Alternative) error {
	if !kind.Valid() {
		return fmt.Errorf("%s: unknown case (known: %s)", where, joinKinds())
	}
	if len(alts) == 0 {
		return fmt.Errorf("%s: needs at least one alternative", where)
	}
	seen := map[int]bool{}
	for i, alt := range alts {
		at := fmt.Sprintf("%s[%d]", where, i)
		if alt == nil {
			return fmt.Errorf("%s: empty alternative", at)
		}
		resolved := *alt
		codes, err := p.codes(alt.Status)
		if err != nil {
			return fmt.Errorf("%s.status: %w", at, err)
		}
		if len(codes) == 0 {
			return fmt.Errorf("%s.status: needs at least one status", at)
		}
		for _, c := range codes {
			if seen[c] {
				// One status must select one alternative, or the
				// verdict would depend on the order of the list.
				return fmt.Errorf("%s.status: %d already selects an earlier alternative", at, c)
			}
			seen[c] = true
		}
		resolved.codes = codes
		if resolved.checks, err = p.bindChecks(alt.Body); err != nil {
			return fmt.Errorf("%s.%w", at, err)
		}
		alts[i] = &resolved
	}
	return nil
}

func (p *Profile) codes(words []StatusCode) ([]int, error) {
	var codes []int
	for _, w := range words {
		if w == "bad-request" {
			codes = append(codes, p.BadRequest...)
			continue
		}
		n, err := strconv.Atoi(string(w))
		if err != nil || n < 100 || n > 599 {
			return nil, fmt.Errorf("%q is neither a status code (100-599) nor bad-request", w)
		}
		codes = append(codes, n)
	}
	return codes, nil
}

func joinKinds() string {
	var s []string
	for _, k := range plan.Kinds() {
		s = append(s, string(k))
	}
	return strings.Join(s, ", ")
}

func unique(ids []string) []string {
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
