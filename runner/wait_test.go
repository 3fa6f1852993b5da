package runner

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/apiconform/apiconform/fixtures"
)

func TestWaitIsSetByFlagEnvironmentAndConfigFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "apiconform.yaml")
	if err := os.WriteFile(file, []byte("wait: 5s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{}
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	load := func(args ...string) time.Duration {
		t.Helper()
		cfg, err := LoadConfig(args, lookup, newRunFlagSet)
		if err != nil {
			t.Fatal(err)
		}
		return cfg.Wait
	}
	if got := load(); got != 0 {
		t.Errorf("default wait = %s, want 0 (no wait)", got)
	}
	if got := load("--config", file); got != 5*time.Second {
		t.Errorf("wait from the config file = %s, want 5s", got)
	}
	env["APICONFORM_WAIT"] = "7s"
	if got := load("--config", file); got != 7*time.Second {
		t.Errorf("wait from APICONFORM_WAIT = %s, want 7s (environment overrides the file)", got)
	}
	if got := load("--config", file, "--wait", "9s"); got != 9*time.Second {
		t.Errorf("wait from --wait = %s, want 9s (flags override the environment)", got)
	}
}

func TestNegativeWaitIsAUsageError(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"run", "--base-url", "http://127.0.0.1:9", "--path", "/items", "--found", "2", "--wait", "-1s"},
		Env{Stdout: &out, Stderr: &errOut, LookupEnv: func(string) (string, bool) { return "", false }})
	if code != ExitUsage || !strings.Contains(errOut.String(), "--wait -1s: must not be negative") {
		t.Errorf("exit %d, stderr %q; want %d and a message naming --wait", code, errOut.String(), ExitUsage)
	}
}

// An API that starts listening only after the run began is waited for,
// then judged: the honest lenient API passes.
func TestRunWaitsForAnAPIThatStartsLate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there until the goroutine below starts the API
	started := make(chan *http.Server, 1)
	go func() {
		time.Sleep(500 * time.Millisecond) // let the run find the port closed first
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			t.Errorf("restarting the API on %s: %v", addr, err)
			started <- nil
			return
		}
		srv := &http.Server{Handler: fixtures.New(fixtures.Options{}), ReadHeaderTimeout: 5 * time.Second}
		started <- srv
		_ = srv.Serve(ln)
	}()

	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"run",
		"--base-url", "http://" + addr + "/lenient", "--profile", "lenient",
		"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc",
		"--report-dir", t.TempDir(), "--wait", "30s",
	}, Env{Stdout: &out, Stderr: &errOut, LookupEnv: func(string) (string, bool) { return "", false }})
	if srv := <-started; srv != nil {
		srv.Close()
	}
	if code != ExitPass {
		t.Fatalf("exit %d, want %d (pass) after waiting for the API\nstdout:\n%s\nstderr:\n%s", code, ExitPass, out.String(), errOut.String())
	}
}

// An API that never comes up makes the run inconclusive, with reports, and
// never a pass.
func TestRunAgainstAnAPIThatNeverStartsIsInconclusive(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	code := Main(context.Background(), []string{"run",
		"--base-url", "http://" + addr + "/lenient", "--profile", "lenient",
		"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc",
		"--report-dir", dir, "--wait", "300ms",
	}, Env{Stdout: &out, Stderr: &errOut, LookupEnv: func(string) (string, bool) { return "", false }})
	if code != ExitInconclusive {
		t.Errorf("exit %d, want %d (inconclusive)\nstdout:\n%s", code, ExitInconclusive, out.String())
	}
	for _, want := range []string{"was not ready within --wait 300ms (last error: connection refused", "probing anyway"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, errOut.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "junit.xml")); err != nil {
		t.Errorf("no JUnit report after a failed wait: %v", err)
	}
}
