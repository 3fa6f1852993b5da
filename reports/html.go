package reports

import (
	"bufio"
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"iter"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
	"github.com/apiconform/apiconform/suites/words"
)

//go:embed templates/report.html.tmpl
var templateFS embed.FS

// reportTemplate is parsed on first use, not at start: a command that
// writes no page pays nothing for it, and a run warms it while it waits
// for answers (WarmHTML). html/template escapes a template on its first
// execution, so it is executed once here, on an empty run.
var reportTemplate = sync.OnceValue(func() *template.Template {
	t := template.Must(template.New("report.html.tmpl").
		Funcs(template.FuncMap{"join": func(ids []string) string { return strings.Join(ids, " ") }}).
		ParseFS(templateFS, "templates/report.html.tmpl"))
	_ = t.Execute(io.Discard, newHTMLView(&Run{}))
	return t
})

// WarmHTML makes report.html's template ready, so that the first page
// written does not wait for it. It is safe to call at any time, from any
// goroutine.
func WarmHTML() { reportTemplate() }

// headerValueMax caps one header value on the page; bodies are capped at
// probe.BodyExcerpt.
const headerValueMax = 1024

// WriteHTML writes run as one self-contained HTML page: a verdict banner,
// the counts, the run's notices, a matrix of endpoints × cases coloured by
// outcome, and for each case the request sent, the response received, the
// expectation, the findings with their consumer impact and a curl command
// that reproduces it. The page loads nothing: CSS is inline, there is no
// script, and its Content-Security-Policy forbids both. It is streamed to
// w: neither the page nor the views of all its cases are ever whole in
// memory.
func WriteHTML(w io.Writer, run *Run) error {
	out := bufio.NewWriter(w) // w itself when the caller buffers it already
	// Bodies, headers and messages carry whatever the server sent.
	page := newPrintableWriter(out)
	if err := reportTemplate().Execute(page, newHTMLView(run)); err != nil {
		return err
	}
	if err := page.Close(); err != nil {
		return err
	}
	return out.Flush()
}

type htmlView struct {
	Title       string
	Verdict     string // the verdict in capitals
	Class       string // v-pass, v-fail, v-inconclusive, v-interrupted
	Headline    string
	Run         *Run
	Started     string
	Duration    string
	Counts      []htmlCount
	Columns     []string
	NoticeCount int
	cases       []anchoredCase // every case, in headline order
}

// anchoredCase is what the page holds of every case while it is written.
type anchoredCase struct {
	*Case
	Anchor string
}

// Rows yields the matrix one endpoint at a time, its cells built when the
// template reaches the row.
func (v *htmlView) Rows() iter.Seq[*htmlRow] {
	byKind := make(map[string]*anchoredCase, len(v.cases))
	for i := range v.cases {
		c := &v.cases[i]
		byKind[c.Endpoint+"\x00"+c.Case.Case] = c
	}
	return func(yield func(*htmlRow) bool) {
		for _, ep := range v.Run.Endpoints() {
			row := &htmlRow{Endpoint: ep, Cells: make([]*htmlCell, len(v.Columns))}
			for i, kind := range v.Columns {
				if c := byKind[ep+"\x00"+kind]; c != nil {
					row.Cells[i] = newHTMLCell(c)
					if row.Profile == "" {
						row.Profile = c.Profile
					}
				}
			}
			if !yield(row) {
				return
			}
		}
	}
}

// Cases yields the full view of each case in headline order, built when
// the template reaches the case and dropped after it.
func (v *htmlView) Cases() iter.Seq[*htmlCase] {
	return func(yield func(*htmlCase) bool) {
		for i := range v.cases {
			if !yield(newHTMLCase(&v.cases[i], v.Run.Insecure)) {
				return
			}
		}
	}
}

type htmlCount struct {
	Label string
	N     int
	Class string
}

