package probe

import (
	"bytes"
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

	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// Options configure a Prober.
type Options struct {
	Client      *http.Client  // nil: a client built from these options
	Concurrency int           // requests in flight at once (>= 1)
	Timeout     time.Duration // per request
	MaxBody     int64         // bytes read from a body; more is an error
	UserAgent   string
	Auth        auth.Method // nil: no credentials
	TLS         *tls.Config // nil: system roots, full verification
	// Retries is how often a request that failed in transit (refused,
	// reset) is sent again; never for a status code, never for a method
	// that is not idempotent.
	Retries int
	// RetryBackoff is the pause before the first retry, doubled before each
	// next one (0: DefaultRetryBackoff).
	RetryBackoff time.Duration
	// MaxRPS caps requests per second across the prober, retries included
	// (0: no cap). The rate-limit burst is not paced: reaching the limit is its job.
	MaxRPS float64
	// FollowRedirects follows up to MaxRedirects redirects; off, a 3xx is
	// judged as the status it is.
	FollowRedirects bool
	// Proxy picks the proxy of a request (nil: http.ProxyFromEnvironment).
	Proxy func(*http.Request) (*url.URL, error)
	// Resolver looks host names up (nil: the system's).
	Resolver *net.Resolver
	// BeforeTLS, when set, is called before a redirect leads to an
	// https:// URL: trust roots can then be loaded only when needed.
	BeforeTLS func()
	// Watch hears of each case as it is sent and answered (progress, -v);
	// nil hears nothing. It is called from the probe's goroutines.
	Watch Watcher
}

// Watcher hears of each case of a run as it goes.
type Watcher interface {
	Sent(c *plan.Case)
	Answered(c *plan.Case, ex *Exchange)
}

// DefaultRetryBackoff is the pause before the first retry.
const DefaultRetryBackoff = 100 * time.Millisecond

// MaxRedirects bounds a redirect chain with --follow-redirects.
const MaxRedirects = 10

// Prober sends requests and records exchanges. It is safe for concurrent use.
type Prober struct {
	opts    Options
	client  *http.Client
	pacer   *pacer
	headers *sharedHeaders // the recorded request headers, one map per distinct set
}

// New returns a Prober.
func New(opts Options) *Prober {
	if opts.Concurrency < 1 {
		opts.Concurrency = 1
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 1 << 20
	}
	if opts.Auth == nil {
		opts.Auth = auth.None{}
	}
	if opts.RetryBackoff <= 0 {
		opts.RetryBackoff = DefaultRetryBackoff
	}
	client := opts.Client
	if client == nil {
		client = newClient(opts)
	}
	return &Prober{opts: opts, client: client, pacer: newPacer(opts.MaxRPS), headers: newSharedHeaders()}
}

// newClient returns the HTTP client apiconform uses: connections are
// reused up to the concurrency, redirects are followed only when asked
// (otherwise a 3xx is judged as the status it is), and the proxy is the
// one configured.
func newClient(opts Options) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if opts.TLS != nil {
		transport.TLSClientConfig = opts.TLS
	}
	if opts.Resolver != nil {
		transport.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Resolver: opts.Resolver}).DialContext
	}
	if opts.Proxy != nil {
		transport.Proxy = opts.Proxy
	}
	transport.MaxIdleConnsPerHost = max(opts.Concurrency, 2)
	transport.MaxConnsPerHost = 0
	credHeader := opts.Auth.Header()
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if !opts.FollowRedirects {
				return http.ErrUseLastResponse
			}
			if len(via) >= MaxRedirects {
				return &redirectError{hops: len(via), last: req.URL.String()}
			}
			if req.URL.Scheme == "https" && opts.BeforeTLS != nil {
				opts.BeforeTLS()
			}
			if err := keepMethod(req, via[0]); err != nil {
				return err
			}
			// net/http keeps Authorization on a redirect to the same host
			// name on another port, and an API-key header everywhere: drop
			// the credentials on any change of host or port, so a token
			// never travels to a server it was not meant for.
			if credHeader != "" && req.URL.Host != via[0].URL.Host {
				req.Header.Del(credHeader)
			}
			return nil
		},
	}
}

