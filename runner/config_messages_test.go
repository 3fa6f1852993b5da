package runner

import (
	"slices"
	"strings"
	"testing"
)

// TestListsInTheFileAsTheFlagsWriteThem checks that a scalar where the
// file expects a list of IDs or names reads as the flags and the
// environment read theirs: split at commas, a quoted item keeping its
// commas; one scalar is one ID.
func TestListsInTheFileAsTheFlagsWriteThem(t *testing.T) {
	for _, tc := range []struct {
		yaml string // the value as written in the file
		flag string // the same list as a flag writes it
		want []string
	}{
		{"2,3", "2,3", []string{"2", "3"}},
		{"7", "7", []string{"7"}},
		{"abc", "abc", []string{"abc"}},
		{`'"A,1",B-2'`, `"A,1",B-2`, []string{"A,1", "B-2"}},
		{`""`, "", []string{}},
		{`["A,1", B-2]`, "", []string{"A,1", "B-2"}},
		{"2, 3", "", []string{"2", "3"}}, // spaces around an item are dropped in the file
	} {
		for _, key := range []string{"found", "missing", "malformed"} {
			file := writeFile(t, "c.yaml", "base_url: http://x\nendpoints:\n  - path: /items\n    "+key+": "+tc.yaml+"\n")
			cfg, err := LoadConfig([]string{"--config", file}, lookup(nil), newRunFlagSet)
			if err != nil {
				t.Fatalf("%s: %s: %v", key, tc.yaml, err)
			}
			ep := cfg.Endpoints[0]
			got := map[string]IDList{"found": ep.Found, "missing": ep.Missing, "malformed": ep.Malformed}[key]
			if !slices.Equal(got, tc.want) {
				t.Errorf("%s: %s reads as %q, want %q", key, tc.yaml, got, tc.want)
			}
			if tc.flag == "" {
				continue
			}
			cfg, err = LoadConfig([]string{"--base-url", "http://x", "--path", "/items", "--" + key, tc.flag}, lookup(nil), newRunFlagSet)
			if err != nil {
				t.Fatal(err)
			}
			ep = cfg.Endpoints[0]
			flagGot := map[string]IDList{"found": ep.Found, "missing": ep.Missing, "malformed": ep.Malformed}[key]
			if !slices.Equal(flagGot, got) {
				t.Errorf("--%s %s reads as %q, the file's %s as %q", key, tc.flag, flagGot, tc.yaml, got)
			}
		}
		file := writeFile(t, "c.yaml", "redact_headers: "+tc.yaml+"\n")
		cfg, err := LoadConfig([]string{"--config", file}, lookup(nil), newRunFlagSet)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(cfg.RedactHeaders, tc.want) {
			t.Errorf("redact_headers: %s reads as %q, want %q", tc.yaml, cfg.RedactHeaders, tc.want)
		}
	}
	res := runMain(t, nil, "run", "--config", writeFile(t, "c.yaml", "base_url: http://127.0.0.1:9\nendpoints:\n  - path: /items\n    found: 2,3\n"),
		"--dry-run", "--label-filter", "case:found")
	if res.code != ExitPass || !strings.Contains(res.stdout, "/items?id=2,3 ") {
		t.Errorf("found: 2,3 should ask ?id=2,3; exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
}
