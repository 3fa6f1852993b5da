package runner

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/spf13/pflag"
	"go.yaml.in/yaml/v3"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/httpsyntax"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// Config is everything a run needs, loaded in this order, each layer
// overriding the one before: built-in defaults < config file (--config) <
// APICONFORM_* environment variables < flags given on the command line.
type Config struct {
	BaseURL        string        `yaml:"base_url"`        // BaseURL is the API root every endpoint path is joined to.
	Profile        string        `yaml:"profile"`         // Profile is the default profile of every endpoint.
	ReportDir      string        `yaml:"report_dir"`      // ReportDir receives junit.xml, results.json and the other artifacts.
	ReportURL      string        `yaml:"report_url"`      // ReportURL is where CI publishes report.html, for links from summary.md.
	Shard          string        `yaml:"-"`               // Shard is K/N: this run probes part K of N of the endpoints.
	LabelFilter    string        `yaml:"label_filter"`    // LabelFilter selects cases by label (Ginkgo syntax).
	Timeout        time.Duration `yaml:"timeout"`         // Timeout bounds each request.
	Wait           time.Duration `yaml:"wait"`            // Wait is the longest wait for the API to answer HTTP (not 502/503/504) before probing.
	WaitPath       string        `yaml:"wait_path"`       // WaitPath is what --wait asks, under the base URL ("": the base URL).
	Concurrency    int           `yaml:"concurrency"`     // Concurrency is the most requests in flight at once.
	MaxBody        int64         `yaml:"max_body"`        // MaxBody is the most bytes read from one body.
	CACert         string        `yaml:"ca_cert"`         // CACert is a PEM file of CAs to trust besides the system roots.
	Insecure       bool          `yaml:"insecure"`        // Insecure skips TLS verification (reported loudly).
	StrictWarnings bool          `yaml:"strict_warnings"` // StrictWarnings makes warn-level rules fail their case.

	Retries         int           `yaml:"retries"`          // Retries is how often a request that failed in transit (refused, reset) is sent again.
	MaxRPS          float64       `yaml:"max_rps"`          // MaxRPS caps requests per second outside the rate-limit burst (0: no cap).
	Deadline        time.Duration `yaml:"deadline"`         // Deadline bounds the sending of the whole run (0: none); cases not answered by then are not run.
	FollowRedirects bool          `yaml:"follow_redirects"` // FollowRedirects follows up to 10 redirects; off, a 3xx is judged as the status it is.

	TokenEnv          string `yaml:"token_env"`           // TokenEnv names the environment variable holding the valid token.
	ForbiddenTokenEnv string `yaml:"forbidden_token_env"` // ForbiddenTokenEnv names the variable holding a token without rights.
	AuthHeader        string `yaml:"auth_header"`         // AuthHeader carries the credentials.
	AuthScheme        string `yaml:"auth_scheme"`         // AuthScheme prefixes the token ("" for a raw API key).

	RateLimitBurst int           `yaml:"rate_limit_burst"` // RateLimitBurst is the most requests of the rate-limit burst (0: off).
	RetryAfterMax  time.Duration `yaml:"retry_after_max"`  // RetryAfterMax caps the wait before the recovery request.
	WrongMethod    string        `yaml:"wrong_method"`     // WrongMethod enables the wrong-method case with this method.

	RedactHeaders CommaList `yaml:"redact_headers"` // RedactHeaders are headers whose values never reach a report.
	Baseline      string    `yaml:"baseline"`       // Baseline is a results.json to compare with: only regressions fail.
	KnownFailures string    `yaml:"known_failures"` // KnownFailures is a file of cases allowed to fail until a date.
	OpenAPI       string    `yaml:"openapi"`        // OpenAPI is the API's OpenAPI document: each status is checked against the statuses its operation declares.
	Seed          int64     `yaml:"seed"`           // Seed makes the generated IDs (0: a new one per run, recorded in results.json).

	Fields    plan.Fields                `yaml:"fields"`    // Fields are the default gjson paths of every endpoint.
	Endpoints []EndpointConfig           `yaml:"endpoints"` // Endpoints lists the endpoints under test.
	Profiles  map[string]*suites.Profile `yaml:"profiles"`  // Profiles defines house profiles or overrides cells of built-in ones.

	Auth auth.Spec `yaml:"auth"` // Auth describes the credentials (type, variables); the token flags are a shorthand for bearer and header types.

	ConfigFile string   `yaml:"-"` // ConfigFile is the YAML file that was loaded.
	Warnings   []string `yaml:"-"` // Warnings are said on stderr before the run (an unknown APICONFORM_ variable).
	// endpointLines are the lines of the config file where endpoints
	// start, endpointKeys the lines of each endpoint's keys.
	endpointLines []int
	endpointKeys  []map[string]int
	// keyLines are the lines of the config file's top-level keys.
	keyLines map[string]int
	// givenBy names, by flag, what set the flag's setting over the file:
	// its environment variable or the flag itself.
	givenBy    map[string]string
	EnvShown   []auth.Secret  `yaml:"-"` // EnvShown are header values that came from the environment, shown by name in reports.
	DryRun     bool           `yaml:"-"` // DryRun prints the plan and sends nothing.
	Verbose    int            `yaml:"-"` // Verbose prints each exchange as it happens (2: with bodies) and lists notes and skipped cases.
	Color      string         `yaml:"-"` // Color is auto, always or never: ANSI colours on the console.
	Endpoint   EndpointConfig `yaml:"-"` // Endpoint is the endpoint described by flags or environment.
	Headers    []string       `yaml:"-"` // Headers are --header 'Name: value' of the flags' endpoint.
	QueryPairs []string       `yaml:"-"` // QueryPairs are --query name=value of the flags' endpoint.
}

