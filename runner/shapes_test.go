package runner

import (
	"strings"
	"testing"

	"github.com/apiconform/apiconform/fixtures"
	"github.com/apiconform/apiconform/suites"
)

// shape is one request shape of a real API, described in a config file
// and judged against the reference API: the honest prefix passes, and the
// defect fails exactly on its cases.
type shape struct {
	name    string
	profile string
	// endpoint is the YAML of the one endpoint (indented under endpoints:).
	endpoint string
	defect   fixtures.Defect
	fails    string // the cases the defect fails, in plan order
}

var shapes = []shape{
	{"tenant header and api-version", "strict", `
  - path: /tenant/items
    headers: {X-Org: "${ORG}"}
    params:
      - {name: api-version, required: true, value: "2025-01-01", malformed: "1999-01-01"}
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]`, fixtures.DefectProblemStatusMismatch, "partial"},
	{"JSON:API filter[id] with a vendor Accept", "lenient", `
  - path: /jsonapi/items
    id_param: "filter[id]"
    headers: {Accept: application/vnd.api+json}
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]`, fixtures.DefectWrongReturnedCount, "partial"},
	{"Stripe-style ids[]", "partial-content", `
  - path: /stripe/items
    id_param: "ids[]"
    id_style: repeat
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]`, fixtures.DefectPartialContentNoMissingIDs, "partial"},
	{"Google-style POST :batchGet", "multi-status", `
  - path: /v1/items:batchGet
    method: POST
    id_style: body
    id_param: ids
    body: {}
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]`, fixtures.DefectMultiStatusMissingItem, "partial none"},
	{"PostgREST in.()", "strict", `
  - path: /pg/items
    id_style: template
    id_template: {each: "{id}", separator: ",", wrap: "in.({ids})"}
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]`, fixtures.DefectProblemStatusMismatch, "partial"},
	{"a filter expression", "envelope", `
  - path: /expr/items
    id_param: filter
    id_style: template
    id_template: {each: "id='{id}'", separator: "||", wrap: "({ids})"}
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]`, fixtures.DefectEnvelopeOKOnPartial, "partial"},
	{"an optional filter on a collection", "lenient", `
  - path: /collection/items
    id_param: id__in
    id_required: false
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]`, fixtures.DefectFilterIgnored, "found found-one partial none malformed malformed-mixed duplicate"},
	{"a $batch of sub-requests", "multi-status", `
  - path: /$batch
    method: POST
    id_style: body
    id_param: requests
    id_each: {id: "{id}", method: GET, url: "/items/{id}"}
    body: {}
    fields: {data: "responses.#.body", results: responses, result_status: status, result_data: body}
    profile: graph-batch
    found: [2, 3]
    missing: [1, 999]
    malformed: [abc]
profiles:
  graph-batch:             # each sub-request has its own status, a lone malformed ID too
    base: multi-status
    cases:
      malformed:
        - status: [207]
          results: {malformed: [bad-request]}
        - status: [bad-request]`, fixtures.DefectMultiStatusMissingItem, "partial none"},
	{"the second seed's search API", "envelope", searchEndpoint, fixtures.DefectSearchMalformedIgnored, "param-malformed:count"},
	{"a search without results", "strict", searchEndpoint, fixtures.DefectSearchNoResults404, "no-results"},
}

const searchEndpoint = `
  - name: search
    kind: search
    path: /api/v1/data.search
    params:
      - {name: query, required: true, value: widget, malformed: "(widget", no_results: zzz}
      - {name: count, type: integer, value: "5"}`

// TestRequestShapes describes each request shape in a config file and
// judges it against the reference API: honest, exit 0; with the defect,
// exit 1 on exactly its cases.
func TestRequestShapes(t *testing.T) {
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel()
			run := func(defects ...fixtures.Defect) runResult {
				_, base := referenceAPI(t, withAuth(fixtures.Options{Defects: defects}))
				file := writeFile(t, "apiconform.yaml", "base_url: "+base+"/"+sh.profile+"\nprofile: "+sh.profile+
					"\ntoken_env: "+testTokenEnv+"\nforbidden_token_env: "+testForbiddenEnv+"\nwrong_method: DELETE\nendpoints:"+sh.endpoint+"\n")
				return runMain(t, map[string]string{"ORG": "example"}, "run", "--config", file)
			}
			res := run()
			if res.code != ExitPass {
				t.Fatalf("honest %s: exit %d\n%s%s", sh.profile, res.code, res.stdout, res.stderr)
			}
			if res.run.Counts.Pass < 5 {
				t.Errorf("only %d cases passed: the shape was barely exercised\n%s", res.run.Counts.Pass, res.stdout)
			}
			res = run(sh.defect)
			if failed := join(casesWith(res.run, suites.Fail)); res.code != ExitFail || failed != sh.fails {
				t.Fatalf("with %s: exit %d, failed %q; want exit 1 and failed exactly %q\n%s", sh.defect, res.code, failed, sh.fails, res.stdout)
			}
		})
	}
}

// TestRequestShapesAreVisible checks that --dry-run shows the method,
// headers, fixed query and body of each shape, with values from the
// environment shown by name.
func TestRequestShapesAreVisible(t *testing.T) {
	file := writeFile(t, "apiconform.yaml", `base_url: http://127.0.0.1:9/strict
endpoints:
  - path: /v1/items:batchGet
    method: POST
    id_style: body
    id_param: ids
    headers: {X-Tenant-Key: "${TENANT_KEY}"}
    query: {api-version: "2025-01-01"}
    body: {view: FULL}
    found: [2, 3]
`)
	res := runMain(t, map[string]string{"TENANT_KEY": "tenant-key-0123456789"}, "run", "--config", file, "--dry-run", "--label-filter", "case:found")
	for _, want := range []string{"POST http://127.0.0.1:9/strict/v1/items:batchGet?api-version=2025-01-01", `[X-Tenant-Key: ${TENANT_KEY}]`, `{"ids":["2","3"],"view":"FULL"}`} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("--dry-run lacks %q:\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout, "tenant-key-0123456789") {
		t.Error("--dry-run shows a value from the environment in a header")
	}
}
