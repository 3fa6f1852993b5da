package runner

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// openTerminal opens a pseudo-terminal of 100 columns: what the program
// writes to tty is read from the returned buffer, as a user would see it.
func openTerminal(t *testing.T) (tty *os.File, screen func() string) {
	t.Helper()
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { master.Close() })
	if err := unix.IoctlSetPointerInt(int(master.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(master.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	tty, err = os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { tty.Close() })
	if err := unix.IoctlSetWinsize(int(tty.Fd()), unix.TIOCSWINSZ, &unix.Winsize{Row: 24, Col: 100}); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var buf bytes.Buffer
	go func() {
		chunk := make([]byte, 4096)
		for {
			n, err := master.Read(chunk)
			mu.Lock()
			buf.Write(chunk[:n])
			mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	return tty, func() string {
		mu.Lock()
		defer mu.Unlock()
		return buf.String()
	}
}

// runOnTerminal runs the binary with stderr (and stdout, when onStdout)
// on a pseudo-terminal; the other stream goes to a buffer.
func runOnTerminal(t *testing.T, env []string, onStdout bool, args ...string) (terminal, other string) {
	t.Helper()
	tty, screen := openTerminal(t)
	var piped bytes.Buffer
	cmd := exec.Command(apiconformBinary(t), args...)
	cmd.Env = append(withoutColorVariables(os.Environ()), env...)
	cmd.Stdout, cmd.Stderr = tty, &piped
	if !onStdout {
		cmd.Stdout, cmd.Stderr = &piped, tty
	}
	if err := cmd.Run(); err != nil {
		if _, exited := err.(*exec.ExitError); !exited {
			t.Fatal(err)
		}
	}
	// The terminal's reader may still be draining: wait for the run's
	// last words (bounded, not timed: a slow machine only waits longer).
	for i := 0; i < 200 && !strings.Contains(screen(), lastWords(onStdout)); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	return screen(), piped.String()
}

func lastWords(onStdout bool) string {
	if onStdout {
		return "skipped in"
	}
	return "\x1b[K"
}

func withoutColorVariables(environ []string) []string {
	var out []string
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if name != "NO_COLOR" && name != "FORCE_COLOR" && name != "TERM" && !strings.HasPrefix(name, "APICONFORM_") {
			out = append(out, kv)
		}
	}
	return append(out, "TERM=xterm")
}

func slowReferenceAPI(t *testing.T, latency time.Duration) string {
	t.Helper()
	_, base := referenceAPI(t, fixtures.Options{Latency: latency})
	return base + "/strict"
}

func TestProgressOnATerminalIsOneLiveLineThatLeavesACleanScreen(t *testing.T) {
	base := slowReferenceAPI(t, 700*time.Millisecond)
	screen, stdout := runOnTerminal(t, nil, false, "run", "--base-url", base, "--path", "/items", "--found", "2,3", "--missing", "999",
		"--concurrency", "2", "--report-dir", t.TempDir())
	// Drawn before the first answer came, so within the first request's time.
	first := regexp.MustCompile(`\r\x1b\[Kprobing: 0 of 8 cases answered, \d in flight · items 0/8 · [0-9.]+m?s`)
	if !first.MatchString(screen) {
		t.Fatalf("no live line before the first answer; the terminal showed:\n%q", screen)
	}
	if !strings.Contains(screen, "probing: 4 of 8 cases answered") {
		t.Errorf("the live line was not redrawn as answers came; the terminal showed:\n%q", screen)
	}
	if !strings.HasSuffix(screen, "\r\x1b[K") {
		t.Errorf("the live line was left on the screen; it ends with %q", tail(screen, 120))
	}
	if strings.Contains(screen, "\n") {
		t.Errorf("the progress scrolled the terminal instead of redrawing one line:\n%q", screen)
	}
	if !strings.Contains(stdout, "PASS  8 passed") {
		t.Errorf("the console summary is missing:\n%s", stdout)
	}
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[len(s)-n:]
}

func TestConsoleColourFollowsTheTerminalNoColorForceColorAndTheFlag(t *testing.T) {
	base := slowReferenceAPI(t, 0)
	args := []string{"run", "--base-url", base, "--path", "/items", "--found", "2,3", "--missing", "999"}
	colour := "\x1b[32mpass\x1b[0m"
	cases := []struct {
		name       string
		env        []string
		flags      []string
		onTerminal bool
		want       bool
	}{
		{"a terminal is coloured", nil, nil, true, true},
		{"NO_COLOR turns it off", []string{"NO_COLOR=1"}, nil, true, false},
		{"TERM=dumb turns it off", []string{"TERM=dumb"}, nil, true, false},
		{"--color never turns it off", nil, []string{"--color", "never"}, true, false},
		{"a pipe is not coloured", nil, nil, false, false},
		{"FORCE_COLOR colours a pipe", []string{"FORCE_COLOR=1"}, nil, false, true},
		{"FORCE_COLOR=0 does not", []string{"FORCE_COLOR=0"}, nil, false, false},
		{"--color always colours a pipe", []string{"NO_COLOR=1"}, []string{"--color", "always"}, false, true},
		{"--color never beats FORCE_COLOR", []string{"FORCE_COLOR=1"}, []string{"--color=never"}, false, false},
		{"APICONFORM_COLOR=always", []string{"APICONFORM_COLOR=always"}, nil, false, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			all := append(append(append([]string{}, args...), tc.flags...), "--report-dir", t.TempDir())
			terminal, piped := runOnTerminal(t, tc.env, tc.onTerminal, all...)
			console := piped
			if tc.onTerminal {
				console = terminal
			}
			if got := strings.Contains(console, colour); got != tc.want {
				t.Errorf("coloured = %v, want %v; the console was:\n%q", got, tc.want, console)
			}
		})
	}
}

func TestColorFlagRefusesOtherValues(t *testing.T) {
	res := runMain(t, nil, "run", "--base-url", "http://127.0.0.1:1", "--path", "/items", "--found", "1", "--color", "yes")
	if res.code != ExitUsage || !strings.Contains(res.stderr, `--color "yes": must be auto, always or never`) {
		t.Fatalf("exit %d, stderr %q", res.code, res.stderr)
	}
}

func TestProgressWithoutATerminalLogsALineAtLeastEveryPeriodAndEachEndpointDone(t *testing.T) {
	var out syncBuffer
	p := plan.Plan{Cases: []plan.Case{
		{ID: "a/found", Endpoint: &plan.Endpoint{Name: "a"}},
		{ID: "b/found", Endpoint: &plan.Endpoint{Name: "b"}},
		{ID: "b/none", Endpoint: &plan.Endpoint{Name: "b"}},
	}}
	w := newWatch(Env{Stderr: &out}, 0, reports.NewRedactor(nil, nil), p)
	w.every = 5 * time.Millisecond
	w.Start()
	ex := &probe.Exchange{Response: &probe.Response{Status: 200}}
	w.Sent(&p.Cases[0])
	w.Answered(&p.Cases[0], ex)
	w.Sent(&p.Cases[1])
	for i := 0; i < 500 && strings.Count(out.String(), "probing: 1 of 3") < 2; i++ {
		time.Sleep(5 * time.Millisecond)
	}
	w.Answered(&p.Cases[1], ex)
	w.Answered(&p.Cases[2], ex)
	w.Stop()
	log := out.String()
	for _, want := range []string{
		"apiconform: probing: 3 cases on 2 endpoints\n",
		"apiconform: a: 1 case answered (",
		"apiconform: probing: 1 of 3 cases answered, 1 in flight · b 0/2 · ",
		"apiconform: b: 2 cases answered (",
	} {
		if !strings.Contains(log, want) {
			t.Errorf("the log lacks %q:\n%s", want, log)
		}
	}
	if strings.Contains(log, "\r") || strings.Contains(log, "\x1b") {
		t.Errorf("a log that is not a terminal got terminal controls:\n%q", log)
	}
}

func TestVerboseShowsEachExchangeRedactedAndBodiesOnlyWithTwo(t *testing.T) {
	_, base := referenceAPI(t, withAuth(fixtures.Options{}))
	args := []string{"run", "--base-url", base + "/strict", "--path", "/items", "--found", "2,3", "--missing", "999",
		"--token-env", testTokenEnv, "--label-filter", "case:partial"}
	one := runMain(t, nil, append(args, "-v")...)
	for _, want := range []string{
		"* items/partial\n> GET " + base + "/strict/items?id=",
		"> Authorization: Bearer ${" + testTokenEnv + "}\n",
		"< 404 Not Found (",
		"< Content-Type: application/problem+json\n",
	} {
		if !strings.Contains(one.stderr, want) {
			t.Errorf("-v lacks %q:\n%s", want, one.stderr)
		}
	}
	if strings.Contains(one.stderr, testToken) {
		t.Errorf("-v printed the token:\n%s", one.stderr)
	}
	if strings.Contains(one.stderr, `"missing_ids"`) || strings.Contains(one.stderr, "Ran 1 of") || strings.Contains(one.stderr, ".go:") {
		t.Errorf("-v printed a body or the judge's own report:\n%s", one.stderr)
	}
	two := runMain(t, nil, append(args, "-vv")...)
	if !strings.Contains(two.stderr, "<\n{") || !strings.Contains(two.stderr, `"missing_ids"`) {
		t.Errorf("-vv lacks the body excerpt:\n%s", two.stderr)
	}
}

func TestVerboseRedactsSessionCookiesAndEchoedTokens(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Set-Cookie", "session=s3ss10n-value-0123456789; Path=/")
		w.Header().Set("X-Echo", r.Header.Get("Authorization"))
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprintf(w, `{"data":[],"echo":%q}`, r.Header.Get("Authorization"))
	}))
	t.Cleanup(srv.Close)
	res := runMain(t, nil, "run", "--base-url", srv.URL, "--path", "/items", "--found", "2,3", "--token-env", testTokenEnv,
		"--label-filter", "case:found", "-vv")
	for _, leak := range []string{testToken, "s3ss10n-value-0123456789"} {
		if strings.Contains(res.stderr, leak) {
			t.Errorf("-vv printed a secret %q:\n%s", leak, res.stderr)
		}
	}
	if !strings.Contains(res.stderr, "< Set-Cookie: [redacted]") {
		t.Errorf("-vv did not redact Set-Cookie:\n%s", res.stderr)
	}
}

// syncBuffer is a bytes.Buffer safe for the watch's goroutine and the test.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
