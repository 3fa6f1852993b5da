package suites

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/onsi/gomega/types"
	"github.com/tidwall/gjson"

	"github.com/apiconform/apiconform/suites/httpsyntax"
	"github.com/apiconform/apiconform/suites/words"
)

// Level is how much a broken rule weighs.
type Level string

// The rule levels of profiles.md §3.
const (
	LevelFail Level = "fail" // fails the case
	LevelWarn Level = "warn" // shown everywhere; fails with --strict-warnings
	LevelInfo Level = "info" // shown only
)

// Rule is an HTTP rule that holds in every profile (profiles.md §3).
type Rule struct {
	ID      string
	Level   Level
	Source  string
	Summary string
	// Impact names the consumer of status codes that a broken rule misleads.
	Impact string
	// applies says whether the rule concerns this answer under profile p.
	applies func(o *Observation, p *Profile) bool
	// check returns the matcher the answer must satisfy.
	check func() types.GomegaMatcher
	// note returns the text of an info-level rule ("" when there is nothing to say).
	note func(o *Observation, p *Profile) string
}

// Rules lists the rules in the order they are reported.
func Rules() []Rule { return rules }

var rules = []Rule{
	{
		ID: "no-error-in-2xx", Level: LevelFail, Source: "seed 000 (validation error buried in body)",
		Summary: "a 2xx outside the envelope profile carries no error indication",
		Impact:  "client code, caches and monitoring take the error for a success; only a client that parses the body can see it",
		applies: func(o *Observation, p *Profile) bool { return is2xx(o.Status) && !p.IsEnvelope() },
		check: func() types.GomegaMatcher {
			return matcher(
				func(o *Observation) string {
					return fmt.Sprintf("a %d without an error indication (%s, %s: false)", o.Status, o.Fields.Error, o.Fields.OK)
				},
				func(o *Observation) (bool, string) {
					if buried, what := o.ErrorIndicated(); buried {
						return false, "an error buried in the body (" + what + ")"
					}
					return true, ""
				})
		},
	},
	{
		ID: "401-challenge", Level: LevelFail, Source: "RFC 9110 §11.6.1, §15.5.2",
		Summary: "a 401 carries WWW-Authenticate with at least one challenge",
		Impact:  "HTTP clients and auth libraries cannot tell which scheme to authenticate with, so they cannot retry with credentials",
		applies: func(o *Observation, _ *Profile) bool { return o.Status == http.StatusUnauthorized },
		check: func() types.GomegaMatcher {
			return matcher(text("a WWW-Authenticate challenge on the 401"), func(o *Observation) (bool, string) {
				values := o.Header.Values("WWW-Authenticate")
				if len(values) == 0 {
					return false, "no WWW-Authenticate header"
				}
				v := strings.TrimSpace(strings.Join(values, ", "))
				if v == "" {
					return false, "a WWW-Authenticate header with an empty value: no challenge"
				}
				if _, problem := httpsyntax.ParseChallenges(v); problem != "" {
					return false, fmt.Sprintf("WWW-Authenticate %q, which is no valid challenge: %s", words.ClipLine(v, 120), words.ClipLine(problem, 160))
				}
				return true, ""
			})
		},
	},
	{
		ID: "405-allow", Level: LevelFail, Source: "RFC 9110 §15.5.6",
		Summary: "a 405 carries Allow",
		Impact:  "clients and API gateways cannot learn which methods the endpoint supports",
		applies: func(o *Observation, _ *Profile) bool { return o.Status == http.StatusMethodNotAllowed },
		check: func() types.GomegaMatcher {
			return matcher(text("an Allow header on the 405"), func(o *Observation) (bool, string) {
				if _, ok := o.Header["Allow"]; !ok {
					return false, "no Allow header"
				}
				return true, ""
			})
		},
	},
	{
		ID: "429-retry-after", Level: LevelFail, Source: "RFC 6585 §4; RFC 9110 §10.2.3",
		Summary: "a 429 carries Retry-After as delay-seconds or an HTTP-date",
		Impact:  "retry logic and circuit breakers cannot tell when to come back: they hammer the API or give up",
		applies: func(o *Observation, _ *Profile) bool { return o.Status == http.StatusTooManyRequests },
		check: func() types.GomegaMatcher {
			return matcher(text("Retry-After as delay-seconds (digits) or an HTTP-date"), func(o *Observation) (bool, string) {
				v := o.Header.Get("Retry-After")
				if v == "" {
					return false, "no Retry-After header"
				}
				if _, ok := httpsyntax.ParseRetryAfter(v, o.Header.Get("Date"), time.Now()); !ok {
					return false, fmt.Sprintf("Retry-After: %s", v)
				}
				return true, ""
			})
		},
	},
	{
		ID: "206-content-range", Level: LevelFail, Source: "RFC 9110 §15.3.7",
		Summary: "a 206 outside the partial-content profile carries Content-Range",
		Impact:  "caches and range-aware clients may splice the partial body into a stored copy of the resource",
		applies: func(o *Observation, p *Profile) bool {
			return o.Status == http.StatusPartialContent && !p.UsesPartialContent()
		},
		check: func() types.GomegaMatcher {
			return matcher(text("Content-Range on the 206"), func(o *Observation) (bool, string) {
				if o.Header.Get("Content-Range") == "" {
					return false, "a 206 without Content-Range, in answer to a request without Range"
				}
				return true, ""
			})
		},
	},
	{
		ID: "206-without-range", Level: LevelInfo, Source: "RFC 9110 §15.3.7",
		Summary: "the partial-content profile answers 206 without a Range request",
		applies: func(o *Observation, p *Profile) bool {
			return o.Status == http.StatusPartialContent && p.UsesPartialContent()
		},
		note: func(o *Observation, _ *Profile) string {
			return "206 without a Range request: RFC 9110 reserves 206 for range requests; this profile repurposes it to flag an incomplete answer"
		},
	},
	{
		ID: "204-no-body", Level: LevelFail, Source: "RFC 9110 §15.3.5",
		Summary: "a 204 has no body",
		Impact:  "clients and proxies drop or mis-frame the body, and the next answer on the connection may be corrupted",
		applies: func(o *Observation, _ *Profile) bool { return o.Status == http.StatusNoContent },
		check: func() types.GomegaMatcher {
			return matcher(text("a 204 without a body"), func(o *Observation) (bool, string) {
				cl := o.Header.Get("Content-Length")
				switch {
				case len(o.Body) > 0:
					return false, fmt.Sprintf("a %d-byte body", len(o.Body))
				case cl != "" && cl != "0":
					return false, "Content-Length: " + cl
				case len(o.Header.Values("Transfer-Encoding")) > 0:
					return false, "Transfer-Encoding: " + o.Header.Get("Transfer-Encoding")
				}
				return true, ""
			})
		},
	},
	{
		ID: "problem-json", Level: LevelFail, Source: "RFC 9457 §3.1",
		Summary: "an application/problem+json body is a JSON object whose status, when present, equals the HTTP status",
		Impact:  "clients that read the problem's status see another outcome than HTTP reports, and logs disagree with dashboards",
		applies: func(o *Observation, _ *Profile) bool { return o.MediaType() == "application/problem+json" },
		check: func() types.GomegaMatcher {
			return matcher(
				func(o *Observation) string {
					return fmt.Sprintf("a problem object whose status is %d", o.Status)
				},
				func(o *Observation) (bool, string) {
					if !o.IsJSON() || !o.doc.IsObject() {
						return false, "a problem+json body that is not a JSON object"
					}
					st := o.doc.Get("status")
					switch {
					case !st.Exists():
						return true, ""
					case st.Type != gjson.Number:
						return false, fmt.Sprintf("status %s, which is not a number", st.Raw)
					case st.Raw != fmt.Sprint(o.Status):
						return false, fmt.Sprintf("status %s in the problem, %d on the wire", st.Raw, o.Status)
					}
					return true, ""
				})
		},
	},
	{
		ID: "error-content-type", Level: LevelWarn, Source: "RFC 9110 §15.5, §8.3",
		Summary: "a 4xx/5xx body has a Content-Type",
		Impact:  "clients and gateways guess how to read the error (or sniff it as HTML), so the reason is lost",
		applies: func(o *Observation, _ *Profile) bool { return o.Status >= 400 && len(o.Body) > 0 },
		check: func() types.GomegaMatcher {
			return matcher(text("a Content-Type on the error body"), func(o *Observation) (bool, string) {
				if o.Header.Get("Content-Type") == "" {
					return false, fmt.Sprintf("a %d-byte body without Content-Type", len(o.Body))
				}
				return true, ""
			})
		},
	},
	{
		ID: "error-cache-control", Level: LevelWarn, Source: "RFC 9110 §15.1; RFC 9111 §4.2.2",
		Summary: "a 404/405/414 or an error-carrying 200 states Cache-Control",
		Impact:  "shared caches and CDNs may store the error heuristically and serve it to other clients after the fault is gone",
		applies: func(o *Observation, _ *Profile) bool {
			switch o.Status {
			case http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusRequestURITooLong:
				return true
			case http.StatusOK:
				carries, _ := o.ErrorIndicated()
				return carries
			}
			return false
		},
		check: func() types.GomegaMatcher {
			return matcher(text("Cache-Control (for example no-store) on an error that caches may otherwise keep"), func(o *Observation) (bool, string) {
				if o.Header.Get("Cache-Control") == "" {
					return false, fmt.Sprintf("a %d without Cache-Control", o.Status)
				}
				return true, ""
			})
		},
	},
	{
		ID: "duplicate-member", Level: LevelFail, Source: "RFC 8259 §4",
		Summary: "a member the judge reads occurs once in its JSON object",
		Impact:  "clients disagree about which value counts (JavaScript, Python and Go read the last, others the first): the same answer says complete to one client and partial to another",
		applies: func(o *Observation, _ *Profile) bool { return len(o.duplicates) > 0 },
		check: func() types.GomegaMatcher {
			return matcher(text("each member the judge reads once in its object"), func(o *Observation) (bool, string) {
				read, _ := o.Duplicates()
				if len(read) == 0 {
					return true, ""
				}
				return false, describeDuplicates(read)
			})
		},
	},
	{
		ID: "duplicate-member-unread", Level: LevelWarn, Source: "RFC 8259 §4",
		Summary: "no member occurs twice in one JSON object",
		Impact:  "clients that read the member get different values depending on their JSON parser",
		applies: func(o *Observation, _ *Profile) bool { return len(o.duplicates) > 0 },
		check: func() types.GomegaMatcher {
			return matcher(text("each member once in its object"), func(o *Observation) (bool, string) {
				_, unread := o.Duplicates()
				if len(unread) == 0 {
					return true, ""
				}
				return false, describeDuplicates(unread)
			})
		},
	},
	{
		ID: "declared-status", Level: LevelWarn, Source: "OpenAPI 3.x Responses Object",
		Summary: "the status is one the operation declares in the OpenAPI document (or its default)",
		Impact:  "clients generated from the document have no branch for this status, and the documentation tells its readers something else",
		applies: func(o *Observation, _ *Profile) bool { return len(o.Case.Declared) > 0 },
		check: func() types.GomegaMatcher {
			return matcher(
				func(o *Observation) string {
					return "a status the OpenAPI document declares for the operation (" + strings.Join(o.Case.Declared, ", ") + ")"
				},
				func(o *Observation) (bool, string) {
					if declaredStatus(o.Case.Declared, o.Status) {
						return true, ""
					}
					return false, fmt.Sprintf("%d, which the document does not declare", o.Status)
				})
		},
	},
	{
		ID: "ratelimit-headers", Level: LevelInfo, Source: "draft-ietf-httpapi-ratelimit-headers",
		Summary: "RateLimit / RateLimit-Policy and X-RateLimit-* headers, when present, are parsed and shown",
		applies: func(o *Observation, _ *Profile) bool { return len(RateLimitHeaders(o.Header)) > 0 },
		note:    rateLimitNote,
	},
}

