package reports

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"strings"
)

// secretForms lists, in lower case, the shapes a server may echo a
// secret in: as is, base64 and base64url (padded or not), URL-encoded,
// JSON-escaped, \u-escaped and hex. They are compared without case: hex
// and \u escapes come in either case, and a header name is compared
// without case by HTTP (and canonicalised by Go).
func secretForms(s string) []string {
	forms := []string{s}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		forms = append(forms, enc.EncodeToString([]byte(s)))
	}
	var unicode strings.Builder
	for _, r := range s {
		fmt.Fprintf(&unicode, `\u%04x`, r)
	}
	forms = append(forms, url.QueryEscape(s), url.PathEscape(s), jsonEscaped(s), hex.EncodeToString([]byte(s)), unicode.String())
	seen := map[string]bool{}
	var out []string
	for _, f := range forms {
		f = strings.ToLower(f)
		if f != "" && !seen[f] {
			seen[f] = true
			out = append(out, f)
		}
	}
	return out
}

// secretPattern matches a secret in any of its forms, in any case.
func secretPattern(s string) *regexp.Regexp {
	forms := secretForms(s)
	alts := make([]string, len(forms))
	for i, f := range forms {
		alts[i] = regexp.QuoteMeta(f)
	}
	return regexp.MustCompile("(?i)" + strings.Join(alts, "|"))
}

// jsonEscaped is s as it appears inside a JSON string.
func jsonEscaped(s string) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(strings.TrimPrefix(strings.TrimSpace(buf.String()), `"`), `"`)
}

// ContainsSecret reports whether data holds any of secrets in any shape.
func ContainsSecret(data []byte, secrets []string) bool {
	lower := bytes.ToLower(data)
	for _, s := range secrets {
		if len(s) < MinSecretLength {
			continue
		}
		for _, f := range secretForms(s) {
			if bytes.Contains(lower, []byte(f)) {
				return true
			}
		}
	}
	return false
}

// scanChunk is how much of a file FileContainsSecret reads at once.
const scanChunk = 1 << 20

// FileContainsSecret is ContainsSecret over a file, read a chunk at a
// time with an overlap as long as the longest form, so that a form that
// spans two chunks is found and a big report is never whole in memory.
func FileContainsSecret(path string, secrets []string) (bool, error) {
	longest := 0
	for _, s := range secrets {
		if len(s) >= MinSecretLength {
			for _, f := range secretForms(s) {
				longest = max(longest, len(f))
			}
		}
	}
	if longest == 0 {
		return false, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	buf := make([]byte, 0, scanChunk+longest)
	for {
		n, err := io.ReadFull(f, buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if ContainsSecret(buf, secrets) {
			return true, nil
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return false, nil
		}
		if err != nil {
			return false, err
		}
		keep := min(longest-1, len(buf))
		buf = append(buf[:0], buf[len(buf)-keep:]...)
	}
}
