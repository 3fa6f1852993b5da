package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/apiconform/apiconform/suites"
)

// WriteDetection writes the detection table and verdict for a terminal.
func WriteDetection(w io.Writer, d *suites.Detection, closest *Run) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tMATCHED\tFAILED\tERRORS\tSKIPPED")
	for _, s := range d.Profiles {
		fmt.Fprintf(tw, "%s\t%d of %d\t%d\t%d\t%d\n", s.Name, s.Pass, s.Judged(), s.Fail, s.Error+s.NotRun, s.Skipped+s.Known)
	}
	tw.Flush()
	fmt.Fprintf(&b, "\n%s\n", d.Verdict)
	if len(d.Follows) == 0 && closest != nil {
		fmt.Fprintf(&b, "\nWhat keeps it from matching %s:\n", d.Closest)
		for _, c := range closest.Cases {
			if len(c.Failures) == 0 {
				continue
			}
			fmt.Fprintf(&b, "  %s\n", c.Failures[0].Message)
			if c.Impact != "" {
				fmt.Fprintf(&b, "    impact: %s\n", c.Impact)
			}
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
