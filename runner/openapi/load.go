// Package openapi reads an OpenAPI 3.0 or 3.1 document for the command
// line: `apiconform init --openapi` maps its operations to a config file,
// and `run --openapi` checks each answer's status against the statuses its
// operation declares. It uses github.com/getkin/kin-openapi, which loads
// both versions, YAML and JSON, and resolves $refs within the document and
// to files beside it.
package openapi

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
)

// Document is a loaded OpenAPI document.
type Document struct {
	T    *openapi3.T
	Path string // the file it came from
}

// MaxDocumentBytes bounds the document (and each file it refers to).
const MaxDocumentBytes = 16 << 20

// Load reads and resolves the document at path. Errors say what is wrong
// and where (a line of the file, or the JSON pointer of a reference).
func Load(path string) (*Document, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	loader := openapi3.NewLoader()
	loader.IsExternalRefsAllowed = true
	loader.ReadFromURIFunc = func(_ *openapi3.Loader, u *url.URL) ([]byte, error) {
		if u.Scheme != "" && u.Scheme != "file" {
			// Loading a document never reaches the network.
			return nil, fmt.Errorf("%s: only files beside the document can be referred to", u)
		}
		return readLimited(u.Path)
	}
	abs, _ := filepath.Abs(path)
	t, err := loader.LoadFromDataWithPath(data, &url.URL{Path: abs})
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, documentError(err))
	}
	if t.OpenAPI == "" || !strings.HasPrefix(t.OpenAPI, "3.") {
		return nil, fmt.Errorf("%s: not an OpenAPI 3.0 or 3.1 document (openapi: %q)", path, t.OpenAPI)
	}
	if t.Paths == nil || t.Paths.Len() == 0 {
		return nil, fmt.Errorf("%s: the document has no paths", path)
	}
	if err := t.Validate(context.Background(), openapi3.DisableExamplesValidation(), openapi3.DisableSchemaFormatValidation()); err != nil {
		return nil, fmt.Errorf("%s: %s", path, documentError(err))
	}
	return &Document{T: t, Path: path}, nil
}

// readLimited reads a file of at most MaxDocumentBytes.
func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return nil, fmt.Errorf("%s: %s", path, pe.Err)
		}
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxDocumentBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %s", path, err)
	}
	if len(data) > MaxDocumentBytes {
		return nil, fmt.Errorf("%s: larger than %d MiB, too large for an OpenAPI document", path, MaxDocumentBytes>>20)
	}
	return data, nil
}

// documentError words a loader error on one line, without Go's wrapping.
func documentError(err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	msg = strings.TrimPrefix(msg, "failed to unmarshal data: ")
	msg = strings.ReplaceAll(msg, "yaml error: yaml: ", "YAML ")
	return msg
}
