package runner

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// goLeak matches what only Go's own messages say: a message for people
// never holds a package path, a type name or a YAML tag.
var goLeak = regexp.MustCompile(`runner\.|\!\!|unmarshal|\[\]string|map\[|int64|time\.Duration|struct`)

// configMessage runs `apiconform run --config` on content and returns its
// one line of stderr, failing unless it is a usage error (exit 2) in
// plain words.
func configMessage(t *testing.T, env map[string]string, content string) (file, msg string) {
	t.Helper()
	file = writeFile(t, "apiconform.yaml", content)
	res := runMain(t, env, "run", "--config", file, "--dry-run")
	msg = strings.TrimSpace(res.stderr)
	if res.code != ExitUsage || msg == "" || strings.Contains(msg, "\n") {
		t.Fatalf("exit %d, stderr %q; want exit 2 and one line\n%s", res.code, msg, content)
	}
	if goLeak.MatchString(msg) {
		t.Fatalf("the message speaks Go: %q\n%s", msg, content)
	}
	return file, msg
}

// A brokenKey is a key of the config file and the YAML that reaches it:
// segs are the keys from the top, list marking those whose value is a
// list (endpoints: - ...).
type brokenKey struct {
	segs []keySeg
	t    reflect.Type
}

type keySeg struct {
	key  string
	list bool
}

// path is the key as messages name it: endpoints[0].params[0].name.
func (b brokenKey) path() string {
	var s strings.Builder
	for i, seg := range b.segs {
		if i > 0 {
			s.WriteByte('.')
		}
		s.WriteString(seg.key)
		if seg.list && i < len(b.segs)-1 {
			s.WriteString("[0]")
		}
	}
	return s.String()
}

// file writes a config file whose only content is value at the key,
// after a first comment line; it returns the line of the value.
func (b brokenKey) file(value string) (string, int) {
	lines := []string{"# every other key keeps its default"}
	col, dash := 0, ""
	for i, seg := range b.segs {
		line := strings.Repeat(" ", col) + dash + seg.key + ":"
		col, dash = col+len(dash)+2, ""
		if i == len(b.segs)-1 {
			lines = append(lines, line+" "+value)
			break
		}
		lines = append(lines, line)
		if seg.list {
			dash = "- "
		}
	}
	return strings.Join(lines, "\n") + "\n", len(lines)
}

// everyKey lists every key a config file takes, at every depth: the
// fields of the file, of an endpoint and its parameters, of auth:, of a
// house profile.
func everyKey(t reflect.Type, prefix []keySeg) []brokenKey {
	var out []brokenKey
	names, types := yamlKeys(t)
	for _, name := range names {
		ft := types[name]
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		segs := append(slices.Clone(prefix), keySeg{key: name})
		out = append(out, brokenKey{segs: segs, t: ft})
		switch {
		case ft.Kind() == reflect.Struct && ft != nodeType:
			out = append(out, everyKey(ft, segs)...)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			segs[len(segs)-1].list = true
			out = append(out, everyKey(ft.Elem(), segs)...)
		case ft.Kind() == reflect.Map && deref(ft.Elem()).Kind() == reflect.Struct:
			out = append(out, everyKey(deref(ft.Elem()), append(segs, keySeg{key: "house"}))...)
		}
	}
	return out
}

func deref(t reflect.Type) reflect.Type {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t
}

// wrongValues are values of the wrong kind for a key of type t, each with
// what the message must say it found and where (a suffix of the key).
func wrongValues(t reflect.Type) []struct{ value, found, at string } {
	type w = struct{ value, found, at string }
	mapping, list := w{"{x: 1}", "found a mapping", ""}, w{"[1]", "found a list", ""}
	switch {
	case t == nodeType || t.Kind() == reflect.Interface:
		return nil // anything goes: read later by rules of its own
	case t == idListType || t == commaListType:
		return []w{mapping, {"[[1]]", "found a list", "[0]"}}
	case t == durationType:
		return []w{mapping, list, {"soon", `found "soon"`, ""}, {"10", `found "10"`, ""}}
	}
	switch t.Kind() {
	case reflect.String:
		return []w{mapping, list}
	case reflect.Bool, reflect.Int, reflect.Int64, reflect.Float64:
		return []w{mapping, list, {"abc", `found "abc"`, ""}}
	case reflect.Slice:
		out := []w{mapping}
		if k := deref(t.Elem()).Kind(); k != reflect.Struct && k != reflect.Slice && k != reflect.Map {
			out = append(out, w{"[{x: 1}]", "found a mapping", "[0]"})
		}
		return out
	case reflect.Map:
		out := []w{{"abc", `found "abc"`, ""}, list}
		if k := deref(t.Elem()).Kind(); k == reflect.String {
			out = append(out, w{"{a: {x: 1}}", "found a mapping", ".a"})
		}
		return out
	case reflect.Struct:
		return []w{{"abc", `found "abc"`, ""}, list}
	}
	return nil
}

