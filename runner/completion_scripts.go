package runner

import (
	"fmt"
	"io"
	"strings"
)

// shQuote quotes s for a POSIX shell (bash, zsh): 'it'\”s'.
func shQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// bashHead opens the bash script: how to load it and its helpers.
const bashHead = `# bash completion for apiconform, written by 'apiconform completion bash'.
#
# This shell:   source <(apiconform completion bash)   (in ~/.bashrc: every shell)
# With the bash-completion package:
#   apiconform completion bash > ~/.local/share/bash-completion/completions/apiconform

# _apiconform_words WORDS CUR PREFIX: the words of WORDS that CUR begins.
_apiconform_words() {
    local -a list
    local w
    read -ra list <<<"$1"
    COMPREPLY=()
    for w in "${list[@]}"; do
        [[ $w == "$2"* ]] && COMPREPLY+=("$3$w")
    done
}

# _apiconform_paths -f|-d CUR PREFIX: file or directory names.
_apiconform_paths() {
    compopt -o filenames 2>/dev/null
    local IFS=$'\n'
    COMPREPLY=($(compgen -P "$3" "$1" -- "$2"))
}

_apiconform() {
    local cur=${COMP_WORDS[COMP_CWORD]} prev= cword=$COMP_CWORD prefix=
    ((cword > 0)) && prev=${COMP_WORDS[cword-1]}
    # --flag=value: bash splits the word at "=" (COMP_WORDBREAKS), or not.
    if [[ $cur == = ]]; then
        cur=
    elif [[ $prev == = ]] && ((cword > 1)); then
        prev=${COMP_WORDS[cword-2]}
    elif [[ $cur == --*=* ]]; then
        prev=${cur%%=*} prefix=${cur%%=*}= cur=${cur#*=}
    fi
    local cmd= i
    for ((i = 1; i < cword; i++)); do
        case ${COMP_WORDS[i]} in
        -* | =) ;;
        *) cmd=${COMP_WORDS[i]}; break ;;
        esac
    done
    local flags= valued= operands=none
    case $cmd in
`

// bashTail closes the bash script: flags, then operands.
const bashTail = `    *) return ;;
    esac
    # A value that cannot be guessed (a URL, a number): nothing to offer.
    case " $valued " in *" $prev "*) return ;; esac
    if [[ $cur == -* || $operands == none ]]; then
        _apiconform_words "$flags" "$cur"
    elif [[ $operands == files ]]; then
        _apiconform_paths -f "$cur"
    else
        _apiconform_words "$operands" "$cur"
    fi
}

complete -F _apiconform apiconform
`

// writeBashCompletion writes the bash script: one case arm per command,
// with its flags, the flags that take a value, and how their values and
// the command's operands complete.
func writeBashCompletion(w io.Writer, cmds []shellCommand) error {
	var b strings.Builder
	b.WriteString(bashHead)
	top := []string{"-h", "--help", "--version"}
	for _, c := range cmds {
		top = append(top, c.name)
	}
	fmt.Fprintf(&b, "    '')\n        _apiconform_words %s \"$cur\"\n        return ;;\n", shQuote(strings.Join(top, " ")))
	for _, c := range cmds {
		bashCommandArm(&b, c, cmds)
	}
	b.WriteString(bashTail)
	_, err := io.WriteString(w, b.String())
	return err
}

// bashCommandArm writes the case arm of one command.
func bashCommandArm(b *strings.Builder, c shellCommand, all []shellCommand) {
	var flags, valued []string
	var values strings.Builder
	for _, f := range c.flags {
		flags = append(flags, f.names()...)
		if !f.takesValue {
			continue
		}
		valued = append(valued, f.names()...)
		pattern := strings.Join(f.names(), " | ")
		switch {
		case len(f.values) > 0:
			fmt.Fprintf(&values, "        %s) _apiconform_words %s \"$cur\" \"$prefix\"; return ;;\n", pattern, shQuote(strings.Join(f.values, " ")))
		case f.files:
			fmt.Fprintf(&values, "        %s) _apiconform_paths -f \"$cur\" \"$prefix\"; return ;;\n", pattern)
		case f.dirs:
			fmt.Fprintf(&values, "        %s) _apiconform_paths -d \"$cur\" \"$prefix\"; return ;;\n", pattern)
		}
	}
	operands := "none"
	if c.operands == operandFiles {
		operands = "files"
	} else if list := operandWords(c, all); len(list) > 0 {
		operands = strings.Join(list, " ")
	}
	fmt.Fprintf(b, "    %s)\n        flags=%s\n        valued=%s\n        operands=%s\n",
		c.name, shQuote(strings.Join(flags, " ")), shQuote(strings.Join(valued, " ")), shQuote(operands))
	if values.Len() > 0 {
		fmt.Fprintf(b, "        case $prev in\n%s        esac\n", values.String())
	}
	b.WriteString("        ;;\n")
}

// zshHead opens the zsh script.
const zshHead = `#compdef apiconform
# zsh completion for apiconform, written by 'apiconform completion zsh'.
#
# Install: apiconform completion zsh > "${fpath[1]}/_apiconform", then start a new shell.
# Or, after compinit: source <(apiconform completion zsh)

_apiconform() {
  local curcontext=$curcontext state line
  typeset -A opt_args
  _arguments -C \
    '(- :)'{-h,--help}'[print the help]' \
    '(- :)--version[print the version]' \
    '1: :->command' \
    '*:: :->argument'
  case $state in
    command)
      local -a commands
      commands=(
`