// Defaults returns the built-in defaults.
func Defaults() Config {
	return Config{
		Profile:       "strict",
		ReportDir:     "reports",
		Timeout:       10 * time.Second,
		Concurrency:   4,
		MaxBody:       1 << 20,
		Retries:       2,
		AuthHeader:    "Authorization",
		AuthScheme:    "Bearer",
		RetryAfterMax: 10 * time.Second,
		Color:         "auto",
		Endpoint:      EndpointConfig{IDParam: "id", IDStyle: string(plan.StyleComma)},
	}
}

// UsageError is bad input from the user: a flag, a config key or an
// environment variable. It leads to exit code 2.
type UsageError struct {
	Msg string
	Err error // the cause, when there is one (e.g. pflag.ErrHelp)
}

func (e *UsageError) Error() string { return e.Msg }

// Unwrap returns the cause.
func (e *UsageError) Unwrap() error { return e.Err }

func usagef(format string, args ...any) error {
	return &UsageError{Msg: fmt.Sprintf(format, args...)}
}

// usageOf wraps err, keeping it as the cause.
func usageOf(err error) error { return &UsageError{Msg: err.Error(), Err: err} }

// endpointFlags are the flags that describe the single endpoint of a
// flags-only run (or override the single endpoint of a config file).
var endpointFlags = []string{"path", "name", "id-param", "id-style", "found", "missing", "malformed", "max-ids", "unknown-path", "header", "query"}

