// Command bench measures apiconform end to end: it serves the reference
// API on loopback with a fixed latency per answer, runs the built binary
// against it, and prints wall time as a ratio of the latency ideal
// ceil(requests / concurrency) × latency, the same suite at concurrency 1,
// the time from process start to the first request, peak memory, and how
// time and memory grow with the number of cases. `make bench` runs it.
//
// Figures are from one run on the machine at hand: compare ratios, not
// absolute times.
package main

import (
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
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
	flags := flag.NewFlagSet("bench", flag.ExitOnError)
	bin := flags.String("bin", "bin/apiconform", "the apiconform binary to measure")
	latency := flags.Duration("latency", 50*time.Millisecond, "latency of every answer")
	concurrency := flags.Int("concurrency", 4, "--concurrency of the headline suite (the default)")
	scaleConcurrency := flags.Int("scale-concurrency", 16, "--concurrency of the growth runs")
	sizes := flags.String("sizes", "10,100,1000", "case counts of the growth runs (multiples of 10)")
	target := flags.Float64("target", 1.3, "wall time ÷ ideal the headline suite must stay within")
	_ = flags.Parse(os.Args[1:])
	if err := run(*bin, *latency, *concurrency, *scaleConcurrency, *sizes, *target); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// target is the reference API on loopback, counting requests and noting
// when the first one of a run arrives.
type target struct {
	base     string
	requests atomic.Int64
	mu       sync.Mutex
	first    time.Time
}

func (t *target) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if t.requests.Add(1) == 1 {
			t.mu.Lock()
			t.first = time.Now()
			t.mu.Unlock()
		}
		h.ServeHTTP(w, r)
	})
}

func (t *target) reset() {
	t.requests.Store(0)
	t.mu.Lock()
	t.first = time.Time{}
	t.mu.Unlock()
}

// measurement is one run of the binary.
type measurement struct {
	cases, requests int
	wall, toFirst   time.Duration
	maxRSS          int64 // bytes
	ideal           time.Duration
}

func (m measurement) ratio() float64 { return float64(m.wall) / float64(m.ideal) }

func run(bin string, latency time.Duration, concurrency, scaleConcurrency int, sizeList string, goal float64) error {
	if _, err := os.Stat(bin); err != nil {
		return fmt.Errorf("%s: build it first (make build)", bin)
	}
	api := fixtures.New(fixtures.Options{Latency: latency, MaxIDs: 50})
	faults := fixtures.NewFaults(api)
	faults.HugeBody = 2 << 20
	tgt := &target{}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	srv := &http.Server{Handler: tgt.wrap(faults), ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	root := "http://" + ln.Addr().String()
	tgt.base = root + "/lenient"
	work, err := os.MkdirTemp("", "apiconform-bench")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)

	fmt.Printf("apiconform bench: reference API on loopback, %s latency per answer\n\n", latency)

	suite := []string{"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc",
		"--max-ids", "50", "--wrong-method", "DELETE"}
	head, err := measure(bin, tgt, work, latency, concurrency, suite, reports.VerdictPass)
	if err != nil {
		return err
	}
	serial, err := measure(bin, tgt, work, latency, 1, suite, reports.VerdictPass)
	if err != nil {
		return err
	}
	verdict := "within"
	if head.ratio() > goal {
		verdict = "NOT within"
	}
	fmt.Printf("suite: 1 endpoint, %d cases, %d requests\n", head.cases, head.requests)
	fmt.Printf("  --concurrency %-3d wall %-8s ideal ceil(%d/%d)×%s = %-8s ratio %.2f× (%s the %.1f× target)\n",
		concurrency, round(head.wall), head.requests, concurrency, latency, head.ideal, head.ratio(), verdict, goal)
	fmt.Printf("  --concurrency 1   wall %-8s ideal %d×%s = %-8s ratio %.2f×; --concurrency %d is %.1f× faster\n",
		round(serial.wall), serial.requests, latency, serial.ideal, serial.ratio(), concurrency, float64(serial.wall)/float64(head.wall))
	fmt.Printf("  process start to first request: %s\n", round(head.toFirst))
	fmt.Printf("  peak memory (max RSS): %s\n\n", mib(head.maxRSS))

	fmt.Printf("growth: N endpoints × 10 id-set cases, --concurrency %d\n", scaleConcurrency)
	fmt.Printf("  %6s %9s %10s %10s %7s %10s %13s\n", "cases", "requests", "wall", "ideal", "ratio", "max RSS", "RSS per case")
	var rows []measurement
	for _, s := range strings.Split(sizeList, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 10 || n%10 != 0 {
			return fmt.Errorf("--sizes %q: case counts are multiples of 10", sizeList)
		}
		cfg, err := writeConfig(work, n/10)
		if err != nil {
			return err
		}
		m, err := measure(bin, tgt, work, latency, scaleConcurrency, []string{"--config", cfg, "--label-filter", "id-set"}, reports.VerdictPass)
		if err != nil {
			return err
		}
		perCase := "-"
		if len(rows) > 0 {
			prev := rows[len(rows)-1]
			perCase = kib(float64(m.maxRSS-prev.maxRSS) / float64(m.cases-prev.cases))
		}
		rows = append(rows, m)
		fmt.Printf("  %6d %9d %10s %10s %6.2f× %10s %13s\n", m.cases, m.requests, round(m.wall), m.ideal, m.ratio(), mib(m.maxRSS), perCase)
	}
	if len(rows) > 1 {
		first, last := rows[0], rows[len(rows)-1]
		fmt.Printf("  %d× the cases: %.1f× the wall time (ideal %.1f×), %.2f× the memory\n",
			last.cases/first.cases, float64(last.wall)/float64(first.wall), float64(last.ideal)/float64(first.ideal), float64(last.maxRSS)/float64(first.maxRSS))
	}
	fmt.Println("  (RSS per case: the growth in max RSS from the row above, divided by the added cases.)")

	// Large bodies: every answer is 2 MiB. Over --max-body each case is an
	// error that keeps a 4 KiB excerpt; under it the body is held whole
	// until judged, so memory per case is bounded by --max-body.
	fmt.Printf("\nlarge bodies: every answer 2 MiB of JSON, --concurrency %d\n", scaleConcurrency)
	fmt.Printf("  %-48s %6s %10s %13s\n", "", "cases", "max RSS", "RSS per case")
	tgt.base = root + "/huge-body/lenient"
	for _, row := range []struct {
		title   string
		maxBody string
		want    reports.Verdict
		sizes   []int
	}{
		{"--max-body 1 MiB (default): errors, 4 KiB kept", "1048576", reports.VerdictInconclusive, []int{10, 100}},
		{"--max-body 4 MiB: judged, the body held", "4194304", reports.VerdictFail, []int{10, 100}},
	} {
		var prev measurement
		for i, n := range row.sizes {
			cfg, err := writeConfig(work, n/10)
			if err != nil {
				return err
			}
			m, err := measure(bin, tgt, work, latency, scaleConcurrency, []string{"--config", cfg, "--label-filter", "id-set", "--max-body", row.maxBody, "--timeout", "30s"}, row.want)
			if err != nil {
				return err
			}
			perCase := "-"
			if i > 0 {
				perCase = kib(float64(m.maxRSS-prev.maxRSS) / float64(m.cases-prev.cases))
			}
			fmt.Printf("  %-48s %6d %10s %13s\n", row.title, m.cases, mib(m.maxRSS), perCase)
			row.title, prev = "", m
		}
	}
	if head.ratio() > goal {
		return fmt.Errorf("the suite took %.2f× the latency ideal, more than %.1f×", head.ratio(), goal)
	}
	return nil
}

