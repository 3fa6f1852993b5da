// Command bench measures apiconform end to end: it serves the reference
// API on loopback with a fixed latency per answer, runs the built binary
// against it and prints, in one run:
//
//   - wall time ÷ the latency ideal ceil(requests / concurrency) × latency
//     for one endpoint at --concurrency 4 and 16 (the median of a few
//     runs: they are short, and noise is a large part of them);
//   - 500 endpoints with the rate-limit burst off and on (one scope), the
//     burst-on run against the burst-off run plus one burst;
//   - peak memory (max RSS) for 8,000 cases, per case; for ten 10 MB
//     bodies and for ten answers with the largest headers Go's client
//     accepts, above the same run without them;
//   - the fixed start cost (process start to the first request) and the
//     CPU time per case outside the network.
//
// `make bench` runs it. Figures are from one run on the machine at hand:
// compare ratios, not absolute times.
package main

import (
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
)

func main() {
	if os.Getenv(launcherEnv) != "" {
		launch(os.Args[1:])
		return
	}
	flags := flag.NewFlagSet("bench", flag.ExitOnError)
	bin := flags.String("bin", "bin/apiconform", "the apiconform binary to measure")
	latency := flags.Duration("latency", 50*time.Millisecond, "latency of every answer")
	endpoints := flags.Int("endpoints", 500, "endpoints of the scale runs")
	memoryCases := flags.Int("memory-cases", 8000, "cases of the memory run (a multiple of 10)")
	only := flags.String("only", "", "run only these steps, comma-separated: one, scale, memory, big")
	_ = flags.Parse(os.Args[1:])
	b, err := newBench(*bin, *latency)
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
	defer b.close()
	fmt.Printf("apiconform bench: reference API on loopback, %s latency per answer\n", *latency)
	steps := []struct {
		name string
		run  func() error
	}{
		{"one", b.oneEndpoint},
		{"scale", func() error { return b.scale(*endpoints) }},
		{"memory", func() error { return b.memory(*memoryCases) }},
		{"big", b.bigAnswers},
	}
	for _, step := range steps {
		if *only != "" && !slices.Contains(strings.Split(*only, ","), step.name) {
			continue
		}
		if err := step.run(); err != nil {
			fmt.Fprintln(os.Stderr, "bench:", err)
			os.Exit(1)
		}
	}
}

// bench is the target on loopback and where the runs write.
type bench struct {
	bin      string
	latency  time.Duration
	root     string // the server's base URL
	work     string
	srv      *http.Server
	requests atomic.Int64
	mu       sync.Mutex
	first    time.Time
}

// limitedQuery marks the requests the bench's own rate limiter guards:
// the one endpoint that names it, so that the burst meets a limiter and
// the other endpoints' cases never do.
const limitedQuery = "bench-limited=1"

func newBench(bin string, latency time.Duration) (*bench, error) {
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("%s: build it first (make build)", bin)
	}
	api := fixtures.New(fixtures.Options{Latency: latency, MaxIDs: 50})
	faults := fixtures.NewFaults(api)
	faults.HugeBody = 10 << 20
	b := &bench{bin: bin, latency: latency}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.srv = &http.Server{Handler: b.count(limited(hugeHeaders(faults))), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = b.srv.Serve(ln) }()
	b.root = "http://" + ln.Addr().String()
	if b.work, err = os.MkdirTemp("", "apiconform-bench"); err != nil {
		return nil, err
	}
	return b, nil
}

func (b *bench) close() {
	b.srv.Close()
	os.RemoveAll(b.work)
}

// count counts requests and notes when the first of a run arrives.
func (b *bench) count(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if b.requests.Add(1) == 1 {
			b.mu.Lock()
			b.first = time.Now()
			b.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

// limited answers 429 (Retry-After: 1) to the requests of limitedQuery
// beyond 40 in a second.
func limited(h http.Handler) http.Handler {
	var mu sync.Mutex
	var window time.Time
	n := 0
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.Contains(r.URL.RawQuery, limitedQuery) {
			mu.Lock()
			if time.Since(window) > time.Second {
				window, n = time.Now(), 0
			}
			n++
			over := n > 40
			mu.Unlock()
			if over {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
		}
		h.ServeHTTP(w, r)
	})
}

// hugeHeaders serves /huge-headers/{rest} as /{rest} with response
// headers just under what Go's client accepts (10 MB).
func hugeHeaders(h http.Handler) http.Handler {
	value := strings.Repeat("h", 60<<10)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rest, ok := strings.CutPrefix(r.URL.Path, "/huge-headers")
		if !ok {
			h.ServeHTTP(w, r)
			return
		}
		for i := range 160 { // 160 × 60 KiB: 9.4 MiB
			w.Header().Set(fmt.Sprintf("X-Bulk-%03d", i), value)
		}
		r2 := r.Clone(r.Context())
		r2.URL.Path = rest
		h.ServeHTTP(w, r2)
	})
}

