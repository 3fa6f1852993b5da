package words

import (
	"strings"
	"testing"
)

func TestClipKeepsCharactersWhole(t *testing.T) {
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"ééééé", 4, "ééé…"}, {"abc", 3, "abc"}, {"abcd", 3, "ab…"}, {"abc", 0, ""},
	} {
		if got := Clip(tc.in, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.in, tc.n, got, tc.want)
		}
	}
	if got := ClipLine("a\n  b\tc", 10); got != "a b c" {
		t.Errorf("ClipLine = %q", got)
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int]string{0: "0 cases", 1: "1 case", 2: "2 cases"} {
		if got := Count(n, "case"); got != want {
			t.Errorf("Count(%d) = %q, want %q", n, got, want)
		}
	}
	for noun, want := range map[string]string{"entry": "entries", "key": "keys", "class": "classes", "box": "boxes", "failure": "failures"} {
		if got := Plural(2, noun); got != want {
			t.Errorf("Plural(2, %q) = %q, want %q", noun, got, want)
		}
	}
}

func TestNearest(t *testing.T) {
	for in, want := range map[string]string{"basurl": "base-url", "profil": "profile", "xyz": "", "run": "run"} {
		if got := Nearest(in, []string{"base-url", "profile", "run", "detect"}); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
	if got := Nearest("case", []string{"name", "base", "cases"}); got != "cases" {
		t.Errorf("of two as near, the one sharing the start should win; got %q", got)
	}
}

func TestClipAndClipLineReadOnlyTheStartOfALongText(t *testing.T) {
	long := "héllo wörld " + strings.Repeat("x\n", 5<<20)
	if got := Clip(long, 7); got != "héllo …" {
		t.Errorf("Clip = %q", got)
	}
	if got := ClipLine(long, 14); got != "héllo wörld x…" {
		t.Errorf("ClipLine = %q", got)
	}
	if got := ClipLine("a\n\n\nb"+strings.Repeat(" ", 1000)+"c", 5); got != "a b…" {
		t.Errorf("ClipLine of a text folded short = %q", got)
	}
	for _, tc := range []struct {
		s    string
		n    int
		want string
	}{{"", 0, ""}, {"abc", 0, ""}, {"abc", 3, "abc"}, {"abcd", 3, "ab…"}, {"äöü", 2, "ä…"}, {"abc", -1, ""}} {
		if got := Clip(tc.s, tc.n); got != tc.want {
			t.Errorf("Clip(%q, %d) = %q, want %q", tc.s, tc.n, got, tc.want)
		}
	}
}
