package reports

import (
	"fmt"
	"net/http"
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/words"
)

// MinSecretLength is the shortest value treated as a secret (see auth.MinSecretLength).
const MinSecretLength = auth.MinSecretLength

// DefaultRedactHeaders are always redacted, in requests and responses.
var DefaultRedactHeaders = []string{"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Api-Key"}

// LooksLikeSecret reports whether v is shaped like a credential.
func LooksLikeSecret(v string) bool { return auth.LooksLikeSecret(v) }

// Redactor replaces every secret of a run: the known values (tokens from
// the environment), the values of sensitive headers, and anything shaped
// like a credential.
type Redactor struct {
	secrets  []string
	shown    map[string]string         // what stands for a secret ("" : [redacted])
	patterns map[string]*regexp.Regexp // each secret in every shape (secretPattern)
	forms    map[string][]string       // each secret's forms, to skip the pattern where none occurs
	headers  map[string]bool
}

// NewRedactor returns a redactor for the known secret values and the
// headers to redact (on top of DefaultRedactHeaders).
func NewRedactor(secrets, headers []string) *Redactor {
	r := &Redactor{headers: map[string]bool{}, shown: map[string]string{}, patterns: map[string]*regexp.Regexp{}, forms: map[string][]string{}}
	for _, h := range append(append([]string{}, DefaultRedactHeaders...), headers...) {
		r.headers[http.CanonicalHeaderKey(h)] = true
	}
	r.addSecrets(secrets...)
	return r
}

