package suites

import (
	"bytes"
	"fmt"
	"sync"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// Judgement judges a run's answers as they arrive: each body is parsed
// once, judged under every suite that holds its case, and then cut to the
// excerpt the reports keep, so that memory holds only the bodies in
// flight, whatever their size. Results then runs one Ginkgo spec per case
// over the verdicts. It is a probe.Watcher: Answered may be called from
// many goroutines at once.
type Judgement struct {
	in      Input
	results []*Result
	byCase  map[string][]*caseJudge // the judges of each case, one per suite that holds it
	mu      sync.Mutex              // guards the byCase lookups against concurrent Answered calls
}

// answerFacts are what is known of an answer beyond its verdicts, taken
// while its whole body is at hand: detection and the incident need them
// after the body is cut.
type answerFacts struct {
	incident *Incident // partial answered as in the incident
	hasOK    bool      // the body carries the profile's ok member
}

// NewJudgement prepares the judges of in's suites; in.Exchanges is not
// read (Results takes the run's final exchanges).
func NewJudgement(in Input) (*Judgement, error) {
	jm := &Judgement{in: in, byCase: map[string][]*caseJudge{}}
	seen := map[string]bool{}
	for _, s := range in.Suites {
		if s.Profile == nil {
			return nil, fmt.Errorf("suite %q has no profile", s.Name)
		}
		for i := range s.Cases {
			c := &s.Cases[i]
			node := s.Name + "\x00" + c.Name()
			if seen[node] {
				return nil, fmt.Errorf("suite %q lists case %s twice", s.Name, c.Name())
			}
			seen[node] = true
			r := &Result{Case: c, Suite: s.Name, Profile: s.Profile.Name}
			jm.results = append(jm.results, r)
			jm.byCase[c.ID] = append(jm.byCase[c.ID], &caseJudge{res: r, profile: s.Profile, strictWarnings: in.StrictWarnings})
		}
	}
	return jm, nil
}

// Sent is part of probe.Watcher; a case is judged when it is answered.
func (jm *Judgement) Sent(*plan.Case) {}

// Answered judges ex, the answer to c, under every suite, then cuts it
// to what the reports keep.
func (jm *Judgement) Answered(c *plan.Case, ex *probe.Exchange) {
	jm.mu.Lock()
	judges := jm.byCase[c.ID]
	jm.mu.Unlock()
	if len(judges) > 0 && ex != nil {
		observeAnswer(judges, ex)
		cutAnswer(ex)
	}
}

// observeAnswer judges one answer under each of its case's judges, with
// one observation of the body for all of them. A panic of the judge is
// kept and raised again inside the case's spec, where Ginkgo reports it
// as that case's error, as if the judge had run there.
func observeAnswer(judges []*caseJudge, ex *probe.Exchange) {
	c := judges[0].res.Case
	obs, facts, panicked := observeSafely(c, ex)
	for _, j := range judges {
		j.reset()
		j.res.Exchange, j.res.facts, j.observed, j.obs = ex, facts, ex, obs
		if panicked != nil {
			j.panicked = panicked
			continue
		}
		j.judgeSafely()
		j.obs = nil // the observation holds a copy of the whole body
	}
}

// observeSafely observes the answer's body once for every suite of the
// case, keeping a panic for the case's specs to raise. An answer the
// judge failed on has no facts to tell: the incident and detection do
// not look at it again, since it is cut once this returns.
func observeSafely(c *plan.Case, ex *probe.Exchange) (obs *Observation, facts *answerFacts, panicked any) {
	defer func() {
		if p := recover(); p != nil {
			obs, facts, panicked = nil, &answerFacts{}, p
		}
	}()
	if ex.Err == nil && ex.Response != nil {
		obs = Observe(c, c.Endpoint.Fields, ex.Response)
	}
	return obs, factsOf(c, obs), nil
}

func factsOf(c *plan.Case, obs *Observation) *answerFacts {
	if obs == nil {
		return &answerFacts{}
	}
	return &answerFacts{incident: incidentFrom(c, obs), hasOK: obs.Get(obs.Fields.OK).Exists()}
}

// cutAnswer keeps of the answer of ex only what the reports show: the
// judge has seen the whole. The body is cut to its excerpt and the
// headers compacted. A burst keeps its answers whole: every endpoint of
// its rate-limit scope is judged on them, one burst per scope.
func cutAnswer(ex *probe.Exchange) {
	r := ex.Response
	if r == nil || ex.Burst != nil {
		return
	}
	if len(r.Body) > probe.BodyExcerpt {
		r.Body, r.Truncated, r.Excerpted = bytes.Clone(r.Body[:probe.BodyExcerpt]), true, true
	}
	r.Compact()
}

// Results judges what Answered did not see (cases skipped, not run, or
// answered without a watcher), runs one Ginkgo spec per case and returns
// the results in suite and case order. exchanges are the run's answers
// by case ID: they are the truth, whatever Answered saw. The answers it
// judges itself are left as they are, so that they can be judged again.
func (jm *Judgement) Results(exchanges map[string]*probe.Exchange) ([]*Result, error) {
	for _, judges := range jm.byCase {
		ex := exchanges[judges[0].res.Case.ID]
		switch {
		case ex == nil:
			for _, j := range judges {
				j.reset()
				j.judgeSafely()
			}
		case judges[0].observed != ex:
			observeAnswer(judges, ex)
		}
	}
	if len(jm.results) == 0 {
		return jm.results, nil
	}
	return jm.results, jm.runSpecs()
}