// TestEveryKeyWithAWrongValue gives every key of a config file, at every
// depth, values of the wrong kind: each is one line that names the key
// by its full path, its line, what was expected and what was found, and
// never speaks Go.
func TestEveryKeyWithAWrongValue(t *testing.T) {
	keys := everyKey(reflect.TypeFor[Config](), nil)
	if len(keys) < 100 {
		t.Fatalf("only %d keys found: the walk over the config's types missed some", len(keys))
	}
	tried := 0
	for _, k := range keys {
		for _, wv := range wrongValues(k.t) {
			content, line := k.file(wv.value)
			_, msg := configMessage(t, nil, content)
			want := fmt.Sprintf("line %d: %s%s: expected ", line, k.path(), wv.at)
			if !strings.Contains(msg, want) || !strings.Contains(msg, wv.found) {
				t.Errorf("%s: %s\ngot  %s\nwant %q and %q", k.path(), wv.value, msg, want, wv.found)
			}
			tried++
		}
	}
	t.Logf("%d keys, %d wrong values", len(keys), tried)
}

// TestEveryKeyMisspelled misspells every key of a config file (its last
// letter dropped): the message names the key as written, its line, and
// suggests the key that was meant.
func TestEveryKeyMisspelled(t *testing.T) {
	for _, k := range everyKey(reflect.TypeFor[Config](), nil) {
		last := &k.segs[len(k.segs)-1]
		meant := last.key
		last.key = meant[:len(meant)-1]
		if len(meant) < 4 || validKey(k) {
			continue
		}
		content, line := k.file("1")
		_, msg := configMessage(t, nil, content)
		want := fmt.Sprintf("line %d: %s: unknown key; did you mean %s?", line, k.path(), meant)
		if !strings.Contains(msg, want) {
			t.Errorf("got  %s\nwant %s", msg, want)
		}
	}
}

// validKey reports whether the last key of k is a key of its place (a
// misspelling that is another key: profiles without its s).
func validKey(k brokenKey) bool {
	for _, other := range everyKey(reflect.TypeFor[Config](), nil) {
		if other.path() == k.path() {
			return true
		}
	}
	return false
}

