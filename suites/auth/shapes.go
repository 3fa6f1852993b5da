package auth

import (
	"regexp"
	"strings"
	"unicode"
)

// SecretShape is one kind of value that looks like a credential.
type SecretShape struct {
	Name string
	Re   *regexp.Regexp
	Keep int // leading submatch to keep (the scheme of a header value)
	// Hints are lower-case texts one of which every match contains: a
	// text holding none of them cannot match, and the pattern is not run.
	Hints []string
}

// MayOccurIn reports whether the shape can match a text whose lower-case
// form is lower.
func (s SecretShape) MayOccurIn(lower string) bool {
	for _, h := range s.Hints {
		if strings.Contains(lower, h) {
			return true
		}
	}
	return false
}

// SecretShapes are values that look like credentials whatever the run
// knows: they are replaced in every artifact and console line.
var SecretShapes = []SecretShape{
	{"private-key", regexp.MustCompile(`-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----`), 0, []string{"private key-----"}},
	{"jwt", regexp.MustCompile(`\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}`), 0, []string{"eyj"}},
	{"aws-key", regexp.MustCompile(`\b(?:AKIA|ASIA)[0-9A-Z]{16}\b`), 0, []string{"akia", "asia"}},
	{"github-token", regexp.MustCompile(`\b(?:gh[pousr]_[A-Za-z0-9]{36,}|github_pat_[A-Za-z0-9_]{40,})\b`), 0, []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"}},
	{"slack-token", regexp.MustCompile(`\bxox[abposr]-[A-Za-z0-9-]{10,}`), 0, []string{"xox"}},
	{"stripe-key", regexp.MustCompile(`\b[sr]k_(?:live|test)_[A-Za-z0-9]{16,}\b`), 0, []string{"k_live_", "k_test_"}},
	{"google-api-key", regexp.MustCompile(`\bAIza[0-9A-Za-z_-]{35}\b`), 0, []string{"aiza"}},
	{"credential", regexp.MustCompile(`(?i)(\b(?:bearer|basic|token|apikey|api-key)\s+)[A-Za-z0-9._~+/=-]{16,}`), 1, []string{"bearer", "basic", "token", "apikey", "api-key"}},
	{"url-password", regexp.MustCompile(`(://[^/\s:@]+:)[^/\s@\[][^/\s@]*@`), 1, []string{"://"}},
}

// LooksLikeSecret reports whether v is shaped like a credential: a known
// key or token format, or a long run of random-looking characters.
func LooksLikeSecret(v string) bool {
	for _, shape := range SecretShapes {
		if shape.Re.MatchString(v) {
			return true
		}
	}
	return randomLooking.MatchString(v) && strings.IndexFunc(v, unicode.IsDigit) >= 0 &&
		strings.IndexFunc(v, unicode.IsUpper) >= 0 && strings.IndexFunc(v, unicode.IsLower) >= 0
}

// randomLooking is a run of 24 or more token characters.
var randomLooking = regexp.MustCompile(`[A-Za-z0-9_+/=-]{24,}`)