// runFlags defines the flags of `run` (and `detect`) on fs, bound to c,
// with c's current values as defaults.
func runFlags(fs *pflag.FlagSet, c *Config) {
	fs.StringVar(&c.ConfigFile, "config", c.ConfigFile, "YAML config file (several endpoints, house profiles, field paths)")
	fs.StringVar(&c.BaseURL, "base-url", c.BaseURL, "API root URL, e.g. https://staging.example.com/api")
	fs.StringVar(&c.Profile, "profile", c.Profile, "profile the API claims: strict, lenient, multi-status, partial-content, envelope, or a house profile")
	fs.StringVar(&c.Endpoint.Path, "path", c.Endpoint.Path, "endpoint path, e.g. /items (path style: /items/{id})")
	fs.StringVar(&c.Endpoint.Name, "name", c.Endpoint.Name, "endpoint name used in labels and reports (default: from the path)")
	fs.StringVar(&c.Endpoint.IDParam, "id-param", c.Endpoint.IDParam, "query parameter that carries the IDs")
	fs.StringVar(&c.Endpoint.IDStyle, "id-style", c.Endpoint.IDStyle, "how IDs are written: comma (?id=1,2), repeat (?id=1&id=2) or path (/items/{id})")
	fs.StringSliceVar((*[]string)(&c.Endpoint.Found), "found", c.Endpoint.Found, "IDs that exist (comma-separated)")
	fs.StringSliceVar((*[]string)(&c.Endpoint.Missing), "missing", c.Endpoint.Missing, "IDs that do not exist (comma-separated)")
	fs.StringSliceVar((*[]string)(&c.Endpoint.Malformed), "malformed", c.Endpoint.Malformed, "syntactically invalid IDs (comma-separated)")
	fs.IntVar(&c.Endpoint.MaxIDs, "max-ids", c.Endpoint.MaxIDs, "longest ID list the endpoint accepts; enables the oversized case")
	fs.StringArrayVar(&c.Headers, "header", c.Headers, "header sent with every case, 'Name: value' (repeatable); credentials go in --token-env or auth:")
	fs.StringArrayVar(&c.QueryPairs, "query", c.QueryPairs, "fixed query parameter sent with every case, name=value (repeatable), e.g. api-version=2025-01-01")
	fs.StringVar(&c.Endpoint.UnknownPath, "unknown-path", c.Endpoint.UnknownPath, "path that cannot exist, for the unknown-endpoint case (default: /apiconform-unknown-R/R under the base URL)")
	fs.StringVar(&c.ReportDir, "report-dir", c.ReportDir, "directory for junit.xml, results.json and the other reports")
	fs.StringVar(&c.Shard, "shard", c.Shard, "K/N: probe part K of N of the endpoints (by a hash of each name), for a CI matrix; apiconform merge puts the parts together")
	fs.StringVar(&c.ReportURL, "report-url", c.ReportURL, "where CI publishes report.html: summary.md links it, and each failing case into it")
	fs.StringVar(&c.LabelFilter, "label-filter", c.LabelFilter, "select cases by label, e.g. 'case:partial || auth' (labels: case:KIND, endpoint:NAME, profile:NAME, id-set, routing, auth, rate-limit)")
	fs.DurationVar(&c.Timeout, "timeout", c.Timeout, "timeout of each request")
	fs.DurationVar(&c.Wait, "wait", c.Wait, "wait up to this long for the API to answer HTTP with a status other than 502/503/504 before probing (an API started beside the run, e.g. in compose)")
	fs.StringVar(&c.WaitPath, "wait-path", c.WaitPath, "path under the base URL that --wait asks, e.g. /healthz (default: the base URL)")
	fs.IntVar(&c.Concurrency, "concurrency", c.Concurrency, "most requests in flight at once")
	fs.Int64Var(&c.MaxBody, "max-body", c.MaxBody, "most bytes read from one response body; a larger body is an error")
	fs.IntVar(&c.Retries, "retries", c.Retries, "times a request that failed in transit (refused, reset) is sent again, with a short doubling pause; never for a status code")
	fs.Float64Var(&c.MaxRPS, "max-rps", c.MaxRPS, "most requests per second, retries included, outside the rate-limit burst (0: no cap)")
	fs.DurationVar(&c.Deadline, "deadline", c.Deadline, "time limit of the whole run (0: none); cases not answered by then are reported as not run")
	fs.BoolVar(&c.FollowRedirects, "follow-redirects", c.FollowRedirects, "follow redirects (at most 10) and judge the final answer; off, a 3xx is judged as it is")
	fs.StringVar(&c.CACert, "ca-cert", c.CACert, "PEM file of certificate authorities to trust (e.g. a staging CA)")
	fs.BoolVar(&c.Insecure, "insecure", c.Insecure, "skip TLS certificate verification (every report says so, loudly)")
	fs.BoolVar(&c.StrictWarnings, "strict-warnings", c.StrictWarnings, "make warn-level rules fail their case")
	fs.StringVar(&c.TokenEnv, "token-env", c.TokenEnv, "name of the environment variable that holds a valid token (enables the auth cases)")
	fs.StringVar(&c.ForbiddenTokenEnv, "forbidden-token-env", c.ForbiddenTokenEnv, "name of the environment variable that holds a valid token without rights (enables auth-forbidden)")
	fs.StringVar(&c.AuthHeader, "auth-header", c.AuthHeader, "header that carries the credentials")
	fs.StringVar(&c.AuthScheme, "auth-scheme", c.AuthScheme, `scheme before the token; "" sends the raw token (API-key headers)`)
	fs.IntVar(&c.RateLimitBurst, "rate-limit-burst", c.RateLimitBurst, "most requests of the rate-limit burst, sent after every other case (0: off)")
	fs.DurationVar(&c.RetryAfterMax, "retry-after-max", c.RetryAfterMax, "longest wait for Retry-After before the recovery request")
	fs.StringVar(&c.WrongMethod, "wrong-method", c.WrongMethod, "enable the wrong-method case with this method, e.g. DELETE (sent to missing IDs)")
	fs.StringSliceVar((*[]string)(&c.RedactHeaders), "redact-header", c.RedactHeaders, "header whose values are replaced in every report (repeatable; Authorization, Cookie, Set-Cookie and X-Api-Key always are)")
	fs.StringVar(&c.Baseline, "baseline", c.Baseline, "results.json of an earlier run: report fixed/regressed/new and fail only on regressions or new failures")
	fs.StringVar(&c.KnownFailures, "known-failures", c.KnownFailures, "YAML file of cases allowed to fail (with a reason) until an expiry date")
	fs.StringVar(&c.OpenAPI, "openapi", c.OpenAPI, "the API's OpenAPI document: warn on a status its operation does not declare (fail with --strict-warnings)")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seed of the generated missing and malformed IDs, to repeat a run (0: a new one, recorded in results.json)")
	fs.BoolVar(&c.DryRun, "dry-run", c.DryRun, "print the plan and send nothing")
	fs.CountVarP(&c.Verbose, "verbose", "v", "print each exchange as it happens, redacted, and list notes and skipped cases (-vv: with the bodies)")
	fs.StringVar(&c.Color, "color", c.Color, "colour the console: auto (a terminal, unless NO_COLOR is set; FORCE_COLOR forces it), always or never")
	completeFiles(fs, "config", "ca-cert", "baseline", "known-failures", "openapi")
	completeDirs(fs, "report-dir")
	completeValues(fs, "profile", suites.BuiltinNames()...)
	completeValues(fs, "id-style", string(plan.StyleComma), string(plan.StyleRepeat), string(plan.StylePath))
	completeValues(fs, "color", reports.ColorModes...)
}

