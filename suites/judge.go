package suites

import (
	"flag"
	"fmt"
	"io"
	"sync"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/extensions/globals"
	"github.com/onsi/ginkgo/v2/formatter"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// Suite is what one Ginkgo container judges: cases under one profile.
type Suite struct {
	Name    string // unique within a judgement, e.g. "items (lenient)"
	Profile *Profile
	Cases   []plan.Case
}

// Group puts cases into suites, one per endpoint in the order the
// endpoints first appear, each under the profile profileOf names. An
// endpoint's cases that lie side by side in cases, as a plan builds
// them, are shared with it, not copied.
func Group(cases []plan.Case, profiles Profiles, profileOf func(*plan.Endpoint) string) []Suite {
	var out []Suite
	index := map[string]int{}
	for start := 0; start < len(cases); {
		ep := cases[start].Endpoint
		end := start + 1
		for end < len(cases) && cases[end].Endpoint.Name == ep.Name {
			end++
		}
		// The capacity ends with the run, so that appending to the suite
		// copies instead of writing over the caller's next cases.
		run := cases[start:end:end]
		if i, ok := index[ep.Name]; ok {
			out[i].Cases = append(out[i].Cases, run...)
		} else {
			index[ep.Name] = len(out)
			name := profileOf(ep)
			out = append(out, Suite{Name: ep.Name + " (" + name + ")", Profile: profiles[name], Cases: run})
		}
		start = end
	}
	return out
}

// Input is everything the judge needs. It is filled by the runner: the
// judge reads no flags and no environment.
type Input struct {
	Suites         []Suite
	Exchanges      map[string]*probe.Exchange // by case ID
	StrictWarnings bool                       // warnings fail their case
	// GinkgoOutput receives Ginkgo's own console report; nil discards it.
	GinkgoOutput io.Writer
}

// Ginkgo keeps one suite per process, so judgements take turns.
var judgeMu sync.Mutex

// Judge runs one Ginkgo spec per case over the recorded exchanges and
// returns the results in suite and case order. A run judges as answers
// arrive instead (NewJudgement); Judge is that, with every answer at hand.
func Judge(in Input) ([]*Result, error) {
	jm, err := NewJudgement(in)
	if err != nil {
		return nil, err
	}
	return jm.Results(in.Exchanges)
}

// specBatch bounds the cases of one Ginkgo run. Ginkgo holds a report,
// nodes and sorting scratch for every spec of a run until the run ends:
// judged in batches, a run of thousands of cases holds one batch's worth,
// and every case is still one spec. A Ginkgo run costs about half a
// millisecond of its own, so 100 cases a batch adds 5 µs a case.
const specBatch = 100

// runSpecs runs one Ginkgo spec per case, each reporting its judge's
// verdict, and settles every result from Ginkgo's report.
func (jm *Judgement) runSpecs() error {
	judgeMu.Lock()
	defer judgeMu.Unlock()
	byNode := map[string]*caseJudge{}
	for _, judges := range jm.byCase {
		for _, j := range judges {
			byNode[nodeKey(j.res.Suite, j.res.Case.Name())] = j
		}
	}
	for _, batch := range batches(jm.in.Suites, specBatch) {
		runBatch(batch, byNode, jm.in.GinkgoOutput)
	}
	// Ginkgo keeps its last run's nodes, whose closures hold this map
	// and, through it, every answer: the reports need none of them.
	clear(byNode)
	for _, r := range jm.results {
		if r.Outcome == "" {
			return fmt.Errorf("the judge reported nothing for %s", r.Case.ID)
		}
	}
	return nil
}

func nodeKey(suite, leaf string) string { return suite + "\x00" + leaf }

// batches splits suites, in order, into runs of at most max cases; a
// suite is never split, so a suite larger than max is a batch alone.
func batches(suites []Suite, max int) [][]Suite {
	var out [][]Suite
	start, n := 0, 0
	for i, s := range suites {
		if n > 0 && n+len(s.Cases) > max {
			out = append(out, suites[start:i])
			start, n = i, 0
		}
		n += len(s.Cases)
	}
	if start < len(suites) {
		out = append(out, suites[start:])
	}
	return out
}

// runBatch runs one Ginkgo suite of the given suites' cases.
func runBatch(batch []Suite, byNode map[string]*caseJudge, out io.Writer) {
	globals.Reset()
	for _, s := range batch {
		ginkgo.Describe(s.Name, func() {
			for i := range s.Cases {
				c := &s.Cases[i]
				ginkgo.It(c.Name(), ginkgo.Label(c.Labels...), byNode[nodeKey(s.Name, c.Name())].run)
			}
		})
	}
	ginkgo.ReportAfterEach(func(report types.SpecReport) {
		if len(report.ContainerHierarchyTexts) == 0 {
			return
		}
		if j := byNode[nodeKey(report.ContainerHierarchyTexts[0], report.LeafNodeText)]; j != nil {
			j.res.settle(report)
		}
	})
	runGinkgo(out)
}

// runGinkgo runs the specs defined, in order, without Ginkgo's own
// reports (out receives its console report; nil discards it).
func runGinkgo(out io.Writer) {
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.FailOnEmpty = true
	suiteConfig.LabelFilter = "" // the plan is filtered before probing
	suiteConfig.FocusStrings, suiteConfig.SkipStrings = nil, nil
	suiteConfig.RandomizeAllSpecs = false
	reporterConfig.NoColor = true
	reporterConfig.JUnitReport, reporterConfig.JSONReport, reporterConfig.TeamcityReport = "", "", ""
	if out == nil {
		out = io.Discard
		// Nobody reads the console report: Ginkgo's plainest format costs
		// least to render (a failure-heavy judgement spent a fifth of its
		// time formatting code locations for it).
		reporterConfig.FdOutput, reporterConfig.SilenceSkips = true, true
	}
	previous := formatter.ColorableStdOut
	formatter.ColorableStdOut = out
	defer func() { formatter.ColorableStdOut = previous }()
	var t failureRecorder
	defer pinTestCount()()
	ginkgo.RunSpecs(&t, "apiconform", suiteConfig, reporterConfig)
}

// failureRecorder stands in for *testing.T: RunSpecs only calls Fail.
type failureRecorder struct{ failed bool }

func (f *failureRecorder) Fail() { f.failed = true }

// settle takes the outcome from Ginkgo's report of the spec.
func (r *Result) settle(report types.SpecReport) {
	switch report.State {
	case types.SpecStatePassed:
		r.Outcome = Pass
	case types.SpecStateFailed:
		r.Outcome = Fail
		r.Message = report.Failure.Message
	case types.SpecStateSkipped:
		switch {
		case r.notRun:
			r.Outcome = NotRun
		case r.inconclusive:
			r.Outcome = Error
		default:
			r.Outcome = Skipped
		}
		if r.Reason == "" {
			r.Reason = report.Failure.Message
		}
	case types.SpecStatePanicked:
		r.Outcome = Error
		r.Reason = "the judge failed on this answer: " + report.Failure.ForwardedPanic
	default:
		r.Outcome = NotRun
		r.Reason = "not judged: " + report.State.String()
	}
}

// pinTestCount sets go test's -count to 1 while Ginkgo checks its
// configuration, and returns the function that restores it. Ginkgo refuses
// to run under go test -count=N, which repeats the test functions, not one
// Ginkgo suite, so a judgement inside a repeated test is sound. Outside a
// test binary there is no such flag and nothing is changed.
func pinTestCount() (restore func()) {
	f := flag.Lookup("test.count")
	if f == nil || f.Value.String() == "1" {
		return func() {}
	}
	was := f.Value.String()
	_ = f.Value.Set("1")
	return func() { _ = f.Value.Set(was) }
}
