package probe

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/apiconform/apiconform/runner/plan"
)

// Credentials are the tokens of a run. They come from the environment and
// are never recorded: every exchange shows the variable's name instead.
type Credentials struct {
	Header       string // e.g. "Authorization"
	Scheme       string // e.g. "Bearer"; "" sends the raw token
	Valid        string // the valid token
	ValidEnv     string // the environment variable it came from
	Forbidden    string // a valid token without rights
	ForbiddenEnv string
	Invalid      string // a well-formed wrong token generated for this run
}

// Configured reports whether a valid token is set.
func (c Credentials) Configured() bool { return c.Valid != "" }

// Secrets returns every secret value the credentials hold.
func (c Credentials) Secrets() []string {
	var s []string
	for _, v := range []string{c.Valid, c.Forbidden} {
		if v != "" {
			s = append(s, v)
		}
	}
	return s
}

func (c Credentials) value(token string) string {
	if c.Scheme == "" {
		return token
	}
	return c.Scheme + " " + token
}

// apply sets the header for the request's auth mode.
func (c Credentials) apply(h http.Header, mode plan.AuthMode) {
	if !c.Configured() {
		return
	}
	switch mode {
	case plan.AuthValid:
		h.Set(c.Header, c.value(c.Valid))
	case plan.AuthWrong:
		h.Set(c.Header, c.value(c.Invalid))
	case plan.AuthNoRights:
		h.Set(c.Header, c.value(c.Forbidden))
	}
}

// redactHeader replaces every secret in h, in place, and returns h.
func (c Credentials) redactHeader(h http.Header) http.Header {
	for name, values := range h {
		for i, v := range values {
			values[i] = c.redact(v)
		}
		h[name] = values
	}
	return h
}

// redact replaces secret values in s with "${ENV_NAME}", so that a
// recorded request reads like a shell command that would reproduce it,
// and the invalid token with a marker.
func (c Credentials) redact(s string) string {
	if c.Valid != "" {
		s = strings.ReplaceAll(s, c.Valid, "${"+c.ValidEnv+"}")
	}
	if c.Forbidden != "" {
		s = strings.ReplaceAll(s, c.Forbidden, "${"+c.ForbiddenEnv+"}")
	}
	if c.Invalid != "" {
		s = strings.ReplaceAll(s, c.Invalid, "<invalid-token>")
	}
	return s
}

func (c Credentials) redactBytes(b []byte) []byte {
	for _, v := range []string{c.Valid, c.Forbidden} {
		if v != "" && bytes.Contains(b, []byte(v)) {
			b = []byte(c.redact(string(b)))
			break
		}
	}
	return b
}

// InvalidTokenLike returns a well-formed token of the same shape as valid
// that is not valid: a JWT-shaped token for a JWT, otherwise random
// characters of the same length and alphabet. A server that answers it
// with 400 instead of 401 is then judged on its auth, not on our syntax.
func InvalidTokenLike(valid string) string {
	if parts := strings.Split(valid, "."); len(parts) == 3 && valid[0] == 'e' {
		enc := base64.RawURLEncoding
		header, _ := json.Marshal(map[string]string{"alg": "HS256", "typ": "JWT"})
		claims, _ := json.Marshal(map[string]any{"sub": "apiconform-invalid", "exp": time.Now().Add(time.Hour).Unix()})
		sig := make([]byte, 32)
		_, _ = rand.Read(sig)
		return enc.EncodeToString(header) + "." + enc.EncodeToString(claims) + "." + enc.EncodeToString(sig)
	}
	alphabet := "0123456789abcdef"
	switch {
	case strings.ContainsAny(valid, "-_") && !strings.ContainsAny(valid, "+/="):
		alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	case strings.IndexFunc(valid, func(r rune) bool { return !strings.ContainsRune(alphabet, r) }) >= 0:
		alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	}
	n := max(len(valid), 16)
	for {
		b := make([]byte, n)
		for i := range b {
			k, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			b[i] = alphabet[k.Int64()]
		}
		if s := string(b); s != valid {
			return s
		}
	}
}