// EnvName is the environment variable that sets a flag: --base-url is
// APICONFORM_BASE_URL.
func EnvName(flag string) string {
	return "APICONFORM_" + strings.ToUpper(strings.ReplaceAll(flag, "-", "_"))
}

// LoadConfig builds the run configuration from args and the environment
// (looked up with getenv), layering defaults < file < environment < flags.
// newFlags defines the command's flags on a set bound to a Config.
func LoadConfig(args []string, lookupEnv func(string) (string, bool), newFlags func(*Config) *pflag.FlagSet, environ ...string) (*Config, error) {
	// First pass: only to find --config (and to reject bad flags early).
	first := Defaults()
	if err := newFlags(&first).Parse(args); err != nil {
		return nil, usageOf(err)
	}
	path := first.ConfigFile
	if path == "" {
		path, _ = lookupEnv(EnvName("config"))
	}

	cfg := Defaults()
	if path != "" {
		if err := loadFile(path, &cfg, lookupEnv); err != nil {
			return nil, err
		}
		cfg.ConfigFile = path
	}
	endpointSet, givenBy := map[string]bool{}, map[string]string{}
	envFlags := newFlags(&cfg)
	var envErr error
	envFlags.VisitAll(func(f *pflag.Flag) {
		if f.Name == "config" || envErr != nil {
			return
		}
		v, ok := lookupEnv(EnvName(f.Name))
		if !ok {
			return
		}
		if err := envFlags.Set(f.Name, v); err != nil {
			envErr = usagef("%s=%q: %s", EnvName(f.Name), v, err.Error())
			return
		}
		givenBy[f.Name] = EnvName(f.Name)
		if slices.Contains(endpointFlags, f.Name) {
			endpointSet[f.Name] = true
		}
	})
	if envErr != nil {
		return nil, envErr
	}
	flags := newFlags(&cfg)
	if err := flags.Parse(args); err != nil {
		return nil, usageOf(err)
	}
	flags.Visit(func(f *pflag.Flag) {
		givenBy[f.Name] = "--" + f.Name
		if slices.Contains(endpointFlags, f.Name) {
			endpointSet[f.Name] = true
		}
	})
	if len(flags.Args()) > 0 {
		return nil, usagef("unexpected argument %q (flags take the form --name value)", flags.Args()[0])
	}
	cfg.givenBy = givenBy
	cfg.Warnings = unknownEnvVariables(flags, environ)
	if err := cfg.mergeFlagEndpoint(endpointSet); err != nil {
		return nil, err
	}
	return &cfg, nil
}