// TestConfigMessagesInUserWords checks the words of mistakes people make.
func TestConfigMessagesInUserWords(t *testing.T) {
	env := map[string]string{"MANY": "lots"}
	for _, tc := range []struct{ name, content, want, never string }{
		{"misspelled top key", "base_ulr: http://x\n", "line 1: base_ulr: unknown key; did you mean base_url?", ""},
		{"misspelled endpoint key", "base_url: http://x\nendpoints:\n  - path: /items\n    founds: [2]\n", "line 4: endpoints[0].founds: unknown key; did you mean found?", ""},
		{"misspelled auth key", "auth:\n  type: basic\n  usernme_env: U\n", "line 3: auth.usernme_env: unknown key; did you mean username_env?", ""},
		{"no near key", "colour: blue\n", "line 1: colour: unknown key; the keys here are base_url, profile,", ""},
		{"endpoint key at the top", "base_url: http://x\nfound: [2, 3]\n", "line 2: found: a key of an endpoint, not of the whole file; put it under endpoints:", ""},
		{"key given twice", "timeout: 5s\ntimeout: 6s\n", "line 2: timeout: given twice (first at line 1)", ""},
		{"whole number", "concurrency: many\n", `line 1: concurrency: expected a whole number, found "many"`, ""},
		{"duration", "timeout: abc\n", `line 1: timeout: expected a duration such as 10s, found "abc"`, ""},
		{"duration without unit", "retry_after_max: 10\n", "a number without a unit", ""},
		{"true or false", "insecure: perhaps\n", `line 1: insecure: expected true or false, found "perhaps"`, ""},
		{"list of IDs", "endpoints:\n  - path: /a\n    found: {a: 1}\n", "line 3: endpoints[0].found: expected a list of IDs", ""},
		{"mapping of names to values", "endpoints:\n  - path: /a\n    headers: [X-Org]\n", "line 3: endpoints[0].headers: expected a mapping of header names to values", ""},
		{"text", "base_url: [http://x]\n", "line 1: base_url: expected text, found a list", ""},
		{"a long value is clipped", "concurrency: " + strings.Repeat("x", 200) + "\n", "…", strings.Repeat("x", 60)},
		{"the file is a list", "- base_url: http://x\n", "line 1: expected a mapping of keys such as base_url and endpoints, found a list", ""},
		{"expanded value", "concurrency: ${MANY}\n", `line 1: concurrency: expected a whole number, found "${MANY}", expanded from the environment`, "lots"},
		{"expanded secret", "max_body: ${" + testTokenEnv + "}\n", "${" + testTokenEnv + "}", testToken},
		{"quote in a comma list", "endpoints:\n  - path: /a\n    found: a\"b,c\n", `line 3: endpoints[0].found: expected a list of IDs, such as [2, 3] or 2,3, found "a\"b,c": a quote`, ""},
		{"status of a house profile", "profiles:\n  house:\n    base: lenient\n    cases:\n      none:\n        - status: 404\n", "line 6: profiles.house.cases.none[0]: status: a list of status codes", ""},
		{"several problems", "concurrency: many\ntimeout: soon\n", "line 1: concurrency: expected a whole number, found \"many\" (and 1 more problem)", ""},
		{"merge of a mapping", "base_url: http://x\nendpoints:\n  - <<: {path: /a, founds: [1]}\n", "line 3: endpoints[0].founds: unknown key; did you mean found?", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			file, msg := configMessage(t, env, tc.content)
			if !strings.HasPrefix(msg, "apiconform run: --config "+file+": ") || !strings.Contains(msg, tc.want) {
				t.Errorf("got  %s\nwant %s", msg, tc.want)
			}
			if tc.never != "" && strings.Contains(msg, tc.never) {
				t.Errorf("the message shows %q: %s", tc.never, msg)
			}
		})
	}
}

// TestYAMLMessageNeverSpeaksGo feeds the decoder's own words to the last
// guard: whatever reaches it, no Go type name or YAML tag comes out, and
// the line stays.
func TestYAMLMessageNeverSpeaksGo(t *testing.T) {
	entries := []string{
		"line 6: field founds not found in type runner.EndpointConfig",
		"line 2: cannot unmarshal !!str `abc` into int",
		"line 3: cannot unmarshal !!str `abc` into time.Duration",
		"line 4: cannot unmarshal !!map into []string",
		"line 5: cannot unmarshal !!seq into map[string]string",
		"line 7: cannot unmarshal !!str `abcdefg...` into runner.Config",
		"line 8: cannot unmarshal !!int `12` into *suites.Profile",
		"line 9: cannot unmarshal !!map into int64",
		"line 10: something else about struct runner.X",
	}
	msg := yamlMessage(&yaml.TypeError{Errors: entries})
	if goLeak.MatchString(msg) {
		t.Errorf("the message speaks Go: %s", msg)
	}
	for i := range entries {
		if !strings.Contains(msg, fmt.Sprintf("line %d: ", []int{6, 2, 3, 4, 5, 7, 8, 9, 10}[i])) {
			t.Errorf("line of entry %d lost: %s", i, msg)
		}
	}
	if !strings.Contains(msg, "line 6: founds: unknown key") || !strings.Contains(msg, `line 2: expected a whole number, found "abc"`) {
		t.Errorf("the known shapes are not reworded: %s", msg)
	}
}

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

