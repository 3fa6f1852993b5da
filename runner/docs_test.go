package runner

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// TestConfigReferenceNamesEveryFlag keeps docs/config.md in step with
// the run flags: every flag has its row.
func TestConfigReferenceNamesEveryFlag(t *testing.T) {
	_, file, _, _ := runtime.Caller(0)
	doc, err := os.ReadFile(filepath.Join(filepath.Dir(file), "..", "docs", "config.md"))
	if err != nil {
		t.Fatal(err)
	}
	cfg := Defaults()
	newRunFlagSet(&cfg).VisitAll(func(f *pflag.Flag) {
		if f.Name == "config" {
			return
		}
		if !strings.Contains(string(doc), "`--"+f.Name+"`") {
			t.Errorf("docs/config.md does not document --%s", f.Name)
		}
	})
}