func loadFile(path string, cfg *Config, lookup func(string) (string, bool)) error {
	data, err := words.ReadFileLimited(path, maxConfigBytes)
	if err != nil {
		return usagef("--config %s: %s", path, err)
	}
	return decodeConfig(data, path, cfg, lookup)
}

// decodeConfig reads a config file's YAML into cfg; path names it in errors.
func decodeConfig(data []byte, path string, cfg *Config, lookup func(string) (string, bool)) error {
	var doc, second yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return usagef("--config %s: the file is empty", path)
		}
		return usagef("--config %s: %s", path, yamlMessage(err))
	}
	if err := dec.Decode(&second); !errors.Is(err, io.EOF) {
		return usagef("--config %s: line %d: a second YAML document (after ---); a config file holds one, and nothing of a second would be read", path, second.Line)
	}
	shown, expanded, err := expandEnv(&doc, lookup)
	if err != nil {
		return usagef("--config %s: %s", path, err)
	}
	if problems := checkConfigYAML(&doc, expanded); len(problems) > 0 {
		return usagef("--config %s: %s", path, problemsMessage(problems))
	}
	if err := doc.Decode(cfg); err != nil {
		return usagef("--config %s: %s", path, yamlMessage(err))
	}
	cfg.EnvShown = shown
	cfg.endpointLines, cfg.endpointKeys = endpointLines(&doc)
	cfg.keyLines = keyLines(&doc)
	return nil
}

// origin names where the setting of a flag came from, for a message: the
// flag, its environment variable, or the config file's key and line
// (--config apiconform.yaml: line 3: profile).
func (c *Config) origin(flag string) string {
	if by := c.givenBy[flag]; by != "" {
		return by
	}
	key := strings.ReplaceAll(flag, "-", "_")
	if line, ok := c.keyLines[key]; ok && c.ConfigFile != "" {
		return fmt.Sprintf("--config %s: line %d: %s", c.ConfigFile, line, key)
	}
	return "--" + flag
}

// unknownProfile says that name is no profile, and which one was meant.
func unknownProfile(name string, profiles suites.Profiles) string {
	known := profiles.Names()
	if near := words.Nearest(name, known); near != "" {
		return fmt.Sprintf("unknown profile; did you mean %s? (known: %s)", near, strings.Join(known, ", "))
	}
	return "unknown profile (known: " + strings.Join(known, ", ") + ")"
}

// mergeFlagEndpoint applies the endpoint flags: they describe the only
// endpoint of a run without config endpoints, or override the one endpoint
// of a config file. With several endpoints they would be ambiguous.
func (c *Config) mergeFlagEndpoint(set map[string]bool) error {
	if len(set) == 0 {
		return nil
	}
	if err := c.flagRequestParts(); err != nil {
		return err
	}
	switch len(c.Endpoints) {
	case 0:
		c.Endpoints = []EndpointConfig{c.Endpoint}
	case 1:
		ep := &c.Endpoints[0]
		f := c.Endpoint
		for name := range set {
			switch name {
			case "path":
				ep.Path = f.Path
			case "name":
				ep.Name = f.Name
			case "id-param":
				ep.IDParam = f.IDParam
			case "id-style":
				ep.IDStyle = f.IDStyle
			case "found":
				ep.Found = f.Found
			case "missing":
				ep.Missing = f.Missing
			case "malformed":
				ep.Malformed = f.Malformed
			case "max-ids":
				ep.MaxIDs = f.MaxIDs
			case "unknown-path":
				ep.UnknownPath = f.UnknownPath
			case "header":
				ep.Headers = f.Headers
			case "query":
				ep.Query = f.Query
			}
		}
	default:
		names := make([]string, 0, len(set))
		for n := range set {
			names = append(names, "--"+n)
		}
		slices.Sort(names)
		return usagef("%s describe one endpoint, but %s lists %d; select endpoints with --label-filter 'endpoint:NAME'",
			strings.Join(names, ", "), c.ConfigFile, len(c.Endpoints))
	}
	return nil
}

