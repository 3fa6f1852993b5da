package main

import (
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// floor is what the machine and the reference API cost a run before
// apiconform does anything: the ideal leaves both out.
type floor struct {
	emptyStart time.Duration // an empty Go program's start and exit, through the launcher
	answer     time.Duration // one answer's time beyond the latency, at the client
}

// measureFloor measures the floor, each figure the median of shortRuns.
// An empty program needs the go command to be built; without it that
// figure is zero.
func (b *bench) measureFloor() (floor, error) {
	var f floor
	var err error
	if f.answer, err = b.answerOverhead(); err != nil {
		return f, err
	}
	f.emptyStart, err = b.emptyProgramStart()
	return f, err
}

// answerOverhead times single requests of the reference API from here.
func (b *bench) answerOverhead() (time.Duration, error) {
	client := &http.Client{Transport: &http.Transport{}}
	defer client.CloseIdleConnections()
	var times []time.Duration
	for range shortRuns {
		start := time.Now()
		resp, err := client.Get(b.root + "/lenient/items?id=2,3")
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		times = append(times, time.Since(start)-b.latency)
	}
	b.requests.Store(0)
	return median(times), nil
}

// emptyProgramStart builds a Go program that does nothing and times its
// start and exit through the launcher, as the runs are timed.
func (b *bench) emptyProgramStart() (time.Duration, error) {
	if _, err := exec.LookPath("go"); err != nil {
		return 0, nil
	}
	dir := filepath.Join(b.work, "empty")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return 0, err
	}
	files := map[string]string{"go.mod": "module empty\n", "main.go": "package main\n\nfunc main() {}\n"}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			return 0, err
		}
	}
	build := exec.Command("go", "build", "-o", "empty", ".")
	build.Dir = dir
	if out, err := build.CombinedOutput(); err != nil {
		return 0, fmt.Errorf("building an empty program: %v: %s", err, out)
	}
	self, err := os.Executable()
	if err != nil {
		return 0, err
	}
	var times []time.Duration
	for range shortRuns {
		cmd := exec.Command(self, filepath.Join(dir, "empty"))
		cmd.Env = append(os.Environ(), launcherEnv+"=1")
		out, err := cmd.Output()
		if err != nil {
			return 0, fmt.Errorf("the launcher: %v", err)
		}
		var rss, cpu, started, wall int64
		if _, err := fmt.Sscanf(strings.TrimSpace(string(out)), "maxrss %d cpu %d started %d wall %d", &rss, &cpu, &started, &wall); err != nil {
			return 0, fmt.Errorf("the launcher said %q: %v", out, err)
		}
		times = append(times, time.Duration(wall))
	}
	return median(times), nil
}

func median(ds []time.Duration) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[len(s)/2]
}
