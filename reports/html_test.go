package reports

import (
	"context"
	"fmt"
	"html"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/probe"
)

// caseSection returns the <details> block of one case in page.
func caseSection(t *testing.T, page, id string) string {
	t.Helper()
	start := strings.Index(page, `id="`+id+`"`)
	if start < 0 {
		t.Fatalf("report.html has no section for %s", id)
	}
	end := strings.Index(page[start:], "</details>")
	if end < 0 {
		t.Fatalf("report.html: the section of %s is not closed", id)
	}
	return page[start : start+end]
}

func wantContains(t *testing.T, where, text string, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			t.Errorf("%s lacks %q", where, p)
		}
	}
}

func TestHTMLShowsVerdictNoticesMatrixAndCases(t *testing.T) {
	page := render(t, WriteHTML, sampleRun())

	wantContains(t, "the banner", page,
		`<header class="banner v-fail">`, `<span class="verdict">FAIL</span>`, "2 of 6 cases break the profile (1 more skipped)",
		"profile <b>lenient</b>", "https://staging.example.com/api", "took 1.234s")
	wantContains(t, "the notices", page, `<p class="notice" role="alert"><b>Warning</b>TLS certificate verification was OFF (--insecure)`)
	wantContains(t, "the counts", page,
		`<li class="o-pass"><span class="n">2</span>passed</li>`, `<li class="o-fail"><span class="n">2</span>failed</li>`,
		`<li class="o-error"><span class="n">1</span>errors</li>`, `<li class="o-skipped"><span class="n">1</span>skipped</li>`,
		`<li class="o-not-run"><span class="n">1</span>not run</li>`, `<li class="o-warn"><span class="n">2</span>warnings</li>`)

	// The matrix: endpoints × case kinds in the spec's order, each cell
	// linked to its case, warnings marked, absent cases shown as absent.
	matrix := page[strings.Index(page, `<table class="matrix">`):strings.Index(page, "</table>")]
	header := regexp.MustCompile(`<th scope="col">([^<]+)</th>`).FindAllStringSubmatch(matrix, -1)
	var cols []string
	for _, h := range header {
		cols = append(cols, h[1])
	}
	if got, want := strings.Join(cols, " "), "endpoint found partial none malformed oversized rate-limit"; got != want {
		t.Errorf("matrix columns %q, want %q", got, want)
	}
	wantContains(t, "the matrix", matrix,
		`<th scope="row">items <span class="muted">(lenient)</span></th>`,
		`<td class="o-pass"><a href="#items/found" title="pass">pass</a></td>`,
		`<td class="o-fail has-warn"><a href="#items/partial" title="FAIL: items/partial: expected 404 (profile lenient); got 200 OK (1 warning)">FAIL <span class="warn-mark">⚠1</span></a></td>`,
		`<td class="o-pass has-warn"><a href="#items/malformed"`,
		`<td class="o-error"><a href="#items/none" title="ERROR: transport error (refused)`,
		`<td class="o-skipped"><a href="#items/oversized" title="skipped: max_ids is not configured (--max-ids)">skipped</a></td>`,
		`<td class="o-not-run"><a href="#items/rate-limit"`,
		`<td class="o-fail"><a href="#orders/found"`,
		`<td class="none">·</td>`)

	wantContains(t, "the cases", page,
		`<details class="case o-fail" id="items/partial" open>`, `<details class="case o-error" id="items/none" open>`,
		`<details class="case o-pass" id="items/found">`, `<details class="case o-skipped" id="items/oversized">`)
	partial := caseSection(t, page, "items/partial")
	wantContains(t, "the items/partial section", partial,
		"got 200 OK",
		"<dt>Expected</dt><dd>404 &#43; missing_ids [1]</dd>",
		`<span class="msg">items/partial: expected 404 (profile lenient); got 200 OK</span>`,
		"<b>Consumer impact:</b> a client that trusts 200 takes 1 missing record as delivered; monitoring counts it as success",
		"Source: profile lenient (status)",
		"items/partial: expected missing_ids = [1]; got []",
		`<ul class="findings warn">`, "items/partial: error body is not problem&#43;json", "generic clients cannot parse the error", "Source: RFC 9457",
		"GET https://staging.example.com/api/items?id=1,2\nAccept: application/json\nAuthorization: Bearer ${API_TOKEN}",
		"200 OK\nContent-Type: application/json",
		"curl -sS -i -g \\\n  -H &#39;Accept: application/json&#39; \\\n  -H &#39;Authorization: Bearer &#39;&#34;${API_TOKEN}&#34; \\\n",
		"&#39;https://staging.example.com/api/items?id=1,2&#39;</pre>")

	wantContains(t, "the items/malformed section", caseSection(t, page, "items/malformed"),
		`<ul class="findings note">`, "items/malformed: answered in 1 ms", "items/malformed: the 400 has no error body")
	wantContains(t, "the items/none section", caseSection(t, page, "items/none"),
		`<p class="lead">transport error (refused)`, `<span class="muted">no response</span>`, "curl -sS")
	skipped := caseSection(t, page, "items/oversized")
	wantContains(t, "the items/oversized section", skipped, `<p class="lead">max_ids is not configured (--max-ids)</p>`)
	notRun := caseSection(t, page, "items/rate-limit")
	wantContains(t, "the items/rate-limit section", notRun, "not run: the run stopped before this case was answered")
	for id, section := range map[string]string{"items/oversized": skipped, "items/rate-limit": notRun} {
		if strings.Contains(section, "curl") || strings.Contains(section, `" open>`) {
			t.Errorf("%s: a case that was never sent shows a curl command or opens by default", id)
		}
	}
}