type htmlRow struct {
	Endpoint string
	Profile  string
	Cells    []*htmlCell // nil where the endpoint has no such case
}

// htmlCell is a case's cell in the matrix.
type htmlCell struct {
	Href     template.URL // "#" + the anchor, which holds only URL-safe characters
	Class    string       // o-pass, o-fail, o-error, o-skipped, o-not-run, o-known-failure
	Label    string
	Title    string // the tooltip
	Warnings []suites.Finding
}

// htmlCase is the full view of one case, as its section shows it.
type htmlCase struct {
	*Case
	Anchor    string
	Class     string
	Label     string
	Open      bool
	Brief     string // why a skipped, erroring or unrun case has no verdict, shown unexpanded
	Got       string
	Duration  string
	ReqHeader []htmlHeader
	Resp      *htmlResponse
	Curl      string
}

type htmlHeader struct{ Name, Value string }

type htmlResponse struct {
	Status    string
	Header    []htmlHeader
	Body      string
	Truncated bool
	Shown     int
	Total     int64
}

func newHTMLView(run *Run) *htmlView {
	k := run.Counts
	v := &htmlView{
		Run:      run,
		Verdict:  strings.ToUpper(string(run.Verdict)),
		Class:    "v-" + string(run.Verdict),
		Started:  run.Started.UTC().Format("2006-01-02 15:04:05 MST"),
		Duration: (time.Duration(run.DurationMS) * time.Millisecond).String(),
		Counts: []htmlCount{
			{"passed", k.Pass, "o-pass"}, {"failed", k.Fail, "o-fail"}, {"errors", k.Error, "o-error"},
			{"skipped", k.Skipped, "o-skipped"}, {"not run", k.NotRun, "o-not-run"}, {"warnings", k.Warnings, "o-warn"},
		},
		NoticeCount: len(run.Notices),
		Columns:     caseColumns(run.Cases),
		cases:       anchoredCases(run),
	}
	if k.Known > 0 {
		v.Counts = append(v.Counts, htmlCount{"known failures", k.Known, "o-known-failure"})
	}
	v.Headline = headline(run)
	v.Title = fmt.Sprintf("apiconform %s · %s · %s", v.Verdict, run.Profile, run.Target)
	return v
}

// anchoredCases returns the cases of run in headline order, each with
// its anchor. The order decides which of two cases whose IDs make the
// same anchor gets it plain, so summary.md links by this too (caseAnchors).
func anchoredCases(run *Run) []anchoredCase {
	used := map[string]bool{}
	order := headlineIndexes(run)
	cases := make([]anchoredCase, len(order))
	for k, i := range order {
		cases[k] = anchoredCase{Case: &run.Cases[i], Anchor: anchorFor(run.Cases[i].ID, used)}
	}
	return cases
}

// headline says in one sentence what the verdict means.
func headline(run *Run) string {
	h := verdictHeadline(run)
	if run.Incident != nil {
		return "the incident: " + run.Incident.Summary + "; " + h
	}
	return h
}

// verdictHeadline says what the verdict means.
func verdictHeadline(run *Run) string {
	k := run.Counts
	total := len(run.Cases)
	switch run.Verdict {
	case VerdictFail:
		if k.Skipped > 0 {
			return fmt.Sprintf("%d of %d cases break the profile (%d more skipped)", k.Fail, total-k.Skipped, k.Skipped)
		}
		return fmt.Sprintf("%d of %d cases break the profile", k.Fail, total)
	case VerdictInconclusive:
		if len(run.Gaps) > 0 && k.Error+k.NotRun == 0 {
			return "nothing failed, but the run could not judge everything: " + strings.Join(run.Gaps, "; ")
		}
		if run.NothingJudged() {
			return fmt.Sprintf("nothing was judged: all %d cases were skipped (not configured or not applicable), so this run proves nothing", total)
		}
		return fmt.Sprintf("nothing failed, but %d of %d cases could not be judged", k.Error+k.NotRun, total)
	case VerdictInterrupted:
		s := run.Interrupted
		if k.NotRun > 0 {
			s += fmt.Sprintf("; %d of %d cases not run", k.NotRun, total)
		}
		return s
	case VerdictPass:
		if total == 0 {
			return "no case was run"
		}
		if k.Skipped > 0 {
			return fmt.Sprintf("every case sent conforms to the profile (%d skipped)", k.Skipped)
		}
		return "every case conforms to the profile"
	}
	return ""
}

