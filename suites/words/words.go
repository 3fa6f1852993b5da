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
	if len(s) <= n {
		return s // n bytes are at most n characters
	}
	if n < 1 {
		return ""
	}
	// Walk only as far as the clip: s may be a body of megabytes.
	count, cut := 0, 0
	for i := range s {
		if count == n-1 {
			cut = i
		}
		if count == n {
			return s[:cut] + "…"
		}
		count++
	}
	return s
}

// ClipLine folds s onto one line, then clips it to n characters. Only
// the start of a long s is folded: it may be a body of megabytes.
func ClipLine(s string, n int) string {
	limit := 8*max(n, 0) + 64
	if len(s) <= limit {
		return Clip(OneLine(s), n)
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	line := OneLine(s[:limit])
	if utf8.RuneCountInString(line) >= n {
		return Clip(line, n)
	}
	return Clip(line, n-1) + "…" // more follows beyond the part folded
}

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

// URL returns raw for people to read: a password in its user info is
// shown as [redacted] (https://alice:[redacted]@host), whatever else the
// URL holds.
func URL(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	at := strings.LastIndex(rest[:end], "@")
	if at < 0 {
		return raw
	}
	user, _, hasPassword := strings.Cut(rest[:at], ":")
	if !hasPassword {
		return raw
	}
	return scheme + "://" + user + ":[redacted]" + rest[at:]
}

// Nearest returns the candidate closest to s in edit distance, when it is
// close enough to be what was meant ("" otherwise): for "did you mean".
// Of two as close, the one that starts as s does wins: "case" means
// "cases" rather than "base".
func Nearest(s string, candidates []string) string {
	best, bestDist, bestPrefix := "", 0, 0
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		p := commonPrefix(strings.ToLower(s), strings.ToLower(c))
		if best == "" || d < bestDist || d == bestDist && p > bestPrefix {
			best, bestDist, bestPrefix = c, d, p
		}
	}
	if best == "" || bestDist > max(2, len(s)/3) {
		return ""
	}
	return best
}

// commonPrefix is the length of the longest prefix a and b share.
func commonPrefix(a, b string) int {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	return n
}

// editDistance is the Levenshtein distance of a and b.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}
