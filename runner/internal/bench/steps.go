package main

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/apiconform/apiconform/reports"
)

// The goals the figures are held to (issue "whole organisations
// nightly"); a figure outside its goal is printed as such, not hidden.
const (
	goalOneEndpoint = 1.15      // wall ÷ ideal, 1 endpoint at --concurrency 4
	goalBurst       = 1.25      // burst on ÷ (burst off + one burst)
	goalPerCase     = 8 << 10   // bytes of peak memory per case
	goalBodies      = 40 << 20  // bytes above the no-body run, ten 10 MB bodies
	goalHeaders     = 100 << 20 // bytes above the body cap, the largest headers
	goalStart       = 15 * time.Millisecond
)

var suite = []string{"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc",
	"--max-ids", "50", "--wrong-method", "DELETE"}

// shortRuns is how often the one-endpoint runs are repeated: each takes
// a fifth of a second, where a busy machine's noise is a large part of
// the figure, so the median of several is printed, with their range.
const shortRuns = 7

// oneEndpoint: one endpoint's 12 cases at --concurrency 4 and 16, the
// start cost and the CPU per case.
func (b *bench) oneEndpoint() error {
	fmt.Printf("\n1 endpoint, every case kind but auth and the burst (median of %d runs, range in brackets)\n", shortRuns)
	fl, err := b.measureFloor()
	if err != nil {
		return err
	}
	var starts []time.Duration
	for _, c := range []int{4, 16} {
		var runs []measurement
		for range shortRuns {
			m, err := b.measure(c, reports.VerdictPass, append([]string{"--base-url", b.root + "/lenient"}, suite...)...)
			if err != nil {
				return err
			}
			runs = append(runs, m)
			if c == 4 {
				starts = append(starts, m.toFirst)
			}
		}
		slices.SortFunc(runs, func(x, y measurement) int { return cmp.Compare(x.wall, y.wall) })
		m := runs[len(runs)/2]
		goal := ""
		if c == 4 {
			goal = fmt.Sprintf(" (%s the %.2f× goal)", within(m.ratio(), goalOneEndpoint), goalOneEndpoint)
		}
		fmt.Printf("  --concurrency %-2d  %2d requests  wall %-7s ideal %-7s ratio %.2f× [%.2f–%.2f]%s\n", c, m.requests, round(m.wall), m.ideal, m.ratio(),
			runs[0].ratio(), runs[len(runs)-1].ratio(), goal)
		if c == 4 {
			printOwnTime(m, c, fl)
		}
	}
	slices.Sort(starts)
	start := starts[len(starts)/2]
	fmt.Printf("  process start to first request: %s [%s–%s] (%s the %s goal)\n", round(start), round(starts[0]), round(starts[len(starts)-1]),
		within(float64(start), float64(goalStart)), goalStart)
	return nil
}

// scale: n endpoints with the burst off and on (one rate-limit scope).
func (b *bench) scale(n int) error {
	fmt.Printf("\n%d endpoints, --concurrency 16\n", n)
	off, err := b.writeConfig(n, "/lenient", false)
	if err != nil {
		return err
	}
	on, err := b.writeConfig(n, "/lenient", true)
	if err != nil {
		return err
	}
	mOff, err := b.measure(16, reports.VerdictPass, "--config", off)
	if err != nil {
		return err
	}
	burst, err := b.measure(16, reports.VerdictPass, "--config", on, "--label-filter", "rate-limit", "--rate-limit-burst", "200")
	if err != nil {
		return err
	}
	mOn, err := b.measure(16, reports.VerdictPass, "--config", on, "--rate-limit-burst", "200")
	if err != nil {
		return err
	}
	fmt.Printf("  burst off  %5d cases  wall %-8s ideal %-8s ratio %.2f×\n", mOff.cases(), round(mOff.wall), mOff.ideal, mOff.ratio())
	fmt.Printf("  one burst alone (%d rate-limit cases, one scope): wall %s\n", burst.cases(), round(burst.wall))
	r := float64(mOn.wall) / float64(mOff.wall+burst.wall)
	fmt.Printf("  burst on   %5d cases  wall %-8s = %.2f× (burst off + one burst) (%s the %.2f× goal)\n", mOn.cases(), round(mOn.wall), r, within(r, goalBurst), goalBurst)
	fmt.Printf("  CPU per case outside the network: %s (user + system time of the burst-off run ÷ its cases)\n",
		(mOff.cpu / time.Duration(mOff.cases())).Round(time.Microsecond))
	return nil
}