func TestHTMLKeepsTheServersAnswerInert(t *testing.T) {
	page := render(t, WriteHTML, sampleRun())
	for _, live := range []string{"<script", "<img", "onerror=alert"} {
		if strings.Contains(strings.ToLower(strings.ReplaceAll(page, "onerror=alert(1)&gt;", "")), live) {
			t.Errorf("report.html carries %q from the server's answer unescaped", live)
		}
	}
	wantContains(t, "report.html", page,
		"&lt;script&gt;document.title=&#39;pwned&#39;&lt;/script&gt;",
		"X-Request-Id: &lt;img src=x onerror=alert(1)&gt;")
}

func TestHTMLLoadsNothing(t *testing.T) {
	page := render(t, WriteHTML, sampleRun())
	// Only markup counts: the server's answer appears escaped as text.
	markup := strings.ToLower(strings.Join(regexp.MustCompile(`<[a-zA-Z!][^>]*>`).FindAllString(page, -1), "\n"))
	style := strings.ToLower(page[strings.Index(page, "<style>"):strings.Index(page, "</style>")])
	for _, external := range []string{"<link", "<script", "<iframe", "<object", "<embed", "<img", "<base", "src=", "srcset=", "@import", "url(", "@font-face"} {
		if strings.Contains(markup, external) || strings.Contains(style, external) {
			t.Errorf("report.html must be self-contained, but it has %q", external)
		}
	}
	for _, href := range regexp.MustCompile(`href="([^"]*)"`).FindAllStringSubmatch(page, -1) {
		if !strings.HasPrefix(href[1], "#") {
			t.Errorf("report.html links outside itself: %q", href[1])
		}
	}
	wantContains(t, "report.html", page, `content="default-src 'none'; style-src 'unsafe-inline'`, "<style>")
}

func TestHTMLCapsBodiesAndShowsBytesThatAreNotText(t *testing.T) {
	run := sampleRun()
	page := render(t, WriteHTML, run)
	if !utf8.ValidString(page) {
		t.Fatal("report.html is not valid UTF-8")
	}
	orders := caseSection(t, page, "orders/found")
	response := orders[strings.Index(orders, `<pre class="response">`):]
	if response = html.UnescapeString(response[:strings.Index(response, "</pre>")]); len(response) > probe.BodyExcerpt+200 {
		t.Errorf("orders/found: %d bytes of response on the page, want the %d-byte excerpt and the headers", len(response), probe.BodyExcerpt)
	}
	wantContains(t, "the orders/found section", orders, fmt.Sprintf("Body truncated: showing the first 4096 of %d bytes read.", run.Cases[6].Response.BodyBytes))

	malformed := caseSection(t, page, "items/malformed")
	wantContains(t, "the items/malformed section", malformed, "\uFFFDID ␀␛[31m\uFFFD")

	// A run read back from results.json is capped again by the page.
	run.Cases[0].Response.Body = strings.Repeat("é", 1<<19)
	page = render(t, WriteHTML, run)
	found := caseSection(t, page, "items/found")
	if n := strings.Count(found, "é"); n > probe.BodyExcerpt/2 || n == 0 {
		t.Errorf("items/found: %d characters of a 1 MiB body shown, want at most %d", n, probe.BodyExcerpt/2)
	}
	wantContains(t, "the items/found section", found, "Body truncated: showing the first 4096 of 1048576 bytes read.")
}