func is2xx(status int) bool { return status >= 200 && status <= 299 }

// rateLimitNote shows the draft's RateLimit fields apart from the older
// X-RateLimit-* and RateLimit-* headers, which the draft does not define
// (their reset is seconds on some APIs and an epoch time on others).
func rateLimitNote(o *Observation, _ *Profile) string {
	draft, other := map[string]any{}, map[string]any{}
	for name, v := range RateLimitHeaders(o.Header) {
		if name == "RateLimit" || name == "RateLimit-Policy" {
			draft[name] = v
		} else {
			other[name] = v
		}
	}
	var parts []string
	if len(draft) > 0 {
		b, _ := json.Marshal(draft)
		parts = append(parts, "rate-limit fields of the IETF draft: "+string(b))
	}
	if len(other) > 0 {
		b, _ := json.Marshal(other)
		parts = append(parts, "rate-limit headers the draft does not define: "+string(b))
	}
	return strings.Join(parts, "; ")
}

// RateLimitHeaders parses the rate-limit headers an answer carries: the
// IETF RateLimit and RateLimit-Policy fields (structured lists such as
// `"default";r=50;t=30`) and the common X-RateLimit-* and RateLimit-*
// headers. Keys are header names; values are parameter maps or numbers.
func RateLimitHeaders(h http.Header) map[string]any {
	out := map[string]any{}
	for _, name := range []string{"RateLimit", "RateLimit-Policy"} {
		if v := h.Get(name); v != "" {
			out[name] = parseStructuredList(v)
		}
	}
	for name := range h {
		canon := http.CanonicalHeaderKey(name)
		lower := strings.ToLower(canon)
		if strings.HasPrefix(lower, "x-ratelimit-") || strings.HasPrefix(lower, "ratelimit-") && lower != "ratelimit-policy" {
			out[canon] = h.Get(name)
		}
	}
	return out
}

// parseStructuredList reads an RFC 9651 list of items with parameters,
// enough for RateLimit fields: `"default";q=100;w=60, "burst";q=10;w=1`.
func parseStructuredList(v string) []map[string]string {
	var items []map[string]string
	for _, member := range strings.Split(v, ",") {
		parts := strings.Split(strings.TrimSpace(member), ";")
		item := map[string]string{"name": strings.Trim(strings.TrimSpace(parts[0]), `"`)}
		for _, p := range parts[1:] {
			k, val, _ := strings.Cut(strings.TrimSpace(p), "=")
			item[k] = strings.Trim(val, `"`)
		}
		items = append(items, item)
	}
	return items
}

// declaredStatus reports whether status is among the declared response
// keys: the code itself, its class (4XX) or default.
func declaredStatus(declared []string, status int) bool {
	code, class := fmt.Sprint(status), fmt.Sprintf("%dXX", status/100)
	for _, d := range declared {
		if d == code || strings.EqualFold(d, class) || d == "default" {
			return true
		}
	}
	return false
}
