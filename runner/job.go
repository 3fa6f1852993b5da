package runner

import (
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/runner/openapi"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/httpsyntax"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/apiconform/apiconform/suites/words"
)

// Job is a prepared run: a resolved configuration, the credentials from
// the environment and the plan.
type Job struct {
	Resolved    *Resolved
	Credentials auth.Method
	TLS         *tls.Config
	// Proxy picks a request's proxy from HTTP_PROXY, HTTPS_PROXY and NO_PROXY.
	Proxy func(*http.Request) (*url.URL, error)
	Plan  plan.Plan
	// Notices are run-wide warnings every report repeats (e.g. --insecure).
	Notices       []string
	Baseline      *reports.Run
	KnownFailures []suites.KnownFailureEntry
	// Seed makes the generated IDs; a run with the same seed repeats them.
	Seed int64
	// Gaps say what kept the run from judging what it should (discovery
	// that found no IDs): a run with gaps and no failure is inconclusive.
	Gaps []string
	// Endpoints are the run's endpoints with their IDs as the run uses
	// them (discovered and generated ones included).
	Endpoints []*plan.Endpoint
	// Shard is the part of the endpoints this run probes (--shard), or nil.
	Shard *reports.Shard
	// Resolver looks host names up (nil: the system's).
	Resolver *net.Resolver
	// Declared are the statuses of the API's OpenAPI document (--openapi).
	Declared      *openapi.Statuses
	unknownSuffix string
}

// Prepare resolves cfg, reads the credentials it names from the
// environment and builds the filtered plan. It sends nothing.
func Prepare(cfg *Config, env Env) (*Job, error) {
	resolved, err := cfg.Resolve()
	if err != nil {
		return nil, err
	}
	if cfg.mayUseTLS() {
		TrustRoots() // before any TLS handshake: a scratch image has no system roots
	}
	tlsConfig, err := probe.TLSConfig(cfg.CACert, cfg.Insecure)
	if err != nil {
		return nil, usagef("--ca-cert %s: %s", cfg.CACert, err)
	}
	proxy, err := proxyFromEnv(env.getenv, cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if proxyConfigured(env.getenv) {
		TrustRoots() // the proxy may be reached over TLS
	}
	creds, err := credentials(cfg, env, probe.OutOfBandClient(tlsConfig, proxy, env.Resolver, cfg.Timeout))
	if err != nil {
		return nil, err
	}
	var notices []string
	if cfg.Insecure {
		notices = append(notices, "TLS certificate verification was OFF (--insecure): the API's identity was not checked, and these verdicts may come from an impostor")
	}
	job := &Job{Resolved: resolved, Credentials: creds, TLS: tlsConfig, Proxy: proxy, Notices: notices, Resolver: env.Resolver,
		Seed: cfg.Seed, unknownSuffix: randomHex(6)}
	if job.Seed == 0 {
		job.Seed = randomSeed()
	}
	if cfg.OpenAPI != "" {
		doc, err := openapi.Load(cfg.OpenAPI)
		if err != nil {
			return nil, usagef("--openapi: %s", err)
		}
		job.Declared = openapi.DeclaredStatuses(doc)
	}
	if cfg.Shard != "" {
		k, n, err := parseShard(cfg.Shard)
		if err != nil {
			return nil, err
		}
		resolved.Endpoints, job.Shard = selectShard(resolved.Endpoints, k, n)
		job.Notices = append(job.Notices, shardNotice(job.Shard))
	}
	if err := job.buildPlan(job.withIDs(resolved.Endpoints, nil)); err != nil {
		return nil, err
	}

	if cfg.Baseline != "" {
		if job.Baseline, err = reports.ReadJSON(cfg.Baseline); err != nil {
			return nil, usagef("--baseline: %s", err)
		}
	}
	if cfg.KnownFailures != "" {
		if job.KnownFailures, err = loadKnownFailures(cfg.KnownFailures); err != nil {
			return nil, usagef("--known-failures: %s", err)
		}
	}
	for _, h := range cfg.RedactHeaders {
		if !httpsyntax.IsToken(h) {
			return nil, usagef("--redact-header %q: not a header name", h)
		}
	}
	return job, nil
}

// credentials reads the credentials the config names from the
// environment. Their values never leave the prober.
func credentials(cfg *Config, env Env, client *http.Client) (auth.Method, error) {
	spec, fromFile := cfg.authSpec()
	m, err := auth.NewWith(spec, env.getenv, client)
	var fe *auth.FieldError
	switch {
	case errors.As(err, &fe) && fromFile:
		return nil, usagef("auth.%s", fe.Error())
	case errors.As(err, &fe):
		return nil, usagef("%s", authFlagError(fe))
	}
	return m, err
}

// authSpec returns the credentials the run describes: the config file's
// auth: block, or the token flags (--token-env, --auth-header,
// --auth-scheme), which are a shorthand for the bearer and header types.
// fromFile says whether the auth: block described them.
func (c *Config) authSpec() (spec auth.Spec, fromFile bool) {
	if c.Auth.Type != "" {
		spec = c.Auth
		if spec.TokenEnv == "" {
			spec.TokenEnv = c.TokenEnv
		}
		if spec.ForbiddenTokenEnv == "" {
			spec.ForbiddenTokenEnv = c.ForbiddenTokenEnv
		}
		return spec, true
	}
	if c.TokenEnv == "" {
		return auth.Spec{}, false
	}
	spec = auth.Spec{Type: "bearer", Header: c.AuthHeader, Scheme: c.AuthScheme, TokenEnv: c.TokenEnv, ForbiddenTokenEnv: c.ForbiddenTokenEnv}
	if c.AuthScheme == "" {
		spec.Type = "header" // --auth-scheme "": a raw key in the header
	}
	return spec, false
}

// authFlags are the flags that set the fields of an auth.Spec.
var authFlags = map[string]string{
	"token_env": "--token-env", "forbidden_token_env": "--forbidden-token-env", "header": "--auth-header", "scheme": "--auth-scheme",
}

// authFlagError words an auth field error with the flag that sets the field.
func authFlagError(fe *auth.FieldError) string {
	name := authFlags[fe.Key]
	if name == "" {
		name = "auth." + fe.Key
	}
	msg := strings.ReplaceAll(fe.Msg, "token_env ", "--token-env ")
	if fe.Value == "" {
		return name + ": " + msg
	}
	return name + " " + fe.Value + ": " + msg
}

// loadKnownFailures reads a --known-failures file.
func loadKnownFailures(path string) ([]suites.KnownFailureEntry, error) {
	data, err := words.ReadFileLimited(path, maxKnownFailuresBytes)
	if err != nil {
		return nil, err
	}
	return suites.ParseKnownFailures(data, path)
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		return fmt.Sprintf("%x", time.Now().UnixNano())
	}
	return hex.EncodeToString(b)
}

