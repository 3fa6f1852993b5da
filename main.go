// Command apiconform proves whether an HTTP API tells the truth with its
// status codes. See README.md, or run `apiconform --help`.
package main

import (
	"os"

	"github.com/apiconform/apiconform/runner"
)

func main() {
	runner.DeferFirstCollection(os.Getenv)
	ctx, stop := runner.SignalContext()
	code := runner.Main(ctx, os.Args[1:], runner.OSEnv())
	stop()
	os.Exit(code)
}
