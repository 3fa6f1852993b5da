package runner

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/apiconform/apiconform/runner/openapi"
)

// initCommand writes a config file from an OpenAPI document:
// `apiconform init --openapi spec.yaml [--base-url URL] [--output FILE]`.
func initCommand(_ context.Context, args []string, env Env) int {
	fs := newFlagSet("init")
	doc := fs.String("openapi", "", "the API's OpenAPI 3.0 or 3.1 document (YAML or JSON)")
	base := fs.String("base-url", "", "the API's root URL (default: the document's first server URL)")
	output := fs.String("output", "apiconform.yaml", "the config file to write; - writes to standard output")
	force := fs.Bool("force", false, "overwrite an existing --output file")
	profile := fs.String("profile", "strict", "the profile of endpoints whose declared answers do not tell")
	if err := fs.Parse(args); err != nil {
		return usageFailure(env, "init", fs, err)
	}
	switch {
	case fs.NArg() > 0:
		return usageFailure(env, "init", fs, usagef("unexpected argument %q (flags take the form --name value)", fs.Arg(0)))
	case *doc == "":
		return usageFailure(env, "init", fs, usagef("--openapi FILE is required: the API's OpenAPI document"))
	case *output != "-" && !*force && fileExists(*output):
		return usageFailure(env, "init", fs, usagef("--output %s exists: give --force to overwrite it, or another --output", *output))
	}
	d, err := openapi.Load(*doc)
	if err != nil {
		return usageFailure(env, "init", fs, usagef("%s", err))
	}
	cfg, err := openapi.Map(d, openapi.Options{BaseURL: *base, Profile: *profile})
	if err != nil {
		return usageFailure(env, "init", fs, usagef("%s", err))
	}
	if len(cfg.Endpoints) == 0 {
		fmt.Fprintf(env.Stderr, "apiconform init: %s has no operation apiconform can test:\n", *doc)
		for _, s := range cfg.Skipped {
			fmt.Fprintf(env.Stderr, "  %s: %s\n", s.Operation, s.Reason)
		}
		return ExitUsage
	}
	text := cfg.Render(*doc)
	if err := checkGenerated(text); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform init: the config written from %s does not load: %s (a bug in apiconform: please report it)\n", *doc, err)
		return ExitInternal
	}
	if *output == "-" {
		fmt.Fprint(env.Stdout, text)
	} else if err := os.WriteFile(*output, []byte(text), 0o644); err != nil {
		fmt.Fprintf(env.Stderr, "apiconform init: %s\n", err)
		return ExitArtifacts
	}
	fmt.Fprintf(env.Stderr, "apiconform init: %s: %d endpoints, %d operations skipped (see the end of the file)\n",
		orStdout(*output), len(cfg.Endpoints), len(cfg.Skipped))
	if vars := cfg.Variables(); len(vars) > 0 {
		fmt.Fprintf(env.Stderr, "export %s, then: apiconform run --config %s\n", strings.Join(vars, ", "), orStdout(*output))
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
