package plan

import (
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// FilterError is a label filter that cannot be read, in words.
type FilterError struct {
	Expr    string   // Expr is the filter as given.
	Mistake string   // Mistake says what is wrong: "unbalanced parenthesis: a ( is never closed (at character 1)".
	Labels  []string // Labels are the labels of the plan.
}

// Error is the message of the flag: --label-filter "EXPR": ...
func (e *FilterError) Error() string { return fmt.Sprintf("--label-filter %q: %s", e.Expr, e.Detail()) }

// Detail is the message without the filter: what is wrong, the syntax
// in brief, the labels there are.
func (e *FilterError) Detail() string {
	return fmt.Sprintf("%s; %s; labels in this plan: %s", e.Mistake, FilterSyntax, strings.Join(e.Labels, ", "))
}

// FilterSyntax is the label filter's syntax in brief.
const FilterSyntax = "join labels with && (and), || (or) and ! (not), group them in parentheses, match them by /regexp/"

// Filter keeps the cases whose labels match the label filter expr
// (Ginkgo's syntax: case:partial && !auth). A filter that cannot be read
// is a *FilterError.
func (p Plan) Filter(expr string) (Plan, error) {
	if strings.TrimSpace(expr) == "" {
		return p, nil
	}
	match, err := types.ParseLabelFilter(expr)
	if err != nil {
		return Plan{}, &FilterError{Expr: expr, Mistake: filterMistake(expr, err), Labels: p.Labels()}
	}
	var out Plan
	for _, c := range p.Cases {
		if match(c.Labels) {
			out.Cases = append(out.Cases, c)
		}
	}
	return out, nil
}

// filterMistakes word the label filter parser's own messages, by their
// start.
var filterMistakes = []struct{ ginkgo, words string }{
	{"Mismatched '('", "unbalanced parenthesis: a ( is never closed"},
	{"Mismatched ')'", "unbalanced parenthesis: a ) closes nothing"},
	{"Unexpected EOF", "an operator with nothing after it"},
	{"Found empty '()' group", "empty parentheses"},
	{"Found two adjacent labels", "two labels with no && or || between them"},
	{"Invalid token '&'", "a single & (and is &&)"},
	{"Invalid token '|'", "a single | (or is ||)"},
	{"Invalid token '!'", "a ! right after a label, with no && or || before it"},
	{"Invalid token '('", "a ( right after a label, with no && or || before it"},
	{"Operator '&&' missing", "&& with nothing before it"},
	{"Operator '||' missing", "|| with nothing before it"},
	{"RegExp compilation error", "not a regular expression between the slashes"},
}

// filterMistake says in words what is wrong with expr, from the parser's
// error: what, and where.
func filterMistake(expr string, err error) string {
	var ge types.GinkgoError
	if !errors.As(err, &ge) {
		return "a filter that cannot be read"
	}
	msg, at := ge.Message, -1
	if i := strings.Index(msg, "{{red}}{{bold}}{{underline}}"); i >= 0 {
		at = len([]rune(msg[:i]))
	}
	what := msg[strings.LastIndex(msg, "\n")+1:]
	mistake := "a filter that cannot be read"
	for _, m := range filterMistakes {
		if strings.HasPrefix(what, m.ginkgo) {
			mistake = m.words
			break
		}
	}
	if strings.HasPrefix(what, "Invalid set operation") && at >= 0 {
		mistake = spaceAfterColon(expr, at)
	}
	if at >= 0 {
		mistake += fmt.Sprintf(" (at character %d)", at+1)
	}
	return mistake
}

// spaceAfterColon words a label written with a space after its colon
// ("case: partial"), which the parser reads as the start of a label-set
// operation; at is where the word after the space starts.
func spaceAfterColon(expr string, at int) string {
	r := []rune(expr)
	before := strings.TrimSuffix(strings.TrimRight(string(r[:at]), " "), ":")
	key := before[strings.LastIndexAny(before, "&|!,( ")+1:]
	value := string(r[at:])
	if end := strings.IndexAny(value, "&|!,() "); end >= 0 {
		value = value[:end]
	}
	return fmt.Sprintf("a space after %q; a label has none: %s:%s", key+":", key, value)
}

// UnknownLabels lists the labels expr names that no case of p carries
// (regular expressions and label sets aside), for "did you mean". A label
// holds no space, so "case:found auth" is one unknown label.
func (p Plan) UnknownLabels(expr string) []string {
	known := map[string]bool{}
	for _, l := range p.Labels() {
		known[strings.ToLower(l)] = true
	}
	expr = regexpTerm.ReplaceAllString(expr, " && ")
	var unknown []string
	for _, term := range strings.FieldsFunc(expr, func(r rune) bool { return strings.ContainsRune("&|!,()", r) }) {
		term = strings.TrimSpace(term)
		if term == "" || strings.ContainsAny(term, "{}") || strings.Contains(term, ": ") || known[strings.ToLower(term)] {
			continue
		}
		unknown = append(unknown, term)
	}
	return unknown
}

// regexpTerm is a /regexp/ of a label filter.
var regexpTerm = regexp.MustCompile(`/[^/]*/`)

// Labels lists every label of the plan, sorted, for help texts and errors.
func (p Plan) Labels() []string {
	set := map[string]bool{}
	for _, c := range p.Cases {
		for _, l := range c.Labels {
			set[l] = true
		}
	}
	labels := make([]string, 0, len(set))
	for l := range set {
		labels = append(labels, l)
	}
	sort.Strings(labels)
	return labels
}
