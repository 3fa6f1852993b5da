package runner

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/fixtures"
)

// fixtureSettings are the flags of `apiconform fixtures`.
type fixtureSettings struct {
	addr              string
	tokenEnv          string
	forbiddenTokenEnv string
	authHeader        string
	authScheme        string
	rateLimit         int
	rateWindow        time.Duration
	maxIDs            int
	latency           time.Duration
	defects           string
	tlsCert           string
	tlsKey            string
}

// fixtureFlags returns the flags of fixtures, bound to s.
func fixtureFlags(s *fixtureSettings) *pflag.FlagSet {
	fs := newFlagSet("fixtures")
	fs.StringVar(&s.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.StringVar(&s.tokenEnv, "token-env", "", "name of the environment variable holding the token the API accepts (enables auth)")
	fs.StringVar(&s.forbiddenTokenEnv, "forbidden-token-env", "", "name of the environment variable holding a token without rights (403)")
	fs.StringVar(&s.authHeader, "auth-header", "Authorization", "header that carries the credentials")
	fs.StringVar(&s.authScheme, "auth-scheme", "Bearer", `scheme before the token; "" for a raw API key`)
	fs.IntVar(&s.rateLimit, "rate-limit", 0, "requests allowed per --rate-window per profile prefix (0: no limiter)")
	fs.DurationVar(&s.rateWindow, "rate-window", time.Second, "rate limiter window")
	fs.IntVar(&s.maxIDs, "max-ids", 0, "longest ID list accepted (0: no limit)")
	fs.DurationVar(&s.latency, "latency", 0, "delay before every answer")
	fs.StringVar(&s.defects, "defects", "", "comma-separated defects to switch on: "+defectNames())
	fs.StringVar(&s.tlsCert, "tls-cert", "", "serve HTTPS with this PEM certificate (with --tls-key)")
	fs.StringVar(&s.tlsKey, "tls-key", "", "PEM private key of --tls-cert")
	completeFiles(fs, "tls-cert", "tls-key")
	return fs
}

// fixturesHelpFooter ends fixtures --help.
const fixturesHelpFooter = `fixtures serves an honest API under each profile's prefix
(/strict/items, /lenient/items, ...) and the incident (/always-200/items),
until interrupted. Switch defects on to watch each rule fail.

Example:
  apiconform fixtures --addr 127.0.0.1:8080 --defects buried-error
  apiconform run --base-url http://127.0.0.1:8080/strict --path /items --found 2,3 --missing 1
`

func fixturesCommand(ctx context.Context, args []string, env Env) int {
	var s fixtureSettings
	fs := fixtureFlags(&s)
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "fixtures", fs, err)
	}
	if (s.tlsCert == "") != (s.tlsKey == "") {
		return usageFailure(env, "fixtures", fs, usagef("--tls-cert and --tls-key go together"))
	}
	if s.tlsCert != "" {
		if _, err := tls.LoadX509KeyPair(s.tlsCert, s.tlsKey); err != nil {
			return usageFailure(env, "fixtures", fs, usagef("--tls-cert/--tls-key: %s", err))
		}
	}
	opts, err := s.options(env)
	if err != nil {
		return usageFailure(env, "fixtures", fs, err)
	}
	ln, err := net.Listen("tcp", s.addr)
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform fixtures: --addr %s: %s\n", s.addr, err)
		return ExitUsage
	}
	srv := &http.Server{Handler: fixtures.New(opts), ReadHeaderTimeout: 10 * time.Second}
	scheme := "http"
	if s.tlsCert != "" {
		scheme = "https"
	}
	base := scheme + "://" + ln.Addr().String()
	fmt.Fprintf(env.Stdout, "apiconform fixtures: serving the reference API on %s\n", base)
	for _, p := range append(fixtures.Profiles(), fixtures.AntiPattern) {
		fmt.Fprintf(env.Stdout, "  %s/%s/items?id=%s\n", base, p, strings.Join(fixtures.FoundIDs()[:2], ","))
	}
	fmt.Fprintf(env.Stdout, "found IDs %s; missing %s; malformed %s\n",
		strings.Join(fixtures.FoundIDs(), ","), strings.Join(fixtures.MissingIDs(), ","), strings.Join(fixtures.MalformedIDs(), ","))
	if len(opts.Defects) > 0 {
		fmt.Fprintf(env.Stdout, "defects on: %s\n", s.defects)
	}

	errc := make(chan error, 1)
	go func() {
		if s.tlsCert != "" {
			errc <- srv.ServeTLS(ln, s.tlsCert, s.tlsKey)
			return
		}
		errc <- srv.Serve(ln)
	}()
	select {
	case err := <-errc:
		fmt.Fprintf(env.Stderr, "apiconform fixtures: %s\n", err)
		return ExitArtifacts
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		fmt.Fprintf(env.Stderr, "apiconform fixtures: %s\n", err)
	}
	return ExitPass
}

func (s fixtureSettings) options(env Env) (fixtures.Options, error) {
	opts := fixtures.Options{RateLimit: s.rateLimit, RateWindow: s.rateWindow, MaxIDs: s.maxIDs, Latency: s.latency}
	defects, err := fixtures.ParseDefects(s.defects)
	if err != nil {
		return opts, usagef("--defects: %s", err)
	}
	opts.Defects = defects
	if s.rateLimit < 0 || s.maxIDs < 0 || s.latency < 0 || s.rateWindow <= 0 {
		return opts, usagef("--rate-limit, --max-ids and --latency must not be negative, --rate-window must be positive")
	}
	if s.tokenEnv != "" {
		token := env.getenv(s.tokenEnv)
		if token == "" {
			return opts, usagef("--token-env %s: the environment variable %s is empty or unset", s.tokenEnv, s.tokenEnv)
		}
		opts.Auth = &fixtures.AuthOptions{Header: s.authHeader, Scheme: s.authScheme, Token: token}
		if s.forbiddenTokenEnv != "" {
			opts.Auth.ForbiddenToken = env.getenv(s.forbiddenTokenEnv)
			if opts.Auth.ForbiddenToken == "" {
				return opts, usagef("--forbidden-token-env %s: the environment variable %s is empty or unset", s.forbiddenTokenEnv, s.forbiddenTokenEnv)
			}
		}
	}
	return opts, nil
}

func defectNames() string {
	var names []string
	for _, d := range fixtures.AllDefects() {
		names = append(names, string(d))
	}
	return strings.Join(names, ", ")
}
