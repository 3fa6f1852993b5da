package runner

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/apiconform/apiconform/suites/words"
)

// waitPoll is how often an unreachable API is tried again.
const waitPoll = 250 * time.Millisecond

// dialFunc opens a TCP connection, as net.Dialer.DialContext does.
type dialFunc func(ctx context.Context, network, addr string) (net.Conn, error)

// waitForAPI waits, for at most limit, until the host of baseURL (or the
// proxy that reaches it) accepts a TCP connection. It sends no HTTP, so it
// neither counts against a rate limiter nor needs a health endpoint. It
// exists for a run started beside its API (a compose stack, a CI service
// container) so that a server still booting is not judged.
func waitForAPI(ctx context.Context, baseURL string, limit time.Duration, dial dialFunc) error {
	addr, err := dialAddress(baseURL)
	if err != nil {
		return err
	}
	deadline := time.Now().Add(limit)
	for {
		attempt, cancel := context.WithTimeout(ctx, min(time.Until(deadline), 2*time.Second))
		conn, err := dial(attempt, "tcp", addr)
		cancel()
		if err == nil {
			conn.Close()
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Until(deadline) < waitPoll {
			return fmt.Errorf("--wait %s: %s accepted no connection in time (last error: %s)", limit, addr, words.OneLine(err.Error()))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(waitPoll):
		}
	}
}

// dialAddress is the host:port a request to baseURL connects to first:
// the API itself, or the proxy from HTTP(S)_PROXY that reaches it.
func dialAddress(baseURL string) (string, error) {
	u, err := url.Parse(baseURL)
	if err != nil {
		return "", fmt.Errorf("--base-url %q: %s", baseURL, err)
	}
	if proxy, err := http.ProxyFromEnvironment(&http.Request{URL: u}); err == nil && proxy != nil {
		u = proxy
	}
	port := u.Port()
	if port == "" {
		port = map[string]string{"https": "443", "socks5": "1080"}[u.Scheme]
		if port == "" {
			port = "80"
		}
	}
	return net.JoinHostPort(u.Hostname(), port), nil
}
