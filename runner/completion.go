package runner

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/suites/words"
)

// Flag annotations that the completion scripts read, after cobra's
// convention but under keys of apiconform's own. A flag set marks its
// flags with completeFiles, completeDirs and completeValues beside their
// definitions; the scripts are generated from the flag sets, so a new
// flag is completed without touching them.
const (
	annotateFiles  = "apiconform_complete_files"  // the flag takes a file name
	annotateDirs   = "apiconform_complete_dirs"   // the flag takes a directory
	annotateValues = "apiconform_complete_values" // the flag takes one of the listed values
)

// completeFiles marks flags of fs that take a file name.
func completeFiles(fs *pflag.FlagSet, names ...string) {
	for _, name := range names {
		annotate(fs, name, annotateFiles, []string{"true"})
	}
}

// completeDirs marks flags of fs that take a directory.
func completeDirs(fs *pflag.FlagSet, names ...string) {
	for _, name := range names {
		annotate(fs, name, annotateDirs, []string{"true"})
	}
}

// completeValues marks a flag of fs that takes one of values, e.g.
// completeValues(fs, "format", "text", "markdown", "json").
func completeValues(fs *pflag.FlagSet, name string, values ...string) {
	annotate(fs, name, annotateValues, values)
}

// annotate sets an annotation of a flag that must exist: marking a flag
// that is not defined is a mistake in apiconform, seen by every test.
func annotate(fs *pflag.FlagSet, name, key string, values []string) {
	if err := fs.SetAnnotation(name, key, values); err != nil {
		panic(fmt.Sprintf("flag set %s: %s", fs.Name(), err))
	}
}

// operandCompletion says what completes a command's operands.
type operandCompletion int

const (
	operandNone     operandCompletion = iota // the command takes no operands
	operandFiles                             // file names (diff BASE NEW)
	operandShells                            // the shells of completion
	operandCommands                          // the command names (help CMD)
)

// noun names what an operand is, for a shell's menu.
func (o operandCompletion) noun() string {
	switch o {
	case operandFiles:
		return "file"
	case operandShells:
		return "shell"
	case operandCommands:
		return "command"
	}
	return "argument"
}

// shells are the shells `apiconform completion` writes a script for.
var shells = []string{"bash", "zsh", "fish"}

// helpSummary is the line of `help` among the commands.
const helpSummary = "print the help of a command: apiconform help run"

// shellFlag is one flag as a shell completes it.
type shellFlag struct {
	long, short string
	usage       string   // the first line of its help, clipped
	takesValue  bool     // --flag VALUE (not a bool)
	repeatable  bool     // may be given more than once
	values      []string // the values it takes, when they are few
	files, dirs bool     // it takes a file name, a directory
}

// shellCommand is one command as a shell completes it.
type shellCommand struct {
	name, summary string
	flags         []shellFlag
	operands      operandCompletion
}

// completionModel describes every command for the completion scripts,
// from commands() and each command's flag set.
func completionModel() []shellCommand {
	var out []shellCommand
	for _, c := range commands() {
		cc := shellCommand{name: c.name, summary: c.summary, operands: c.complete}
		helpFlagSet(c).VisitAll(func(f *pflag.Flag) {
			if !f.Hidden && f.Deprecated == "" {
				cc.flags = append(cc.flags, shellFlagOf(f))
			}
		})
		out = append(out, cc)
	}
	return append(out, shellCommand{name: "help", summary: helpSummary, operands: operandCommands})
}

// shellFlagOf reads what a shell needs to know of f.
func shellFlagOf(f *pflag.Flag) shellFlag {
	kind := f.Value.Type()
	return shellFlag{
		long: f.Name, short: f.Shorthand, usage: words.ClipLine(f.Usage, 100),
		takesValue: f.NoOptDefVal == "",
		repeatable: strings.HasSuffix(kind, "Slice") || strings.HasSuffix(kind, "Array"),
		values:     f.Annotations[annotateValues],
		files:      len(f.Annotations[annotateFiles]) > 0,
		dirs:       len(f.Annotations[annotateDirs]) > 0,
	}
}

// names lists the spellings of f: --long and -s.
func (f shellFlag) names() []string {
	if f.short == "" {
		return []string{"--" + f.long}
	}
	return []string{"--" + f.long, "-" + f.short}
}

// operandWords lists the words that complete the operands of c, if any.
func operandWords(c shellCommand, all []shellCommand) []string {
	switch c.operands {
	case operandShells:
		return shells
	case operandCommands:
		var names []string
		for _, other := range all {
			names = append(names, other.name)
		}
		return names
	}
	return nil
}

// completionWriters write the script of each shell.
var completionWriters = map[string]func(io.Writer, []shellCommand) error{
	"bash": writeBashCompletion,
	"zsh":  writeZshCompletion,
	"fish": writeFishCompletion,
}

// completionHelpFooter ends completion --help.
const completionHelpFooter = `The script completes the commands, each command's flags, the values of
flags that take a few (--profile, --id-style, ...) and file names where a
flag takes a file.

bash:
  source <(apiconform completion bash)     # this shell; the line in ~/.bashrc: every shell
  # or, with the bash-completion package, loaded when first needed:
  apiconform completion bash > ~/.local/share/bash-completion/completions/apiconform

zsh:
  apiconform completion zsh > "${fpath[1]}/_apiconform"    # then start a new shell
  # or a folder of your own: fpath=(~/.zsh/completions $fpath) before compinit

fish:
  apiconform completion fish > ~/.config/fish/completions/apiconform.fish
`

// completionFlags returns the flags of completion: only --help.
func completionFlags() *pflag.FlagSet { return newFlagSet("completion") }

// completionCommand prints the completion script of one shell:
// `apiconform completion bash|zsh|fish`.
func completionCommand(_ context.Context, args []string, env Env) int {
	fs := completionFlags()
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "completion", fs, err)
	}
	if fs.NArg() != 1 {
		return usageFailure(env, "completion", fs, usagef("takes one shell: bash, zsh or fish (got %d arguments)", fs.NArg()))
	}
	shell := fs.Arg(0)
	if !slices.Contains(shells, shell) {
		return usageFailure(env, "completion", fs, usagef("unknown shell %q: the shells are bash, zsh and fish", shell))
	}
	if err := completionWriters[shell](env.Stdout, completionModel()); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform completion: %s\n", err)
		return ExitArtifacts
	}
	return ExitPass
}
