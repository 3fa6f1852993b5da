package httpsyntax

import (
	"fmt"
	"strings"
)

// ParseChallenges reads a WWW-Authenticate value (RFC 9110 §11.6.1):
//
//	challenge  = auth-scheme [ 1*SP ( token68 / #auth-param ) ]
//	auth-param = token BWS "=" BWS ( token / quoted-string )
//
// It returns the challenges' auth schemes in order, or a problem that
// says, in words, where the value breaks that grammar.
func ParseChallenges(value string) (schemes []string, problem string) {
	elements, problem := splitList(value)
	if problem != "" {
		return nil, problem
	}
	for _, e := range elements {
		scheme, rest, _ := strings.Cut(e, " ")
		rest = strings.TrimLeft(rest, " \t")
		switch {
		case strings.HasPrefix(rest, "=") || strings.Contains(scheme, "="):
			// An auth-param of the challenge before it.
			if len(schemes) == 0 {
				return nil, fmt.Sprintf("%q comes before any auth scheme", e)
			}
			if p := checkAuthParam(e); p != "" {
				return nil, p
			}
		case !IsToken(scheme):
			return nil, fmt.Sprintf("%q is no auth scheme", scheme)
		default:
			schemes = append(schemes, scheme)
			if rest == "" || isToken68(rest) {
				continue
			}
			if p := checkAuthParam(rest); p != "" {
				return nil, p
			}
		}
	}
	if len(schemes) == 0 {
		return nil, "no challenge in it"
	}
	return schemes, ""
}

// splitList splits a comma-separated list at the commas outside quoted
// strings, dropping empty elements (RFC 9110 §5.6.1).
func splitList(value string) (elements []string, problem string) {
	start, quoted := 0, false
	for i := 0; i < len(value); i++ {
		switch c := value[i]; {
		case quoted && c == '\\':
			i++
		case c == '"':
			quoted = !quoted
		case c == ',' && !quoted:
			elements = appendElement(elements, value[start:i])
			start = i + 1
		}
	}
	if quoted {
		return nil, "a quoted string in it is never closed"
	}
	return appendElement(elements, value[start:]), ""
}

func appendElement(elements []string, e string) []string {
	if e = strings.Trim(e, " \t"); e != "" {
		elements = append(elements, e)
	}
	return elements
}

// checkAuthParam checks one auth-param: name, "=", and a token or a
// quoted string as its value.
func checkAuthParam(p string) string {
	name, value, ok := strings.Cut(p, "=")
	name, value = strings.TrimRight(name, " \t"), strings.TrimLeft(value, " \t")
	switch {
	case !ok || !IsToken(name):
		return fmt.Sprintf("%q is neither a token68 nor an auth-param (name=value)", p)
	case value == "":
		return fmt.Sprintf("the auth-param %s has no value", name)
	case strings.HasPrefix(value, `"`):
		if !isQuotedString(value) {
			return fmt.Sprintf("the auth-param %s has a broken quoted string: %s", name, value)
		}
	case !IsToken(value):
		return fmt.Sprintf("the auth-param %s has a value that is neither a token nor a quoted string: %s", name, value)
	}
	return ""
}

// isQuotedString reports whether s is one whole quoted-string.
func isQuotedString(s string) bool {
	if len(s) < 2 || s[0] != '"' || s[len(s)-1] != '"' {
		return false
	}
	for i := 1; i < len(s)-1; i++ {
		switch c := s[i]; {
		case c == '\\':
			i++
			if i >= len(s)-1 {
				return false
			}
		case c == '"', c < ' ' && c != '\t', c == 0x7f:
			return false
		}
	}
	return true
}

// isToken68 reports whether s is a token68: the credentials-like form of
// Basic or Negotiate challenges (letters, digits, -._~+/, then "=" padding).
func isToken68(s string) bool {
	body := strings.TrimRight(s, "=")
	if body == "" {
		return false
	}
	for _, r := range body {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-._~+/", r)) {
			return false
		}
	}
	return true
}