// Resolved is a validated configuration, ready to plan: the config as
// loaded, its endpoints resolved for the plan and its profiles loaded.
type Resolved struct {
	Config    *Config
	Endpoints []*plan.Endpoint
	Profiles  suites.Profiles
}

// Resolve validates c and resolves endpoints and profiles. Every error
// names the flag or config key at fault.
func (c *Config) Resolve() (*Resolved, error) {
	if c.BaseURL == "" {
		return nil, usagef("--base-url is required (or base_url in the config file, or %s)", EnvName("base-url"))
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, usagef("--base-url %q: must be an absolute http:// or https:// URL", words.URL(c.BaseURL))
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return nil, usagef("--base-url %q: must not carry a query or fragment", words.URL(c.BaseURL))
	}
	if err := c.checkLimits(); err != nil {
		return nil, err
	}
	if c.ReportDir == "" {
		return nil, usagef("--report-dir must not be empty")
	}
	if c.ForbiddenTokenEnv != "" && c.TokenEnv == "" && c.Auth.TokenEnv == "" {
		return nil, usagef("--forbidden-token-env needs --token-env as well (the valid token)")
	}
	profiles, err := suites.LoadProfiles(c.Profiles)
	if err != nil {
		return nil, usagef("config %s: %s", orFlags(c.ConfigFile), err.Error())
	}
	if _, ok := profiles[c.Profile]; !ok {
		return nil, usagef("%s %q: %s", c.origin("profile"), c.Profile, unknownProfile(c.Profile, profiles))
	}
	if len(c.Endpoints) == 0 {
		return nil, usagef("no endpoint to test: give --path with --found/--missing/--malformed, or a config file with endpoints")
	}
	defaults := c.Fields.Or(plan.DefaultFields())
	seen := map[string]bool{}
	r := &Resolved{Config: c, Profiles: profiles}
	for i, ec := range c.Endpoints {
		ep, err := ec.resolve(defaults, c.Profile, profiles)
		if err != nil {
			return nil, usagef("%s: %s", c.endpointAt(i, err.Error()), err.Error())
		}
		ep.Source = c.sourceOf(i)
		if seen[ep.Name] {
			return nil, usagef("%s: endpoint name %q is used twice; give each endpoint its own name", c.endpointAt(i, "name"), ep.Name)
		}
		seen[ep.Name] = true
		r.Endpoints = append(r.Endpoints, ep)
	}
	if err := c.checkWrongMethod(r.Endpoints); err != nil {
		return nil, err
	}
	return r, nil
}

func orFlags(file string) string {
	if file == "" {
		return "(flags)"
	}
	return file
}

// flagRequestParts reads --header and --query into the flags' endpoint.
func (c *Config) flagRequestParts() error {
	for _, h := range c.Headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok {
			return usagef("--header %q: write it as 'Name: value'", h)
		}
		name, value = strings.TrimSpace(name), strings.TrimSpace(value)
		if reports.LooksLikeSecret(value) {
			return usagef("--header %s: the value looks like a secret; secrets never go in flags: name the variable that holds it with --token-env (or auth: in the config file)", name)
		}
		if err := checkHeader(name, value); err != nil {
			return usagef("--header %s: %s", name, err)
		}
		if c.Endpoint.Headers == nil {
			c.Endpoint.Headers = map[string]string{}
		}
		c.Endpoint.Headers[name] = value
	}
	for _, q := range c.QueryPairs {
		name, value, ok := strings.Cut(q, "=")
		if !ok || name == "" {
			return usagef("--query %q: write it as name=value", q)
		}
		if c.Endpoint.Query == nil {
			c.Endpoint.Query = map[string]string{}
		}
		c.Endpoint.Query[name] = value
	}
	return nil
}

