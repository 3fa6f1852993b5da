package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/pflag"

	"github.com/apiconform/apiconform/runner/openapi"
	"github.com/apiconform/apiconform/suites"
)

// initSettings are the flags of init.
type initSettings struct {
	doc, base, output, profile string
	force                      bool
}

// initFlags returns the flags of init, bound to s.
func initFlags(s *initSettings) *pflag.FlagSet {
	fs := newFlagSet("init")
	fs.StringVar(&s.doc, "openapi", "", "the API's OpenAPI 3.0 or 3.1 document (YAML or JSON)")
	fs.StringVar(&s.base, "base-url", "", "the API's root URL (default: the document's first server URL)")
	fs.StringVar(&s.output, "output", "apiconform.yaml", "the config file to write; - writes to standard output")
	fs.BoolVar(&s.force, "force", false, "overwrite an existing --output file")
	fs.StringVar(&s.profile, "profile", "strict", "the profile of endpoints whose declared answers do not tell")
	completeFiles(fs, "openapi", "output")
	completeValues(fs, "profile", suites.BuiltinNames()...)
	return fs
}

// initHelpFooter ends init --help.
const initHelpFooter = `init writes one endpoint per operation it can test, with the profile,
field paths, parameters and credentials the document declares; every
guess is a comment in the file, and the skipped operations are listed
with why.

Example:
  apiconform init --openapi openapi.yaml --base-url https://staging.example.com/api
  apiconform run --config apiconform.yaml
`

// initCommand writes a config file from an OpenAPI document:
// `apiconform init --openapi spec.yaml [--base-url URL] [--output FILE]`.
func initCommand(_ context.Context, args []string, env Env) int {
	var s initSettings
	fs := initFlags(&s)
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "init", fs, err)
	}
	switch {
	case fs.NArg() > 0:
		return usageFailure(env, "init", fs, usagef("unexpected argument %q (flags take the form --name value)", fs.Arg(0)))
	case s.doc == "":
		return usageFailure(env, "init", fs, usagef("--openapi FILE is required: the API's OpenAPI document"))
	case s.output != "-" && !s.force && fileExists(s.output):
		return usageFailure(env, "init", fs, usagef("--output %s exists: give --force to overwrite it, or another --output", s.output))
	}
	d, err := openapi.Load(s.doc)
	if err != nil {
		return usageFailure(env, "init", fs, usagef("%s", err))
	}
	cfg, err := openapi.Map(d, openapi.Options{BaseURL: s.base, Profile: s.profile})
	if err != nil {
		return usageFailure(env, "init", fs, usagef("%s", err))
	}
	if len(cfg.Endpoints) == 0 {
		fmt.Fprintf(env.Stderr, "apiconform init: %s has no operation apiconform can test:\n", s.doc)
		for _, op := range cfg.Skipped {
			fmt.Fprintf(env.Stderr, "  %s: %s\n", op.Operation, op.Reason)
		}
		return ExitUsage
	}
	text := cfg.Render(s.doc)
	if err := checkGenerated(text); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform init: the config written from %s does not load: %s (a bug in apiconform: please report it)\n", s.doc, err)
		return ExitInternal
	}
	if s.output == "-" {
		fmt.Fprint(env.Stdout, text)
	} else if err := os.WriteFile(s.output, []byte(text), 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform init: %s\n", err)
		return ExitArtifacts
	}
	fmt.Fprintf(env.Stderr, "apiconform init: %s: %d endpoints, %d operations skipped (see the end of the file)\n",
		orStdout(s.output), len(cfg.Endpoints), len(cfg.Skipped))
	if vars := cfg.Variables(); len(vars) > 0 {
		fmt.Fprintf(env.Stderr, "export %s, then: apiconform run --config %s\n", strings.Join(vars, ", "), orStdout(s.output))
	}
	return ExitPass
}

// checkGenerated loads the written config as a run would, so that init
// never writes a file that run refuses.
func checkGenerated(text string) error {
	cfg := Defaults()
	if err := decodeConfig([]byte(text), "the config", &cfg, func(string) (string, bool) { return "", false }); err != nil {
		return err
	}
	_, err := cfg.Resolve()
	var ue *UsageError
	if errors.As(err, &ue) {
		return errors.New(ue.Msg)
	}
	return err
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func orStdout(output string) string {
	if output == "-" {
		return "standard output"
	}
	return output
}

// endpointsFromOpenAPI takes the endpoints (and the base URL and
// credentials, where the run does not give them) from --openapi when no
// endpoint is configured, as init would write them.
func (c *Config) endpointsFromOpenAPI() error {
	if c.OpenAPI == "" || len(c.Endpoints) > 0 {
		return nil
	}
	d, err := openapi.Load(c.OpenAPI)
	if err != nil {
		return usagef("--openapi: %s", err)
	}
	mapped, err := openapi.Map(d, openapi.Options{BaseURL: c.BaseURL, Profile: c.Profile})
	if err != nil {
		return usagef("--openapi: %s", err)
	}
	if len(mapped.Endpoints) == 0 {
		return usagef("--openapi %s: no operation apiconform can test (apiconform init lists why)", c.OpenAPI)
	}
	var from Config
	if err := decodeConfig([]byte(mapped.Render(c.OpenAPI)), c.OpenAPI, &from, func(string) (string, bool) { return "", false }); err != nil {
		return err
	}
	c.Endpoints = from.Endpoints
	if c.BaseURL == "" {
		c.BaseURL = from.BaseURL
	}
	if c.Auth.Type == "" && c.TokenEnv == "" {
		c.Auth = from.Auth
	}
	return nil
}

// discoverWhereNoIDs lets detect work from only a base URL and a path:
// an endpoint without IDs of its own reads them from its collection (the
// path without IDs, or /records for /records/{id}) and generates the rest.
func (c *Config) discoverWhereNoIDs() {
	for i := range c.Endpoints {
		ec := &c.Endpoints[i]
		if len(ec.Found) > 0 || ec.FoundFrom != nil || ec.Kind == "search" {
			continue
		}
		listing := ec.Path
		if j := strings.Index(listing, "/{id}"); j > 0 {
			listing = listing[:j]
		}
		ec.FoundFrom = &FoundFromConfig{Path: listing, IDs: autoIDs}
		ec.GenerateIDs = true
	}
}