// TestLabelFilterMessages checks that a label filter that cannot be read
// is one line in our words: the filter, what is wrong, the syntax in
// brief and the labels of the plan; never the parser's heading or its
// documentation's address.
func TestLabelFilterMessages(t *testing.T) {
	run := []string{"run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2,3", "--dry-run", "--label-filter"}
	for filter, want := range map[string]string{
		"case:partial &&":   "an operator with nothing after it",
		"!":                 "an operator with nothing after it",
		"(case:partial":     "unbalanced parenthesis: a ( is never closed (at character 1)",
		"case:found)":       "unbalanced parenthesis: a ) closes nothing (at character 11)",
		"case:found & auth": "a single & (and is &&)",
		"case:found | auth": "a single | (or is ||)",
		"case: partial":     `a space after "case:"; a label has none: case:partial`,
		"/[/":               "not a regular expression between the slashes",
		"()":                "empty parentheses",
		"&& auth":           "&& with nothing before it",
		"case:found !auth":  "a ! right after a label, with no && or || before it",
		"/a/ /b/":           "two labels with no && or || between them",
	} {
		res := runMain(t, nil, append(run, filter)...)
		msg := strings.TrimSpace(res.stderr)
		head := fmt.Sprintf("apiconform run: --label-filter %q: %s", filter, want)
		if res.code != ExitUsage || strings.Contains(msg, "\n") || !strings.HasPrefix(msg, head) {
			t.Errorf("exit %d\ngot  %s\nwant %s...", res.code, msg, head)
		}
		for _, part := range []string{"&& (and)", "|| (or)", "! (not)", "parentheses", "/regexp/", "labels in this plan: auth, case:auth-forbidden"} {
			if !strings.Contains(msg, part) {
				t.Errorf("%s: the message lacks %q: %s", filter, part, msg)
			}
		}
		if lower := strings.ToLower(msg); strings.Contains(lower, "ginkgo") || strings.Contains(lower, "http://o") || strings.Contains(lower, "syntax error") || strings.Contains(msg, "\x1b") {
			t.Errorf("%s: the parser's own words: %s", filter, msg)
		}
	}
}

// TestDidYouMeanALabelOrAProfile checks that a label filter naming a label
// the plan lacks, and a profile name that does not exist, suggest the one
// that was meant, wherever they were given.
func TestDidYouMeanALabelOrAProfile(t *testing.T) {
	flags := []string{"run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2,3", "--dry-run"}
	endpoint := "base_url: http://127.0.0.1:9\nendpoints:\n  - path: /items\n    found: [2, 3]\n"
	for _, tc := range []struct {
		name    string
		env     map[string]string
		args    []string
		content string // a config file, given with --config
		want    string
	}{
		{"label of a flag", nil, append(flags, "--label-filter", "case:partail"), "",
			`--label-filter "case:partail" selects no case; case:partail is not a label of this plan (did you mean case:partial?); labels in this plan: `},
		{"one of two labels", nil, append(flags, "--label-filter", "case:partail || endpoint:itmes"), "",
			"case:partail is not a label of this plan (did you mean case:partial?); endpoint:itmes is not a label of this plan (did you mean endpoint:items?)"},
		{"a label with a space", nil, append(flags, "--label-filter", "case:found auth"), "",
			"case:found auth is not a label of this plan (a label holds no space: join labels with && or ||)"},
		{"label of the file", nil, nil, "label_filter: case:partail\n" + endpoint,
			`: line 1: label_filter "case:partail" selects no case; case:partail is not a label of this plan (did you mean case:partial?)`},
		{"label of the environment", map[string]string{"APICONFORM_LABEL_FILTER": "case:partail"}, flags, "",
			`APICONFORM_LABEL_FILTER "case:partail" selects no case`},
		{"filter of the file", nil, nil, "label_filter: case:found &&\n" + endpoint,
			`: line 1: label_filter "case:found &&": an operator with nothing after it`},
		{"profile of a flag", nil, append(flags, "--profile", "strikt"), "",
			`apiconform run: --profile "strikt": unknown profile; did you mean strict? (known: strict, lenient,`},
		{"profile of the environment", map[string]string{"APICONFORM_PROFILE": "lenent"}, flags, "",
			`apiconform run: APICONFORM_PROFILE "lenent": unknown profile; did you mean lenient?`},
		{"profile of the file", nil, nil, "profile: strikt\n" + endpoint,
			`: line 1: profile "strikt": unknown profile; did you mean strict?`},
		{"profile of an endpoint", nil, nil, endpoint + "    profile: envelop\n",
			`: line 5: endpoints[0]: profile "envelop": unknown profile; did you mean envelope?`},
		{"base of a house profile", nil, nil, "profile: house\nprofiles:\n  house:\n    base: lenint\n" + endpoint,
			`profiles.house.base: unknown profile "lenint"; did you mean lenient?`},
		{"no profile near", nil, append(flags, "--profile", "chaotic"), "",
			`--profile "chaotic": unknown profile (known: strict,`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := tc.args
			if tc.content != "" {
				args = []string{"run", "--config", writeFile(t, "apiconform.yaml", tc.content), "--dry-run"}
			}
			res := runMain(t, tc.env, args...)
			msg := strings.TrimSpace(res.stderr)
			if res.code != ExitUsage || strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) {
				t.Errorf("exit %d\ngot  %s\nwant %s", res.code, msg, tc.want)
			}
		})
	}
}
