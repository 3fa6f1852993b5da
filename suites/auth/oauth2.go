package auth

import (
	"context"
	"crypto/tls"
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unicode/utf8"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"
)

// OAuth2 sends an access token of the OAuth 2.0 client credentials grant
// (RFC 6749 §4.4): "Authorization: Bearer <token>". Each client's token is
// fetched from the token endpoint once and reused by every request until
// it is about to expire, then fetched again. It is safe for concurrent use.
type OAuth2 struct {
	tokenURL  string
	scopes    []string
	audience  string
	valid     *oauthClient
	forbidden *oauthClient // nil when none is configured

	mu     sync.Mutex
	wrong  string   // the invalid token, made once from the first valid one
	tokens []Secret // every access token fetched so far, in order
	seen   map[string]bool
}

// oauthClient is one client of the token endpoint. Its id is not a
// secret; its secret and its tokens are.
type oauthClient struct {
	id, secret       string
	idEnv, secretEnv string
	marker           string // what its tokens are shown as
	whose            string // "" or " of the forbidden client", for messages
	source           oauth2.TokenSource
}

// newOAuth2 builds OAuth 2.0 client credentials whose token requests go
// through client (nil: http.DefaultClient).
func newOAuth2(spec Spec, getenv Getenv, client *http.Client) (Method, error) {
	tokenURL, err := tokenURLFrom(spec.TokenURL)
	if err != nil {
		return nil, err
	}
	if err := checkScopes(spec.Scopes); err != nil {
		return nil, err
	}
	o := &OAuth2{tokenURL: tokenURL, scopes: slices.Clone(spec.Scopes), audience: spec.Audience, seen: map[string]bool{}}
	if o.valid, err = oauthClientFrom(getenv, "client_id_env", spec.ClientIDEnv, "client_secret_env", spec.ClientSecretEnv); err != nil {
		return nil, err
	}
	o.valid.marker = "<oauth2-token>"
	if err := bothOrNeither("forbidden_client_id_env", spec.ForbiddenClientIDEnv, "forbidden_client_secret_env", spec.ForbiddenClientSecretEnv); err != nil {
		return nil, err
	}
	if spec.ForbiddenClientIDEnv != "" {
		if o.forbidden, err = oauthClientFrom(getenv, "forbidden_client_id_env", spec.ForbiddenClientIDEnv, "forbidden_client_secret_env", spec.ForbiddenClientSecretEnv); err != nil {
			return nil, err
		}
		if o.forbidden.id == o.valid.id {
			return nil, &FieldError{Key: "forbidden_client_id_env", Value: spec.ForbiddenClientIDEnv, Msg: "names the same client as client_id_env " + spec.ClientIDEnv}
		}
		o.forbidden.marker, o.forbidden.whose = "<oauth2-forbidden-token>", " of the forbidden client"
	}
	// The token source keeps this context for every fetch, refreshes
	// included: a request's context would end with the request.
	ctx := context.Background()
	if client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	}
	for _, c := range o.clients() {
		c.source = o.config(c).TokenSource(ctx)
	}
	return o, nil
}

// tokenURLFrom checks the token endpoint: an absolute http or https URL.
func tokenURLFrom(raw string) (string, error) {
	if raw == "" {
		return "", &FieldError{Key: "token_url", Msg: "is required for type oauth2"}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "", &FieldError{Key: "token_url", Value: strconv.Quote(raw), Msg: "not an absolute http or https URL"}
	case u.User != nil:
		// The value shown must not repeat the password it holds.
		return "", &FieldError{Key: "token_url", Value: u.Redacted(), Msg: "holds credentials: the client's go in client_id_env and client_secret_env"}
	case u.Fragment != "":
		return "", &FieldError{Key: "token_url", Value: strconv.Quote(raw), Msg: "has a fragment, which a token endpoint cannot have (RFC 6749 §3.2)"}
	}
	return raw, nil
}

// checkScopes refuses a scope that the token request could not carry: a
// scope-token of RFC 6749 §3.3 is printable ASCII without space, '"' or '\'.
func checkScopes(scopes []string) error {
	for _, s := range scopes {
		bad := s == "" || strings.IndexFunc(s, func(r rune) bool { return r <= ' ' || r > '~' || r == '"' || r == '\\' }) >= 0
		if bad {
			return &FieldError{Key: "scopes", Value: strconv.Quote(s), Msg: "not a scope: a scope is printable ASCII without spaces, quotes or backslashes"}
		}
	}
	return nil
}

