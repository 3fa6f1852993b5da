package reports

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestHTMLRendersInChromium opens report.html from disk in headless
// Chromium (Debian package chromium), with no network and a throw-away
// profile, and checks the rendered page: the matrix links to the cases, a
// failure shows its expectation, impact and curl command, and the
// server's <script> stayed text. It keeps a screenshot of the page as
// report-html.png in $APICONFORM_TEST_ARTIFACTS, or else in .artifacts/ at
// the repository root. Without chromium it skips, unless
// APICONFORM_REQUIRE_CHROMIUM is set (CI sets it): then it fails.
func TestHTMLRendersInChromium(t *testing.T) {
	chromium := requireTool(t, "chromium", "chromium", "APICONFORM_REQUIRE_CHROMIUM")
	dir := t.TempDir()
	if _, err := WriteAll(dir, sampleRun()); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(artifactDir(t), "report-html.png")
	_ = os.Remove(shot)

	home := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium,
		"--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
		"--disable-extensions", "--disable-background-networking", "--disable-sync", "--disable-component-update",
		"--host-resolver-rules=MAP * ~NOTFOUND", // the page must not need the network
		"--user-data-dir="+filepath.Join(home, "profile"),
		"--hide-scrollbars", "--window-size=1280,2200",
		"--screenshot="+shot, "--dump-dom",
		"file://"+filepath.Join(dir, HTMLFile))
	cmd.Env = append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+home, "XDG_CACHE_HOME="+home)
	cmd.WaitDelay = 5 * time.Second
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("chromium: %v (timed out: %v)\n%s", err, ctx.Err() != nil, tail(stderr.String(), 2000))
	}
	dom := stdout.String()

	wantContains(t, "the page Chromium rendered", dom,
		"<title>apiconform FAIL · lenient · https://staging.example.com/api</title>",
		`<span class="verdict">FAIL</span>`, "TLS certificate verification was OFF (--insecure)",
		`<table class="matrix">`, `<a href="#items/partial"`, `<a href="#orders/found"`,
		`<details class="case o-fail" id="items/partial" open="">`,
		"items/partial: expected 404 (profile lenient); got 200 OK",
		"a client that trusts 200 takes 1 missing record as delivered",
		"Authorization: Bearer ${API_TOKEN}", "curl -sS -i -g")
	if strings.Contains(dom, "<script") || strings.Contains(dom, "<img") {
		t.Error("the server's answer became markup in the rendered page")
	}
	if !strings.Contains(dom, "&lt;script&gt;document.title='pwned'&lt;/script&gt;") {
		t.Error("the server's <script> is not shown as text")
	}

	png, err := os.ReadFile(shot)
	if err != nil {
		t.Fatalf("no screenshot: %v\n%s", err, tail(stderr.String(), 2000))
	}
	if !bytes.HasPrefix(png, []byte("\x89PNG\r\n\x1a\n")) || len(png) < 10_000 {
		t.Errorf("%s is not a plausible screenshot (%d bytes)", shot, len(png))
	}
	t.Logf("screenshot: %s", shot)
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
