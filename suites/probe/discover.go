package probe

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/tidwall/gjson"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/words"
)

// Discover sends r (a listing of the collection, with valid credentials)
// and reads up to limit IDs at the first of the gjson paths that holds
// some in its answer. The IDs of staging data change under a nightly job;
// reading them at run time keeps the found cases valid. An answer that is
// not a 2xx, or holds no ID at any path, is an error that says so.
func (p *Prober) Discover(ctx context.Context, r plan.Request, limit int, paths ...string) ([]string, error) {
	if err := p.pacer.wait(ctx); err != nil {
		return nil, err
	}
	req, err := p.newRequest(ctx, r)
	if err != nil {
		return nil, err
	}
	reqCtx, cancel := context.WithTimeout(ctx, p.opts.Timeout)
	defer cancel()
	resp, err := p.client.Do(req.WithContext(reqCtx))
	if err != nil {
		return nil, fmt.Errorf("%s", classify(err, r.URL, p.opts.Timeout).Message)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, p.opts.MaxBody))
	if err != nil {
		return nil, fmt.Errorf("reading the answer: %s", classify(err, r.URL, p.opts.Timeout).Message)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return nil, fmt.Errorf("it answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	if !gjson.ValidBytes(body) {
		return nil, fmt.Errorf("its %d answer is not JSON", resp.StatusCode)
	}
	for _, path := range paths {
		if ids := idsAt(body, path, limit); len(ids) > 0 {
			return ids, nil
		}
	}
	return nil, fmt.Errorf("its answer holds no ID at %s (members: %s)", strings.Join(paths, " or "), words.ClipLine(topMembers(body), 80))
}

// idsAt reads up to limit distinct scalar IDs at a gjson path.
func idsAt(body []byte, path string, limit int) []string {
	var out []string
	seen := map[string]bool{}
	for _, v := range gjson.GetBytes(body, path).Array() {
		id := v.String()
		if v.IsObject() || v.IsArray() || id == "" || seen[id] || len(out) >= limit {
			continue
		}
		seen[id] = true
		out = append(out, id)
	}
	return out
}

// topMembers names the top-level members of a JSON object, to help fix a
// wrong path.
func topMembers(body []byte) string {
	var names []string
	gjson.ParseBytes(body).ForEach(func(k, _ gjson.Result) bool {
		names = append(names, k.String())
		return len(names) < 8
	})
	if len(names) == 0 {
		return "none"
	}
	return fmt.Sprint(names)
}