// checkWrongMethod refuses a wrong-method case that would send a method
// the endpoints allow: GET and HEAD are reads every endpoint answers, and
// an endpoint's own method is the one it expects.
func (c *Config) checkWrongMethod(endpoints []*plan.Endpoint) error {
	m := c.WrongMethod
	if m == "" {
		return nil
	}
	if m == "GET" || m == "HEAD" {
		return usagef("--wrong-method %s: a read that every endpoint allows; give a method the endpoints refuse, e.g. DELETE", m)
	}
	for _, ep := range endpoints {
		if ep.MethodOf() == m {
			return usagef("--wrong-method %s: endpoint %s uses %s itself; give a method it refuses, e.g. DELETE", m, ep.Name, m)
		}
	}
	return nil
}

// checkLimits range-checks the settings that bound a run.
func (c *Config) checkLimits() error {
	if c.Timeout <= 0 || c.Timeout > time.Hour {
		return usagef("--timeout %s: must be positive and at most 1h", c.Timeout)
	}
	if c.Wait < 0 || c.Wait > time.Hour {
		return usagef("--wait %s: must not be negative, and at most 1h", c.Wait)
	}
	if c.WaitPath != "" && (!strings.HasPrefix(c.WaitPath, "/") || strings.Contains(c.WaitPath, "#")) {
		return usagef("--wait-path %q: must start with / and carry no fragment", c.WaitPath)
	}
	if c.Concurrency < 1 || c.Concurrency > 256 {
		return usagef("--concurrency %d: must be between 1 and 256", c.Concurrency)
	}
	if c.MaxBody < 1 || c.MaxBody > 1<<30 {
		return usagef("--max-body %d: must be between 1 byte and 1 GiB (1073741824)", c.MaxBody)
	}
	if c.Retries < 0 || c.Retries > 10 {
		return usagef("--retries %d: must be between 0 and 10", c.Retries)
	}
	if c.MaxRPS != 0 && !(c.MaxRPS >= 0.01 && c.MaxRPS <= 1e6) {
		return usagef("--max-rps %g: must be 0 (no cap) or between 0.01 and 1000000", c.MaxRPS)
	}
	if c.Deadline < 0 || c.Deadline > 7*24*time.Hour {
		return usagef("--deadline %s: must not be negative (0: no deadline), and at most 168h", c.Deadline)
	}
	if c.RateLimitBurst < 0 || c.RateLimitBurst > 100000 {
		return usagef("--rate-limit-burst %d: must be between 0 and 100000", c.RateLimitBurst)
	}
	if c.RetryAfterMax < 0 || c.RetryAfterMax > time.Hour {
		return usagef("--retry-after-max %s: must not be negative, and at most 1h", c.RetryAfterMax)
	}
	if err := checkReportURL(c.ReportURL); err != nil {
		return err
	}
	if !slices.Contains(reports.ColorModes, c.Color) {
		return usagef("--color %q: must be auto, always or never", c.Color)
	}
	if m := c.WrongMethod; m != "" && !httpsyntax.IsMethod(m) {
		return usagef("--wrong-method %q: not an HTTP method", m)
	}
	return nil
}

// checkReportURL accepts an absolute http(s) URL without credentials:
// summary.md is posted where many can read it.
func checkReportURL(raw string) error {
	if raw == "" {
		return nil
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return usagef("--report-url %q: give the absolute http(s) URL where report.html is published", words.URL(raw))
	case u.User != nil:
		return usagef("--report-url %s: a URL with credentials would be posted in summary.md; give one without", words.URL(raw))
	}
	return nil
}

// The largest files the user gives: far beyond any real one, small enough
// that a wrong path (/dev/zero, a disk image) fails at once.
const (
	maxConfigBytes        = 8 << 20
	maxKnownFailuresBytes = 4 << 20
)