func TestHTMLCopesWithEmptyAndInterruptedRuns(t *testing.T) {
	empty := render(t, WriteHTML, newSampleRun(Meta{}, nil))
	wantContains(t, "an empty run's report", empty, "No case was run.", "no case was run")
	if strings.Contains(empty, `<table class="matrix">`) {
		t.Error("an empty run shows an empty matrix")
	}

	cases := append(onlyOutcome(suites.Pass), onlyOutcome(suites.NotRun)...)
	page := render(t, WriteHTML, newSampleRun(Meta{Interrupted: "interrupted: SIGINT"}, cases))
	wantContains(t, "an interrupted run's report", page,
		`<header class="banner v-interrupted">`, `<span class="verdict">INTERRUPTED</span>`,
		"interrupted: SIGINT; 1 of 3 cases not run", "<b>Stopped early</b>interrupted: SIGINT",
		`<td class="o-not-run"><a href="#items/rate-limit"`)
}

func TestAnchorsAreUniqueAndReadable(t *testing.T) {
	used := map[string]bool{}
	for _, tc := range []struct{ id, want string }{
		{"items/partial", "items/partial"},
		{"my.api_v2/found-one", "my.api_v2/found-one"},
		{`bad id"<x>`, "bad_id__x_"},
		{`bad id'<x>`, "bad_id__x_-2"},
		{"", "case"},
	} {
		if got := anchorFor(tc.id, used); got != tc.want {
			t.Errorf("anchorFor(%q) = %q, want %q", tc.id, got, tc.want)
		}
	}
}

// TestCurlCommandsSurviveTheShell runs the curl commands through sh with
// curl replaced by a function that prints its arguments: each argument
// must come out exactly as recorded, and only the ${ENV_NAME} reference
// that stands for the secret may be expanded.
func TestCurlCommandsSurviveTheShell(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	req := Request{
		Method: "DELETE",
		URL:    "https://api.example.com/items?id=1,2&q=$(touch /tmp/pwned)`id`'x'",
		Headers: map[string]string{
			"Authorization": "Bearer ${API_TOKEN}",
			"X-Odd":         `it's "quoted" $HOME ${NOT A REF} \n`,
			"X-Two":         "${A_TOKEN}:${B_TOKEN}",
		},
	}
	cmd := curlCommand(req, false)
	script := `curl() { for a in "$@"; do printf '[%s]\n' "$a"; done; }` + "\n" + cmd
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c := exec.CommandContext(ctx, sh, "-c", script)
	c.Env = []string{"API_TOKEN=tok-123", "A_TOKEN=a", "B_TOKEN=b", "HOME=/nowhere"}
	out, err := c.CombinedOutput()
	if err != nil {
		t.Fatalf("sh: %v\n%s\n%s", err, cmd, out)
	}
	want := strings.Join([]string{
		"[-sS]", "[-i]", "[-g]", "[-X]", "[DELETE]",
		"[-H]", "[Authorization: Bearer tok-123]",
		"[-H]", `[X-Odd: it's "quoted" $HOME ${NOT A REF} \n]`,
		"[-H]", "[X-Two: a:b]",
		"[https://api.example.com/items?id=1,2&q=$(touch /tmp/pwned)`id`'x']",
	}, "\n") + "\n"
	if string(out) != want {
		t.Errorf("the shell read\n%s\nfrom\n%s\nwant\n%s", out, cmd, want)
	}

	if got := curlCommand(Request{Method: "HEAD", URL: "http://x/", Headers: map[string]string{"A": "b"}}, false); !strings.HasPrefix(got, "curl -sS -i -g --head") {
		t.Errorf("HEAD: %q", got)
	}
	if got := curlCommand(Request{Method: "GET", URL: "https://x/"}, true); !strings.HasPrefix(got, "curl -sS -i -g -k") {
		t.Errorf("an --insecure run replays with -k: %s", got)
	}
	if got := curlCommand(Request{Method: "GET", URL: "http://x/", Headers: map[string]string{"A": "b"}}, false); strings.Contains(got, "-X") {
		t.Errorf("GET needs no -X: %q", got)
	}
}
