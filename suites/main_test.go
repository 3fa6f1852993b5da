package suites

import (
	"flag"
	"fmt"
	"os"
	"testing"
)

// TestMain says clearly why go test -parallel cannot run these tests: the
// judge runs Ginkgo in-process, and Ginkgo refuses that flag. -count=N
// works (the judge pins it for Ginkgo), and `make flakes` repeats every
// package.
func TestMain(m *testing.M) {
	flag.Parse()
	if f := flag.Lookup("test.parallel"); f != nil && parallelSet() {
		fmt.Fprintln(os.Stderr, "these tests run the judge, which runs Ginkgo in-process, and Ginkgo refuses go test -parallel; run without it (-count=N works), or `make flakes`")
		os.Exit(2)
	}
	os.Exit(m.Run())
}

// parallelSet reports whether -parallel was given.
func parallelSet() bool {
	set := false
	flag.Visit(func(f *flag.Flag) { set = set || f.Name == "test.parallel" })
	return set
}