// oauthClientFrom reads a client id and its secret.
func oauthClientFrom(getenv Getenv, idKey, idEnv, secretKey, secretEnv string) (*oauthClient, error) {
	c := &oauthClient{idEnv: idEnv, secretEnv: secretEnv}
	var err error
	if c.id, err = valueFrom(getenv, idKey, idEnv); err != nil {
		return nil, err
	}
	if c.secret, err = secretFrom(getenv, secretKey, secretEnv); err != nil {
		return nil, err
	}
	return c, nil
}

// config is the token request of client c.
func (o *OAuth2) config(c *oauthClient) *clientcredentials.Config {
	cfg := &clientcredentials.Config{ClientID: c.id, ClientSecret: c.secret, TokenURL: o.tokenURL, Scopes: o.scopes}
	if o.audience != "" {
		cfg.EndpointParams = url.Values{"audience": {o.audience}}
	}
	return cfg
}

func (o *OAuth2) clients() []*oauthClient {
	if o.forbidden == nil {
		return []*oauthClient{o.valid}
	}
	return []*oauthClient{o.valid, o.forbidden}
}

// Apply sets the Authorization header for variant v, fetching the token
// when none is held or it is about to expire.
func (o *OAuth2) Apply(ctx context.Context, req *http.Request, v Variant) error {
	var token string
	var err error
	switch v {
	case Valid:
		token, err = o.token(ctx, o.valid)
	case Invalid:
		token, err = o.wrongToken(ctx)
	case Forbidden:
		if o.forbidden == nil {
			return errNoForbidden("forbidden_client_id_env, forbidden_client_secret_env")
		}
		token, err = o.token(ctx, o.forbidden)
	default:
		return nil
	}
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	return nil
}

// Prepare fetches the tokens of every client and makes the invalid one,
// so that a refusal of the token endpoint ends the run before any case.
func (o *OAuth2) Prepare(ctx context.Context) error {
	if _, err := o.wrongToken(ctx); err != nil {
		return err
	}
	if o.forbidden != nil {
		_, err := o.token(ctx, o.forbidden)
		return err
	}
	return nil
}

