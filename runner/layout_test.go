package runner

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const modulePath = "github.com/apiconform/apiconform"

// layerRank orders the top-level folders from the lowest to the highest:
// a package may import one of a lower folder, never one of a higher.
var layerRank = map[string]int{"fixtures": 0, "suites": 1, "reports": 2, "runner": 3, "": 4}

// goFiles calls visit for every Go file of the module (testdata aside).
func goFiles(t *testing.T, visit func(rel string, f *ast.File, fset *token.FileSet)) {
	t.Helper()
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == "testdata" || strings.HasPrefix(d.Name(), ".") && path != root) {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, path)
		visit(filepath.ToSlash(rel), f, fset)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestNoImportRunsUpTheTree checks the layout of docs/architecture.md:
// fixtures < suites < reports < runner < main, and within a folder no
// package imports the folder it sits in (suites/plan never imports suites).
func TestNoImportRunsUpTheTree(t *testing.T) {
	goFiles(t, func(rel string, f *ast.File, _ *token.FileSet) {
		from := filepath.ToSlash(filepath.Dir(rel))
		if from == "." {
			from = ""
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			to, ok := strings.CutPrefix(path, modulePath)
			if !ok {
				continue
			}
			to = strings.TrimPrefix(to, "/")
			top := func(p string) string { top, _, _ := strings.Cut(p, "/"); return top }
			switch {
			case layerRank[top(to)] > layerRank[top(from)]:
				t.Errorf("%s imports %s, a higher folder", rel, path)
			case to != from && top(to) == top(from) && strings.HasPrefix(from, to+"/"):
				t.Errorf("%s imports %s, the folder it sits in", rel, path)
			}
		}
	})
}

// TestFunctionsFitOnAScreen keeps every non-test function at most 80
// lines long (the bench driver aside).
func TestFunctionsFitOnAScreen(t *testing.T) {
	goFiles(t, func(rel string, f *ast.File, fset *token.FileSet) {
		if strings.HasSuffix(rel, "_test.go") || strings.HasPrefix(rel, "runner/internal/bench/") {
			return
		}
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Body == nil {
				continue
			}
			if n := fset.Position(fd.End()).Line - fset.Position(fd.Pos()).Line + 1; n > 80 {
				t.Errorf("%s: %s is %d lines long; split it", rel, fd.Name.Name, n)
			}
		}
	})
}
