package plan

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestGeneratedIDsHaveTheFoundShape checks that missing IDs are made in
// the found IDs' shape (and the declared pattern) and malformed ones break
// it; a seed repeats them.
func TestGeneratedIDsHaveTheFoundShape(t *testing.T) {
	for _, tc := range []struct {
		shape           IDShape
		missing         *regexp.Regexp
		malformedBreaks *regexp.Regexp
		noMalformed     bool
	}{
		{IDShape{Found: []string{"2", "3", "13"}}, regexp.MustCompile(`^9\d{5}$`), regexp.MustCompile(`^[0-9]+$`), false},
		{IDShape{Found: []string{"0b9f6c2e-4c1d-4f7a-9a8e-1d2c3b4a5f60"}}, uuidShape, uuidShape, false},
		{IDShape{Found: []string{"cus_a1B2c3D4", "cus_Z9y8X7w6"}}, regexp.MustCompile(`^cus_[0-9a-zA-Z]{8}$`), regexp.MustCompile(`^cus_[0-9a-zA-Z]{8}$`), false},
		{IDShape{Found: []string{"alpha", "beta"}}, regexp.MustCompile(`^[a-z]{5}$`), nil, true},
		{IDShape{Found: []string{"alpha"}, Pattern: `^[a-z]+$`}, regexp.MustCompile(`^[a-z]{5}$`), regexp.MustCompile(`^[a-z]+$`), false},
	} {
		missing, how := tc.shape.Missing(3, rand.New(rand.NewPCG(7, 7)))
		if len(missing) != 3 || how == "" {
			t.Fatalf("%v: missing %v (%q)", tc.shape.Found, missing, how)
		}
		for _, id := range missing {
			if !tc.missing.MatchString(id) || slices.Contains(tc.shape.Found, id) {
				t.Errorf("%v: missing ID %q is not of the found shape %s", tc.shape.Found, id, tc.missing)
			}
		}
		again, _ := tc.shape.Missing(3, rand.New(rand.NewPCG(7, 7)))
		if strings.Join(again, ",") != strings.Join(missing, ",") {
			t.Errorf("the same seed gave %v, then %v", missing, again)
		}
		malformed, _ := tc.shape.Malformed()
		switch {
		case tc.noMalformed && len(malformed) != 0:
			t.Errorf("%v: free-form IDs have no malformed shape, got %v", tc.shape.Found, malformed)
		case !tc.noMalformed && (len(malformed) != 1 || tc.malformedBreaks.MatchString(malformed[0])):
			t.Errorf("%v: malformed %v does not break %s", tc.shape.Found, malformed, tc.malformedBreaks)
		}
	}
}