// launcherEnv makes the bench binary a launcher: it runs its arguments
// as a command and prints the command's peak memory and CPU time. The
// bench measures through it because a child's max RSS starts at its
// parent's size when it is forked, and the bench itself is large (the
// reference API, every results.json read back); the launcher is small.
const launcherEnv = "APICONFORM_BENCH_LAUNCHER"

// launch runs args[0] with args[1:], reaps it with wait4 for its own
// rusage, and prints "maxrss BYTES cpu NANOSECONDS started UNIXNANO wall
// NANOSECONDS".
func launch(args []string) {
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = os.Environ()
	cmd.Stderr = os.Stderr
	started := time.Now()
	if err := cmd.Start(); err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		os.Exit(1)
	}
	var status syscall.WaitStatus
	var ru syscall.Rusage
	if _, err := syscall.Wait4(cmd.Process.Pid, &status, 0, &ru); err != nil {
		fmt.Fprintln(os.Stderr, "launcher:", err)
		os.Exit(1)
	}
	fmt.Printf("maxrss %d cpu %d started %d wall %d\n", ru.Maxrss*1024, ru.Utime.Nano()+ru.Stime.Nano(), started.UnixNano(), time.Since(started).Nanoseconds())
}

// measurement is one run of the binary.
type measurement struct {
	run      *reports.Run
	requests int
	wall     time.Duration
	toFirst  time.Duration
	maxRSS   int64         // bytes
	cpu      time.Duration // user + system
	ideal    time.Duration
}

func (m measurement) ratio() float64 { return float64(m.wall) / float64(m.ideal) }

func (m measurement) cases() int {
	k := m.run.Counts
	return k.Pass + k.Fail + k.Error
}

// measure runs the binary once with args (after `run`) and reads back
// its results.json; the verdict must be want.
func (b *bench) measure(concurrency int, want reports.Verdict, args ...string) (measurement, error) {
	dir := filepath.Join(b.work, fmt.Sprintf("run-%d", time.Now().UnixNano()))
	full := append([]string{"run", "--profile", "lenient", "--concurrency", strconv.Itoa(concurrency), "--report-dir", dir}, args...)
	b.requests.Store(0)
	b.mu.Lock()
	b.first = time.Time{}
	b.mu.Unlock()
	self, err := os.Executable()
	if err != nil {
		return measurement{}, err
	}
	cmd := exec.Command(self, append([]string{b.bin}, full...)...)
	cmd.Env = append(os.Environ(), launcherEnv+"=1")
	var stdout, stderr strings.Builder
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	_ = cmd.Run() // the verdict is read from results.json
	var rss, cpuNS, startNS, wallNS int64
	if _, err := fmt.Sscanf(stdout.String(), "maxrss %d cpu %d started %d wall %d", &rss, &cpuNS, &startNS, &wallNS); err != nil {
		return measurement{}, fmt.Errorf("the launcher said %q: %v (stderr: %s)", stdout.String(), err, stderr.String())
	}
	run, rerr := reports.ReadJSON(filepath.Join(dir, reports.ResultsFile))
	if rerr != nil {
		return measurement{}, fmt.Errorf("%v (stderr: %s)", rerr, stderr.String())
	}
	if run.Verdict != want {
		return measurement{}, fmt.Errorf("%v: verdict %s, want %s: %+v", args, run.Verdict, want, run.Counts)
	}
	m := measurement{run: run, requests: int(b.requests.Load()), wall: time.Duration(wallNS)}
	b.mu.Lock()
	m.toFirst = b.first.Sub(time.Unix(0, startNS)) // from the start of the process itself
	b.mu.Unlock()
	m.maxRSS, m.cpu = rss, time.Duration(cpuNS)
	m.ideal = time.Duration(math.Ceil(float64(m.requests)/float64(concurrency))) * b.latency
	os.RemoveAll(dir)
	return m, nil
}

// writeConfig writes a config of n copies of the items endpoint under
// prefix; the first, when limitFirst, is the one the limiter guards.
func (b *bench) writeConfig(n int, prefix string, limitFirst bool) (string, error) {
	var s strings.Builder
	fmt.Fprintf(&s, "base_url: %s%s\nendpoints:\n", b.root, prefix)
	for i := range n {
		query := ""
		if i == 0 && limitFirst {
			query = ", query: {bench-limited: \"1\"}"
		}
		fmt.Fprintf(&s, "  - {name: items%04d, path: /items, found: [2, 3], missing: [1, 999], malformed: [abc], max_ids: 50%s}\n", i, query)
	}
	path := filepath.Join(b.work, fmt.Sprintf("endpoints-%d-%d.yaml", n, time.Now().UnixNano()))
	return path, os.WriteFile(path, []byte(s.String()), 0o644)
}

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func mib(v int64) string { return fmt.Sprintf("%.1f MiB", float64(v)/(1<<20)) }

func kib(v float64) string { return fmt.Sprintf("%.1f KiB", v/1024) }

// within says how a figure compares with its goal.
func within(got, goal float64) string {
	if got <= goal {
		return "within"
	}
	return "NOT within"
}
