package probe_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"time"

	"github.com/apiconform/apiconform/suites/plan"
	"github.com/apiconform/apiconform/suites/probe"
)

// The probe sends a plan's cases and records every exchange; it judges
// nothing.
func ExampleProber_Run() {
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		fmt.Fprint(w, `{"error":"not_found","missing_ids":[1]}`)
	}))
	defer api.Close()

	cases := []plan.Case{{ID: "items/partial", Kind: plan.Partial, Request: plan.Request{Method: "GET", URL: api.URL + "/items?id=1,2"}}}
	prober := probe.New(probe.Options{Concurrency: 4, Timeout: 5 * time.Second})
	exchanges := prober.Run(context.Background(), cases, probe.BurstOptions{})
	ex := exchanges["items/partial"]
	fmt.Println(ex.Request.Method, ex.Response.Status, string(ex.Response.Body))
	// Output:
	// GET 404 {"error":"not_found","missing_ids":[1]}
}
