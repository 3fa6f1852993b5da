package reports_test

import (
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
)

// A run record is assembled from the judge's results and written as the
// four artifacts of a report directory, results.json last.
func ExampleWriteAll() {
	items := &plan.Endpoint{Name: "items", Profile: "strict"}
	results := []*suites.Result{{
		Case:    &plan.Case{ID: "items/found", Endpoint: items, Kind: plan.Found},
		Profile: "strict", Outcome: suites.Pass,
	}}
	run := reports.NewRun(reports.Meta{Version: "dev", Target: "https://staging.example.com", Profile: "strict", Started: time.Now()}, results)

	dir, _ := os.MkdirTemp("", "apiconform-example")
	defer os.RemoveAll(dir)
	paths, err := reports.WriteAll(dir, run)
	if err != nil {
		panic(err)
	}
	for _, p := range paths {
		fmt.Println(filepath.Base(p))
	}
	fmt.Println(run.Verdict)
	// Output:
	// junit.xml
	// report.html
	// summary.md
	// results.json
	// pass
}
