package runner

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/suites/words"
)

// CommaList is a list of names that YAML may write as a sequence, or as
// one scalar that lists them with commas, as the flags and the
// environment write them (redact_headers: X-Internal,X-Trace).
type CommaList []string

// UnmarshalYAML reads a sequence of scalars, or one comma-separated scalar.
func (l *CommaList) UnmarshalYAML(node *yaml.Node) error {
	list, err := unmarshalList(node, "a list of names")
	if err != nil {
		return err
	}
	*l = list
	return nil
}

// unmarshalList reads a list that YAML writes as a sequence of scalars, or
// as one scalar split by splitList; what names the list in an error
// ("a list of IDs").
func unmarshalList(node *yaml.Node, what string) ([]string, error) {
	switch node.Kind {
	case yaml.ScalarNode:
		list, err := splitList(node.Value)
		if err != nil {
			return nil, fmt.Errorf("line %d: expected %s, found %s: %s", node.Line, what, nodeWords(node), err)
		}
		return list, nil
	case yaml.SequenceNode:
		out := make([]string, 0, len(node.Content))
		for _, n := range node.Content {
			if n.Kind == yaml.AliasNode && n.Alias != nil {
				n = n.Alias
			}
			if n.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("line %d: expected %s, found an entry that is %s", n.Line, what, nodeWords(n))
			}
			out = append(out, n.Value)
		}
		return out, nil
	}
	return nil, fmt.Errorf("line %d: expected %s, found %s", node.Line, what, nodeWords(node))
}

// splitList splits a comma-separated list the way the list flags do
// (--found 2,3: one CSV record), so that a quoted item may hold commas
// ("A,1",B-2). Spaces around an item are dropped (found: 2, 3 is 2 and
// 3), and an empty text is the empty list, as for the flags.
func splitList(s string) ([]string, error) {
	if strings.TrimSpace(s) == "" {
		return []string{}, nil
	}
	r := csv.NewReader(strings.NewReader(s))
	r.TrimLeadingSpace = true
	items, err := r.Read()
	if err != nil {
		return nil, listMistake(err)
	}
	if _, err := r.Read(); !errors.Is(err, io.EOF) {
		return nil, errors.New("a comma-separated list on more than one line; write it on one line, or as a YAML list")
	}
	for i := range items {
		items[i] = strings.TrimSpace(items[i])
	}
	return items, nil
}

// listMistake words why a text is not a comma-separated list.
func listMistake(err error) error {
	why := "not a comma-separated list"
	switch {
	case errors.Is(err, csv.ErrBareQuote):
		why = `a quote (") inside an item that does not start with one`
	case errors.Is(err, csv.ErrQuote):
		why = `a quote (") that is never closed, or text after a closing quote`
	}
	return fmt.Errorf(`%s; quote a whole item that holds a comma ("A,1",B-2), or write a YAML list (["A,1", B-2])`, why)
}

// nodeWords says what a YAML node is, for "found ...": "a list", "a
// mapping", or the value itself, quoted and clipped.
func nodeWords(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	case yaml.AliasNode:
		if n.Alias != nil {
			return nodeWords(n.Alias)
		}
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return "nothing"
		}
		if n.Value == "" {
			return "empty text"
		}
		return quoted(n.Value)
	}
	return "something else"
}

// quoted is s for a message: on one line, clipped, in double quotes.
func quoted(s string) string { return strconv.Quote(words.ClipLine(s, 40)) }
