// Package runner is apiconform's command line: it loads the configuration,
// builds the plan, probes the API, hands the recorded exchanges to the
// judge (package suites) and writes the reports (package reports).
package runner

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites/words"
	"github.com/spf13/pflag"
	"golang.org/x/term"
)

// Exit codes. A CI job can tell from them what happened.
const (
	ExitPass         = 0   // every case conformed (or was skipped)
	ExitFail         = 1   // at least one case failed: the API breaks its profile
	ExitUsage        = 2   // bad flags, config file or environment
	ExitInconclusive = 3   // no failure, but some cases could not be judged (transport errors, 429)
	ExitArtifacts    = 4   // reports could not be written
	ExitInternal     = 5   // apiconform itself failed while judging (a bug: please report it)
	ExitInterrupted  = 130 // stopped by SIGINT/SIGTERM; reports hold what was judged
)

// Env is the process environment a command runs in.
type Env struct {
	Stdout    io.Writer
	Stderr    io.Writer
	LookupEnv func(string) (string, bool)
	// Environ lists the environment as NAME=value (nil: nothing to list).
	Environ func() []string
	// Resolver looks host names up (nil: the system's); tests answer from
	// a resolver of their own, so that no query leaves the machine.
	Resolver *net.Resolver
	// StdoutTerminal and StderrTerminal say whether the streams are
	// terminals: the console may be coloured, the progress line redrawn.
	StdoutTerminal bool
	StderrTerminal bool
	// StderrWidth is the terminal's width in columns (0: not known).
	StderrWidth int
}

// OSEnv returns the environment of the running process.
func OSEnv() Env {
	env := Env{Stdout: os.Stdout, Stderr: os.Stderr, LookupEnv: os.LookupEnv, Environ: os.Environ}
	env.StdoutTerminal = term.IsTerminal(int(os.Stdout.Fd()))
	env.StderrTerminal = term.IsTerminal(int(os.Stderr.Fd()))
	if env.StderrTerminal {
		env.StderrWidth, _, _ = term.GetSize(int(os.Stderr.Fd()))
	}
	return env
}

// environ lists the environment, or nothing when Environ is unset.
func (e Env) environ() []string {
	if e.Environ == nil {
		return nil
	}
	return e.Environ()
}

// color says whether the console of a command run with --color mode is
// coloured.
func (e Env) color(mode string) bool {
	return reports.UseColor(mode, e.StdoutTerminal, e.getenv)
}

func (e Env) getenv(name string) string {
	v, _ := e.LookupEnv(name)
	return v
}

// with returns e with extra environment variables visible to lookups.
func (e Env) with(vars map[string]string) Env {
	inner := e.LookupEnv
	e.LookupEnv = func(name string) (string, bool) {
		if v, ok := vars[name]; ok {
			return v, true
		}
		return inner(name)
	}
	return e
}

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env Env) int
}

func commands() []command {
	return []command{
		{"run", "probe an API and judge it against its profile (the main job)", runCommand},
		{"detect", "probe once and tell which profile the API follows", detectCommand},
		{"init", "write a config file from an OpenAPI document", initCommand},
		{"diff", "compare two results.json files: fixed, regressed, still failing, new", diffCommand},
		{"merge", "put the reports of the parts of a split run (--shard K/N) back into one", mergeCommand},
		{"demo", "run against the embedded reference API: an honest one and always-200", demoCommand},
		{"fixtures", "serve the reference API (every profile and always-200)", fixturesCommand},
		{"version", "print the version", versionCommand},
	}
}

// Main runs the apiconform command line with args (without the program
// name) and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if len(args) == 0 {
		topUsage(env.Stderr)
		return ExitUsage
	}
	switch args[0] {
	case "help", "-h", "--help":
		if len(args) > 1 {
			return Main(ctx, []string{args[1], "--help"}, env)
		}
		topUsage(env.Stdout)
		return ExitPass
	case "--version":
		return versionCommand(ctx, nil, env)
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], env)
		}
	}
	fmt.Fprintf(env.Stderr, "apiconform: unknown command %q; commands: %s\n", args[0], commandNames())
	return ExitUsage
}

func commandNames() string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return strings.Join(names, ", ")
}

func topUsage(w io.Writer) {
	fmt.Fprintf(w, `apiconform proves whether an HTTP API tells the truth with its status codes.

Usage:
  apiconform <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, `
Run 'apiconform <command> --help' for the flags of a command.

Exit codes: 0 conformant, 1 a case failed, 2 usage or config error,
3 inconclusive (transport errors, 429), 4 reports not written, 5 internal
error, 130 interrupted.
`)
}

// newFlagSet returns a flag set that reports errors instead of exiting
// and prints nothing by itself.
func newFlagSet(name string) *pflag.FlagSet {
	fs := pflag.NewFlagSet(name, pflag.ContinueOnError)
	fs.SortFlags = false
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	return fs
}

// usageFailure prints a usage error in one line and returns its exit code.
// --help is not a failure: it prints the command's usage and exits 0.
func usageFailure(env Env, cmd string, fs *pflag.FlagSet, err error) int {
	if errors.Is(err, pflag.ErrHelp) {
		fmt.Fprintf(env.Stdout, "Usage: apiconform %s [flags]\n\nFlags:\n%s", cmd, fs.FlagUsages())
		if cmd == "run" {
			fmt.Fprint(env.Stdout, runHelpFooter)
		}
		return ExitPass
	}
	fmt.Fprintf(env.Stderr, "apiconform %s: %s\n", cmd, words.OneLine(err.Error()))
	return ExitUsage
}

const runHelpFooter = `
Every flag can also be set with an environment variable: --base-url is
APICONFORM_BASE_URL, --rate-limit-burst is APICONFORM_RATE_LIMIT_BURST.
Precedence: defaults < config file < APICONFORM_* environment < flags.
Tokens are never flag values: name the variable that holds them
(--token-env API_TOKEN).
`
