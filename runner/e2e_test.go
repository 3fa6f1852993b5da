package runner

import (
	"bufio"
	"encoding/xml"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
)

// apiconformBinary builds the command once per test process.
func apiconformBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		dir, err := os.MkdirTemp("", "apiconform-bin-")
		if err != nil {
			binaryErr = err
			return
		}
		binaryPath = filepath.Join(dir, "apiconform")
		_, file, _, _ := runtime.Caller(0)
		cmd := exec.Command("go", "build", "-o", binaryPath, ".")
		cmd.Dir = filepath.Dir(filepath.Dir(file))
		if out, err := cmd.CombinedOutput(); err != nil {
			binaryErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatal(binaryErr)
	}
	return binaryPath
}

// serveFixtures starts `apiconform fixtures` on a free loopback port and
// returns its base URL, read from the line it prints.
func serveFixtures(t *testing.T, bin string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, append([]string{"fixtures", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Env = append(os.Environ(), testTokenEnv+"="+testToken, testForbiddenEnv+"="+testForbiddenToken)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
		}
	})
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		t.Fatalf("apiconform fixtures printed nothing: %v", err)
	}
	go func() { _, _ = bufio.NewReader(stdout).WriteTo(discard{}) }()
	m := regexp.MustCompile(`on (http://127\.0\.0\.1:\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("no address in %q", line)
	}
	return m[1]
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// runBinary runs the built command and returns its exit code and output.
func runBinary(t *testing.T, bin string, args ...string) (int, string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), testTokenEnv+"="+testToken, testForbiddenEnv+"="+testForbiddenToken, "NO_COLOR=1")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case err == nil:
		return 0, string(out)
	case errors.As(err, &exit):
		return exit.ExitCode(), string(out)
	}
	t.Fatalf("running %v: %v", args, err)
	return -1, ""
}

// TestBuiltBinaryEndToEnd runs the built binary against `apiconform
// fixtures` in another process and checks exit codes, and that junit.xml
// and results.json parse and agree with each other.
func TestBuiltBinaryEndToEnd(t *testing.T) {
	bin := apiconformBinary(t)
	base := serveFixtures(t, bin, "--token-env", testTokenEnv, "--forbidden-token-env", testForbiddenEnv,
		"--max-ids", "5", "--rate-limit", "25")
	common := func(prefix, dir string) []string {
		return []string{"run", "--base-url", base + "/" + prefix, "--profile", "lenient",
			"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc", "--max-ids", "5",
			"--token-env", testTokenEnv, "--forbidden-token-env", testForbiddenEnv, "--wrong-method", "DELETE",
			"--rate-limit-burst", "40", "--retry-after-max", "3s", "--report-dir", dir}
	}

	for _, tc := range []struct {
		prefix string
		code   int
	}{{"lenient", ExitPass}, {"always-200", ExitFail}} {
		t.Run(tc.prefix, func(t *testing.T) {
			dir := t.TempDir()
			code, out := runBinary(t, bin, common(tc.prefix, dir)...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\n%s", code, tc.code, out)
			}
			if strings.Contains(out, "\x1b[") {
				t.Error("NO_COLOR output carries colour codes")
			}
			assertReportsAgree(t, dir)
		})
	}

	t.Run("unreachable target is inconclusive", func(t *testing.T) {
		dir := t.TempDir()
		code, out := runBinary(t, bin, "run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2,3",
			"--timeout", "2s", "--report-dir", dir)
		if code != ExitInconclusive || !strings.Contains(out, "connection refused") {
			t.Fatalf("exit %d, want %d with a clear message\n%s", code, ExitInconclusive, out)
		}
		assertReportsAgree(t, dir)
	})

	t.Run("usage error", func(t *testing.T) {
		code, out := runBinary(t, bin, "run", "--id-style", "pipes", "--base-url", base, "--path", "/items")
		if code != ExitUsage || !strings.Contains(out, "id_style") {
			t.Fatalf("exit %d\n%s", code, out)
		}
	})

	t.Run("demo", func(t *testing.T) {
		dir := t.TempDir()
		code, out := runBinary(t, bin, "demo", "--report-dir", dir)
		if code != ExitPass || !strings.Contains(out, "the honest API passes, always-200 fails") {
			t.Fatalf("exit %d\n%s", code, out)
		}
		assertReportsAgree(t, filepath.Join(dir, "honest"))
		assertReportsAgree(t, filepath.Join(dir, "always-200"))
	})
}

// junitDoc reads the testcases of a junit.xml, however they are grouped.
type junitDoc struct {
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Errors   int          `xml:"errors,attr"`
	Suites   []junitGroup `xml:"testsuite"`
}

type junitGroup struct {
	Cases  []junitEntry `xml:"testcase"`
	Suites []junitGroup `xml:"testsuite"`
}

type junitEntry struct {
	Name      string    `xml:"name,attr"`
	Classname string    `xml:"classname,attr"`
	Failure   *struct{} `xml:"failure"`
	Error     *struct{} `xml:"error"`
	Skipped   *struct{} `xml:"skipped"`
}

func (g junitGroup) all() []junitEntry {
	out := append([]junitEntry{}, g.Cases...)
	for _, s := range g.Suites {
		out = append(out, s.all()...)
	}
	return out
}

// assertReportsAgree checks that junit.xml and results.json in dir parse
// and tell the same story, case by case and in the totals.
func assertReportsAgree(t *testing.T, dir string) {
	t.Helper()
	run, err := reports.ReadJSON(filepath.Join(dir, reports.ResultsFile))
	if err != nil {
		t.Fatal(err)
	}
	var doc junitDoc
	if err := xml.Unmarshal([]byte(readFile(t, filepath.Join(dir, reports.JUnitFile))), &doc); err != nil {
		t.Fatalf("junit.xml does not parse: %v", err)
	}
	junit := map[string]string{}
	for _, s := range doc.Suites {
		for _, c := range s.all() {
			outcome := "pass"
			switch {
			case c.Failure != nil:
				outcome = "fail"
			case c.Error != nil:
				outcome = "error"
			case c.Skipped != nil:
				outcome = "skipped"
			}
			junit[strings.TrimPrefix(c.Classname, "apiconform.")+"/"+c.Name] = outcome
		}
	}
	if len(junit) != len(run.Cases) || doc.Tests != len(run.Cases) {
		t.Fatalf("junit.xml has %d testcases (tests=%d), results.json %d cases", len(junit), doc.Tests, len(run.Cases))
	}
	if doc.Failures != run.Counts.Fail || doc.Errors != run.Counts.Error+run.Counts.NotRun {
		t.Errorf("totals differ: junit failures %d errors %d; results fail %d error %d not-run %d",
			doc.Failures, doc.Errors, run.Counts.Fail, run.Counts.Error, run.Counts.NotRun)
	}
	for _, c := range run.Cases {
		want := string(c.Outcome)
		if c.Outcome == suites.NotRun {
			want = "error"
		}
		if got := junit[c.ID]; got != want {
			t.Errorf("%s: junit.xml says %q, results.json %q", c.ID, got, c.Outcome)
		}
	}
}

// TestBuiltBinaryStartsWithoutCollecting checks that the command collects
// no garbage while it starts: the collector's first trigger (4 MiB) is
// deferred before the packages whose initialisation allocates the most.
func TestBuiltBinaryStartsWithoutCollecting(t *testing.T) {
	bin := apiconformBinary(t)
	cmd := exec.Command(bin, "version")
	cmd.Env = append(withoutGCSettings(os.Environ()), "GODEBUG=gctrace=1")
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("apiconform version: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "gc ") {
			t.Fatalf("apiconform version collected garbage while starting:\n%s", out)
		}
	}
}

// withoutGCSettings drops GOGC, GOMEMLIMIT and GODEBUG from env.
func withoutGCSettings(env []string) []string {
	var out []string
	for _, kv := range env {
		name, _, _ := strings.Cut(kv, "=")
		if name != "GOGC" && name != "GOMEMLIMIT" && name != "GODEBUG" {
			out = append(out, kv)
		}
	}
	return out
}