// caseColumns lists the run's case kinds in the spec's order, then any
// kind the spec does not know in the order met.
func caseColumns(cases []Case) []string {
	var cols []string
	for _, c := range cases {
		if !slices.Contains(cols, c.Case) {
			cols = append(cols, c.Case)
		}
	}
	rank := func(kind string) int {
		if i := slices.Index(plan.Kinds(), plan.Kind(kind)); i >= 0 {
			return i
		}
		return len(plan.Kinds())
	}
	slices.SortStableFunc(cols, func(a, b string) int { return rank(a) - rank(b) })
	return cols
}

var outcomeLabels = map[suites.Outcome]string{
	suites.Pass: "pass", suites.Fail: "FAIL", suites.Error: "ERROR", suites.Skipped: "skipped", suites.NotRun: "not run",
	suites.KnownFailure: "known",
}

func newHTMLCell(c *anchoredCase) *htmlCell {
	cell := &htmlCell{Href: template.URL("#" + c.Anchor), Class: outcomeClass(c.Outcome), Label: outcomeLabel(c.Outcome), Warnings: c.Warnings}
	lead := c.Reason
	if len(c.Failures) > 0 {
		lead = c.Failures[0].Message
	}
	cell.Title = cell.Label
	switch {
	case strings.HasPrefix(strings.ToLower(lead), strings.ToLower(cell.Label)+":"):
		cell.Title = words.Clip(lead, 200)
	case lead != "":
		cell.Title += ": " + words.Clip(lead, 200)
	}
	if n := len(c.Warnings); n > 0 {
		cell.Title += fmt.Sprintf(" (%d warning%s)", n, plural(n))
	}
	return cell
}

func outcomeClass(o suites.Outcome) string { return "o-" + string(o) }

func outcomeLabel(o suites.Outcome) string {
	if label := outcomeLabels[o]; label != "" {
		return label
	}
	return string(o)
}

func newHTMLCase(c *anchoredCase, insecure bool) *htmlCase {
	hc := &htmlCase{
		Case:     c.Case,
		Anchor:   c.Anchor,
		Class:    outcomeClass(c.Outcome),
		Label:    outcomeLabel(c.Outcome),
		Open:     c.Outcome == suites.Fail || c.Outcome == suites.Error || c.Outcome == suites.KnownFailure,
		Duration: fmt.Sprintf("%.1f ms", c.DurationMS),
	}
	if c.Outcome == suites.Skipped || c.Outcome == suites.Error || c.Outcome == suites.NotRun {
		hc.Brief = words.Clip(c.Reason, 160)
	}
	for _, name := range SortedHeaderNames(c.Request.Headers) {
		hc.ReqHeader = append(hc.ReqHeader, htmlHeader{name, words.Clip(c.Request.Headers[name], headerValueMax)})
	}
	if c.Response != nil {
		hc.Resp = newHTMLResponse(c.Response)
		hc.Got = hc.Resp.Status
	}
	if len(c.Request.Headers) > 0 {
		hc.Curl = curlCommand(c.Request, insecure)
	}
	return hc
}

