package httpsyntax

import (
	"strings"
	"testing"
	"time"
)

func TestParseRetryAfter(t *testing.T) {
	for value, ok := range map[string]bool{
		"0": true, "120": true, "Wed, 21 Oct 2015 07:28:00 GMT": true,
		"": false, "5s": false, "1.5": false, "-1": false, "soon": false, "99999999999999999999": true,
	} {
		if _, got := ParseRetryAfter(value, "", time.Now()); got != ok {
			t.Errorf("ParseRetryAfter(%q) valid = %t, want %t", value, got, ok)
		}
	}
}

func TestParseChallenges(t *testing.T) {
	for _, tc := range []struct {
		value   string
		schemes string // space-separated; "" when the value is broken
	}{
		{`Bearer`, "Bearer"},
		{`Bearer realm="api"`, "Bearer"},
		{`Bearer realm=api`, "Bearer"},
		{`Bearer realm=""`, "Bearer"},
		{`Bearer realm="example", error="invalid_token", error_description="The access token expired"`, "Bearer"},
		{`Basic realm="simple", charset="UTF-8"`, "Basic"},
		{`Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`, "Newauth Basic"},
		{`Digest realm="a", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093"`, "Digest"},
		{`Negotiate`, "Negotiate"},
		{`Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ6iBwMFACAAAACjggR=`, "Negotiate"},
		{`Bearer realm = "api"`, "Bearer"},
		{`Bearer,, Basic`, "Bearer Basic"},
		{`Bearer realm="caf` + "\xc3\xa9" + `"`, "Bearer"},
		{``, ""},
		{` , `, ""},
		// The grammar reads these as a token68 and a second challenge.
		{`Bearer realm=`, "Bearer"},
		{`Bearer realm="a", error`, "Bearer error"},
		{`Bearer realm="unterminated`, ""},
		{`Bearer realm="a"b`, ""},
		{`realm="api"`, ""},
		{`Bearer realm=a b`, ""},
		{`Bearer realm="a\`, ""},
		{`Bearer realm="a` + "\x01" + `"`, ""},
		{`"Bearer"`, ""},
	} {
		schemes, problem := ParseChallenges(tc.value)
		got := strings.Join(schemes, " ")
		if got != tc.schemes || (tc.schemes == "") != (problem != "") {
			t.Errorf("ParseChallenges(%q) = %q, problem %q; want %q", tc.value, got, problem, tc.schemes)
		}
	}
}

// FuzzParseChallenges checks that no value panics the parser and that
// every scheme it returns is a token.
func FuzzParseChallenges(f *testing.F) {
	for _, seed := range []string{`Bearer realm="a", error="invalid_token"`, `Basic abc==`, `Newauth realm="apps", type=1, title="Login to \"apps\"", Basic realm="simple"`, `Bearer realm="`, `,,`} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, value string) {
		schemes, problem := ParseChallenges(value)
		if (problem == "") != (len(schemes) > 0) {
			t.Fatalf("ParseChallenges(%q) = %q, problem %q", value, schemes, problem)
		}
		for _, s := range schemes {
			if !IsToken(s) {
				t.Fatalf("ParseChallenges(%q) gave the scheme %q, which is no token", value, s)
			}
		}
	})
}
