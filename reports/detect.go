package reports

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// Detection is what `apiconform detect` found: how well the API's answers
// match each profile, judged on one set of recorded exchanges.
type Detection struct {
	Profiles []ProfileScore `json:"profiles"`
	// Follows lists the profiles every judged case matched (several when
	// the configured cases cannot tell them apart).
	Follows []string `json:"follows"`
	// Closest is the best-matching profile when none matches fully.
	Closest string `json:"closest,omitempty"`
	// Incident is set when no profile matches and the API answers 2xx
	// where every profile expects an error: the 200-for-everything pattern.
	Incident bool   `json:"incident"`
	Verdict  string `json:"verdict"` // one sentence
}

// ProfileScore counts one profile's outcomes over the same exchanges.
type ProfileScore struct {
	Name       string   `json:"name"`
	Pass       int      `json:"pass"`
	Fail       int      `json:"fail"`
	Error      int      `json:"error"`
	Skipped    int      `json:"skipped"`
	Mismatches []string `json:"mismatches,omitempty"` // failing case IDs
}

// Judged is the number of cases that gave a verdict under the profile.
func (s ProfileScore) Judged() int { return s.Pass + s.Fail }

// WriteDetection writes the detection table and verdict for a terminal.
func WriteDetection(w io.Writer, d *Detection, closest *Run) error {
	var b strings.Builder
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "PROFILE\tMATCHED\tFAILED\tERRORS\tSKIPPED")
	for _, s := range d.Profiles {
		fmt.Fprintf(tw, "%s\t%d of %d\t%d\t%d\t%d\n", s.Name, s.Pass, s.Judged(), s.Fail, s.Error, s.Skipped)
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
