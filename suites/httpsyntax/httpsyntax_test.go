package httpsyntax

import (
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
