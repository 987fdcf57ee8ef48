package testkit

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
)

// SpecFile is the contract, relative to the module root.
const SpecFile = "api/openapi.yaml"

// contract is api/openapi.yaml, loaded and validated once per test binary.
// The gorilla/mux router of kin-openapi is used because it matches the
// relative server URL ("/") with full paths, path templates and query
// strings without needing a host.
var contract struct {
	once   sync.Once
	doc    *openapi3.T
	router routers.Router
	err    error
}

func loadContract() (*openapi3.T, routers.Router, error) {
	contract.once.Do(func() {
		root, err := moduleRoot()
		if err != nil {
			contract.err = err
			return
		}
		// The promotion packet is Markdown: validated as the plain string
		// the contract says it is (kin-openapi knows no Markdown decoder).
		openapi3filter.RegisterBodyDecoder("text/markdown", openapi3filter.PlainBodyDecoder)
		// PDF documents (the packet, the board for the room) are binary
		// strings: read whole, then checked against their schema's length.
		openapi3filter.RegisterBodyDecoder("application/pdf", openapi3filter.FileBodyDecoder)
		// An event stream is text; what Env.Do records of it (up to its
		// first flush) is checked as a string, and Env.OpenStream checks
		// each event's data on its own.
		openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
		// Pages for a person (a single sign-on refusal, the pages a link
		// from an e-mail opens) are HTML, checked as the strings the
		// contract says they are.
		openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
		loader := openapi3.NewLoader()
		doc, err := loader.LoadFromFile(filepath.Join(root, SpecFile))
		if err != nil {
			contract.err = fmt.Errorf("loading %s: %w", SpecFile, err)
			return
		}
		// Examples are validated too, so a wrong example fails the tests.
		if err := doc.Validate(loader.Context, openapi3.EnableExamplesValidation()); err != nil {
			contract.err = fmt.Errorf("%s is not a valid OpenAPI document: %w", SpecFile, err)
			return
		}
		r, err := gorillamux.NewRouter(doc)
		if err != nil {
			contract.err = fmt.Errorf("routing %s: %w", SpecFile, err)
			return
		}
		contract.doc, contract.router = doc, r
	})
	return contract.doc, contract.router, contract.err
}

// moduleRoot walks up from the working directory (a package directory
// under go test) to the directory that holds go.mod.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// OpenAPI returns the loaded and validated contract (for the tests that
// compare it with the route table).
func OpenAPI(t testing.TB) *openapi3.T {
	t.Helper()
	doc, _, err := loadContract()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	return doc
}

// responseOptions validate answers only: tests send malformed and
// unauthorised requests on purpose, so requests and their security are
// never checked. Undocumented statuses fail.
var responseOptions = &openapi3filter.Options{
	IncludeResponseStatus:   true,
	MultiError:              true,
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.DisableSchemaErrorDetails()},
}

// checkContract validates a response against api/openapi.yaml: the
// operation must be documented, the status documented for it, and the
// headers and body must match the schema of that status.
func checkContract(t testing.TB, method, path string, body []byte, h http.Header, res *Response) {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		t.Errorf("contract: %s %s: unparsable path: %v", method, path, err)
		return
	}
	// CORS preflights and HEAD are transport, not operations of the API;
	// everything outside the API is the web app.
	if method == http.MethodOptions || method == http.MethodHead || !underAPI(u.Path) {
		return
	}
	_, router, err := loadContract()
	if err != nil {
		// Once per test: every request of it would say the same.
		if _, told := loadFailureTold.LoadOrStore(t, true); !told {
			t.Cleanup(func() { loadFailureTold.Delete(t) })
			t.Errorf("contract: %v", err)
		}
		return
	}
	req, err := http.NewRequestWithContext(context.Background(), method, u.String(), bytes.NewReader(body))
	if err != nil {
		t.Errorf("contract: %s %s: %v", method, path, err)
		return
	}
	req.Header = h.Clone()
	route, params, err := router.FindRoute(req)
	if err != nil {
		// An undocumented route may only answer what the router answers
		// for a route that does not exist, or for a documented path asked
		// with another method.
		if res.Status == http.StatusNotFound && isRouteNotFound(res.Body) {
			return
		}
		if res.Status == http.StatusMethodNotAllowed && errorCode(res.Body) == "method_not_allowed" &&
			res.Header.Get("Allow") != "" {
			return
		}
		t.Errorf("contract: %s %s is not documented in %s (%v), yet it answered %d: %s",
			method, u.Path, SpecFile, err, res.Status, snippet(res.Body))
		return
	}
	recordCoverage(t, method+" "+route.Path, res.Status)

	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request: req, PathParams: params, Route: route, Options: responseOptions,
		},
		Status:  res.Status,
		Header:  res.Header,
		Options: responseOptions,
	}
	in.SetBodyBytes(res.Body)
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("contract: %s %s (operation %s %s) answered %d, which %s does not allow: %v\n  body: %s",
			method, path, method, route.Path, res.Status, SpecFile, err, snippet(res.Body))
		return
	}
	// kin-openapi skips the body when a response documents no content:
	// then there must be none.
	if ref := route.Operation.Responses.Status(res.Status); ref != nil && ref.Value != nil &&
		len(ref.Value.Content) == 0 && len(res.Body) > 0 {
		t.Errorf("contract: %s %s answered %d with a body, but %s documents none for it: %s",
			method, path, res.Status, SpecFile, snippet(res.Body))
	}
}

var loadFailureTold sync.Map // testing.TB → true

// underAPI mirrors the server's split between the API and the web app.
func underAPI(p string) bool {
	return strings.HasPrefix(p, "/api/") || p == "/api" || p == "/healthz" || p == "/readyz"
}

func errorCode(b []byte) string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(b, &e)
	return e.Error.Code
}

// isRouteNotFound recognises the JSON 404 the router gives unknown routes.
func isRouteNotFound(b []byte) bool {
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	return json.Unmarshal(b, &e) == nil && e.Error.Code == "not_found" && e.Error.Message == "route not found"
}

func snippet(b []byte) string {
	const max = 300
	if len(b) == 0 {
		return "(empty)"
	}
	if len(b) > max {
		return string(b[:max]) + "…"
	}
	return string(b)
}

// coverage records, per test, which operations answered which statuses,
// so a test can check it exercised what it meant to.
var coverage sync.Map // testing.TB → *opStatuses

type opStatuses struct {
	mu sync.Mutex
	m  map[string]map[int]bool
}

func recordCoverage(t testing.TB, op string, status int) {
	v, loaded := coverage.LoadOrStore(t, &opStatuses{m: map[string]map[int]bool{}})
	if !loaded {
		t.Cleanup(func() { coverage.Delete(t) })
	}
	c := v.(*opStatuses)
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m[op] == nil {
		c.m[op] = map[int]bool{}
	}
	c.m[op][status] = true
}

// Covered returns the statuses each documented operation ("GET
// /api/v1/users/{id}") answered so far in test t, through Env.Do.
func Covered(t testing.TB) map[string][]int {
	out := map[string][]int{}
	v, ok := coverage.Load(t)
	if !ok {
		return out
	}
	c := v.(*opStatuses)
	c.mu.Lock()
	defer c.mu.Unlock()
	for op, sts := range c.m {
		for st := range sts {
			out[op] = append(out[op], st)
		}
	}
	return out
}

// ValidateResponse checks res as the answer to method and path against the
// contract, reporting through t like Env.Do does. It lets a test check the
// checker with answers the server would never give.
func ValidateResponse(t testing.TB, method, path string, res *Response) {
	t.Helper()
	checkContract(t, method, path, nil, http.Header{}, res)
}