// keepMethod makes req, the next hop of a redirect, repeat the case's
// own request, method and body: net/http turns every method but GET and
// HEAD into a GET on a 301 or 302, and the answer judged would then be
// another request's (a DELETE judged on what a GET got). RFC 9110
// §15.4.2 and §15.4.3 let a client keep the method; a 303 asks for a GET
// of its Location, and is followed as one.
func keepMethod(req, orig *http.Request) error {
	if req.Method == orig.Method || req.Response == nil || req.Response.StatusCode == http.StatusSeeOther {
		return nil
	}
	req.Method = orig.Method
	if orig.GetBody != nil {
		body, err := orig.GetBody()
		if err != nil {
			return err
		}
		req.Body, req.GetBody, req.ContentLength = body, orig.GetBody, orig.ContentLength
	}
	for _, name := range []string{"Content-Type", "Content-Encoding", "Content-Language"} {
		if v, ok := orig.Header[name]; ok {
			req.Header[name] = v
		}
	}
	return nil
}

// OutOfBandClient returns a client for requests that are not cases (an
// OAuth 2.0 token endpoint): the run's TLS settings and proxy, a timeout,
// and no redirects followed.
func OutOfBandClient(tlsConfig *tls.Config, proxy func(*http.Request) (*url.URL, error), resolver *net.Resolver, timeout time.Duration) *http.Client {
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if resolver != nil {
		transport.DialContext = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Resolver: resolver}).DialContext
	}
	if tlsConfig != nil {
		transport.TLSClientConfig = tlsConfig
	}
	if proxy != nil {
		transport.Proxy = proxy
	}
	return &http.Client{
		Transport:     transport,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// redirectError ends a redirect chain that is too long (or a loop).
type redirectError struct {
	hops int
	last string
}

func (e *redirectError) Error() string {
	return fmt.Sprintf("stopped after %d redirects (a redirect loop?); the last one pointed to %s", e.hops, e.last)
}

// WithWatcher returns a prober that shares p's connections and tells
// watch of each case as it goes.
func (p *Prober) WithWatcher(watch Watcher) *Prober {
	q := *p
	q.opts.Watch = watch
	return &q
}

// Run sends the whole plan: every ordinary case concurrently, then the
// rate-limit bursts, so that their 429s can never contaminate another
// case. It returns the exchanges by case ID. When ctx ends it stops
// sending: cases not sent, cut off, or a burst left unfinished are absent
// from the result (the judge reports them as not run).
func (p *Prober) Run(ctx context.Context, cases []plan.Case, burst BurstOptions) map[string]*Exchange {
	exchanges := p.Probe(ctx, cases)
	p.runBursts(ctx, cases, burst, exchanges)
	return exchanges
}

// Probe sends every runnable case of cases except rate-limit, at most
// Concurrency at a time, and returns the exchanges by case ID. It stops
// sending when ctx is done: cases not sent, and cases whose answer the
// stop cut off, are absent from the result (the judge reports them as
// not run).
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
			p.sent(c)
			ex := p.Send(ctx, c.ID, c.Request)
			if ex.Err != nil && ex.Err.Fault == FaultCanceled {
				return
			}
			p.answered(c, ex)
			mu.Lock()
			out[c.ID] = ex
			mu.Unlock()
		}()
	}
	wg.Wait()
	return out
}