// token returns the current access token of c. The wait ends with ctx,
// while the fetch itself runs under the token source's own context, so
// that a cancelled request does not spoil the token for the others.
func (o *OAuth2) token(ctx context.Context, c *oauthClient) (string, error) {
	type result struct {
		t   *oauth2.Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		t, err := c.source.Token()
		done <- result{t, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return "", fmt.Errorf("no token yet from the token endpoint %s when the request was cancelled: %w", o.tokenURL, context.Cause(ctx))
	}
	if r.err != nil {
		return "", o.fetchError(c, r.err)
	}
	if len(r.t.AccessToken) < MinSecretLength {
		// Like a secret from the environment, too short to redact reliably.
		return "", &TokenError{URL: o.tokenURL, Status: http.StatusOK, msg: fmt.Sprintf("the token endpoint %s issued an access token shorter than %d characters, too short to keep out of the reports reliably", o.tokenURL, MinSecretLength)}
	}
	o.remember(r.t.AccessToken, c.marker)
	return r.t.AccessToken, nil
}

// remember adds a fetched token to the secrets.
func (o *OAuth2) remember(token, marker string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.seen[token] {
		o.seen[token] = true
		o.tokens = append(o.tokens, Secret{token, marker})
	}
}

// wrongToken returns the invalid token: one of the valid token's shape,
// made once, so that every invalid case of the run sends the same one.
func (o *OAuth2) wrongToken(ctx context.Context) (string, error) {
	valid, err := o.token(ctx, o.valid)
	if err != nil {
		return "", err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.wrong == "" {
		o.wrong = InvalidTokenLike(valid)
	}
	return o.wrong, nil
}

// Offers reports whether o can make v: Forbidden needs its own client.
func (o *OAuth2) Offers(v Variant) bool { return v != Forbidden || o.forbidden != nil }

// Secrets returns the client secrets in every form they take in a token
// request, every access token fetched so far and the invalid token, the
// tokens shown as markers since they change from run to run. It is safe
// to call while requests are sent.
func (o *OAuth2) Secrets() []Secret {
	var s []Secret
	for _, c := range o.clients() {
		shown := envRef(c.secretEnv)
		s = withEscaped(s, c.secret, shown)
		// client_secret_basic form-encodes both parts (RFC 6749 §2.3.1).
		basic := base64.StdEncoding.EncodeToString([]byte(url.QueryEscape(c.id) + ":" + url.QueryEscape(c.secret)))
		s = append(s, Secret{basic, envRef(c.idEnv) + ":" + shown})
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	s = append(s, o.tokens...)
	if o.wrong != "" {
		s = append(s, Secret{o.wrong, "<invalid-token>"})
	}
	return s
}

// Header names the header that carries the token.
func (o *OAuth2) Header() string { return "Authorization" }

// TokenError is a failure to get an access token, worded for the user:
// what the token endpoint did, and never a secret.
type TokenError struct {
	URL    string // the token endpoint
	Status int    // the status of its answer; 0 when none came
	Code   string // the error code of its answer (RFC 6749 §5.2), e.g. "invalid_client"
	msg    string
	cause  error // the transport failure when no answer came
}

func (e *TokenError) Error() string { return e.msg }

// Unwrap returns the transport failure, if any: never the answer, whose
// body may echo what was sent.
func (e *TokenError) Unwrap() error { return e.cause }

// fetchError words a failed token request of client c.
func (o *OAuth2) fetchError(c *oauthClient, err error) error {
	e := &TokenError{URL: o.tokenURL}
	var re *oauth2.RetrieveError
	var ue *url.Error
	switch {
	case errors.As(err, &re) && re.Response != nil:
		e.Status, e.Code = re.Response.StatusCode, re.ErrorCode
		answer := strconv.Itoa(e.Status)
		if e.Code != "" {
			answer += " " + e.Code
		}
		e.msg = fmt.Sprintf("the token endpoint %s %s (%s)", o.tokenURL, o.refusal(c, e.Status, e.Code), answer)
		if d := re.ErrorDescription; d != "" {
			e.msg += ": " + strconv.Quote(clip(d, 200))
		}
	case errors.As(err, &ue):
		e.cause = ue.Err
		e.msg = fmt.Sprintf("cannot reach the token endpoint %s: %s", o.tokenURL, unreachable(ue.Err))
	default:
		e.msg = fmt.Sprintf("the token endpoint %s answered without a usable token: %s", o.tokenURL, strings.TrimPrefix(err.Error(), "oauth2: "))
	}
	// The endpoint's own words could echo what it was sent.
	e.msg = Redact(o, e.msg)
	return e
}

// refusal says what the token endpoint's answer means.
func (o *OAuth2) refusal(c *oauthClient, status int, code string) string {
	switch {
	case code == "invalid_client" || code == "" && status == http.StatusUnauthorized:
		return "refused the client credentials" + c.whose
	case code == "invalid_scope" && len(o.scopes) == 0:
		return "wants scopes, and none are configured (scopes)"
	case code == "invalid_scope":
		return "refused the scopes " + strconv.Quote(strings.Join(o.scopes, " "))
	case code == "invalid_target":
		return "refused the audience " + strconv.Quote(o.audience)
	case code == "unauthorized_client":
		return "does not let the client" + c.whose + " use the client credentials grant"
	case code == "unsupported_grant_type":
		return "does not support the client credentials grant"
	case code == "invalid_request":
		return "rejected the token request as malformed"
	case status >= 500:
		return "failed"
	}
	return "refused the token request"
}

// unreachable names why no answer came, in the words of a user who ran
// curl: "connection refused", not the dial's syscall chain.
func unreachable(err error) string {
	var dns *net.DNSError
	var cert *tls.CertificateVerificationError
	var netErr net.Error
	var op *net.OpError
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.As(err, &dns) && dns.IsNotFound:
		return "no such host " + dns.Name
	case errors.Is(err, context.DeadlineExceeded) || errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	case errors.As(err, &cert):
		return "its TLS certificate is not trusted: " + cert.Err.Error()
	case errors.As(err, &op) && op.Err != nil:
		return op.Err.Error()
	}
	return err.Error()
}

// clip shortens s to at most n bytes, at a rune boundary.
func clip(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}
