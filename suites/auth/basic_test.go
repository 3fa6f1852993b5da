package auth

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
)

var basicVars = map[string]string{"USER": "al", "PASS": "pass:word-1234567", "RO_USER": "viewer", "RO_PASS": "viewer-pass-99"}

func basicMethod(t *testing.T) Method {
	t.Helper()
	m, err := New(Spec{Type: "basic", UsernameEnv: "USER", PasswordEnv: "PASS", ForbiddenUsernameEnv: "RO_USER", ForbiddenPasswordEnv: "RO_PASS"}, env(basicVars))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestBasicVariants checks the four variants against the reference API
// and that a recorded Authorization shows the variables, not the
// credentials.
func TestBasicVariants(t *testing.T) {
	srv, _ := serveAPI(t, fixtures.AuthOptions{Type: fixtures.AuthBasic, Username: "al", Password: "pass:word-1234567",
		ForbiddenUsername: "viewer", ForbiddenPassword: "viewer-pass-99"})
	m := basicMethod(t)
	valid := base64.StdEncoding.EncodeToString([]byte("al:pass:word-1234567"))
	forbidden := base64.StdEncoding.EncodeToString([]byte("viewer:viewer-pass-99"))
	got := checkVariants(t, srv, m, valid, forbidden, "pass:word-1234567", "viewer-pass-99")
	for v, want := range map[Variant]string{
		Valid:     "Basic ${USER}:${PASS}",
		Missing:   "",
		Invalid:   "Basic <invalid-credentials>",
		Forbidden: "Basic ${RO_USER}:${RO_PASS}",
	} {
		if got[v].header != want {
			t.Errorf("%q: recorded Authorization %q, want %q", v, got[v].header, want)
		}
	}
	if m.Header() != "Authorization" {
		t.Errorf("Header %q", m.Header())
	}
	if got := Redact(m, "echoed pass:word-1234567 and viewer-pass-99"); got != "echoed ${PASS} and ${RO_PASS}" {
		t.Errorf("Redact = %q", got)
	}
}

// TestBasicInvalidKeepsTheUser checks that the invalid variant asks about
// the password alone: the same user, a wrong password of the same length.
func TestBasicInvalidKeepsTheUser(t *testing.T) {
	m := basicMethod(t)
	req, _ := http.NewRequest("GET", "http://x", nil)
	_ = m.Apply(context.Background(), req, Invalid)
	user, pass, ok := req.BasicAuth()
	if !ok || user != "al" || pass == basicVars["PASS"] || len(pass) != len(basicVars["PASS"]) {
		t.Errorf("invalid: user %q password %q, want al with a wrong password of the valid one's length", user, pass)
	}
	for _, s := range m.Secrets() {
		if s.Value == "al" || s.Value == "viewer" {
			t.Errorf("the user name %q is listed as a secret", s.Value)
		}
	}
	one, _ := New(Spec{Type: "basic", UsernameEnv: "USER", PasswordEnv: "PASS"}, env(basicVars))
	if one.Offers(Forbidden) || !one.Offers(Invalid) {
		t.Error("without a forbidden user, Forbidden alone is not offered")
	}
	if err := one.Apply(context.Background(), req, Forbidden); err == nil || !strings.Contains(err.Error(), "forbidden_username_env") {
		t.Errorf("Forbidden without a forbidden user: %v", err)
	}
}

// TestBasicSpecErrors checks that bad basic specs name the field, and
// that token_env is not required.
func TestBasicSpecErrors(t *testing.T) {
	vars := map[string]string{"U": "al", "P": "password-1", "C": "a:b", "S": "short", "U2": "bo", "P2": "password-2"}
	for name, tc := range map[string]struct {
		spec Spec
		key  string
	}{
		"no username_env":   {Spec{PasswordEnv: "P"}, "username_env"},
		"unset user":        {Spec{UsernameEnv: "NOPE", PasswordEnv: "P"}, "username_env"},
		"colon in the user": {Spec{UsernameEnv: "C", PasswordEnv: "P"}, "username_env"},
		"no password_env":   {Spec{UsernameEnv: "U"}, "password_env"},
		"unset password":    {Spec{UsernameEnv: "U", PasswordEnv: "NOPE"}, "password_env"},
		"short password":    {Spec{UsernameEnv: "U", PasswordEnv: "S"}, "password_env"},
		"forbidden user alone": {Spec{UsernameEnv: "U", PasswordEnv: "P", ForbiddenUsernameEnv: "U2"},
			"forbidden_password_env"},
		"forbidden password alone": {Spec{UsernameEnv: "U", PasswordEnv: "P", ForbiddenPasswordEnv: "P2"},
			"forbidden_username_env"},
		"short forbidden password": {Spec{UsernameEnv: "U", PasswordEnv: "P", ForbiddenUsernameEnv: "U2", ForbiddenPasswordEnv: "S"},
			"forbidden_password_env"},
		"same user twice": {Spec{UsernameEnv: "U", PasswordEnv: "P", ForbiddenUsernameEnv: "U", ForbiddenPasswordEnv: "P"},
			"forbidden_username_env"},
	} {
		tc.spec.Type = "basic"
		_, err := New(tc.spec, env(vars))
		wantFieldError(t, name, err, tc.key)
	}
	if _, err := New(Spec{Type: "basic", UsernameEnv: "U", PasswordEnv: "P", Header: "not a header"}, env(vars)); err != nil {
		t.Errorf("a short user name is no secret and header is not read: %v", err)
	}
}
