package runner

import (
	"net/http"
	"net/url"
	"strings"

	"golang.org/x/net/http/httpproxy"
)

// proxyFromEnv returns the proxy choice of HTTP_PROXY, HTTPS_PROXY and
// NO_PROXY (or their lower-case forms) as getenv sees them, by the rules
// net/http itself applies (it uses the same package): requests to
// localhost and loopback addresses never go through a proxy. Reading the
// variables through Env, rather than once per process as
// http.ProxyFromEnvironment does, keeps the runner testable.
func proxyFromEnv(getenv func(string) string, baseURL string) (func(*http.Request) (*url.URL, error), error) {
	either := func(upper, lower string) string {
		if v := getenv(upper); v != "" {
			return v
		}
		return getenv(lower)
	}
	cfg := httpproxy.Config{
		HTTPProxy:  either("HTTP_PROXY", "http_proxy"),
		HTTPSProxy: either("HTTPS_PROXY", "https_proxy"),
		NoProxy:    either("NO_PROXY", "no_proxy"),
		CGI:        getenv("REQUEST_METHOD") != "",
	}
	// net/http silently goes direct when a proxy variable does not parse;
	// a run that meant to go through a proxy should say so instead. The
	// message leaves the value out: a proxy URL may carry a password.
	for name, value := range map[string]string{"HTTP_PROXY": cfg.HTTPProxy, "HTTPS_PROXY": cfg.HTTPSProxy} {
		if value != "" && !validProxy(value) {
			return nil, usagef("%s (or its lower-case form) is not a valid proxy URL", name)
		}
	}
	pick := cfg.ProxyFunc()
	if base, err := url.Parse(baseURL); err == nil {
		if _, err := pick(base); err != nil {
			return nil, usagef("proxy from the environment: %s", err)
		}
	}
	return func(r *http.Request) (*url.URL, error) { return pick(r.URL) }, nil
}

// proxyConfigured says whether the environment names a proxy.
func proxyConfigured(getenv func(string) string) bool {
	for _, name := range []string{"HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy"} {
		if getenv(name) != "" {
			return true
		}
	}
	return false
}

// validProxy reports whether value is a proxy address: a URL with a
// scheme and a host, or a bare host:port (which net/http reads as
// http://host:port).
func validProxy(value string) bool {
	if strings.Contains(value, "://") {
		u, err := url.Parse(value)
		return err == nil && u.Scheme != "" && u.Host != ""
	}
	u, err := url.Parse("http://" + value)
	return err == nil && u.Host != ""
}