// Send sends one request, paced by MaxRPS, and records the exchange. A
// transport failure that another attempt may cure is retried up to
// Retries times with a doubling pause; a status code is never retried.
func (p *Prober) Send(ctx context.Context, caseID string, r plan.Request) *Exchange {
	started := time.Now()
	backoff := p.opts.RetryBackoff
	for attempt := 1; ; attempt++ {
		var ex *Exchange
		if err := p.pacer.wait(ctx); err != nil {
			ex = &Exchange{CaseID: caseID, Request: RecordedRequest{Method: r.Method, URL: r.URL}, Err: stopped(ctx, r.URL)}
		} else {
			ex = p.exchange(ctx, caseID, r)
		}
		ex.Attempts = attempt
		ex.Started = started
		ex.Duration = time.Since(started)
		if ex.Err == nil || !ex.Err.retry || attempt > p.opts.Retries || !idempotent(r.Method) {
			return ex
		}
		timer := time.NewTimer(backoff)
		select {
		case <-timer.C:
		case <-ctx.Done():
			timer.Stop()
			return ex
		}
		backoff = min(2*backoff, 5*time.Second)
	}
}

// idempotent reports whether a request with method may be sent again
// after a failure in transit (RFC 9110 §9.2.2).
func idempotent(method string) bool {
	switch method {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	return false
}

// exchange sends one request once, unpaced, and records the exchange.
// Send sets its timing and attempts, which span every attempt.
func (p *Prober) exchange(ctx context.Context, caseID string, r plan.Request) *Exchange {
	ex := &Exchange{CaseID: caseID}
	ex.Request = RecordedRequest{Method: r.Method, URL: r.URL, Body: r.Body}
	req, err := p.newRequest(ctx, r)
	if err != nil {
		ex.Err = &TransportError{Fault: FaultOther, Message: err.Error(), URL: r.URL}
		var ae *authError
		if errors.As(err, &ae) {
			ex.Err.Fault, ex.Err.Message = FaultAuth, ae.Error()
		}
		return ex
	}
	ex.Request.URL = auth.Redact(p.opts.Auth, req.URL.String())
	ex.Request.Header = p.headers.share(auth.RedactHeader(p.opts.Auth, req.Header.Clone()))
	reqCtx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	resp, err := p.client.Do(req.WithContext(reqCtx))
	if err != nil {
		ex.Err = p.classify(ctx, err, r.URL)
		return ex
	}
	defer resp.Body.Close()
	body, readErr := readBody(resp.Body, resp.ContentLength, p.opts.MaxBody+1)
	header, headerBytes := capHeader(resp.Header)
	ex.Response = &Response{
		Status: resp.StatusCode, Proto: resp.Proto, Header: header, HeaderBytes: headerBytes, Body: body, Size: int64(len(body)),
	}
	switch {
	case readErr != nil:
		ex.Err = p.classify(ctx, readErr, r.URL)
		if ex.Err.Fault != FaultCanceled {
			ex.Err.Message = fmt.Sprintf("reading the body after %d bytes of a %d answer: %s", len(body), resp.StatusCode, ex.Err.Message)
		}
	case int64(len(body)) > p.opts.MaxBody:
		ex.Response.Body = ex.Response.Body[:p.opts.MaxBody]
		ex.Response.Truncated = true
		ex.Err = &TransportError{Fault: FaultBodyTooLarge, URL: r.URL,
			Message: fmt.Sprintf("the %d answer's body is larger than --max-body (%d bytes); raise --max-body to judge it", resp.StatusCode, p.opts.MaxBody)}
	}
	if ex.Err != nil && len(ex.Response.Body) > BodyExcerpt {
		// The judge reads no body of a failed exchange; keep what the
		// reports show, not up to --max-body per case until judging.
		ex.Response.Body = bytes.Clone(ex.Response.Body[:BodyExcerpt])
		ex.Response.Truncated = true
	}
	return ex
}

// BodyExcerpt is how much of a body the reports show, and so all that is
// kept of the body of a failed exchange.
const BodyExcerpt = 4096

// classify names a failure of a request sent under ctx; when ctx itself
// ended, the run stopped and the target is not at fault.
func (p *Prober) classify(ctx context.Context, err error, rawURL string) *TransportError {
	if ctx.Err() != nil {
		return stopped(ctx, rawURL)
	}
	return classify(err, rawURL, p.opts.Timeout)
}

// stopped is the failure of a request cut off because the run stopped.
func stopped(ctx context.Context, rawURL string) *TransportError {
	why := "the run was stopped"
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		why = cause.Error()
	}
	return &TransportError{Fault: FaultCanceled, URL: rawURL, Message: why + " before the answer arrived"}
}

