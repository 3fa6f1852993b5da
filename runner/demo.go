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

func demoCommand(ctx context.Context, args []string, env Env) int {
	fs := newFlagSet("demo")
	reportDir := fs.String("report-dir", "reports", "directory that receives honest/ and always-200/ report sets")
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
	api := fixtures.New(fixtures.Options{
		Auth:      &fixtures.AuthOptions{Scheme: "Bearer", Token: token, ForbiddenToken: forbidden},
		RateLimit: 30, RateWindow: time.Second, MaxIDs: 50,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform demo: cannot listen on loopback: %s\n", err)
		return ExitArtifacts
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()
	base := "http://" + ln.Addr().String()
	fmt.Fprintf(env.Stdout, "apiconform demo: reference API on %s (found IDs 2,3; missing 1,999; malformed abc)\n", base)

	type demoRun struct {
		title, prefix, dir string
		want               reports.Verdict
	}
	runs := []demoRun{
		{fmt.Sprintf("an honest %s API", *profile), *profile, "honest", reports.VerdictPass},
		{"always-200, the incident (GET /items?id=1,2 → 200 with one record)", fixtures.AntiPattern, fixtures.AntiPattern, reports.VerdictFail},
	}
	allAsExpected := true
	for _, d := range runs {
		dir := filepath.Join(*reportDir, d.dir)
		args := []string{
			"--base-url", base + "/" + d.prefix, "--profile", *profile,
			"--path", "/items", "--found", "2,3", "--missing", "1,999", "--malformed", "abc", "--max-ids", "50",
			"--token-env", demoTokenEnv, "--forbidden-token-env", demoForbiddenEnv,
			"--rate-limit-burst", "40", "--retry-after-max", "3s", "--wrong-method", "DELETE",
			"--report-dir", dir,
		}
		cfg, err := LoadConfig(args, env.LookupEnv, newRunFlagSet)
		if err != nil {
			return usageFailure(env, "demo", fs, err)
		}
		job, err := Prepare(cfg, env)
		if err != nil {
			return usageFailure(env, "demo", fs, err)
		}
		run, code := job.Execute(ctx, env)
		if run == nil || code == ExitArtifacts || code == ExitInterrupted {
			return code
		}
		fmt.Fprintf(env.Stdout, "\n== %s, judged as %s\n", d.title, *profile)
		if *verbose {
			_ = reports.WriteConsole(env.Stdout, run, reports.ConsoleOptions{Color: env.Color})
		} else {
			writeShortSummary(env, run)
		}
		var names []string
		for _, a := range reports.Artifacts() {
			names = append(names, a.Name)
		}
		fmt.Fprintf(env.Stdout, "reports in %s: %s\n", dir, strings.Join(names, ", "))
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
