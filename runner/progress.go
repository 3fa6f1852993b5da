package runner

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/apiconform/apiconform/suites/words"
)

// The pace of the progress report: a terminal's line is redrawn often;
// a CI log gets a line at least every logEvery, so that a job killed for
// silence never is.
const (
	redrawEvery = 200 * time.Millisecond
	logEvery    = 10 * time.Second
)

// watch reports the probe as it goes, on stderr: a live line on a
// terminal (cleared at the end), a line every logEvery and one per
// endpoint as it completes otherwise, and with -v each exchange as it
// happens (-vv with the body excerpts). It is a probe.Watcher.
type watch struct {
	mu       sync.Mutex
	out      io.Writer
	tty      bool
	width    int
	every    time.Duration // how often the line is redrawn or logged
	verbose  int
	redact   *reports.Redactor
	started  time.Time
	total    int
	sent     int
	answered int
	byEP     map[string]*endpointCount
	order    []string
	drawn    bool
	stop     chan struct{}
	stopped  sync.WaitGroup
}

type endpointCount struct{ total, answered int }

// newWatch counts the cases of p that will be sent.
func newWatch(env Env, verbose int, redact *reports.Redactor, p plan.Plan) *watch {
	w := &watch{out: env.Stderr, tty: env.StderrTerminal, width: env.StderrWidth, verbose: verbose, redact: redact, started: time.Now(), byEP: map[string]*endpointCount{}, stop: make(chan struct{})}
	for _, c := range p.Cases {
		if c.Skipped() {
			continue
		}
		name := c.Endpoint.Name
		if w.byEP[name] == nil {
			w.byEP[name] = &endpointCount{}
			w.order = append(w.order, name)
		}
		w.byEP[name].total++
		w.total++
	}
	w.every = logEvery
	if w.tty {
		w.every = redrawEvery
	}
	return w
}

// Start begins the periodic report.
func (w *watch) Start() {
	every := w.every
	w.mu.Lock()
	if w.tty {
		w.report()
	} else {
		fmt.Fprintf(w.out, "apiconform: probing: %s on %s\n", words.Count(w.total, "case"), words.Count(len(w.order), "endpoint"))
	}
	w.mu.Unlock()
	w.stopped.Add(1)
	go func() {
		defer w.stopped.Done()
		ticker := time.NewTicker(every)
		defer ticker.Stop()
		for {
			select {
			case <-w.stop:
				return
			case <-ticker.C:
				w.mu.Lock()
				w.report()
				w.mu.Unlock()
			}
		}
	}()
}

// Stop ends the report and leaves a clean screen.
func (w *watch) Stop() {
	close(w.stop)
	w.stopped.Wait()
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clear()
}

// Sent counts a case as sent.
func (w *watch) Sent(*plan.Case) {
	w.mu.Lock()
	w.sent++
	w.mu.Unlock()
}

// Answered counts a case as answered, prints its exchange with -v, and
// says so when its endpoint is complete (without a terminal).
func (w *watch) Answered(c *plan.Case, ex *probe.Exchange) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.answered++
	if w.verbose > 0 {
		w.clear()
		fmt.Fprint(w.out, exchangeLines(c, ex, w.redact, w.verbose > 1))
	}
	if e := w.byEP[c.Endpoint.Name]; e != nil {
		e.answered++
		if e.answered == e.total && !w.tty {
			fmt.Fprintf(w.out, "apiconform: %s: %s answered (%s)\n", c.Endpoint.Name, words.Count(e.total, "case"), w.elapsed())
		}
	}
}

// report draws the live line, or logs the progress line.
func (w *watch) report() {
	line := fmt.Sprintf("probing: %d of %d cases answered, %d in flight", w.answered, w.total, w.sent-w.answered)
	var parts []string
	for _, name := range w.order {
		if e := w.byEP[name]; e.answered < e.total {
			parts = append(parts, fmt.Sprintf("%s %d/%d", name, e.answered, e.total))
		}
	}
	if len(parts) > 0 {
		line += " · " + strings.Join(parts, " · ")
	}
	line += " · " + w.elapsed()
	if !w.tty {
		fmt.Fprintf(w.out, "apiconform: %s\n", line)
		return
	}
	width := w.width
	if width <= 0 {
		width = 80
	}
	// One column short of the width: a full line would wrap on some
	// terminals, and \r would no longer return to its start.
	fmt.Fprintf(w.out, "\r\x1b[K%s", words.Clip(line, width-1))
	w.drawn = true
}

// clear removes the live line from a terminal.
func (w *watch) clear() {
	if w.drawn {
		fmt.Fprint(w.out, "\r\x1b[K")
		w.drawn = false
	}
}

func (w *watch) elapsed() string { return time.Since(w.started).Round(100 * time.Millisecond).String() }

// exchangeLines writes one exchange as curl -v does, redacted: the
// request line and headers, then the status and headers (and, with
// bodies, the excerpts).
func exchangeLines(c *plan.Case, ex *probe.Exchange, redact *reports.Redactor, bodies bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "* %s\n> %s %s\n", c.ID, ex.Request.Method, redact.URL(ex.Request.URL))
	writeHeaders(&b, ">", ex.Request.Header, redact)
	if bodies && ex.Request.Body != "" {
		fmt.Fprintf(&b, ">\n%s\n", redact.String(words.Clip(ex.Request.Body, bodyExcerpt)))
	}
	switch {
	case ex.Err != nil:
		fmt.Fprintf(&b, "! %s: %s (%s)\n", ex.Err.Fault, redact.String(ex.Err.Message), ex.Duration.Round(time.Millisecond))
	case ex.Response != nil:
		fmt.Fprintf(&b, "< %d %s (%s)\n", ex.Response.Status, http.StatusText(ex.Response.Status), ex.Duration.Round(time.Millisecond))
		writeHeaders(&b, "<", ex.Response.Header, redact)
		if bodies && len(ex.Response.Body) > 0 {
			fmt.Fprintf(&b, "<\n%s\n", redact.String(words.Clip(string(ex.Response.Body), bodyExcerpt)))
		}
	}
	return b.String()
}

// bodyExcerpt is how much of a body -vv prints.
const bodyExcerpt = 1024

func writeHeaders(b *strings.Builder, mark string, h http.Header, redact *reports.Redactor) {
	m := make(map[string]string, len(h))
	for name, values := range h {
		m[name] = strings.Join(values, ", ")
	}
	redact.Headers(m)
	for _, name := range reports.SortedHeaderNames(m) {
		fmt.Fprintf(b, "%s %s: %s\n", mark, name, words.Clip(m[name], 200))
	}
}
