package domain_test

import (
	"bytes"
	"flag"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"calibrate/internal/domain"
)

var update = flag.Bool("update", false, "rewrite docs/errors.md from the error catalogue")

// errorsDoc is docs/errors.md, relative to this package.
var errorsDoc = filepath.Join("..", "..", "docs", "errors.md")

// TestErrorsDoc fails when docs/errors.md is not what the catalogue makes;
// `go test ./internal/domain -run TestErrorsDoc -update` rewrites it.
func TestErrorsDoc(t *testing.T) {
	want := renderErrorsDoc()
	if *update {
		if err := os.WriteFile(errorsDoc, want, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	got, err := os.ReadFile(errorsDoc)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/domain -run TestErrorsDoc -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("docs/errors.md is stale: run go test ./internal/domain -run TestErrorsDoc -update and commit it")
	}
}

var codeShape = regexp.MustCompile(`^[a-z][a-z_]*[a-z]$`)

func TestErrorCatalogue(t *testing.T) {
	seen := map[string]bool{}
	last := 0
	for _, c := range domain.ErrorCodes {
		switch {
		case !codeShape.MatchString(c.Code):
			t.Errorf("%q is not a snake_case code", c.Code)
		case seen[c.Code]:
			t.Errorf("%s is listed twice", c.Code)
		case http.StatusText(c.Status) == "" || c.Status < 400:
			t.Errorf("%s: %d is not an error status", c.Code, c.Status)
		case c.Status < last:
			t.Errorf("%s: the catalogue is ordered by status", c.Code)
		case !strings.HasSuffix(c.Meaning, ".") || strings.Contains(c.Meaning, "\n"):
			t.Errorf("%s: the meaning is one sentence ending with a full stop", c.Code)
		}
		seen[c.Code], last = true, c.Status
		if got, ok := domain.CodeOf(c.Code); !ok || got.Code != c.Code {
			t.Errorf("CodeOf(%q) does not find it", c.Code)
		}
	}
	// The codes the package builds its errors with are in the catalogue.
	for _, e := range []*domain.Error{domain.NotFound("x"), domain.BadRequest("x"), domain.TooLarge("x"),
		domain.RateLimited(1), domain.StaleVersion("x"), domain.Duplicate("x"), domain.Forbidden("", "x")} {
		if !seen[e.Code] {
			t.Errorf("%s is answered but not in the catalogue", e.Code)
		}
	}
	if e, _ := domain.AsError(domain.Invalid("f", "r")); !seen[e.Code] {
		t.Errorf("%s is answered but not in the catalogue", e.Code)
	}
}

func renderErrorsDoc() []byte {
	var b bytes.Buffer
	b.WriteString(`# Error codes

<!-- Generated from internal/domain/codes.go by
     go test ./internal/domain -run TestErrorsDoc -update; do not edit. -->

Every error answer of the API has the same shape:

` + "```json" + `
{"error": {"code": "stale_version", "message": "a sentence for a person"}}
` + "```" + `

` + "`code`" + ` is stable and meant for programs; ` + "`message`" + ` is for people and may
change. A 422 adds ` + "`fields`" + ` (field path → reason); a 400 may add it to name
the parameter at fault; some conflicts add ` + "`details`" + `. Which codes each
operation can answer, per status, is listed in [api/openapi.yaml](../api/openapi.yaml)
as the ` + "`enum`" + ` of ` + "`error.code`" + `.

| code | status | meaning |
|---|---|---|
`)
	for _, c := range domain.ErrorCodes {
		meaning := c.Meaning
		if c.Header != "" {
			meaning += fmt.Sprintf(" Header: `%s`.", c.Header)
		}
		if len(c.Details) > 0 {
			meaning += " Details: `" + strings.Join(c.Details, "`, `") + "`."
		}
		if c.OutsideOperations {
			meaning += " Answered for a request that matches no operation."
		}
		fmt.Fprintf(&b, "| `%s` | %d %s | %s |\n", c.Code, c.Status, http.StatusText(c.Status), meaning)
	}
	b.WriteString(`
## Details

- ` + "`em_in_active_cycle`" + `: ` + "`details.em_ids`" + `, the ids of the EMs already in a
  cycle that is not finalized.
- ` + "`missing_decisions`" + `: ` + "`details.missing`" + `, the participants without a
  decision, each ` + "`{\"id\": …, \"name\": …}`" + `.

## Headers that come with errors

- ` + "`Retry-After`" + ` (seconds) with 429 ` + "`rate_limited`" + ` and 503 ` + "`unavailable`" + `.
- ` + "`Allow`" + ` with 405 ` + "`method_not_allowed`" + `.
- ` + "`X-Request-ID`" + ` on every answer: quote it when reporting a 500.
`)
	return b.Bytes()
}
