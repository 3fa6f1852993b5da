package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

func env(vars map[string]string) Getenv { return func(n string) string { return vars[n] } }

// TestTokenVariants checks that each variant of the auth cases goes onto
// the request as the spec says, and that every secret has a shown name.
func TestTokenVariants(t *testing.T) {
	m, err := New(Spec{TokenEnv: "T", ForbiddenTokenEnv: "F"}, env(map[string]string{"T": "valid-token-1234", "F": "readonly-token-9"}))
	if err != nil {
		t.Fatal(err)
	}
	for v, want := range map[Variant]string{Valid: "Bearer valid-token-1234", Missing: "", Forbidden: "Bearer readonly-token-9"} {
		req, _ := http.NewRequest("GET", "http://x", nil)
		_ = m.Apply(context.Background(), req, v)
		if got := req.Header.Get("Authorization"); got != want {
			t.Errorf("%q: Authorization %q, want %q", v, got, want)
		}
	}
	req, _ := http.NewRequest("GET", "http://x", nil)
	_ = m.Apply(context.Background(), req, Invalid)
	if got := req.Header.Get("Authorization"); !strings.HasPrefix(got, "Bearer ") || strings.Contains(got, "valid-token-1234") || len(got) != len("Bearer valid-token-1234") {
		t.Errorf("invalid: %q is not a wrong token of the valid one's shape", got)
	}
	if got := Redact(m, "a valid-token-1234 b readonly-token-9"); got != "a ${T} b ${F}" {
		t.Errorf("Redact = %q", got)
	}
	if !Configured(m) || !m.Offers(Forbidden) || m.Header() != "Authorization" {
		t.Error("a token method with a forbidden token offers every variant")
	}
}

// TestSpecErrorsNameTheField checks that bad specs name the field at fault.
func TestSpecErrorsNameTheField(t *testing.T) {
	for name, tc := range map[string]struct {
		spec Spec
		vars map[string]string
		key  string
	}{
		"unset":        {Spec{TokenEnv: "NOPE"}, nil, "token_env"},
		"short":        {Spec{TokenEnv: "T"}, map[string]string{"T": "abc"}, "token_env"},
		"same token":   {Spec{TokenEnv: "T", ForbiddenTokenEnv: "F"}, map[string]string{"T": "same-token-1", "F": "same-token-1"}, "forbidden_token_env"},
		"bad header":   {Spec{TokenEnv: "T", Header: "X Key"}, map[string]string{"T": "valid-token-1"}, "header"},
		"unknown type": {Spec{Type: "kerberos", TokenEnv: "T"}, nil, "type"},
	} {
		_, err := New(tc.spec, env(tc.vars))
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Key != tc.key {
			t.Errorf("%s: error %v, want one naming %s", name, err, tc.key)
		}
	}
	if m, err := New(Spec{}, env(nil)); err != nil || Configured(m) {
		t.Errorf("no spec: %v, %v; want no credentials", m, err)
	}
}
