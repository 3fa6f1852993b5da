package probe

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/apiconform/apiconform/runner/plan"
)

// Options configure a Prober.
type Options struct {
	Client      *http.Client  // nil: a client built from these options
	Concurrency int           // requests in flight at once (>= 1)
	Timeout     time.Duration // per request
	MaxBody     int64         // bytes read from a body; more is an error
	UserAgent   string
	Credentials Credentials
	TLS         *tls.Config // nil: system roots, full verification
}

// Prober sends requests and records exchanges. It is safe for concurrent use.
type Prober struct {
	opts   Options
	client *http.Client
}

// New returns a Prober.
func New(opts Options) *Prober {
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	client := opts.Client
	if client == nil {
		client = NewClient(opts.Concurrency, opts.TLS)
	}
	return &Prober{opts: opts, client: client}
}

// NewClient returns the HTTP client apiconform uses: connections are
// reused up to the concurrency, redirects are not followed (a 3xx is
// judged as the status it is) and the proxy comes from the environment.
func NewClient(concurrency int, tlsConfig *tls.Config) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if tlsConfig != nil {
		transport.TLSClientConfig = tlsConfig
	}
	transport.MaxIdleConnsPerHost = max(concurrency, 2)
	transport.MaxConnsPerHost = 0
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// Probe sends every runnable case of cases except rate-limit, at most
// Concurrency at a time, and returns the exchanges by case ID. It stops
// sending when ctx is done; cases not sent are absent from the result.
func (p *Prober) Probe(ctx context.Context, cases []plan.Case) map[string]*Exchange {
	var (
		mu   sync.Mutex
		out  = map[string]*Exchange{}
		wg   sync.WaitGroup
		sema = make(chan struct{}, p.opts.Concurrency)
	)
	for i := range cases {
		c := &cases[i]
		if c.Skipped() || c.Kind == plan.RateLimit {
			continue
		}
		select {
		case sema <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		go func() {
			defer func() { <-sema; wg.Done() }()
			ex := p.Send(ctx, c.ID, c.Request)
			mu.Lock()
			out[c.ID] = ex
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// Send sends one request and records the exchange.
func (p *Prober) Send(ctx context.Context, caseID string, r plan.Request) *Exchange {
	ex := &Exchange{CaseID: caseID, Started: time.Now(), Attempts: 1}
	req, err := p.newRequest(ctx, r)
	if err != nil {
		ex.Request = RecordedRequest{Method: r.Method, URL: r.URL}
		ex.Err = &TransportError{Kind: "other", Message: err.Error(), URL: r.URL}
		return ex
	}
	ex.Request = RecordedRequest{Method: req.Method, URL: req.URL.String(), Header: p.opts.Credentials.redactHeader(req.Header.Clone())}
	reqCtx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	resp, err := p.client.Do(req.WithContext(reqCtx))
	if err != nil {
		ex.Duration = time.Since(ex.Started)
		ex.Err = classify(err, r.URL, p.opts.Timeout)
		return ex
	}
	defer resp.Body.Close()
	body, readErr := io.ReadAll(io.LimitReader(resp.Body, p.opts.MaxBody+1))
	ex.Duration = time.Since(ex.Started)
	ex.Response = &Response{
		Status: resp.StatusCode, Proto: resp.Proto, Header: p.opts.Credentials.redactHeader(resp.Header),
		Body: p.opts.Credentials.redactBytes(body), Size: int64(len(body)),
	}
	switch {
	case readErr != nil:
		ex.Err = classify(readErr, r.URL, p.opts.Timeout)
		ex.Err.Message = "reading the body: " + ex.Err.Message
	case int64(len(body)) > p.opts.MaxBody:
		ex.Response.Body = ex.Response.Body[:p.opts.MaxBody]
		ex.Response.Truncated = true
		ex.Err = &TransportError{Kind: "body-too-large", URL: r.URL,
			Message: fmt.Sprintf("the body is larger than --max-body (%d bytes); raise --max-body to judge it", p.opts.MaxBody)}
	}
	return ex
}

func (p *Prober) newRequest(ctx context.Context, r plan.Request) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/problem+json;q=0.9, */*;q=0.1")
	if p.opts.UserAgent != "" {
		req.Header.Set("User-Agent", p.opts.UserAgent)
	}
	p.opts.Credentials.apply(req.Header, r.Auth)
	return req, nil
}

// TLSConfig returns the TLS settings for a CA file (PEM, trusted in
// addition to the system roots) and for --insecure; nil means defaults.
func TLSConfig(caFile string, insecure bool) (*tls.Config, error) {
	if caFile == "" && !insecure {
		return nil, nil
	}
	// InsecureSkipVerify is opt-in and announced in every report.
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure}
	if caFile != "" {
		pem, err := os.ReadFile(caFile)
		if err != nil {
			return nil, err
		}
		pool, err := x509.SystemCertPool()
		if err != nil || pool == nil {
			pool = x509.NewCertPool()
		}
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s holds no PEM certificate", caFile)
		}
		cfg.RootCAs = pool
	}
	return cfg, nil
}

// classify turns a transport error into a kind and a message that says
// what happened at which URL.
func classify(err error, rawURL string, timeout time.Duration) *TransportError {
	te := &TransportError{Kind: "other", URL: rawURL, Message: err.Error()}
	var (
		dnsErr  *net.DNSError
		certErr *tls.CertificateVerificationError
		urlErr  *url.Error
		recErr  tls.RecordHeaderError
	)
	inner := err
	if errors.As(err, &urlErr) {
		inner = urlErr.Err
	}
	switch {
	case errors.Is(err, context.Canceled):
		te.Kind, te.Message = "canceled", "the run was stopped before the answer arrived"
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		te.Kind, te.Message = "timeout", fmt.Sprintf("no complete answer within %s (--timeout)", timeout)
	case errors.As(err, &dnsErr):
		te.Kind, te.Message = "dns", fmt.Sprintf("cannot resolve host %q: %s", dnsErr.Name, dnsErr.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		te.Kind, te.Message = "refused", "connection refused: nothing listens at "+hostOf(rawURL)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.EPIPE):
		te.Kind, te.Message = "reset", "the connection was closed or reset before the answer was complete"
	case errors.As(err, &certErr):
		te.Kind, te.Message = "tls", "the server's certificate is not trusted: "+certErr.Err.Error()+" (trust its CA with --ca-cert FILE)"
	case errors.As(err, &recErr):
		te.Kind, te.Message = "tls", "the server did not answer TLS (is the URL http:// rather than https://?)"
	case strings.Contains(inner.Error(), "tls:") || strings.Contains(inner.Error(), "x509:"):
		te.Kind, te.Message = "tls", inner.Error()
	default:
		te.Message = inner.Error()
	}
	return te
}

func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Host
	}
	return rawURL
}
