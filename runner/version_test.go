package runner

import "testing"

func TestPseudoVersionRevision(t *testing.T) {
	for v, want := range map[string]string{
		"v0.0.0-20260521101500-18db6e4abcde":        "18db6e4abcde",
		"v1.2.4-0.20260521101500-18db6e4abcde":      "18db6e4abcde",
		"v1.3.0-rc.1.0.20260521101500-18db6e4abcde": "18db6e4abcde",
		"v0.0.0-20260521101500-18db6e4abcde+dirty":  "18db6e4abcde",
		"v1.2.3":      "",
		"v1.2.3-rc.1": "",
		"(devel)":     "",
		"":            "",
	} {
		if got := pseudoVersionRevision(v); got != want {
			t.Errorf("pseudoVersionRevision(%q) = %q, want %q", v, got, want)
		}
	}
}
