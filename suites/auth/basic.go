package auth

import (
	"context"
	"encoding/base64"
	"net/http"
	"strings"
)

// Basic sends HTTP Basic credentials (RFC 7617):
// "Authorization: Basic base64(user:password)".
type Basic struct {
	Valid         BasicUser
	Forbidden     BasicUser // a valid user without rights (Name "" when none is configured)
	WrongPassword string    // a well-formed wrong password of Valid generated for this run
}

// BasicUser is one user of HTTP Basic and the variables it came from. The
// name is not a secret (names are often short and ordinary words); the
// password is.
type BasicUser struct {
	Name, Password       string
	NameEnv, PasswordEnv string
}

// credentials is the base64 of "name:password", as it travels.
func (u BasicUser) credentials() string { return basicCredentials(u.Name, u.Password) }

func basicCredentials(name, password string) string {
	return base64.StdEncoding.EncodeToString([]byte(name + ":" + password))
}

// newBasic builds HTTP Basic credentials.
func newBasic(spec Spec, getenv Getenv) (Method, error) {
	b := &Basic{}
	var err error
	if b.Valid, err = basicUserFrom(getenv, "username_env", spec.UsernameEnv, "password_env", spec.PasswordEnv); err != nil {
		return nil, err
	}
	if err := bothOrNeither("forbidden_username_env", spec.ForbiddenUsernameEnv, "forbidden_password_env", spec.ForbiddenPasswordEnv); err != nil {
		return nil, err
	}
	if spec.ForbiddenUsernameEnv != "" {
		if b.Forbidden, err = basicUserFrom(getenv, "forbidden_username_env", spec.ForbiddenUsernameEnv, "forbidden_password_env", spec.ForbiddenPasswordEnv); err != nil {
			return nil, err
		}
		if b.Forbidden.Name == b.Valid.Name && b.Forbidden.Password == b.Valid.Password {
			return nil, &FieldError{Key: "forbidden_username_env", Value: spec.ForbiddenUsernameEnv, Msg: "names the same user as username_env " + spec.UsernameEnv + ", with the same password"}
		}
	}
	for {
		// The same user with a wrong password, so the case asks about the
		// password alone; never the forbidden user's own password.
		b.WrongPassword = InvalidTokenLike(b.Valid.Password)
		if b.WrongPassword != b.Forbidden.Password {
			return b, nil
		}
	}
}

// basicUserFrom reads a user name and its password.
func basicUserFrom(getenv Getenv, nameKey, nameEnv, passwordKey, passwordEnv string) (BasicUser, error) {
	u := BasicUser{NameEnv: nameEnv, PasswordEnv: passwordEnv}
	var err error
	if u.Name, err = valueFrom(getenv, nameKey, nameEnv); err != nil {
		return u, err
	}
	if strings.Contains(u.Name, ":") {
		// RFC 7617 §2: the first colon ends the user name.
		return u, &FieldError{Key: nameKey, Value: nameEnv, Msg: "the user name contains a colon, which HTTP Basic cannot carry"}
	}
	u.Password, err = secretFrom(getenv, passwordKey, passwordEnv)
	return u, err
}

// Apply sets the Authorization header for variant v.
func (b *Basic) Apply(_ context.Context, req *http.Request, v Variant) error {
	switch v {
	case Valid:
		req.Header.Set("Authorization", "Basic "+b.Valid.credentials())
	case Invalid:
		req.Header.Set("Authorization", "Basic "+basicCredentials(b.Valid.Name, b.WrongPassword))
	case Forbidden:
		if b.Forbidden.Name == "" {
			return errNoForbidden("forbidden_username_env, forbidden_password_env")
		}
		req.Header.Set("Authorization", "Basic "+b.Forbidden.credentials())
	}
	return nil
}

// Offers reports whether b can make v: Forbidden needs its own user.
func (b *Basic) Offers(v Variant) bool { return v != Forbidden || b.Forbidden.Name != "" }

// Secrets returns each password and each credential as it travels (the
// base64 of "user:password", shown as the two variables it came from),
// and the wrong credentials shown as a marker so that reports do not
// change from run to run.
func (b *Basic) Secrets() []Secret {
	s := b.Valid.secrets(nil)
	if b.Forbidden.Name != "" {
		s = b.Forbidden.secrets(s)
	}
	return append(s, Secret{basicCredentials(b.Valid.Name, b.WrongPassword), "<invalid-credentials>"})
}

func (u BasicUser) secrets(s []Secret) []Secret {
	return append(s,
		Secret{u.credentials(), envRef(u.NameEnv) + ":" + envRef(u.PasswordEnv)},
		Secret{u.Password, envRef(u.PasswordEnv)})
}

// Header names the header that carries the credentials.
func (b *Basic) Header() string { return "Authorization" }