// zshTail closes the zsh script; it works loaded from fpath and sourced.
const zshTail = `      esac
      ;;
  esac
}

if [[ $funcstack[1] == _apiconform ]]; then
  _apiconform "$@"
else
  compdef _apiconform apiconform
fi
`

// writeZshCompletion writes the zsh script: _describe for the commands,
// then _arguments with each command's flags.
func writeZshCompletion(w io.Writer, cmds []shellCommand) error {
	var b strings.Builder
	b.WriteString(zshHead)
	for _, c := range cmds {
		fmt.Fprintf(&b, "        %s\n", shQuote(c.name+":"+c.summary))
	}
	b.WriteString("      )\n      _describe -t commands 'apiconform command' commands\n      ;;\n")
	b.WriteString("    argument)\n      curcontext=${curcontext%:*:*}:apiconform-$words[1]:\n      case $words[1] in\n")
	for _, c := range cmds {
		specs := make([]string, 0, len(c.flags)+1)
		for _, f := range c.flags {
			specs = append(specs, zshFlagSpec(f))
		}
		switch list := operandWords(c, cmds); {
		case c.operands == operandFiles:
			specs = append(specs, shQuote("*:"+c.operands.noun()+":_files"))
		case len(list) > 0:
			specs = append(specs, shQuote("1:"+c.operands.noun()+":("+strings.Join(list, " ")+")"))
		}
		fmt.Fprintf(&b, "        %s)\n          _arguments \\\n            %s\n          ;;\n", c.name, strings.Join(specs, " \\\n            "))
	}
	b.WriteString(zshTail)
	_, err := io.WriteString(w, b.String())
	return err
}

// zshFlagSpec is the _arguments spec of one flag, e.g.
// '--profile=[profile the API claims]:profile:(strict lenient)'.
func zshFlagSpec(f shellFlag) string {
	desc := "[" + strings.NewReplacer(`\`, `\\`, "[", `\[`, "]", `\]`).Replace(f.usage) + "]"
	arg := ""
	if f.takesValue {
		switch {
		case len(f.values) > 0:
			arg = ":" + f.long + ":(" + strings.Join(f.values, " ") + ")"
		case f.files:
			arg = ":file:_files"
		case f.dirs:
			arg = ":directory:_files -/"
		default:
			arg = ":" + f.long + ": "
		}
	}
	long, short := "--"+f.long, "-"+f.short
	if f.takesValue {
		long, short = long+"=", short+"+"
	}
	repeat := ""
	if f.repeatable {
		repeat = "*"
	}
	if f.short == "" {
		return shQuote(repeat + long + desc + arg)
	}
	exclusion := "(-" + f.short + " --" + f.long + ")"
	if f.repeatable {
		exclusion = "*"
	}
	return shQuote(exclusion) + "{" + short + "," + long + "}" + shQuote(desc+arg)
}

// fishQuote quotes s for fish: 'it\'s'.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, "'", `\'`).Replace(s) + "'"
}

// writeFishCompletion writes the fish script: one complete line per
// command and per flag of each.
func writeFishCompletion(w io.Writer, cmds []shellCommand) error {
	var b strings.Builder
	b.WriteString(`# fish completion for apiconform, written by 'apiconform completion fish'.
#
# Install: apiconform completion fish > ~/.config/fish/completions/apiconform.fish

complete -c apiconform -f
complete -c apiconform -n __fish_use_subcommand -s h -l help -d 'print the help'
complete -c apiconform -n __fish_use_subcommand -l version -d 'print the version'
`)
	for _, c := range cmds {
		fmt.Fprintf(&b, "complete -c apiconform -n __fish_use_subcommand -a %s -d %s\n", c.name, fishQuote(c.summary))
	}
	for _, c := range cmds {
		cond := fishQuote("__fish_seen_subcommand_from " + c.name)
		b.WriteString("\n")
		for _, f := range c.flags {
			fmt.Fprintf(&b, "complete -c apiconform -n %s%s -d %s\n", cond, fishFlagArgs(f), fishQuote(f.usage))
		}
		switch list := operandWords(c, cmds); {
		case c.operands == operandFiles:
			fmt.Fprintf(&b, "complete -c apiconform -n %s -F\n", cond)
		case len(list) > 0:
			fmt.Fprintf(&b, "complete -c apiconform -n %s -a %s\n", cond, fishQuote(strings.Join(list, " ")))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// fishFlagArgs are the options of complete that describe one flag.
func fishFlagArgs(f shellFlag) string {
	args := " -l " + f.long
	if f.short != "" {
		args += " -s " + f.short
	}
	switch {
	case !f.takesValue:
	case len(f.values) > 0:
		args += " -x -a " + fishQuote(strings.Join(f.values, " "))
	case f.files:
		args += " -r -F"
	case f.dirs:
		args += " -x -a '(__fish_complete_directories (commandline -ct))'"
	default:
		args += " -x"
	}
	return args
}