func newHTMLResponse(r *Response) *htmlResponse {
	resp := &htmlResponse{Status: statusLine(r.Status), Truncated: r.BodyTruncated, Total: r.BodyBytes}
	for _, name := range SortedHeaderNames(r.Headers) {
		resp.Header = append(resp.Header, htmlHeader{name, words.Clip(r.Headers[name], headerValueMax)})
	}
	if r.HeaderBytes > 0 {
		resp.Header = append(resp.Header, htmlHeader{"[headers cut]", fmt.Sprintf("%d bytes in all, the first 64 KiB kept", r.HeaderBytes)})
	}
	body := r.Body
	if len(body) > probe.BodyExcerpt {
		body, resp.Truncated = cutUTF8(body, probe.BodyExcerpt), true
	}
	resp.Shown = len(body)
	if resp.Total < int64(len(r.Body)) {
		resp.Total = int64(len(r.Body))
	}
	resp.Body = printable(prettyJSON(body, resp.Truncated)) // before the template, which turns NUL into U+FFFD
	return resp
}

// anchorFor returns a unique fragment for a case: its ID where that is
// safe in a URL fragment, so links into the report stay readable.
func anchorFor(id string, used map[string]bool) string {
	a := strings.Map(func(r rune) rune {
		if r < utf8.RuneSelf && (r == '/' || r == '.' || r == '_' || r == '-' ||
			r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z') {
			return r
		}
		return '_'
	}, id)
	if a == "" {
		a = "case"
	}
	unique := a
	for i := 2; used[unique]; i++ {
		unique = fmt.Sprintf("%s-%d", a, i)
	}
	used[unique] = true
	return unique
}

func statusLine(status int) string {
	if text := http.StatusText(status); text != "" {
		return fmt.Sprintf("%d %s", status, text)
	}
	return fmt.Sprint(status)
}

// prettyJSON indents a whole JSON body for reading; anything else, or a
// truncated body, is shown as it came.
func prettyJSON(body string, truncated bool) string {
	if truncated || !json.Valid([]byte(body)) {
		return body
	}
	var out bytes.Buffer
	if err := json.Indent(&out, []byte(body), "", "  "); err != nil {
		return body
	}
	return out.String()
}

// cutUTF8 cuts s to at most n bytes without splitting a character.
func cutUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

var envReference = regexp.MustCompile(`\$\{[A-Za-z_][A-Za-z0-9_]*\}`)

// curlCommand returns a shell command that sends req again. Header values
// keep the ${ENV_NAME} references that stand for secrets, in double
// quotes so the shell expands them; everything else is single-quoted.
func curlCommand(req Request, insecure bool) string {
	var b strings.Builder
	b.WriteString("curl -sS -i -g")
	if insecure {
		// The run did not verify the certificate: neither may the replay.
		b.WriteString(" -k")
	}
	switch req.Method {
	case "", http.MethodGet:
	case http.MethodHead:
		b.WriteString(" --head")
	default:
		b.WriteString(" -X " + shellQuote(req.Method))
	}
	for _, name := range SortedHeaderNames(req.Headers) {
		b.WriteString(" \\\n  -H " + shellQuoteExpanding(name+": "+req.Headers[name]))
	}
	if req.Body != "" {
		b.WriteString(" \\\n  --data-raw " + shellQuoteExpanding(req.Body))
	}
	b.WriteString(" \\\n  " + shellQuoteExpanding(req.URL))
	return b.String()
}

// shellQuote quotes s as one literal shell word.
func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

// shellQuoteExpanding quotes s as one shell word in which only the
// ${ENV_NAME} references are expanded: 'Authorization: Bearer '"${API_TOKEN}".
func shellQuoteExpanding(s string) string {
	var b strings.Builder
	last := 0
	for _, m := range envReference.FindAllStringIndex(s, -1) {
		if m[0] > last {
			b.WriteString(shellQuote(s[last:m[0]]))
		}
		b.WriteString(`"` + s[m[0]:m[1]] + `"`)
		last = m[1]
	}
	if last < len(s) || b.Len() == 0 {
		b.WriteString(shellQuote(s[last:]))
	}
	return b.String()
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}
