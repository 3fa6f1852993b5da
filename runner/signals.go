package runner

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
)

// SignalContext returns a context that ends on the first SIGINT or
// SIGTERM, with the signal as its cause, so the run stops sending, judges
// what it received and writes every report. A second signal exits at
// once with ExitInterrupted. stop releases the signal handlers.
func SignalContext() (ctx context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 2)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-signals:
			cancel(fmt.Errorf("received %s", sig))
		case <-done:
			return
		}
		select {
		case sig := <-signals:
			fmt.Fprintf(os.Stderr, "apiconform: second %s: exiting at once\n", sig)
			os.Exit(ExitInterrupted)
		case <-done:
		}
	}()
	return ctx, func() {
		signal.Stop(signals)
		close(done)
		cancel(nil)
	}
}