// mayUseTLS says whether the run may make a TLS handshake: only then
// are CA roots loaded, which a plain http:// run does without (a
// redirect to https:// loads them when it happens).
func (c *Config) mayUseTLS() bool {
	for _, u := range []string{c.BaseURL, c.Auth.TokenURL} {
		if len(u) >= 6 && strings.EqualFold(u[:6], "https:") {
			return true
		}
	}
	return c.CACert != "" || c.Insecure
}

// buildPlan plans the cases of endpoints and keeps those the label filter
// selects.
func (j *Job) buildPlan(endpoints []*plan.Endpoint) error {
	cfg := j.Resolved.Config
	p, err := plan.Build(endpoints, plan.Options{
		BaseURL:             cfg.BaseURL,
		AuthConfigured:      auth.Configured(j.Credentials),
		ForbiddenConfigured: j.Credentials.Offers(auth.Forbidden),
		WrongMethod:         cfg.WrongMethod,
		RateLimitBurst:      cfg.RateLimitBurst,
		UnknownSuffix:       j.unknownSuffix,
	})
	if err != nil {
		return usagef("%s", err.Error())
	}
	all := p
	if p, err = p.Filter(cfg.LabelFilter); err != nil {
		var fe *plan.FilterError
		if errors.As(err, &fe) {
			return usagef("%s %q: %s", cfg.origin("label-filter"), fe.Expr, fe.Detail())
		}
		return usagef("%s", err.Error())
	}
	// A shard may hold none of the cases a filter selects: another has them.
	if len(p.Cases) == 0 && j.Shard == nil {
		return usagef("%s %q selects no case%s; labels in this plan: %s", cfg.origin("label-filter"), cfg.LabelFilter,
			labelSuggestions(all, cfg.LabelFilter), strings.Join(all.Labels(), ", "))
	}
	if j.Declared != nil {
		for i := range p.Cases {
			c := &p.Cases[i]
			c.Declared, _ = j.Declared.Lookup(c.Request.Method, c.Request.URL, cfg.BaseURL)
		}
	}
	j.Plan, j.Endpoints = p, endpoints
	return nil
}

// labelSuggestions names the labels of a filter that no case of p
// carries, each with the label that was meant: "; case:partail is not a
// label of this plan (did you mean case:partial?)".
func labelSuggestions(p plan.Plan, filter string) string {
	var out strings.Builder
	for _, l := range p.UnknownLabels(filter) {
		out.WriteString("; " + l + " is not a label of this plan")
		switch near := words.Nearest(l, p.Labels()); {
		case strings.Contains(l, " "):
			out.WriteString(" (a label holds no space: join labels with && or ||)")
		case near != "":
			out.WriteString(" (did you mean " + near + "?)")
		}
	}
	return out.String()
}

func randomSeed() int64 {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		return time.Now().UnixNano()
	}
	var n int64
	for _, c := range b[:7] {
		n = n<<8 | int64(c)
	}
	return n
}
