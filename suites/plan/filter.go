package plan

import (
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/apiconform/apiconform/suites/words"
)

// Filter keeps the cases whose labels match the Ginkgo label filter expr.
func (p Plan) Filter(expr string) (Plan, error) {
	if strings.TrimSpace(expr) == "" {
		return p, nil
	}
	match, err := types.ParseLabelFilter(expr)
	if err != nil {
		return Plan{}, fmt.Errorf("--label-filter %q: %s", expr, words.OneLine(stripANSI(err.Error())))
	}
	var out Plan
	for _, c := range p.Cases {
		if match(c.Labels) {
			out.Cases = append(out.Cases, c)
		}
	}
	return out, nil
}

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

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }
