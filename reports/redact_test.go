package reports

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRedactorString(t *testing.T) {
	r := NewRedactor([]string{"tok-valid-123456789", "short"}, nil)
	cases := map[string]string{
		"Bearer tok-valid-123456789":                                 "Bearer [redacted]",
		"Bearer ${API_TOKEN}":                                        "Bearer ${API_TOKEN}",
		"short words stay":                                           "short words stay",
		"key AKIAIOSFODNN7EXAMPLE here":                              "key [redacted:aws-key] here",
		"Authorization: Basic ZGVtbzpzM2NyZXQtcGFzc3dvcmQ=":          "Authorization: Basic [redacted:credential]",
		"https://user:hunter2@example.com/x":                         "https://user:[redacted:url-password]example.com/x",
		"ghp_0123456789abcdefghijABCDEFGHIJ0123456789":               "[redacted:github-token]",
		"eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0xx.c2lnbmF0dXJlLXh5":    "[redacted:jwt]",
		"items/partial: expected 404; got 200 OK (data: 1 item [2])": "items/partial: expected 404; got 200 OK (data: 1 item [2])",
	}
	for in, want := range cases {
		if got := r.String(in); got != want {
			t.Errorf("String(%q) = %q, want %q", in, got, want)
		}
	}
	if len(r.Secrets()) != 1 {
		t.Errorf("a value shorter than %d characters is not a secret: %v", MinSecretLength, r.Secrets())
	}
}

func TestRedactorRunCollectsSensitiveHeaders(t *testing.T) {
	run := &Run{Target: "https://u:pw-secret@api.example", Cases: []Case{{
		ID:       "items/found",
		Request:  Request{URL: "https://api.example/items", Headers: map[string]string{"Authorization": "Bearer ${API_TOKEN}", "Cookie": "sid=cookie-value-123"}},
		Response: &Response{Headers: map[string]string{"Set-Cookie": "sid=new-cookie-456; Path=/; HttpOnly"}, Body: "echo cookie-value-123 and new-cookie-456"},
	}}}
	r := NewRedactor(nil, nil)
	r.Scrub(run)
	c := run.Cases[0]
	if c.Request.Headers["Authorization"] != "Bearer ${API_TOKEN}" || c.Request.Headers["Cookie"] != "[redacted]" || c.Response.Headers["Set-Cookie"] != "[redacted]" {
		t.Fatalf("headers: %v %v", c.Request.Headers, c.Response.Headers)
	}
	if strings.Contains(c.Response.Body, "cookie-value-123") || strings.Contains(c.Response.Body, "new-cookie-456") {
		t.Fatalf("echoed cookie values survive: %q", c.Response.Body)
	}
	if strings.Contains(run.Target, "pw-secret") {
		t.Fatalf("target keeps its password: %s", run.Target)
	}
}

// TestFileScanFindsASecretAcrossChunks: the after-write scan reads a file
// a chunk at a time; a secret that straddles two chunks is still found.
func TestFileScanFindsASecretAcrossChunks(t *testing.T) {
	secret := "s3cr3t-token-value-0123456789"
	dir := t.TempDir()
	for _, at := range []int{0, scanChunk - 5, scanChunk, 3*scanChunk - 1} {
		path := filepath.Join(dir, fmt.Sprintf("at-%d", at))
		data := append(bytes.Repeat([]byte("a"), at), []byte(base64.StdEncoding.EncodeToString([]byte(secret)))...)
		data = append(data, bytes.Repeat([]byte("b"), 100)...)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		if found, err := FileContainsSecret(path, []string{secret}); err != nil || !found {
			t.Errorf("a secret at byte %d: found %v, %v", at, found, err)
		}
	}
	clean := filepath.Join(dir, "clean")
	if err := os.WriteFile(clean, bytes.Repeat([]byte("a"), 2*scanChunk+7), 0o644); err != nil {
		t.Fatal(err)
	}
	if found, err := FileContainsSecret(clean, []string{secret}); err != nil || found {
		t.Errorf("a clean file: found %v, %v", found, err)
	}
}