// memory: peak RSS for cases id-set cases, per case above a 10-case run.
func (b *bench) memory(cases int) error {
	fmt.Printf("\nmemory: N endpoints × 10 id-set cases, --concurrency 16\n")
	var small measurement
	for i, n := range []int{10, cases} {
		cfg, err := b.writeConfig(n/10, "/lenient", false)
		if err != nil {
			return err
		}
		m, err := b.measure(16, reports.VerdictPass, "--config", cfg, "--label-filter", "id-set")
		if err != nil {
			return err
		}
		if i == 0 {
			small = m
			fmt.Printf("  %5d cases  max RSS %s\n", m.cases(), mib(m.maxRSS))
			continue
		}
		per := float64(m.maxRSS-small.maxRSS) / float64(m.cases()-small.cases())
		fmt.Printf("  %5d cases  max RSS %s  %s per case (%s the %s goal)  wall %s, ratio %.2f×\n",
			m.cases(), mib(m.maxRSS), kib(per), within(per, goalPerCase), kib(goalPerCase), round(m.wall), m.ratio())
	}
	return nil
}

// bigAnswers: ten 10 MB bodies, and ten answers with 9.4 MiB of headers,
// above the same ten cases answered plainly.
func (b *bench) bigAnswers() error {
	fmt.Printf("\nbig answers: 10 id-set cases, --concurrency 4 (the default)\n")
	cfg := func(prefix string) (string, error) { return b.writeConfig(1, prefix, false) }
	plain, err := cfg("/lenient")
	if err != nil {
		return err
	}
	base, err := b.measure(4, reports.VerdictPass, "--config", plain, "--label-filter", "id-set")
	if err != nil {
		return err
	}
	fmt.Printf("  plain answers                    max RSS %s\n", mib(base.maxRSS))
	bodies, err := cfg("/huge-body/lenient")
	if err != nil {
		return err
	}
	m, err := b.measure(4, reports.VerdictFail, "--config", bodies, "--label-filter", "id-set", "--max-body", "16777216", "--timeout", "60s")
	if err != nil {
		return err
	}
	above := m.maxRSS - base.maxRSS
	fmt.Printf("  10 MB bodies, judged whole       max RSS %s, %s above (%s the %s goal)\n", mib(m.maxRSS), mib(above), within(float64(above), goalBodies), mib(goalBodies))
	headers, err := cfg("/huge-headers/lenient")
	if err != nil {
		return err
	}
	h, err := b.measure(4, reports.VerdictPass, "--config", headers, "--label-filter", "id-set", "--timeout", "60s")
	if err != nil {
		return err
	}
	above = h.maxRSS - base.maxRSS
	fmt.Printf("  9.4 MiB of headers per answer    max RSS %s, %s above (%s the %s goal, over a 1 MiB body cap)\n",
		mib(h.maxRSS), mib(above), within(float64(above), goalHeaders), mib(goalHeaders))
	return nil
}

// printOwnTime splits a run's time over the ideal into the machine's
// floor (an empty program's start, each round's answer beyond the
// latency) and what is left: apiconform's own.
func printOwnTime(m measurement, concurrency int, fl floor) {
	rounds := (m.requests + concurrency - 1) / concurrency
	machine := fl.emptyStart + time.Duration(rounds)*fl.answer
	fmt.Printf("    of its %s over the ideal: the machine's floor %s (an empty Go program starts and exits in %s; each of %d rounds' answers takes %s beyond the latency), apiconform's own %s\n",
		round(m.wall-m.ideal), roundTenth(machine), roundTenth(fl.emptyStart), rounds, roundTenth(fl.answer), roundTenth(m.wall-m.ideal-machine))
}

func roundTenth(d time.Duration) time.Duration { return d.Round(100 * time.Microsecond) }
