// Package words shapes text for people: one line, at most so many
// characters, counts with the right plural. Every report and console line
// of apiconform goes through it, so they all cut and count alike.
package words

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// OneLine folds s onto one line: every run of white space becomes one space.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Clip cuts s to at most n characters (not bytes), ending a cut text
// with "…" within the n.
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	if n < 1 {
		return ""
	}
	return string(r[:n-1]) + "…"
}

// ClipLine folds s onto one line, then clips it to n characters.
func ClipLine(s string, n int) string { return Clip(OneLine(s), n) }

// Count writes n and the noun, plural where n is not 1: Count(1, "case")
// is "1 case", Count(3, "case") is "3 cases".
func Count(n int, noun string) string { return fmt.Sprintf("%d %s", n, Plural(n, noun)) }

// Plural returns noun, with an "s" when n is not 1 (nouns ending in "s",
// "x" or "sh" get "es"; a noun ending in a consonant and "y" gets "ies").
func Plural(n int, noun string) string {
	if n == 1 || noun == "" {
		return noun
	}
	switch {
	case strings.HasSuffix(noun, "s"), strings.HasSuffix(noun, "x"), strings.HasSuffix(noun, "sh"):
		return noun + "es"
	case strings.HasSuffix(noun, "y") && len(noun) > 1 && !strings.ContainsRune("aeiou", rune(noun[len(noun)-2])):
		return noun[:len(noun)-1] + "ies"
	}
	return noun + "s"
}

// Capitalize returns s with its first letter in upper case.
func Capitalize(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if r == utf8.RuneError {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
