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

// command is one subcommand: what it is called, what its help says, how
// its flags are built (for parsing, help and completion alike) and what
// it does.
type command struct {
	name     string
	operands string // what follows the flags in the usage line, e.g. "BASE NEW"
	summary  string // one line, lower case, no full stop
	epilog   string // the end of the help: notes and examples ("" for none)
	// flags builds the command's flag set, bound to values of its own
	// holding the defaults; nil for a command without flags.
	flags func() *pflag.FlagSet
	// complete says how the shell completes the command's operands.
	complete operandCompletion
	run      func(ctx context.Context, args []string, env Env) int
}

func commands() []command {
	return []command{
		{name: "run", summary: "probe an API and judge it against its profile (the main job)", epilog: runHelpFooter,
			flags: func() *pflag.FlagSet { c := Defaults(); return newRunFlagSet(&c) }, run: runCommand},
		{name: "detect", summary: "probe once and tell which profile the API follows", epilog: detectHelpFooter,
			flags: func() *pflag.FlagSet { c := Defaults(); return newDetectFlagSet(&c) }, run: detectCommand},
		{name: "init", summary: "write a config file from an OpenAPI document", epilog: initHelpFooter,
			flags: func() *pflag.FlagSet { return initFlags(&initSettings{}) }, run: initCommand},
		{name: "diff", operands: "BASE NEW", summary: "compare two results.json files: fixed, regressed, still failing, new", epilog: diffHelpFooter,
			flags: func() *pflag.FlagSet { return diffFlags(new(string)) }, complete: operandFiles, run: diffCommand},
		{name: "merge", operands: "DIR...", summary: "put the reports of the parts of a split run (--shard K/N) back into one", epilog: mergeHelpFooter,
			flags: func() *pflag.FlagSet { return mergeFlags(&mergeSettings{}) }, complete: operandFiles, run: mergeCommand},
		{name: "demo", summary: "run against the embedded reference API: an honest one and always-200", epilog: demoHelpFooter,
			flags: func() *pflag.FlagSet { return demoFlags(&demoSettings{}) }, run: demoCommand},
		{name: "fixtures", summary: "serve the reference API (every profile and always-200)", epilog: fixturesHelpFooter,
			flags: func() *pflag.FlagSet { return fixtureFlags(&fixtureSettings{}) }, run: fixturesCommand},
		{name: "version", summary: "print the version", epilog: versionHelpFooter,
			flags: func() *pflag.FlagSet { return versionFlags(new(bool)) }, run: versionCommand},
		{name: "completion", operands: "bash|zsh|fish", summary: "print a shell completion script (bash, zsh or fish)", epilog: completionHelpFooter,
			flags: completionFlags, complete: operandShells, run: completionCommand},
	}
}

// lookupCommand returns the command called name (the first word of name:
// "diff BASE NEW" is diff).
func lookupCommand(name string) (command, bool) {
	name, _, _ = strings.Cut(name, " ")
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
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
		return versionCommand(ctx, args[1:], env)
	}
	if c, ok := lookupCommand(args[0]); ok {
		return c.run(ctx, args[1:], env)
	}
	fmt.Fprintf(env.Stderr, "apiconform: %s\n", unknownCommand(args[0]))
	return ExitUsage
}

// unknownCommand says that name is no command, and which one was meant
// when one is near.
func unknownCommand(name string) string {
	if strings.HasPrefix(name, "-") {
		return fmt.Sprintf("unknown flag %s; the command comes first: apiconform <command> [flags] (commands: %s)", name, strings.Join(commandNames(), ", "))
	}
	if near := words.Nearest(name, commandNames()); near != "" {
		return fmt.Sprintf("unknown command %q; did you mean %s?", name, near)
	}
	return fmt.Sprintf("unknown command %q; commands: %s", name, strings.Join(commandNames(), ", "))
}

// commandNames lists every command, help included.
func commandNames() []string {
	var names []string
	for _, c := range commands() {
		names = append(names, c.name)
	}
	return append(names, "help")
}

func topUsage(w io.Writer) {
	fmt.Fprintf(w, `apiconform proves whether an HTTP API tells the truth with its status codes.

Usage:
  apiconform <command> [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "  %-11s %s\n", "help", helpSummary)
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
// --help is not a failure: it prints the command's help and exits 0. An
// unknown flag is named with the nearest flag of fs (or, when fs is nil,
// of the command).
func usageFailure(env Env, cmd string, fs *pflag.FlagSet, err error) int {
	c, known := lookupCommand(cmd)
	if errors.Is(err, pflag.ErrHelp) && known {
		writeHelp(env.Stdout, c)
		return ExitPass
	}
	msg := err.Error()
	var unknown *pflag.NotExistError
	if errors.As(err, &unknown) {
		if fs == nil && known && c.flags != nil {
			fs = c.flags()
		}
		msg = unknownFlag(c.name, fs, unknown)
	}
	fmt.Fprintf(env.Stderr, "apiconform %s: %s\n", cmd, words.OneLine(msg))
	return ExitUsage
}
