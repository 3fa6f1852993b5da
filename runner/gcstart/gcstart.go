// Package gcstart defers the first garbage collection from the moment
// it is initialised: imported by the command's main package only, it is
// initialised before the packages whose initialisation allocates the
// most (Go initialises, among the packages whose imports are ready, the
// first by import path), which alone would reach the collector's first
// 4 MiB trigger before main.
package gcstart

import (
	"os"

	"github.com/apiconform/apiconform/runner/gcpace"
)

func init() {
	gcpace.DeferFirstCollection(os.Getenv)
}