func (r *Redactor) addSecrets(values ...string) {
	for _, v := range values {
		v = strings.TrimSpace(v)
		if len(v) >= MinSecretLength && !slices.Contains(r.secrets, v) {
			r.secrets = append(r.secrets, v)
			r.patterns[v] = secretPattern(v)
			r.forms[v] = secretForms(v)
		}
	}
	// Longest first, so that a secret containing another is replaced whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// Show adds secrets that are shown by name (${API_TOKEN}) where they
// occur, so a recorded answer that echoes a token reads like the request
// that sent it.
func (r *Redactor) Show(secrets []auth.Secret) {
	for _, s := range secrets {
		r.addSecrets(s.Value)
		if len(strings.TrimSpace(s.Value)) >= MinSecretLength {
			r.shown[strings.TrimSpace(s.Value)] = s.Shown
		}
	}
}

// Secrets returns the known secret values, for the artifact scan.
func (r *Redactor) Secrets() []string { return r.secrets }

// String redacts s.
func (r *Redactor) String(s string) string {
	lower := strings.ToLower(s)
	for _, v := range r.secrets {
		if !containsAny(lower, r.forms[v]) {
			continue
		}
		shown := r.shown[v]
		if shown == "" {
			shown = "[redacted]"
		}
		s = r.patterns[v].ReplaceAllLiteralString(s, shown)
		lower = strings.ToLower(s)
	}
	for _, shape := range auth.SecretShapes {
		if !shape.MayOccurIn(lower) {
			continue
		}
		s = shape.Re.ReplaceAllStringFunc(s, func(m string) string {
			kept := ""
			if shape.Keep > 0 {
				kept = shape.Re.FindStringSubmatch(m)[shape.Keep]
			}
			return kept + "[redacted:" + shape.Name + "]"
		})
	}
	return s
}

// Scrub redacts every text of run in place. Values of sensitive headers
// become known secrets first, so that a session cookie echoed in a body
// is caught too.
func (r *Redactor) Scrub(run *Run) {
	for _, c := range run.Cases {
		r.collect(c.Request.Headers)
		if c.Response != nil {
			r.collect(c.Response.Headers)
		}
	}
	run.Target = r.URL(run.Target)
	run.Interrupted = r.String(run.Interrupted)
	r.strings(run.Notices)
	r.strings(run.Gaps)
	for i := range run.IDs {
		e := &run.IDs[i]
		r.strings(e.Found)
		r.strings(e.Missing)
		r.strings(e.Malformed)
		e.FoundFrom, e.MissingFrom, e.MalformedFrom = r.String(e.FoundFrom), r.String(e.MissingFrom), r.String(e.MalformedFrom)
	}
	if inc := run.Incident; inc != nil {
		inc.Request, inc.Summary = r.URL(inc.Request), r.String(inc.Summary)
	}
	if d := run.Detection; d != nil {
		d.Verdict = r.String(d.Verdict)
		if d.IncidentCase != nil && d.IncidentCase != run.Incident {
			d.IncidentCase.Request, d.IncidentCase.Summary = r.URL(d.IncidentCase.Request), r.String(d.IncidentCase.Summary)
		}
	}
	for i := range run.Cases {
		c := &run.Cases[i]
		c.Request.URL = r.URL(c.Request.URL)
		r.headerMap(c.Request.Headers)
		if c.Response != nil {
			r.headerMap(c.Response.Headers)
			c.Response.Body = r.String(c.Response.Body)
		}
		c.Expected = r.String(c.Expected)
		c.Impact = r.String(c.Impact)
		c.Reason = r.String(c.Reason)
		for _, list := range [][]suites.Finding{c.Failures, c.Warnings, c.Notes} {
			for j := range list {
				list[j].Message = r.String(list[j].Message)
				list[j].Impact = r.String(list[j].Impact)
			}
		}
	}
}

// strings redacts every text of list in place.
func (r *Redactor) strings(list []string) {
	for i := range list {
		list[i] = r.String(list[i])
	}
}

// URL redacts a URL: its password (alice:[redacted]) and any secret in it.
func (r *Redactor) URL(raw string) string {
	return r.String(words.URL(raw))
}

func (r *Redactor) collect(h map[string]string) {
	for name, v := range h {
		name = http.CanonicalHeaderKey(name)
		if !r.headers[name] || strings.Contains(v, "${") {
			continue
		}
		r.addSecrets(v)
		switch name {
		case "Cookie", "Set-Cookie":
			// The cookie values are the secrets, wherever they are echoed.
			for _, part := range strings.FieldsFunc(v, func(c rune) bool { return c == ';' || c == ',' }) {
				key, value, ok := strings.Cut(strings.TrimSpace(part), "=")
				if ok && !cookieAttributes[strings.ToLower(key)] {
					r.addSecrets(strings.Trim(value, `"`))
				}
			}
		default:
			// A scheme and a token: the token alone is the secret too.
			if _, token, ok := strings.Cut(v, " "); ok {
				r.addSecrets(token)
			}
		}
	}
}

var cookieAttributes = map[string]bool{"path": true, "domain": true, "expires": true, "max-age": true, "samesite": true}

// Headers redacts h in place, as Scrub redacts a case's headers: the
// values of sensitive headers are replaced (and become known secrets),
// every other value is redacted as text.
func (r *Redactor) Headers(h map[string]string) {
	r.collect(h)
	r.headerMap(h)
}

func (r *Redactor) headerMap(h map[string]string) {
	r.headerNames(h)
	for name, v := range h {
		switch {
		case r.headers[http.CanonicalHeaderKey(name)] && strings.Contains(v, "${"):
			// Already a reference to the variable that holds the secret.
		case r.headers[http.CanonicalHeaderKey(name)]:
			h[name] = "[redacted]"
		default:
			h[name] = r.String(v)
		}
	}
}

// headerNames renames the headers whose name carries a secret (a server
// that echoes a token as a header name); header names are compared
// without case, as HTTP does.
func (r *Redactor) headerNames(h map[string]string) {
	n := 0
	for name, v := range h {
		for _, s := range r.secrets {
			if r.patterns[s].MatchString(name) {
				delete(h, name)
				n++
				h[fmt.Sprintf("X-Redacted-Header-%d", n)] = v
				break
			}
		}
	}
}

// ScanFiles reads every file and reports the ones that hold a known
// secret value. It is the proof that redaction held: a hit is a bug.
func ScanFiles(paths []string, secrets []string) ([]string, error) {
	var leaking []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			return leaking, fmt.Errorf("scanning %s: %w", p, err)
		}
		if ContainsSecret(data, secrets) {
			leaking = append(leaking, p)
		}
	}
	return leaking, nil
}

func containsAny(s string, subs []string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
