package runner

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
)

// The demo's credentials live only in this process: the runner reads them
// from these variables exactly as it would read real tokens.
const (
	demoTokenEnv     = "APICONFORM_DEMO_TOKEN"
	demoForbiddenEnv = "APICONFORM_DEMO_FORBIDDEN_TOKEN"
)

// demoReportDir is where `apiconform demo` writes its two report sets by
// default: a folder of its own, never among a project's sources.
const demoReportDir = "apiconform-demo"

// demoRun is one of the demo's runs and the verdict it must come to.
type demoRun struct {
	title, prefix, dir string
	want               reports.Verdict
}

func demoCommand(ctx context.Context, args []string, env Env) int {
	fs := newFlagSet("demo")
	reportDir := fs.String("report-dir", demoReportDir, "directory that receives the honest/ and always-200/ report sets")
	profile := fs.String("profile", "lenient", "profile of the honest API: "+strings.Join(fixtures.Profiles(), ", "))
	verbose := fs.BoolP("verbose", "v", false, "print each run's full console summary")
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "demo", fs, err)
	}
	if !slices.Contains(fixtures.Profiles(), *profile) {
		return usageFailure(env, "demo", fs, usagef("--profile %q: the reference API serves %s", *profile, strings.Join(fixtures.Profiles(), ", ")))
	}
	token, forbidden := randomHex(16), randomHex(16)
	env = env.with(map[string]string{demoTokenEnv: token, demoForbiddenEnv: forbidden})
	base, stop, err := startDemoAPI(token, forbidden)
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform demo: cannot listen on loopback: %s\n", err)
		return ExitArtifacts
	}
	defer stop()
	fmt.Fprintf(env.Stdout, "apiconform demo: reference API on %s (found IDs 2,3; missing 1,999; malformed abc)\n", base)

	runs := []demoRun{
		{fmt.Sprintf("an honest %s API", *profile), *profile, "honest", reports.VerdictPass},
		{"always-200, the incident (GET /items?id=1,2 → 200 with one record)", fixtures.AntiPattern, fixtures.AntiPattern, reports.VerdictFail},
	}
	allAsExpected := true
	for _, d := range runs {
		run, code := d.execute(ctx, env, base, *profile, filepath.Join(*reportDir, d.dir))
		if run == nil {
			return code
		}
		fmt.Fprintf(env.Stdout, "\n== %s, judged as %s\n", d.title, *profile)
		if *verbose {
			_ = reports.WriteConsole(env.Stdout, run, reports.ConsoleOptions{Color: env.Color})
		} else {
			writeShortSummary(env, run)
		}
		fmt.Fprintf(env.Stdout, "reports in %s: %s\n", filepath.Join(*reportDir, d.dir), strings.Join(artifactNames(), ", "))
		if run.Verdict != d.want {
			allAsExpected = false
			fmt.Fprintf(env.Stdout, "UNEXPECTED: this run should have come out %s\n", d.want)
		}
	}
	if !allAsExpected {
		fmt.Fprintln(env.Stdout, "\napiconform demo: a verdict came out wrong")
		return ExitFail
	}
	fmt.Fprintln(env.Stdout, "\napiconform demo: both verdicts came out as they should: the honest API passes, always-200 fails.")
	return ExitPass
}

// startDemoAPI serves the reference API on loopback with the demo's
// tokens and returns its base URL and the function that stops it.
func startDemoAPI(token, forbidden string) (string, func(), error) {
	api := fixtures.New(fixtures.Options{
		Auth:      &fixtures.AuthOptions{Scheme: "Bearer", Token: token, ForbiddenToken: forbidden},
		RateLimit: 30, RateWindow: time.Second, MaxIDs: 50,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// execute runs the main job against the demo API's prefix into dir. It
// returns a nil run, with the exit code to end with, when the run could
// not be judged or reported.
func (d demoRun) execute(ctx context.Context, env Env, base, profile, dir string) (*reports.Run, int) {
	args := []string{
		"--base-url", base + "/" + d.prefix, "--profile", profile,
		"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc", "--max-ids", "50",
		"--token-env", demoTokenEnv, "--forbidden-token-env", demoForbiddenEnv,
		"--rate-limit-burst", "40", "--retry-after-max", "3s", "--wrong-method", "DELETE",
		"--report-dir", dir,
	}
	cfg, err := LoadConfig(args, env.LookupEnv, newRunFlagSet)
	if err != nil {
		return nil, usageFailure(env, "demo", nil, err)
	}
	job, err := Prepare(cfg, env)
	if err != nil {
		return nil, usageFailure(env, "demo", nil, err)
	}
	run, code := job.Execute(ctx, env)
	if run == nil || code == ExitArtifacts || code == ExitInterrupted {
		return nil, code
	}
	return run, code
}

// artifactNames lists the files of a report set.
func artifactNames() []string {
	var names []string
	for _, a := range reports.Artifacts() {
		names = append(names, a.Name)
	}
	return names
}

// writeShortSummary prints the verdict line and one line per failure.
func writeShortSummary(env Env, run *reports.Run) {
	k := run.Counts
	fmt.Fprintf(env.Stdout, "%s: %d passed, %d failed, %d errors, %d skipped\n", strings.ToUpper(string(run.Verdict)), k.Pass, k.Fail, k.Error, k.Skipped)
	for _, c := range run.Cases {
		if c.Outcome != suites.Fail {
			continue
		}
		fmt.Fprintf(env.Stdout, "  ✗ %s\n", c.Failures[0].Message)
		if c.Impact != "" {
			fmt.Fprintf(env.Stdout, "      → %s\n", c.Impact)
		}
	}
}
