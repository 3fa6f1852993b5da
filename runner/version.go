package runner

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"golang.org/x/mod/module"
)

// Stamped at build time by the Makefile:
// -ldflags "-X github.com/apiconform/apiconform/runner.version=v1.2.3 ...".
var (
	version   = ""
	commit    = ""
	buildDate = ""
)

// Version returns the version of this binary: the stamped one, else the
// module version `go install` recorded, else "dev".
func Version() string {
	if version != "" {
		return version
	}
	if info, ok := debug.ReadBuildInfo(); ok && info.Main.Version != "" && info.Main.Version != "(devel)" {
		return info.Main.Version
	}
	return "dev"
}

// Commit returns the VCS revision the binary was built from, if known.
func Commit() string {
	if commit != "" {
		return commit
	}
	if rev := buildSetting("vcs.revision"); rev != "" {
		return rev
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		// `go install ...@latest` builds from the module cache, without VCS
		// settings, but an untagged module's pseudo-version names its commit.
		if rev := pseudoVersionRevision(info.Main.Version); rev != "" {
			return rev
		}
	}
	return "unknown"
}

// pseudoVersionRevision returns the commit a pseudo-version such as
// v0.0.0-20260101120000-0123456789ab names, or "" for any other version.
func pseudoVersionRevision(v string) string {
	if !module.IsPseudoVersion(v) {
		return ""
	}
	rev, err := module.PseudoVersionRev(v)
	if err != nil {
		return ""
	}
	return rev
}

// BuildDate returns when the binary was built, if stamped.
func BuildDate() string {
	if buildDate != "" {
		return buildDate
	}
	if date := buildSetting("vcs.time"); date != "" {
		return date
	}
	return "unknown"
}

// buildSetting reads one setting the Go toolchain recorded in the binary.
func buildSetting(key string) string {
	if info, ok := debug.ReadBuildInfo(); ok {
		for _, s := range info.Settings {
			if s.Key == key {
				return s.Value
			}
		}
	}
	return ""
}

func versionCommand(_ context.Context, args []string, env Env) int {
	if len(args) > 0 && args[0] != "--help" && args[0] != "-h" {
		fmt.Fprintf(env.Stderr, "apiconform version: unexpected argument %q\n", args[0])
		return ExitUsage
	}
	fmt.Fprintf(env.Stdout, "apiconform %s (commit %s, built %s, %s %s/%s)\n", Version(), Commit(), BuildDate(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	fmt.Fprintf(env.Stdout, "trusted CA roots: %s\n", rootsDescription())
	return ExitPass
}