// newRequest builds the request of r: the prober's Accept and
// User-Agent, the endpoint's own headers (which may replace Accept), the
// JSON body, and the credentials of r's variant.
func (p *Prober) newRequest(ctx context.Context, r plan.Request) (*http.Request, error) {
	var body io.Reader
	if r.Body != "" {
		body = strings.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, r.Method, r.URL, body)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json, application/problem+json;q=0.9, */*;q=0.1")
	if p.opts.UserAgent != "" {
		req.Header.Set("User-Agent", p.opts.UserAgent)
	}
	if r.Body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	for name, value := range r.Header {
		req.Header.Set(name, value)
	}
	if err := p.opts.Auth.Apply(ctx, req, r.Auth); err != nil {
		return nil, &authError{err}
	}
	return req, nil
}

// authError is a failure to obtain the credentials of a request (an
// OAuth 2.0 token endpoint that refuses): the case is inconclusive.
type authError struct{ err error }

func (e *authError) Error() string { return "the credentials could not be obtained: " + e.err.Error() }

func (e *authError) Unwrap() error { return e.err }

// TLSConfig returns the TLS settings for a CA file (PEM, trusted in
// addition to the system roots) and for --insecure; nil means defaults.
func TLSConfig(caFile string, insecure bool) (*tls.Config, error) {
	if caFile == "" && !insecure {
		return nil, nil
	}
	// InsecureSkipVerify is opt-in and announced in every report.
	cfg := &tls.Config{MinVersion: tls.VersionTLS12, InsecureSkipVerify: insecure}
	if caFile != "" {
		pem, err := words.ReadFileLimited(caFile, 4<<20)
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
// what happened at which URL, and whether another attempt may help.
func classify(err error, rawURL string, timeout time.Duration) *TransportError {
	te := &TransportError{Fault: FaultOther, URL: rawURL, Message: err.Error()}
	var (
		dnsErr   *net.DNSError
		certErr  *tls.CertificateVerificationError
		urlErr   *url.Error
		recErr   tls.RecordHeaderError
		opErr    *net.OpError
		redirErr *redirectError
	)
	inner := err
	if errors.As(err, &urlErr) {
		inner = urlErr.Err
	}
	switch {
	case errors.Is(err, context.Canceled):
		te.Fault, te.Message = FaultCanceled, "the run was stopped before the answer arrived"
	case errors.As(err, &dnsErr):
		te.Fault, te.Message = FaultDNS, fmt.Sprintf("cannot resolve host %q: %s", dnsErr.Name, dnsErr.Err)
		te.retry = !dnsErr.IsNotFound
	case errors.Is(err, context.DeadlineExceeded) || errors.Is(err, os.ErrDeadlineExceeded):
		// Not retried: a server that stalls once tends to stall again, and
		// each retry would cost another --timeout.
		te.Fault, te.Message = FaultTimeout, fmt.Sprintf("no complete answer within %s (--timeout)", timeout)
	case errors.As(err, &redirErr):
		te.Fault, te.Message = FaultRedirect, redirErr.Error()
	case errors.As(err, &opErr) && opErr.Op == "proxyconnect":
		te.Fault, te.Message, te.retry = FaultProxy, fmt.Sprintf("cannot reach the proxy %s (from HTTP_PROXY/HTTPS_PROXY): %s", netAddr(opErr), rootCause(opErr.Err)), true
	case errors.Is(err, syscall.ECONNREFUSED):
		te.Fault, te.Message, te.retry = FaultRefused, "connection refused: nothing listens at "+hostOf(rawURL), true
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || errors.Is(err, syscall.EPIPE):
		te.Fault, te.Message, te.retry = FaultReset, "the connection was closed or reset before the answer was complete", true
	case errors.As(err, &certErr):
		te.Fault, te.Message = FaultTLS, "the server's certificate is not trusted: "+certErr.Err.Error()+" (trust its CA with --ca-cert FILE)"
	case errors.As(err, &recErr):
		te.Fault, te.Message = FaultTLS, "the server did not answer TLS (is the URL http:// rather than https://?)"
	case strings.Contains(inner.Error(), "malformed HTTP response"):
		te.Fault, te.Message = FaultProtocol, "the server does not answer HTTP/1.1 (another protocol on the port, or a server that speaks HTTP/2 only): "+words.ClipLine(inner.Error(), 120)
	case strings.Contains(inner.Error(), "server response headers exceeded"):
		te.Fault, te.Message = FaultHeaders, "the answer's headers are larger than the HTTP client accepts (10 MiB): "+words.ClipLine(inner.Error(), 120)
	case malformedAnswer(inner.Error()):
		te.Fault, te.Message = FaultMalformed, "the answer breaks HTTP framing: "+words.ClipLine(inner.Error(), 120)
	case strings.Contains(inner.Error(), "tls:") || strings.Contains(inner.Error(), "x509:"):
		te.Fault, te.Message = FaultTLS, inner.Error()
	default:
		te.Message = inner.Error()
		// A network failure of another kind may pass; a malformed answer
		// or a request that cannot be sent will not (url.Error itself is
		// a net.Error, so look inside it).
		var netErr net.Error
		te.retry = errors.As(inner, &netErr)
	}
	return te
}

// netAddr is the address a failed network operation was dialling.
func netAddr(e *net.OpError) string {
	var inner *net.OpError
	switch {
	case e.Addr != nil:
		return e.Addr.String()
	case errors.As(e.Err, &inner) && inner.Addr != nil:
		return inner.Addr.String()
	}
	return "(address unknown)"
}

// rootCause is the innermost error of a chain, for messages that name the
// cause without repeating the addresses.
func rootCause(err error) string {
	for {
		next := errors.Unwrap(err)
		if next == nil {
			return err.Error()
		}
		err = next
	}
}

func hostOf(rawURL string) string {
	if u, err := url.Parse(rawURL); err == nil {
		return u.Host
	}
	return rawURL
}

// malformedAnswer reports whether a transport error says the answer broke
// HTTP's framing.
func malformedAnswer(msg string) bool {
	for _, sign := range []string{"malformed", "invalid byte in chunk", "Content-Length", "invalid header", "unsupported transfer encoding", "invalid status", "transport connection broken"} {
		if strings.Contains(msg, sign) {
			return true
		}
	}
	return false
}

func (p *Prober) sent(c *plan.Case) {
	if p.opts.Watch != nil {
		p.opts.Watch.Sent(c)
	}
}

func (p *Prober) answered(c *plan.Case, ex *Exchange) {
	if p.opts.Watch != nil {
		p.opts.Watch.Answered(c, ex)
	}
}

// readBody reads at most limit bytes of r into a buffer of the announced
// length (within the limit), instead of one doubled as it fills: a large
// body then costs its size, not up to twice it, and a small one no more
// than itself. A body of unknown length is read as it comes.
func readBody(r io.Reader, announced, limit int64) ([]byte, error) {
	if announced < 0 {
		return io.ReadAll(io.LimitReader(r, limit))
	}
	buf := make([]byte, min(announced, limit))
	n, err := io.ReadFull(r, buf)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // announced bytes that never came
	}
	return buf[:n], err
}
