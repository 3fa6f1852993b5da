package runner

import (
	"fmt"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites/auth"
)

// envReference is a ${NAME} in a config value.
var envReference = regexp.MustCompile(`\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces every ${NAME} in the scalar values of doc with the
// variable's value, so one config file serves several stagings. An unset
// variable is an error that names it and its line. A header value that
// came from the environment is returned as shown by name, so reports show
// ${NAME} where it went; a header literal that looks like a secret is
// refused: secrets come from the environment. expanded holds, for every
// value that changed, its text as written, for messages about it.
func expandEnv(doc *yaml.Node, lookup func(string) (string, bool)) (shown []auth.Secret, expanded map[*yaml.Node]string, err error) {
	expanded = map[*yaml.Node]string{}
	var walk func(n *yaml.Node, underHeaders bool) error
	walk = func(n *yaml.Node, underHeaders bool) error {
		switch n.Kind {
		case yaml.DocumentNode, yaml.SequenceNode:
			for _, c := range n.Content {
				if err := walk(c, underHeaders); err != nil {
					return err
				}
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				key := n.Content[i].Value
				if err := walk(n.Content[i+1], underHeaders || key == "headers"); err != nil {
					return err
				}
			}
		case yaml.ScalarNode:
			before := n.Value
			if err := expandScalar(n, underHeaders, lookup, &shown); err != nil {
				return err
			}
			if n.Value != before {
				expanded[n] = before
			}
		}
		return nil
	}
	err = walk(doc, false)
	return shown, expanded, err
}

// expandScalar expands one value in place.
func expandScalar(n *yaml.Node, header bool, lookup func(string) (string, bool), shown *[]auth.Secret) error {
	if header && !strings.Contains(n.Value, "${") && reports.LooksLikeSecret(n.Value) {
		return fmt.Errorf("line %d: this header value looks like a secret; secrets never go in the file: put it in an environment variable and write ${NAME}, or describe it under auth:", n.Line)
	}
	var missing string
	before := n.Value
	n.Value = envReference.ReplaceAllStringFunc(n.Value, func(ref string) string {
		name := envReference.FindStringSubmatch(ref)[1]
		v, ok := lookup(name)
		if !ok && missing == "" {
			missing = name
		}
		if header && len(v) >= auth.MinSecretLength {
			*shown = append(*shown, auth.Secret{Value: v, Shown: ref})
		}
		return v
	})
	if missing != "" {
		return fmt.Errorf("line %d: ${%s} is not set in the environment", n.Line, missing)
	}
	if n.Style == 0 && n.Value != before && n.Tag == "!!str" {
		// An expanded plain scalar means what its value says (max_ids:
		// ${MAX} is a number once expanded), as if written in the file.
		n.Tag = ""
	}
	return nil
}
