package auth

import (
	"strings"
	"testing"
)

// shapeSamples holds, for each secret shape, texts it matches, in the
// cases a server may echo them.
var shapeSamples = map[string][]string{
	"private-key":    {"-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----", "x-----BEGIN PRIVATE KEY-----abc-----END PRIVATE KEY-----"},
	"jwt":            {"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0xx.c2lnbmF0dXJlLXh5"},
	"aws-key":        {"AKIAIOSFODNN7EXAMPLE", "id ASIAIOSFODNN7EXAMPLE."},
	"github-token":   {"ghp_0123456789abcdefghijABCDEFGHIJ0123456789", "ghs_0123456789abcdefghijABCDEFGHIJ0123456789", "github_pat_0123456789abcdefghijABCDEFGHIJ0123456789"},
	"slack-token":    {"xoxb-1234567890-abcdef"},
	"stripe-key":     {"sk_live_0123456789abcdefXYZ", "rk_test_0123456789abcdefXYZ"},
	"google-api-key": {"AIzaSyA0123456789abcdefghijklmnopqrstuv"},
	"credential":     {"Bearer abcdefghijklmnop1234", "BASIC dXNlcjpwYXNzd29yZDEyMzQ=", "Token: x ApiKey  0123456789abcdefXYZ", "api-key\tABCDEFGHIJKLMNOPQ"},
	"url-password":   {"https://user:hunter2@example.com/x", "HTTP://u:p@h"},
}

// TestSecretShapeHints checks that every match of every shape holds one
// of its hints: a text without them is never searched, so a hint
// missing from a match would let that secret through unredacted.
func TestSecretShapeHints(t *testing.T) {
	for _, shape := range SecretShapes {
		samples := shapeSamples[shape.Name]
		if len(samples) == 0 {
			t.Errorf("shape %s has no samples", shape.Name)
		}
		for _, s := range samples {
			for _, text := range []string{s, "before " + s + " after", strings.ToUpper(s)} {
				for _, m := range shape.Re.FindAllString(text, -1) {
					if !shape.MayOccurIn(strings.ToLower(m)) {
						t.Errorf("shape %s matched %q, which holds none of its hints %q", shape.Name, m, shape.Hints)
					}
				}
			}
			if !shape.Re.MatchString(s) {
				t.Errorf("shape %s does not match its sample %q", shape.Name, s)
			}
		}
	}
	if shape := SecretShapes[0]; shape.MayOccurIn("nothing to see here") {
		t.Errorf("%s: a text without its hints may occur", shape.Name)
	}
}

// FuzzSecretShapeHints checks the same on any text.
func FuzzSecretShapeHints(f *testing.F) {
	for _, samples := range shapeSamples {
		for _, s := range samples {
			f.Add(s)
		}
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, shape := range SecretShapes {
			for _, m := range shape.Re.FindAllString(text, 4) {
				if !shape.MayOccurIn(strings.ToLower(m)) {
					t.Fatalf("shape %s matched %q, which holds none of its hints", shape.Name, m)
				}
			}
		}
	})
}
