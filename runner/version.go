package runner

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/pflag"
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

// versionFlags returns the flags of version, bound to asJSON.
func versionFlags(asJSON *bool) *pflag.FlagSet {
	fs := newFlagSet("version")
	fs.BoolVar(asJSON, "json", false, `print {"version", "commit", "date", "go", "platform"} as JSON, for scripts`)
	return fs
}

// versionHelpFooter ends version --help.
const versionHelpFooter = `version prints the version, the commit and date of the build, the Go
release and platform, and which certificate authorities HTTPS trusts.

Example:
  apiconform version --json
`

// BuildInfo is what `apiconform version --json` prints.
type BuildInfo struct {
	Version  string `json:"version"`  // Version is Version().
	Commit   string `json:"commit"`   // Commit is Commit().
	Date     string `json:"date"`     // Date is BuildDate().
	Go       string `json:"go"`       // Go is the Go release that built the binary, e.g. go1.26.0.
	Platform string `json:"platform"` // Platform is GOOS/GOARCH, e.g. linux/amd64.
}

// Build returns what is known of this binary's build.
func Build() BuildInfo {
	return BuildInfo{
		Version: Version(), Commit: Commit(), Date: BuildDate(),
		Go: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
}

func versionCommand(_ context.Context, args []string, env Env) int {
	var asJSON bool
	fs := versionFlags(&asJSON)
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "version", fs, err)
	}
	if fs.NArg() > 0 {
		return usageFailure(env, "version", fs, usagef("unexpected argument %q", fs.Arg(0)))
	}
	b := Build()
	if asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		_ = enc.Encode(b)
		return ExitPass
	}
	fmt.Fprintf(env.Stdout, "apiconform %s (commit %s, built %s, %s %s)\n", b.Version, b.Commit, b.Date, b.Go, b.Platform)
	fmt.Fprintf(env.Stdout, "trusted CA roots: %s\n", rootsDescription())
	return ExitPass
}
