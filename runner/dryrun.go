package runner

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/apiconform/apiconform/reports"
	"github.com/apiconform/apiconform/suites"
	"github.com/apiconform/apiconform/suites/auth"
	"github.com/apiconform/apiconform/suites/words"
)

// printPlan prints every case with its request (method, URL, headers,
// body, which credentials) and its expectation; secrets show as ${NAME}.
func printPlan(w io.Writer, j *Job) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	redact := j.redactor()
	fmt.Fprintln(tw, "CASE\tREQUEST\tEXPECTED (profile)")
	for _, s := range j.Suites() {
		for _, c := range s.Cases {
			req := c.Request.Method + " " + words.Clip(c.Request.URL, 90)
			if len(c.Request.URL) > 90 {
				req += fmt.Sprintf(" (%d IDs)", len(c.IDs.Sent))
			}
			for _, name := range reports.SortedHeaderNames(c.Request.Header) {
				req += fmt.Sprintf(" [%s: %s]", name, c.Request.Header[name])
			}
			if c.Request.Body != "" {
				req += " " + words.Clip(c.Request.Body, 90)
			}
			req = redact.String(req)
			switch c.Request.Auth {
			case auth.Missing:
				req += " [no credentials]"
			case auth.Invalid:
				req += " [a wrong token]"
			case auth.Forbidden:
				req += " [a token without rights]"
			}
			if c.Skipped() {
				req = "skipped: " + c.SkipReason
			}
			expected := "-"
			if !c.Skipped() {
				expected = suites.Describe(s.Profile, &c)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s (%s)\n", c.ID, req, expected, s.Profile.Name)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\n%d cases; nothing was sent (--dry-run).\n", len(j.Plan.Cases))
}
