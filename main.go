// Command apiconform proves whether an HTTP API tells the truth with its
// status codes. See README.md, or run `apiconform --help`.
package main

import (
	"os"

	"github.com/apiconform/apiconform/runner"
	_ "github.com/apiconform/apiconform/runner/gcstart" // before the other packages' initialisation
)

func main() {
	ctx, stop := runner.SignalContext()
	code := runner.Main(ctx, os.Args[1:], runner.OSEnv())
	stop()
	os.Exit(code)
}
