package suites

// Counts sums the outcomes of a set of cases: a run, or one profile's
// verdicts in detection.
type Counts struct {
	Pass     int `json:"pass"`
	Fail     int `json:"fail"`
	Error    int `json:"error"`
	Skipped  int `json:"skipped"`
	NotRun   int `json:"not_run"`
	Known    int `json:"known_failures"`
	Warnings int `json:"warnings"`
}

// Add counts one case with outcome o and its warnings.
func (k *Counts) Add(o Outcome, warnings int) {
	switch o {
	case Pass:
		k.Pass++
	case Fail:
		k.Fail++
	case Error:
		k.Error++
	case Skipped:
		k.Skipped++
	case NotRun:
		k.NotRun++
	case KnownFailure:
		k.Known++
	}
	k.Warnings += warnings
}

// Judged is the number of cases that gave a verdict.
func (k Counts) Judged() int { return k.Pass + k.Fail }

// CountResults sums the outcomes of results.
func CountResults(results []*Result) Counts {
	var k Counts
	for _, r := range results {
		k.Add(r.Outcome, len(r.Warnings))
	}
	return k
}
