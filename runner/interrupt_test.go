package runner

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

// waitExit waits for cmd to end, bounded so that a hang fails the test
// instead of stalling it, and returns its exit code.
func waitExit(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var exit *exec.ExitError
		if errors.As(err, &exit) {
			return exit.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("the process did not exit after the signal")
		return -1
	}
}

// A signal mid-run stops sending and cancels what is in flight; what came
// back is judged, the rest is not run, every artifact is written and the
// exit code is 130. A second signal exits at once.
func TestSignals(t *testing.T) {
	bin := apiconformBinary(t)

	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM} {
		t.Run("run/"+sig.String(), func(t *testing.T) {
			var requests atomic.Int64
			srv, faults := stallAllButFound(t, time.Minute, &requests)

			dir := t.TempDir()
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "run", "--base-url", srv.URL+"/lenient", "--profile", "lenient",
				"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc",
				"--concurrency", "1", "--timeout", "1m", "--report-dir", dir)
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			waitFor(t, "the second request to be in flight", func() bool { return requests.Load() >= 2 })
			if err := cmd.Process.Signal(sig); err != nil {
				t.Fatal(err)
			}
			if code := waitExit(t, cmd); code != ExitInterrupted {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, ExitInterrupted, stdout.String(), stderr.String())
			}
			// The stalled request was cancelled, not waited out (--timeout is 1m).
			waitFor(t, "the in-flight request to be cancelled", func() bool { return faults.Abandoned() >= 1 })

			for _, a := range reports.Artifacts() {
				if _, err := os.Stat(filepath.Join(dir, a.Name)); err != nil {
					t.Errorf("artifact %s not written: %v", a.Name, err)
				}
			}
			run, err := reports.ReadJSON(filepath.Join(dir, reports.ResultsFile))
			if err != nil {
				t.Fatal(err)
			}
			if run.Verdict != reports.VerdictInterrupted || !strings.Contains(run.Interrupted, "received "+sig.String()) {
				t.Errorf("verdict %s, interrupted %q; want interrupted by %s", run.Verdict, run.Interrupted, sig)
			}
			for _, c := range run.Cases {
				want := suites.NotRun
				switch {
				case c.ID == "items/found":
					want = suites.Pass
				case c.Outcome == suites.Skipped:
					want = suites.Skipped
				}
				if c.Outcome != want {
					t.Errorf("%s: %s (%s), want %s", c.ID, c.Outcome, c.Reason, want)
				}
			}
			if run.Counts.NotRun < 2 {
				t.Errorf("counts %+v: the cases after the signal should be not run", run.Counts)
			}
			if !strings.Contains(stdout.String(), "INTERRUPTED") || !strings.Contains(stdout.String(), "not run") {
				t.Errorf("console:\n%s", stdout.String())
			}
		})
	}

}

// The first signal cancels the run's context with the signal as cause; a
// second one, while shutdown still hangs, exits at once with 130. The
// test binary re-runs itself as the process that receives the signals.
func TestSecondSignalExitsAtOnce(t *testing.T) {
	if os.Getenv("APICONFORM_SIGNAL_HELPER") == "1" {
		signalHelper()
		return
	}
	var stderr bytes.Buffer
	cmd := exec.Command(os.Args[0], "-test.run=^TestSecondSignalExitsAtOnce$")
	cmd.Env = append(os.Environ(), "APICONFORM_SIGNAL_HELPER=1")
	cmd.Stderr = &stderr
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	lines := bufio.NewReader(pipe)
	expectLine := func(want string) {
		t.Helper()
		line, err := lines.ReadString('\n')
		if err != nil || !strings.Contains(line, want) {
			t.Fatalf("helper said %q (%v), want %q; stderr %q", line, err, want, stderr.String())
		}
	}
	expectLine("ready")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	expectLine("stopping: received interrupt")
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if code := waitExit(t, cmd); code != ExitInterrupted {
		t.Fatalf("exit %d, want %d; stderr %q", code, ExitInterrupted, stderr.String())
	}
	if !strings.Contains(stderr.String(), "second interrupt: exiting at once") {
		t.Errorf("stderr %q; want the second signal announced", stderr.String())
	}
}

// signalHelper stands for a run whose shutdown hangs after the first signal.
func signalHelper() {
	ctx, stop := SignalContext()
	defer stop()
	fmt.Println("ready")
	<-ctx.Done()
	fmt.Println("stopping:", context.Cause(ctx))
	time.Sleep(time.Minute)
	os.Exit(0)
}
