package plan

import (
	"math/rand/v2"
	"regexp"
	"strconv"
	"strings"
)

// IDShape is what is known of an endpoint's IDs: the found ones, and the
// pattern and format the API declares for them (an OpenAPI document's
// `pattern` and `format`), from which missing and malformed IDs are made.
type IDShape struct {
	Found   []string
	Pattern string // a regular expression every valid ID matches ("": none declared)
	Format  string // uuid, integer, int32, int64 ("": read from the found IDs)
}

var uuidShape = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// kind says which shape the IDs have.
func (s IDShape) kind() string {
	switch s.Format {
	case "uuid":
		return "uuid"
	case "integer", "int32", "int64":
		return "integer"
	}
	if len(s.Found) == 0 {
		return ""
	}
	all := func(ok func(string) bool) bool {
		for _, id := range s.Found {
			if !ok(id) {
				return false
			}
		}
		return true
	}
	switch {
	case all(func(id string) bool { _, err := strconv.ParseUint(id, 10, 63); return err == nil && id[0] != '0' }):
		return "integer"
	case all(uuidShape.MatchString):
		return "uuid"
	case s.prefix() != "":
		return "prefixed"
	}
	return "string"
}

// prefix is what every found ID starts with up to a '_' or '-' (cus_, ord-).
func (s IDShape) prefix() string {
	if len(s.Found) == 0 {
		return ""
	}
	i := strings.LastIndexAny(s.Found[0], "_-")
	if i <= 0 || i == len(s.Found[0])-1 {
		return ""
	}
	p := s.Found[0][:i+1]
	for _, id := range s.Found[1:] {
		if !strings.HasPrefix(id, p) || len(id) == len(p) {
			return ""
		}
	}
	return p
}

// Missing returns n IDs of the found IDs' shape that are very unlikely to
// exist (and match the declared pattern), with the rule in words; none
// when no shape can be read.
func (s IDShape) Missing(n int, rng *rand.Rand) ([]string, string) {
	var next func() string
	var how string
	switch s.kind() {
	case "integer":
		digits := 6
		for _, id := range s.Found {
			digits = max(digits, len(id)+3)
		}
		digits = min(digits, 9) // within a 32-bit integer, which APIs often validate
		next = func() string { return "9" + randomFrom(rng, "0123456789", digits-1) }
		how = "integers of " + strconv.Itoa(digits) + " digits starting with 9, beyond the found ones"
	case "uuid":
		next = func() string { return randomUUID(rng) }
		how = "random UUIDs"
	case "prefixed", "string":
		p := s.prefix()
		suffix := strings.TrimPrefix(s.Found[0], p)
		alphabet := alphabetOf(s.Found, p)
		next = func() string { return p + randomFrom(rng, alphabet, len(suffix)) }
		how = "random IDs of the found ones' length and alphabet"
		if p != "" {
			how = "random " + p + " IDs of the found ones' length and alphabet"
		}
	default:
		return nil, ""
	}
	return s.distinct(n, next), how + " (not among the found IDs)"
}

// Malformed returns one ID that breaks the IDs' shape (and the declared
// pattern), with the rule in words; none when nothing can be said to be
// malformed (free-form string IDs without a pattern).
func (s IDShape) Malformed() ([]string, string) {
	var candidates []string
	switch s.kind() {
	case "integer":
		candidates = []string{"abc", "not-a-number"}
	case "uuid":
		candidates = []string{"not-a-uuid", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"}
	case "prefixed":
		candidates = []string{s.prefix() + "!!invalid!!", "!!invalid!!"}
	}
	if s.Pattern != "" {
		candidates = append(candidates, "!!invalid!!", " ", "apiconform-malformed")
	}
	re, _ := regexp.Compile(s.Pattern)
	for _, c := range candidates {
		if re == nil || s.Pattern == "" || !re.MatchString(c) {
			return []string{c}, "an ID that breaks the " + s.kind() + " shape"
		}
	}
	return nil, ""
}

// distinct makes n IDs with make that are not found, and that match the
// declared pattern when there is one.
func (s IDShape) distinct(n int, next func() string) []string {
	re, _ := regexp.Compile(s.Pattern)
	seen := map[string]bool{}
	for _, id := range s.Found {
		seen[id] = true
	}
	var out []string
	for tries := 0; len(out) < n && tries < 100*n; tries++ {
		id := next()
		if seen[id] || s.Pattern != "" && re != nil && !re.MatchString(id) {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// alphabetOf lists the characters the found IDs use after the prefix, in
// the classes they come from (digits, lower, upper, '_' and '-').
func alphabetOf(found []string, prefix string) string {
	var digits, lower, upper, other bool
	for _, id := range found {
		for _, r := range strings.TrimPrefix(id, prefix) {
			switch {
			case r >= '0' && r <= '9':
				digits = true
			case r >= 'a' && r <= 'z':
				lower = true
			case r >= 'A' && r <= 'Z':
				upper = true
			default:
				other = true
			}
		}
	}
	var b strings.Builder
	if digits {
		b.WriteString("0123456789")
	}
	if lower {
		b.WriteString("abcdefghijklmnopqrstuvwxyz")
	}
	if upper {
		b.WriteString("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
	}
	if other || b.Len() == 0 {
		b.WriteString("_-")
	}
	return b.String()
}

func randomFrom(rng *rand.Rand, alphabet string, n int) string {
	b := make([]byte, max(n, 1))
	for i := range b {
		b[i] = alphabet[rng.IntN(len(alphabet))]
	}
	return string(b)
}

func randomUUID(rng *rand.Rand) string {
	const hex = "0123456789abcdef"
	b := []byte(randomFrom(rng, hex, 32))
	b[12] = '4'
	b[16] = "89ab"[rng.IntN(4)]
	s := string(b)
	return s[:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:]
}
