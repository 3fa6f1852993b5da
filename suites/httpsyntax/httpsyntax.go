// Package httpsyntax holds the pieces of HTTP syntax (RFC 9110) that the
// config, the probe and the judge all read: tokens (header names, methods,
// auth schemes), Retry-After values and HTTP dates.
package httpsyntax

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// IsToken reports whether s is an RFC 9110 token (§5.6.2): a header
// field name, a method or an auth scheme.
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r <= ' ' || r >= 0x7f || strings.ContainsRune("\"(),/:;<=>?@[\\]{}", r) {
			return false
		}
	}
	return true
}

// IsMethod reports whether m is written like the methods APIs use: an
// upper-case token such as GET or DELETE.
func IsMethod(m string) bool {
	for _, r := range m {
		if r < 'A' || r > 'Z' {
			return false
		}
	}
	return m != ""
}

// ParseRetryAfter reads a Retry-After value: delay-seconds (digits only) or
// an HTTP-date (RFC 9110 §10.2.3), relative to the answer's Date header
// when it has one. Anything else ("5s", "1.5", "-1") is not valid.
func ParseRetryAfter(value, date string, now time.Time) (time.Duration, bool) {
	value = strings.TrimSpace(value)
	if value == "" {
		return 0, false
	}
	if IsDigits(value) {
		// delay-seconds has no upper bound (RFC 9110 §10.2.3): a value too
		// large for a duration is valid, and means "a very long time".
		secs, err := strconv.ParseInt(value, 10, 64)
		if err != nil || secs > maxDelaySeconds {
			return maxDelaySeconds * time.Second, true
		}
		return time.Duration(secs) * time.Second, true
	}
	at, ok := ParseDate(value)
	if !ok {
		return 0, false
	}
	ref := now
	if d, ok := ParseDate(date); ok {
		ref = d
	}
	return max(at.Sub(ref), 0), true
}

// maxDelaySeconds is the longest delay a duration holds comfortably (68 years).
const maxDelaySeconds = 1 << 31

// ParseDate reads an HTTP-date in any of the three formats RFC 9110 §5.6.7
// allows recipients to accept.
func ParseDate(value string) (time.Time, bool) {
	t, err := http.ParseTime(value)
	return t, err == nil
}

// IsDigits reports whether s is a non-empty run of ASCII digits.
func IsDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