// measure runs the binary once and reads back its results.json.
func measure(bin string, tgt *target, work string, latency time.Duration, concurrency int, args []string, want reports.Verdict) (measurement, error) {
	dir := filepath.Join(work, fmt.Sprintf("run-%d", time.Now().UnixNano()))
	full := append([]string{"run", "--base-url", tgt.base, "--profile", "lenient",
		"--concurrency", strconv.Itoa(concurrency), "--report-dir", dir}, args...)
	tgt.reset()
	cmd := exec.Command(bin, full...)
	var stderr strings.Builder
	cmd.Stderr = &stderr
	started := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	err := cmd.Wait()
	wall := time.Since(started)
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return measurement{}, err
	}
	run, rerr := reports.ReadJSON(filepath.Join(dir, reports.ResultsFile))
	if rerr != nil {
		return measurement{}, fmt.Errorf("%v (stderr: %s)", rerr, stderr.String())
	}
	if run.Verdict != want {
		return measurement{}, fmt.Errorf("verdict %s, want %s: %+v", run.Verdict, want, run.Counts)
	}
	k := run.Counts
	m := measurement{cases: k.Pass + k.Fail + k.Error, requests: int(tgt.requests.Load()), wall: wall}
	tgt.mu.Lock()
	m.toFirst = tgt.first.Sub(started)
	tgt.mu.Unlock()
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		m.maxRSS = ru.Maxrss * 1024 // kilobytes on Linux
	}
	m.ideal = time.Duration(math.Ceil(float64(m.requests)/float64(concurrency))) * latency
	return m, nil
}

// writeConfig writes a config file with n copies of the items endpoint.
func writeConfig(dir string, n int) (string, error) {
	var b strings.Builder
	b.WriteString("endpoints:\n")
	for i := range n {
		fmt.Fprintf(&b, "  - {name: items%04d, path: /items, found: [2, 3], missing: [1, 999], malformed: [abc], max_ids: 50}\n", i)
	}
	path := filepath.Join(dir, fmt.Sprintf("endpoints-%d.yaml", n))
	return path, os.WriteFile(path, []byte(b.String()), 0o644)
}

func round(d time.Duration) time.Duration { return d.Round(time.Millisecond) }

func mib(b int64) string { return fmt.Sprintf("%.1f MiB", float64(b)/(1<<20)) }

func kib(b float64) string { return fmt.Sprintf("%.1f KiB", b/1024) }
