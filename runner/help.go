package runner

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/suites/words"
)

// writeHelp prints a command's help: the usage line, its summary, its
// flags and its epilog.
//
//	Usage: apiconform detect [flags]
//
//	Probe once and tell which profile the API follows.
//
//	Flags:
//	...
func writeHelp(w io.Writer, c command) {
	usage := "apiconform " + c.name + " [flags]"
	if c.operands != "" {
		usage += " " + c.operands
	}
	fmt.Fprintf(w, "Usage: %s\n\n%s.\n\nFlags:\n%s", usage, words.Capitalize(c.summary), helpFlagSet(c).FlagUsages())
	if c.epilog != "" {
		fmt.Fprintf(w, "\n%s", c.epilog)
	}
}

// helpFlagSet returns the command's flags and the -h, --help that pflag
// answers without defining it, as help lists and the shell completes them.
func helpFlagSet(c command) *pflag.FlagSet {
	fs := newFlagSet(c.name)
	if c.flags != nil {
		fs = c.flags()
	}
	if fs.Lookup("help") == nil {
		fs.BoolP("help", "h", false, "print this help")
	}
	return fs
}

// unknownFlag says that the flag e names is none of fs, in one line, with
// the flag that was meant when one is near, or why cmd leaves it to
// another command.
//
//	unknown flag --base-ulr; did you mean --base-url?
func unknownFlag(cmd string, fs *pflag.FlagSet, e *pflag.NotExistError) string {
	name, shorts := e.GetSpecifiedName(), e.GetSpecifiedShortnames()
	what, typed := "unknown flag --"+name, name
	if shorts != "" {
		// -profile is read as -p -r -o ...: what was typed is a long name.
		what = fmt.Sprintf("unknown shorthand flag '%s' in -%s", name, shorts)
		typed, _, _ = strings.Cut(shorts, "=")
	}
	if why, ok := notFlagsOf[cmd][typed]; ok {
		return fmt.Sprintf("%s: not a flag of %s, which %s", what, cmd, why)
	}
	if near := nearestFlag(typed, fs); near != "" && (shorts == "" || len(typed) > 1) {
		return fmt.Sprintf("%s; did you mean --%s?", what, near)
	}
	if cmd == "" {
		return what
	}
	return fmt.Sprintf("%s (apiconform %s --help lists its flags)", what, cmd)
}

// nearestFlag returns the long flag of fs that typed most likely meant:
// the only one it begins, else the nearest in spelling ("" for none).
func nearestFlag(typed string, fs *pflag.FlagSet) string {
	if fs == nil || typed == "" {
		return ""
	}
	var names, prefixed []string
	fs.VisitAll(func(f *pflag.Flag) {
		if f.Hidden {
			return
		}
		names = append(names, f.Name)
		if strings.HasPrefix(f.Name, typed) {
			prefixed = append(prefixed, f.Name)
		}
	})
	if len(prefixed) == 1 {
		return prefixed[0]
	}
	return words.Nearest(typed, names)
}

// notFlagsOf lists, by command, flags of another command that it leaves
// out on purpose, with why: given anyway, they are refused with the reason.
var notFlagsOf = map[string]map[string]string{
	"detect": detectLeavesOut,
}
