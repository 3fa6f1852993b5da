package auth

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"time"
)

// Token sends a token in a header: "Authorization: Bearer <token>", or a
// raw API key in any header when Scheme is empty.
type Token struct {
	HeaderName   string // e.g. "Authorization" or "X-API-Key"
	Scheme       string // e.g. "Bearer"; "" sends the raw token
	Valid        string // the valid token
	ValidEnv     string // the environment variable it came from
	Forbidden    string // a valid token without rights ("" when none is configured)
	ForbiddenEnv string
	Wrong        string // a well-formed wrong token generated for this run
}

// Apply sets the header for variant v.
func (t *Token) Apply(_ context.Context, req *http.Request, v Variant) error {
	switch v {
	case Valid:
		req.Header.Set(t.HeaderName, t.value(t.Valid))
	case Invalid:
		req.Header.Set(t.HeaderName, t.value(t.Wrong))
	case Forbidden:
		req.Header.Set(t.HeaderName, t.value(t.Forbidden))
	}
	return nil
}

func (t *Token) value(token string) string {
	if t.Scheme == "" {
		return token
	}
	return t.Scheme + " " + token
}

// Offers reports whether t can make v: Forbidden needs its own token.
func (t *Token) Offers(v Variant) bool { return v != Forbidden || t.Forbidden != "" }

// Secrets returns the tokens, and the generated wrong token shown as a
// marker so that reports do not change from run to run.
func (t *Token) Secrets() []Secret {
	s := []Secret{{t.Valid, envRef(t.ValidEnv)}}
	if t.Forbidden != "" {
		s = append(s, Secret{t.Forbidden, envRef(t.ForbiddenEnv)})
	}
	return append(s, Secret{t.Wrong, "<invalid-token>"})
}

// Header names the header that carries the token.
func (t *Token) Header() string { return t.HeaderName }

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
