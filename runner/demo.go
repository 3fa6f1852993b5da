package runner

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/words"
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

// demoDocumentEnv is the variable of the token the reference API's OpenAPI
// documents ask for (their scheme bearerAuth, as init names it).
const demoDocumentEnv = "BEARERAUTH_TOKEN"

// demoSettings are the flags of demo.
type demoSettings struct {
	reportDir, profile string
	verbose            bool
}

// demoFlags returns the flags of demo, bound to s.
func demoFlags(s *demoSettings) *pflag.FlagSet {
	fs := newFlagSet("demo")
	fs.StringVar(&s.reportDir, "report-dir", demoReportDir, "directory that receives the config written by init and the honest/ and always-200/ report sets")
	fs.StringVar(&s.profile, "profile", "lenient", "the honest API of the reference API to start from: "+strings.Join(fixtures.Profiles(), ", "))
	fs.BoolVarP(&s.verbose, "verbose", "v", false, "print each run's full console summary")
	completeDirs(fs, "report-dir")
	completeValues(fs, "profile", fixtures.Profiles()...)
	return fs
}

// demoHelpFooter ends demo --help.
const demoHelpFooter = `demo starts the reference API on loopback and walks a newcomer's road:
it fetches the honest API's OpenAPI document, writes a config from it
with init, runs it (verdict: pass), then runs the same config against
always-200, the incident (verdict: fail). Nothing leaves the machine.

Example:
  apiconform demo --profile strict --report-dir /tmp/apiconform-demo
`

func demoCommand(ctx context.Context, args []string, env Env) int {
	var s demoSettings
	fs := demoFlags(&s)
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "demo", fs, err)
	}
	if !slices.Contains(fixtures.Profiles(), s.profile) {
		return usageFailure(env, "demo", fs, usagef("--profile %q: the reference API serves %s", s.profile, strings.Join(fixtures.Profiles(), ", ")))
	}
	token, forbidden := randomHex(16), randomHex(16)
	env = env.with(map[string]string{demoTokenEnv: token, demoForbiddenEnv: forbidden, demoDocumentEnv: token})
	base, stop, err := startDemoAPI(token, forbidden)
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform demo: cannot listen on loopback: %s\n", err)
		return ExitArtifacts
	}
	defer stop()
	fmt.Fprintf(env.Stdout, "apiconform demo: the reference API runs on %s\n", base)
	config, code := demoInit(env, base, s.profile, s.reportDir)
	if config == "" {
		return code
	}
	runs := []demoRun{
		{fmt.Sprintf("2. run: the honest %s API", s.profile), s.profile, "honest", reports.VerdictPass},
		{"3. run: the same config against always-200, the incident (GET /items?id=1,2 → 200 with one record)", fixtures.AntiPattern, fixtures.AntiPattern, reports.VerdictFail},
	}
	allAsExpected := true
	for _, d := range runs {
		run, code := d.execute(ctx, env, base, config, filepath.Join(s.reportDir, d.dir))
		if run == nil {
			return code
		}
		fmt.Fprintf(env.Stdout, "\n== %s\n", d.title)
		if s.verbose {
			_ = reports.WriteConsole(env.Stdout, run, reports.ConsoleOptions{Color: env.color("auto")})
		} else {
			writeShortSummary(env, run)
		}
		fmt.Fprintf(env.Stdout, "reports in %s: %s\n", filepath.Join(s.reportDir, d.dir), strings.Join(artifactNames(), ", "))
		if run.Verdict != d.want {
			allAsExpected = false
			fmt.Fprintf(env.Stdout, "UNEXPECTED: this run should have come out %s\n", d.want)
		}
	}
	if !allAsExpected {
		fmt.Fprintln(env.Stdout, "\napiconform demo: a verdict came out wrong")
		return ExitFail
	}
	fmt.Fprintln(env.Stdout, "\napiconform demo: from the OpenAPI document to both verdicts: the honest API passes, always-200 fails as the incident.")
	return ExitPass
}

// demoInit fetches the honest prefix's OpenAPI document from the running
// reference API and writes a config from it with init, as a newcomer
// would. It returns the config's path, or "" and the exit code.
func demoInit(env Env, base, profile, dir string) (string, int) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform demo: %s\n", err)
		return "", ExitArtifacts
	}
	docURL := base + "/" + profile + "/openapi.yaml"
	resp, err := http.Get(docURL)
	if err != nil {
		fmt.Fprintf(env.Stderr, "apiconform demo: %s\n", err)
		return "", ExitArtifacts
	}
	defer resp.Body.Close()
	doc, config := filepath.Join(dir, "openapi.yaml"), filepath.Join(dir, "apiconform.yaml")
	data, _ := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err := os.WriteFile(doc, data, 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform demo: %s\n", err)
		return "", ExitArtifacts
	}
	fmt.Fprintf(env.Stdout, "\n== 1. init: GET %s → %s, then\n   apiconform init --openapi %s --base-url %s/%s --output %s --force\n", docURL, doc, doc, base, profile, config)
	if code := initCommand(context.Background(), []string{"--openapi", doc, "--base-url", base + "/" + profile, "--output", config, "--force"}, env); code != ExitPass {
		return "", code
	}
	return config, ExitPass
}

// startDemoAPI serves the reference API on loopback with the demo's
// tokens and returns its base URL and the function that stops it.
func startDemoAPI(token, forbidden string) (string, func(), error) {
	api := fixtures.New(fixtures.Options{
		Auth:      &fixtures.AuthOptions{Scheme: "Bearer", Token: token, ForbiddenToken: forbidden},
		RateLimit: 150, RateWindow: time.Second, MaxIDs: 50,
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// execute runs the main job with the config init wrote, against the demo
// API's prefix, into dir. It returns a nil run, with the exit code to end
// with, when the run could not be judged or reported.
func (d demoRun) execute(ctx context.Context, env Env, base, config, dir string) (*reports.Run, int) {
	args := []string{
		"--config", config, "--base-url", base + "/" + d.prefix, "--forbidden-token-env", demoForbiddenEnv,
		"--rate-limit-burst", "200", "--retry-after-max", "3s", "--wrong-method", "DELETE", "--report-dir", dir,
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

// writeShortSummary prints the verdict line, the incident when it was
// seen, and the first failures.
func writeShortSummary(env Env, run *reports.Run) {
	k := run.Counts
	fmt.Fprintf(env.Stdout, "%s: %d passed, %d failed, %d errors, %d skipped\n", strings.ToUpper(string(run.Verdict)), k.Pass, k.Fail, k.Error, k.Skipped)
	if run.Incident != nil {
		fmt.Fprintf(env.Stdout, "  THE INCIDENT: %s\n", run.Incident.Summary)
	}
	shown := 0
	for _, c := range run.Cases {
		if c.Outcome != suites.Fail {
			continue
		}
		if shown == 5 {
			fmt.Fprintf(env.Stdout, "  … and %d more %s: see report.html\n", k.Fail-shown, words.Plural(k.Fail-shown, "failure"))
			break
		}
		shown++
		fmt.Fprintf(env.Stdout, "  ✗ %s\n", c.Failures[0].Message)
		if c.Impact != "" {
			fmt.Fprintf(env.Stdout, "      → %s\n", c.Impact)
		}
	}
}

// artifactNames lists the files of a report set.
func artifactNames() []string {
	var names []string
	for _, a := range reports.Artifacts() {
		names = append(names, a.Name)
	}
	return names
}