// otherVariables are APICONFORM_ variables that set no flag but are read
// elsewhere (the config file's name, the compose stack, the demo).
var otherVariables = map[string]bool{"APICONFORM_CONFIG": true, "APICONFORM_IMAGE": true, "APICONFORM_USER": true, "APICONFORM_REPORTS": true}

// unknownEnvVariables warns of APICONFORM_ variables that set nothing,
// naming the nearest real one: a misspelled setting is otherwise ignored
// in silence.
func unknownEnvVariables(flags *pflag.FlagSet, environ []string) []string {
	var known []string
	flags.VisitAll(func(f *pflag.Flag) { known = append(known, EnvName(f.Name)) })
	// A variable of a run flag that this command leaves out (detect's
	// APICONFORM_PROFILE) is not misspelled: a CI job sets it for both.
	var all Config
	newRunFlagSet(&all).VisitAll(func(f *pflag.Flag) {
		if name := EnvName(f.Name); !slices.Contains(known, name) {
			known = append(known, name)
		}
	})
	var warnings []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, "APICONFORM_") || otherVariables[name] || slices.Contains(known, name) ||
			strings.HasPrefix(name, "APICONFORM_DEMO_") || strings.HasPrefix(name, "APICONFORM_REQUIRE_") {
			continue
		}
		w := name + " sets nothing"
		if near := words.Nearest(name, known); near != "" {
			w += "; did you mean " + near + "?"
		}
		warnings = append(warnings, w)
	}
	sort.Strings(warnings)
	return warnings
}

// keyLines lists the line of each top-level key of the document.
func keyLines(doc *yaml.Node) map[string]int {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil
	}
	lines := map[string]int{}
	top := doc.Content[0].Content
	for i := 0; i+1 < len(top); i += 2 {
		lines[top[i].Value] = top[i].Line
	}
	return lines
}

// endpointLines lists the line of each entry of the document's
// endpoints, and of each entry's keys.
func endpointLines(doc *yaml.Node) ([]int, []map[string]int) {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, nil
	}
	top := doc.Content[0].Content
	for i := 0; i+1 < len(top); i += 2 {
		if top[i].Value == "endpoints" && top[i+1].Kind == yaml.SequenceNode {
			lines := make([]int, len(top[i+1].Content))
			keys := make([]map[string]int, len(top[i+1].Content))
			for j, item := range top[i+1].Content {
				lines[j], keys[j] = item.Line, map[string]int{}
				for k := 0; item.Kind == yaml.MappingNode && k+1 < len(item.Content); k += 2 {
					keys[j][item.Content[k].Value] = item.Content[k].Line
				}
			}
			return lines, keys
		}
	}
	return nil, nil
}

// endpointAt names endpoint i for a message that starts with a key of it
// (profile "strikt": ...): --path for the endpoint of the flags; in a
// file, endpoints[i] after the line of that key, or of the endpoint when
// the file does not hold the key; endpoints[i] alone when a flag or the
// environment set it.
func (c *Config) endpointAt(i int, msg string) string {
	if c.ConfigFile == "" {
		return "--path"
	}
	at := fmt.Sprintf("endpoints[%d]", i)
	key := leadingKey.FindString(msg)
	if i >= len(c.endpointLines) || c.givenBy[strings.ReplaceAll(key, "_", "-")] != "" {
		return at
	}
	line := c.endpointLines[i]
	if l, ok := c.endpointKeys[i][key]; ok {
		line = l
	}
	return fmt.Sprintf("--config %s: line %d: %s", c.ConfigFile, line, at)
}

// leadingKey is the key a message about an endpoint starts with.
var leadingKey = regexp.MustCompile(`^[a-z_]+`)

// sourceOf says where endpoint i is defined: its line of the config
// file, or, for an endpoint of the flags, the run's results.json, which
// records it (a CI annotation then points at a file that exists).
func (c *Config) sourceOf(i int) plan.Source {
	if c.ConfigFile != "" && i < len(c.endpointLines) {
		return plan.Source{File: c.ConfigFile, Line: c.endpointLines[i]}
	}
	return plan.Source{File: filepath.Join(c.ReportDir, reports.ResultsFile)}
}
