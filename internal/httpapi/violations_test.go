package httpapi_test

// Violations generated from api/openapi.yaml. Every operation of the
// contract is called, as a caller allowed to call it on a valid target,
// with each request its schemas forbid: every property of a JSON body
// missing, null, of the wrong type, too long or too short, with too many
// or too few items, out of range, outside its enum, in a bad format; an
// unknown field at every level; malformed JSON, data after it, an array
// for the object, no body, a body that is not declared as JSON; a body
// where none is taken; bad and repeated query parameters, a cursor of
// another list, and path parameters the schema bounds. Each answers the
// gate's status and error code, a 422 naming the field, and leaves every
// table as it was. The cases follow the contract as it grows: a new
// operation, property or bound brings its cases with it, and an operation
// the test cannot call fails it.

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"calibrate/internal/calibration"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// violation is one forbidden request: how it is made from the operation's
// valid request, and what it must answer.
type violation struct {
	name   string
	edit   func(t testing.TB, r *testkit.Request)
	status int
	code   string
	field  string // the field or parameter error.fields must name; "" when none
}

// validOp is an operation of the contract with the request that succeeds
// on it: its path, its caller and, when it takes one, its JSON body.
type validOp struct {
	id, key  string // operationId; "METHOD /spec/{path}"
	op       *openapi3.Operation
	params   openapi3.Parameters // the path item's and the operation's
	specPath string
	req      testkit.Request
	body     []byte // the valid JSON body; nil when the operation takes none
}

func TestGeneratedViolations(t *testing.T) {
	start := time.Now()
	w := newWorld(t)
	doc := testkit.OpenAPI(t)
	cursors := foreignCursors(t, w)
	setup := time.Since(start)

	routes := map[string]bool{}
	for _, r := range w.Server.Routes() {
		routes[r.Method+" "+r.Path] = true
	}
	covered := map[string]int{}
	var all []string
	total := 0
	for _, path := range slices.Sorted(maps.Keys(doc.Paths.Map())) {
		item := doc.Paths.Value(path)
		ops := item.Operations()
		for _, method := range slices.Sorted(maps.Keys(ops)) {
			op := ops[method]
			id := op.OperationID
			if id == "" {
				id = method + " " + path
				t.Errorf("%s has no operationId", id)
			}
			all = append(all, id)
			ginKey := method + " " + specParam.ReplaceAllString(path, ":$1")
			en, ok := matrix[ginKey]
			if !ok || !routes[ginKey] {
				t.Errorf("%s (%s) has no route or no entry in the authorization matrix, so no valid target to send violations to", id, ginKey)
				continue
			}
			vo := w.validOp(t, id, method, path, item, op, en)
			cases := vo.violations(t, cursors)
			before := dbStateOf(t, w.Env)
			t.Run(id, func(t *testing.T) {
				for _, c := range cases {
					t.Run(c.name, func(t *testing.T) { w.sendViolation(t, vo, c) })
				}
			})
			if diff := before.diff(dbStateOf(t, w.Env)); diff != "" {
				t.Errorf("%s: refused requests changed the database: %s", id, diff)
			}
			covered[id] += len(cases)
			total += len(cases)
		}
	}
	var bare []string
	for _, id := range all {
		if covered[id] == 0 {
			bare = append(bare, id)
		}
	}
	if len(bare) > 0 {
		t.Errorf("operations of the contract without a single violation case: %v", bare)
	}
	t.Logf("%d operations, %d violation cases, on %s; world built in %s, cases sent in %s",
		len(all), total, testkit.Dialect(), setup.Round(time.Millisecond), (time.Since(start) - setup).Round(time.Millisecond))
}

var specParam = regexp.MustCompile(`\{([A-Za-z0-9_]+)\}`)

// validOp prepares the operation's valid request: the matrix's own-object
// target for the first role the route table lets through (the matrix
// checks that it succeeds), signed in before the database is compared.
func (w *world) validOp(t *testing.T, id, method, path string, item *openapi3.PathItem, op *openapi3.Operation, en matrixEntry) validOp {
	t.Helper()
	role := "admin"
	for _, r := range w.Server.Routes() {
		if r.Method+" "+r.Path == method+" "+specParam.ReplaceAllString(path, ":$1") && len(r.Roles) > 0 {
			role = string(r.Roles[0])
		}
	}
	tg := en.own(w, w.acme, role)
	req, _ := w.prepare(t, method, w.acme, slotOf(tg, role), tg, en.fresh)
	vo := validOp{id: id, key: method + " " + path, op: op, specPath: path, req: req,
		params: append(slices.Clone(item.Parameters), op.Parameters...)}
	if s := bodySchema(op); s != nil {
		vo.body = validBody(t, id, op, tg.body)
		vo.req.Body = nil
	}
	return vo
}

// bodySchema is the operation's JSON request body schema, or nil.
func bodySchema(op *openapi3.Operation) *openapi3.Schema {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return nil
	}
	mt := op.RequestBody.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil {
		return nil
	}
	return mt.Schema.Value
}

// validBody is the body every violation of the operation is made from: the
// contract's example of the request when it has one, with the ids it
// names (which exist in no database) taken from the matrix's request of
// the same operation, or left out where optional; without an example, the
// matrix's request itself. The matrix is the table of valid bodies: one
// small body per write operation, with the world's real ids and current
// versions, which TestAuthorizationMatrix sees succeed. Either way the body
// must satisfy the schema, so that each violation is the only thing wrong
// with its request.
func validBody(t *testing.T, id string, op *openapi3.Operation, matrixBody any) []byte {
	t.Helper()
	s := bodySchema(op)
	own := map[string]any{}
	if matrixBody != nil {
		if err := json.Unmarshal(mustJSON(t, matrixBody), &own); err != nil {
			t.Fatalf("%s: the matrix's body is not an object: %v", id, err)
		}
	}
	body := own
	mt := op.RequestBody.Value.Content.Get("application/json")
	example := mt.Example
	if example == nil && len(mt.Examples) > 0 {
		first := slices.Sorted(maps.Keys(mt.Examples))[0]
		if ex := mt.Examples[first]; ex != nil && ex.Value != nil {
			example = ex.Value.Value
		}
	}
	if example != nil {
		body = map[string]any{}
		if err := json.Unmarshal(mustJSON(t, example), &body); err != nil {
			t.Fatalf("%s: the contract's example is not a JSON object: %v", id, err)
		}
		for k, v := range body {
			if !idPattern.Match(mustJSON(t, v)) {
				continue
			}
			switch {
			case own[k] != nil:
				body[k] = own[k]
			case !slices.Contains(flat(s).Required, k):
				delete(body, k)
			default:
				t.Fatalf("%s: the example's %s names ids, and the matrix's request has none to put in their place", id, k)
			}
		}
		for k, v := range own {
			if _, ok := body[k]; !ok {
				body[k] = v
			}
		}
	}
	raw := mustJSON(t, body)
	var v any
	_ = json.Unmarshal(raw, &v)
	if err := s.VisitJSON(v, schemaOptions...); err != nil {
		t.Fatalf("%s: the valid body %s breaks the contract, so violations made from it would prove nothing: %v", id, raw, err)
	}
	return raw
}

// schemaOptions check a body as the gate does, e-mail addresses included.
var schemaOptions = []openapi3.SchemaValidationOption{
	openapi3.MultiErrors(), openapi3.VisitAsRequest(),
	openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
		if !calibration.IsEmail(s) {
			return errors.New("not an e-mail address")
		}
		return nil
	})),
}

// foreignCursors are next_cursor values of two lists, so each list can be
// handed a cursor that another list returned.
func foreignCursors(t *testing.T, w *world) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range []string{"/api/v1/directory", "/api/v1/users"} {
		pg := decodeOK[page](t, w.Get(w.tok(w.acme.email("admin")), p+"?limit=1"), http.StatusOK)
		if pg.NextCursor == nil {
			t.Fatalf("%s?limit=1 has no next page to take a cursor from", p)
		}
		out[p] = *pg.NextCursor
	}
	return out
}

// violations lists every forbidden request of the operation.
func (vo validOp) violations(t *testing.T, cursors map[string]string) []violation {
	t.Helper()
	if vo.page() {
		return vo.pageCases()
	}
	var vs []violation
	if s := bodySchema(vo.op); s != nil {
		vs = append(vs, vo.bodyViolations(t, s)...)
	} else if mt, s := textBody(vo.op); s != nil {
		vs = append(vs, vo.textViolations(mt, s)...)
	} else {
		vs = append(vs, violation{name: "a JSON body", status: http.StatusUnsupportedMediaType, code: "unsupported_media_type",
			edit: func(_ testing.TB, r *testkit.Request) { r.Body = "{}" }})
	}
	for _, p := range vo.params {
		switch p.Value.In {
		case openapi3.ParameterInQuery:
			vs = append(vs, vo.queryViolations(t, p.Value, cursors)...)
		case openapi3.ParameterInPath:
			vs = append(vs, vo.pathViolations(p.Value)...)
		case openapi3.ParameterInHeader:
			vs = append(vs, vo.headerViolations(p.Value)...)
		}
	}
	names := map[string]bool{}
	for _, v := range vs {
		if names[v.name] {
			t.Fatalf("%s: two cases named %q", vo.id, v.name)
		}
		names[v.name] = true
	}
	return vs
}

// page: the operation is a page a browser navigates to
// (x-browser-navigation), which the gate lets be.
func (vo validOp) page() bool {
	v, _ := vo.op.Extensions["x-browser-navigation"].(bool)
	return v
}

// pageCases are requests the gate would refuse, sent to a page it lets
// be: each reaches the handler, which answers as it answers the valid
// request (an HTML page or a redirect), never with the gate's JSON.
func (vo validOp) pageCases() []violation {
	withQuery := func(name, value string) func(testing.TB, *testkit.Request) {
		return func(t testing.TB, r *testkit.Request) {
			u, err := url.Parse(r.Path)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q.Add(name, value)
			u.RawQuery = q.Encode()
			r.Path = u.String()
		}
	}
	vs := []violation{
		{name: "a JSON body", edit: func(_ testing.TB, r *testkit.Request) { r.Body = "{}" }},
		{name: "an unknown query parameter", edit: withQuery("unexpected", "1")},
	}
	for _, p := range vo.params {
		if p.Value.In != openapi3.ParameterInQuery || p.Value.Schema == nil || p.Value.Schema.Value.MaxLength == nil {
			continue
		}
		vs = append(vs, violation{name: "query " + p.Value.Name + " too long and repeated",
			edit: withQuery(p.Value.Name, strings.Repeat("x", count(*p.Value.Schema.Value.MaxLength)+1))})
	}
	return vs
}

// textBody is the operation's text request body (text/csv) and its
// schema, or nil.
func textBody(op *openapi3.Operation) (string, *openapi3.Schema) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return "", nil
	}
	for mt, c := range op.RequestBody.Value.Content {
		if strings.HasPrefix(mt, "text/") && c.Schema != nil {
			return mt, c.Schema.Value
		}
	}
	return "", nil
}

// textViolations: a text body in another media type or charset, without
// one, too long, not UTF-8, missing; and one the handler reads and
// refuses (a header naming an unknown column), which must change nothing
// either.
func (vo validOp) textViolations(mt string, s *openapi3.Schema) []violation {
	raw, _ := vo.req.Body.(string)
	withBody := func(body any, ct ...string) func(testing.TB, *testkit.Request) {
		return func(_ testing.TB, r *testkit.Request) {
			r.Body = body
			r.Header = http.Header{"Content-Type": ct}
		}
	}
	bad := func(name string, status int, code string, edit func(testing.TB, *testkit.Request)) violation {
		return violation{name: name, status: status, code: code, edit: edit}
	}
	vs := []violation{
		bad("as application/json", http.StatusUnsupportedMediaType, "unsupported_media_type", withBody(raw, "application/json")),
		bad("as text/plain", http.StatusUnsupportedMediaType, "unsupported_media_type", withBody(raw, "text/plain")),
		bad("without Content-Type", http.StatusUnsupportedMediaType, "unsupported_media_type", withBody(raw, "")),
		bad("in another charset", http.StatusUnsupportedMediaType, "unsupported_media_type", withBody(raw, mt+"; charset=iso-8859-1")),
		{name: "not UTF-8", status: http.StatusUnprocessableEntity, code: "validation_failed", field: "body",
			edit: withBody(raw+"caf\xe9\n", mt)},
		{name: "an unknown column", status: http.StatusUnprocessableEntity, code: "validation_failed", field: "lines[1].boss",
			edit: withBody(strings.Replace(raw, "\n", ",boss\n", 1), mt)},
	}
	if s.MaxLength != nil && *s.MaxLength < 1<<30 {
		// Past the schema's bound the body is past the 1 MiB limit too,
		// which answers first.
		n := int(*s.MaxLength)
		vs = append(vs, bad("too long", http.StatusRequestEntityTooLarge, "too_large",
			withBody(raw+strings.Repeat("#", n), mt)))
	}
	if vo.op.RequestBody.Value.Required {
		vs = append(vs, bad("no body", http.StatusBadRequest, "bad_request", func(_ testing.TB, r *testkit.Request) { r.Body = nil }))
	}
	return vs
}

// bodyViolations: the whole body wrong, then each property.
func (vo validOp) bodyViolations(t *testing.T, s *openapi3.Schema) []violation {
	t.Helper()
	raw := string(vo.body)
	withBody := func(body string, ct ...string) func(testing.TB, *testkit.Request) {
		return func(_ testing.TB, r *testkit.Request) {
			r.Body = body
			if len(ct) > 0 {
				r.Header = http.Header{"Content-Type": ct}
			}
		}
	}
	bad := func(name string, status int, code string, edit func(testing.TB, *testkit.Request)) violation {
		return violation{name: name, status: status, code: code, edit: edit}
	}
	vs := []violation{
		bad("malformed JSON", http.StatusBadRequest, "bad_request", withBody(raw[:len(raw)-1])),
		bad("data after the JSON value", http.StatusBadRequest, "bad_request", withBody(raw+" {}")),
		{name: "an array for the object", status: http.StatusUnprocessableEntity, code: "validation_failed", field: "body",
			edit: withBody("[" + raw + "]")},
		bad("as text/plain", http.StatusUnsupportedMediaType, "unsupported_media_type", withBody(raw, "text/plain")),
		bad("without Content-Type", http.StatusUnsupportedMediaType, "unsupported_media_type", withBody(raw, "")),
		bad("in another charset", http.StatusUnsupportedMediaType, "unsupported_media_type", withBody(raw, "application/json; charset=iso-8859-1")),
	}
	if vo.op.RequestBody.Value.Required {
		vs = append(vs, bad("no body", http.StatusBadRequest, "bad_request", func(_ testing.TB, r *testkit.Request) { r.Body = nil }))
	}
	var root any
	_ = json.Unmarshal(vo.body, &root)
	g := &bodyGen{valid: vo.body}
	g.object(s, root, nil)
	return append(vs, g.cases...)
}

// bodyGen generates the violations of a body's properties, each made by
// changing one place of the valid body.
type bodyGen struct {
	valid []byte
	cases []violation
}

// set adds the case of the body with the value at path replaced (or, with
// remove, left out).
func (g *bodyGen) set(name string, path []any, v any, remove bool, status int, code, field string) {
	valid := g.valid
	g.cases = append(g.cases, violation{
		name: name, status: status, code: code, field: field,
		edit: func(t testing.TB, r *testkit.Request) {
			var b any
			if err := json.Unmarshal(valid, &b); err != nil {
				t.Fatal(err)
			}
			if remove {
				removeAt(b, path)
			} else {
				b = setAt(b, path, v)
			}
			r.Body = b
		},
	})
}

func (g *bodyGen) invalid(path []any, what string, v any) {
	g.set(caseName(path, what), path, v, false, http.StatusUnprocessableEntity, "validation_failed", fieldName(path))
}

func caseName(path []any, what string) string { return strings.TrimSpace(fieldName(path) + " " + what) }

// object: an unknown field, then every property.
func (g *bodyGen) object(s *openapi3.Schema, value any, path []any) {
	m, _ := value.(map[string]any)
	if s.AdditionalProperties.Schema == nil { // a map's keys are its data, not fields
		p := append(slices.Clone(path), "unexpected_field")
		g.set(caseName(path, "with an unknown field"), p, true, false, http.StatusBadRequest, "bad_request", fieldName(p))
	}
	for _, name := range slices.Sorted(maps.Keys(s.Properties)) {
		v, present := m[name]
		g.value(flat(s.Properties[name].Value), append(slices.Clone(path), name), present, v, slices.Contains(s.Required, name))
	}
}

// value: what the schema of one place forbids, then its contents.
func (g *bodyGen) value(s *openapi3.Schema, path []any, present bool, v any, required bool) {
	if required {
		g.set(caseName(path, "missing"), path, nil, true, http.StatusUnprocessableEntity, "validation_failed", fieldName(path))
	}
	if !s.Nullable {
		g.invalid(path, "null", nil)
	}
	if wrong, ok := wrongType(s); ok {
		g.invalid(path, "of the wrong type", wrong)
	}
	if s.Type.Is("integer") {
		g.invalid(path, "a fraction", 1.5)
	}
	if len(s.Enum) > 0 {
		g.invalid(path, "outside the enum", outsideEnum(s))
	}
	switch {
	case s.Type.Is("string") && len(s.Enum) == 0:
		for _, c := range badStrings(s) {
			g.invalid(path, c.what, c.value)
		}
	case s.Type.Is("integer") || s.Type.Is("number"):
		for _, c := range badNumbers(s) {
			g.invalid(path, c.what, c.value)
		}
	case s.Type.Is("array") && s.Items != nil:
		items := flat(s.Items.Value)
		list, _ := v.([]any)
		item := sample(items)
		if len(list) > 0 {
			item = list[0]
		}
		if s.MaxItems != nil {
			g.invalid(path, fmt.Sprintf("with %d items, one too many", *s.MaxItems+1), repeatItem(item, count(*s.MaxItems)+1, s.UniqueItems))
		}
		if s.MinItems > 0 {
			g.invalid(path, fmt.Sprintf("with %d items, one too few", s.MinItems-1), repeatItem(item, count(s.MinItems)-1, s.UniqueItems))
		}
		if s.UniqueItems {
			g.invalid(path, "with an item twice", []any{item, item})
		}
		first := append(slices.Clone(path), 0)
		switch {
		case items.Type.Is("object") && len(list) > 0:
			g.object(items, list[0], first)
		case !items.Type.Is("object") && !items.Type.Is("array"):
			// A list of scalars: its first item, added when the list has none.
			g.value(items, first, len(list) > 0, item, false)
		}
	case s.Type.Is("object") && present:
		g.object(s, v, path)
	}
}

type badValue struct {
	what  string
	value any
}

// count is a length or item limit of the spec as an int; the spec's limits
// are far below 2^31, and a larger one would be a spec to fix.
func count(limit uint64) int {
	return int(min(limit, 1<<31))
}

// badStrings: too long and too short, counted in characters (one-byte and
// two-byte ones), off the pattern, not in the format.
func badStrings(s *openapi3.Schema) []badValue {
	var out []badValue
	if s.MaxLength != nil {
		n := count(*s.MaxLength) + 1
		long := strings.Repeat("x", n)
		if s.Format == "email" && n > len("@acme.test") {
			long = strings.Repeat("x", n-len("@acme.test")) + "@acme.test"
		}
		out = append(out, badValue{fmt.Sprintf("of %d characters, one too many", n), long},
			badValue{fmt.Sprintf("of %d characters é, one too many", n), strings.Repeat("é", n)})
	}
	switch {
	case s.MinLength == 1:
		out = append(out, badValue{"empty", ""})
	case s.MinLength > 1:
		out = append(out, badValue{fmt.Sprintf("of %d characters é, one too few", s.MinLength-1), strings.Repeat("é", count(s.MinLength)-1)})
	}
	if s.Pattern != "" {
		if v, ok := offPattern(s.Pattern); ok {
			out = append(out, badValue{"off the pattern", v})
		}
	}
	for _, v := range badFormats[s.Format] {
		out = append(out, badValue{"not a " + s.Format + " (" + v + ")", v})
	}
	return out
}

// badFormats are values of the formats the gate checks: malformed, and
// well-formed but impossible.
var badFormats = map[string][]string{
	"date":      {"31/12/2026", "2026-02-30"},
	"date-time": {"2026-11-02 09:00", "2026-11-02T25:00:00Z"},
	"email":     {"not-an-address", "two@@acme.test"},
}

func offPattern(pattern string) (string, bool) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return "", false
	}
	for _, v := range []string{"Not A Key!", "0", "-", "x y", ""} {
		if !re.MatchString(v) {
			return v, true
		}
	}
	return "", false
}

// badNumbers: just past each bound, the bounds of an integer's format
// included.
func badNumbers(s *openapi3.Schema) []badValue {
	var out []badValue
	switch {
	case s.Type.Is("integer") && s.Format == "int32":
		out = append(out, badValue{"past int32", float64(math.MaxInt32) + 1}, badValue{"before int32", float64(math.MinInt32) - 1})
	case s.Type.Is("integer") && s.Format == "int64":
		out = append(out, badValue{"past int64", 1e19}, badValue{"before int64", -1e19})
	}
	if s.Min != nil {
		v := *s.Min - 1
		if s.ExclusiveMin.IsTrue() {
			v = *s.Min
		}
		out = append(out, badValue{"below the minimum", v})
	}
	if s.Max != nil {
		v := *s.Max + 1
		if s.ExclusiveMax.IsTrue() {
			v = *s.Max
		}
		out = append(out, badValue{"above the maximum", v})
	}
	return out
}

// wrongType is a value of another JSON type than the schema's.
func wrongType(s *openapi3.Schema) (any, bool) {
	switch {
	case s.Type.Is("string"):
		return 12345, true
	case s.Type.Is("integer"), s.Type.Is("number"):
		return "12", true
	case s.Type.Is("boolean"):
		return "yes", true
	case s.Type.Is("array"):
		return "not a list", true
	case s.Type.Is("object"):
		return []any{"not an object"}, true
	}
	return nil, false
}

func outsideEnum(s *openapi3.Schema) any {
	if _, ok := s.Enum[0].(string); ok {
		return "not_one_of_them"
	}
	return 987654
}

// repeatItem is a list of n items like item; distinct ones when the list
// must not repeat them.
func repeatItem(item any, n int, unique bool) []any {
	out := make([]any, n)
	for i := range out {
		out[i] = item
		if str, ok := item.(string); ok && unique && i > 0 {
			out[i] = fmt.Sprintf("%s_%d", str, i)
		}
	}
	return out
}

// sample is a valid value of a schema, for a list that has no item yet.
func sample(s *openapi3.Schema) any {
	switch {
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Type.Is("string"):
		switch s.Format {
		case "date":
			return "2026-12-31"
		case "date-time":
			return "2026-11-02T09:00:00Z"
		case "email":
			return "someone@acme.test"
		}
		return strings.Repeat("x", max(1, count(s.MinLength)))
	case s.Type.Is("integer"), s.Type.Is("number"):
		if s.Min != nil {
			return *s.Min + 1
		}
		return 1
	case s.Type.Is("boolean"):
		return true
	case s.Type.Is("array"):
		return []any{}
	}
	m := map[string]any{}
	for _, name := range s.Required {
		if p := s.Properties[name]; p != nil {
			m[name] = sample(flat(p.Value))
		}
	}
	return m
}

// flat is a schema with the schemas its allOf combines folded in (how the
// contract makes a shared schema nullable or describes it in place): a
// value must satisfy each of them. Nullability is the outer schema's own.
func flat(s *openapi3.Schema) *openapi3.Schema {
	if len(s.AllOf) == 0 {
		return s
	}
	out := *s
	out.AllOf = nil
	out.Properties = maps.Clone(s.Properties)
	if out.Properties == nil {
		out.Properties = openapi3.Schemas{}
	}
	for _, ref := range s.AllOf {
		m := flat(ref.Value)
		if out.Type == nil {
			out.Type = m.Type
		}
		if out.Enum == nil {
			out.Enum = m.Enum
		}
		if out.Format == "" {
			out.Format = m.Format
		}
		if out.Pattern == "" {
			out.Pattern = m.Pattern
		}
		if out.Items == nil {
			out.Items = m.Items
		}
		if out.MaxLength == nil || (m.MaxLength != nil && *m.MaxLength < *out.MaxLength) {
			out.MaxLength = m.MaxLength
		}
		if out.MaxItems == nil || (m.MaxItems != nil && *m.MaxItems < *out.MaxItems) {
			out.MaxItems = m.MaxItems
		}
		if out.Min == nil {
			out.Min, out.ExclusiveMin = m.Min, m.ExclusiveMin
		}
		if out.Max == nil {
			out.Max, out.ExclusiveMax = m.Max, m.ExclusiveMax
		}
		out.MinLength = max(out.MinLength, m.MinLength)
		out.MinItems = max(out.MinItems, m.MinItems)
		out.UniqueItems = out.UniqueItems || m.UniqueItems
		out.Required = append(slices.Clone(out.Required), m.Required...)
		for k, v := range m.Properties {
			if _, ok := out.Properties[k]; !ok {
				out.Properties[k] = v
			}
		}
		if m.AdditionalProperties.Schema != nil {
			out.AdditionalProperties = m.AdditionalProperties
		}
	}
	return &out
}

// queryViolations: values the parameter's schema forbids, the parameter
// twice, and for a list a cursor another list returned.
func (vo validOp) queryViolations(t *testing.T, p *openapi3.Parameter, cursors map[string]string) []violation {
	t.Helper()
	var vs []violation
	withQuery := func(values ...string) func(testing.TB, *testkit.Request) {
		return func(t testing.TB, r *testkit.Request) {
			u, err := url.Parse(r.Path)
			if err != nil {
				t.Fatal(err)
			}
			q := u.Query()
			q[p.Name] = values
			u.RawQuery = q.Encode()
			r.Path = u.String()
		}
	}
	param := func(what string, values ...string) violation {
		return violation{name: "query " + p.Name + " " + what, status: http.StatusBadRequest, code: "bad_request", field: p.Name,
			edit: withQuery(values...)}
	}
	s := &openapi3.Schema{Type: &openapi3.Types{"string"}}
	if p.Schema != nil {
		s = flat(p.Schema.Value)
	}
	for _, c := range badParams(s) {
		v := param(c.what, fmt.Sprint(c.value))
		if p.Name == "cursor" {
			// Whatever is wrong with a cursor, it is one the list did not
			// hand out.
			v.code, v.field = "invalid_cursor", ""
		}
		vs = append(vs, v)
	}
	if !s.Type.Is("array") {
		v := fmt.Sprint(sample(s))
		vs = append(vs, param("given twice", v, v))
	}
	if p.Name == "cursor" {
		from := "/api/v1/directory"
		if strings.HasPrefix(vo.req.Path, from) {
			from = "/api/v1/users"
		}
		vs = append(vs, violation{name: "query cursor of " + from, status: http.StatusBadRequest, code: "invalid_cursor",
			edit: withQuery(cursors[from])})
	}
	return vs
}

// badParams are the text forms of the values a parameter's schema forbids.
func badParams(s *openapi3.Schema) []badValue {
	var out []badValue
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	switch {
	case len(s.Enum) > 0:
		out = append(out, badValue{"outside the enum", fmt.Sprint(outsideEnum(s))})
	case s.Type.Is("integer"):
		out = append(out, badValue{"not a number", "abc"}, badValue{"a fraction", "1.5"})
	case s.Type.Is("number"):
		out = append(out, badValue{"not a number", "abc"})
	case s.Type.Is("boolean"):
		out = append(out, badValue{"not true or false", "maybe"})
	}
	for _, c := range badNumbers(s) {
		out = append(out, badValue{c.what, num(c.value.(float64))})
	}
	if s.Type.Is("string") && len(s.Enum) == 0 {
		out = append(out, badStrings(s)...)
	}
	return out
}

// pathViolations: only what the parameter's schema can refuse; an id
// without bounds is any text, and an unknown one is the handler's 404.
func (vo validOp) pathViolations(p *openapi3.Parameter) []violation {
	if p.Schema == nil {
		return nil
	}
	segments := strings.Split(vo.specPath, "/")
	at := slices.Index(segments, "{"+p.Name+"}")
	if at < 0 {
		return nil
	}
	var vs []violation
	for _, c := range badParams(flat(p.Schema.Value)) {
		value := fmt.Sprint(c.value)
		if value == "" {
			continue // an empty segment is another route
		}
		vs = append(vs, violation{name: "path " + p.Name + " " + c.what, status: http.StatusBadRequest, code: "bad_request", field: p.Name,
			edit: func(t testing.TB, r *testkit.Request) {
				u, err := url.Parse(r.Path)
				if err != nil {
					t.Fatal(err)
				}
				parts := strings.Split(u.Path, "/")
				parts[at] = value
				u.Path = strings.Join(parts, "/")
				r.Path = u.String()
			}})
	}
	return vs
}

// headerViolations: values the header's schema forbids (an empty header is
// no header).
func (vo validOp) headerViolations(p *openapi3.Parameter) []violation {
	if p.Schema == nil {
		return nil
	}
	var vs []violation
	for _, c := range badParams(flat(p.Schema.Value)) {
		value := fmt.Sprint(c.value)
		if value == "" {
			continue
		}
		vs = append(vs, violation{name: "header " + p.Name + " " + c.what, status: http.StatusBadRequest, code: "bad_request", field: p.Name,
			edit: func(_ testing.TB, r *testkit.Request) {
				r.Header = r.Header.Clone()
				if r.Header == nil {
					r.Header = http.Header{}
				}
				r.Header.Set(p.Name, value)
			}})
	}
	return vs
}

// sendViolation sends one case and checks its answer: the status, the
// error shape and code, and the field or parameter it names. Contract
// failures of the answer are reported on the case.
func (w *world) sendViolation(t *testing.T, vo validOp, c violation) {
	req := vo.req
	if vo.body != nil {
		req.Body = vo.body
	}
	c.edit(t, &req)
	env := *w.Env
	env.T = t
	res := env.Do(req)
	if vo.page() {
		valid := env.Do(vo.req)
		if res.Status != valid.Status || res.Header.Get("Content-Type") != valid.Header.Get("Content-Type") {
			t.Fatalf("%s %s: %d %q, but the valid request answers %d %q: the gate did not let the page be; answer %s",
				vo.key, c.name, res.Status, res.Header.Get("Content-Type"), valid.Status, valid.Header.Get("Content-Type"), snip(res.Body))
		}
		if ct := res.Header.Get("Content-Type"); res.Status != http.StatusFound && !strings.HasPrefix(ct, "text/html") {
			t.Fatalf("%s %s: a page answered %d as %q", vo.key, c.name, res.Status, ct)
		}
		return
	}
	if res.Status != c.status {
		t.Fatalf("%s %s: status %d, want %d %s; sent %s; answer %s", vo.key, c.name, res.Status, c.status, c.code,
			snip(mustJSONOrNil(t, req.Body)), snip(res.Body))
	}
	e := checkErrorShape(t, res, c.code)
	switch {
	case c.field == "" && c.status == http.StatusUnprocessableEntity:
		t.Fatalf("a 422 case must name its field")
	case c.field == "":
	case c.status == http.StatusUnprocessableEntity:
		if _, ok := e.Error.Fields[c.field]; !ok || len(e.Error.Fields) != 1 {
			t.Errorf("fields %v, want only %q; sent %s", e.Error.Fields, c.field, snip(mustJSONOrNil(t, req.Body)))
		}
	default:
		if _, ok := e.Error.Fields[c.field]; !ok {
			t.Errorf("fields %v do not name %q", e.Error.Fields, c.field)
		}
	}
}

func mustJSONOrNil(t testing.TB, b any) []byte {
	if b == nil {
		return []byte("(no body)")
	}
	return mustJSON(t, b)
}

// fieldName writes a place in a body as the API names fields:
// ratings[0].score.
func fieldName(path []any) string {
	var b strings.Builder
	for _, p := range path {
		switch k := p.(type) {
		case int:
			fmt.Fprintf(&b, "[%d]", k)
		case string:
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(k)
		}
	}
	return b.String()
}

// setAt puts v at path in a decoded JSON value, making the objects and the
// first list item on the way when they are not there.
func setAt(cur any, path []any, v any) any {
	if len(path) == 0 {
		return v
	}
	switch k := path[0].(type) {
	case string:
		m, _ := cur.(map[string]any)
		if m == nil {
			m = map[string]any{}
		}
		m[k] = setAt(m[k], path[1:], v)
		return m
	case int:
		list, _ := cur.([]any)
		for len(list) <= k {
			list = append(list, nil)
		}
		list[k] = setAt(list[k], path[1:], v)
		return list
	}
	return cur
}

// removeAt deletes the property at path.
func removeAt(cur any, path []any) {
	for i, p := range path {
		switch k := p.(type) {
		case string:
			m, _ := cur.(map[string]any)
			if i == len(path)-1 {
				delete(m, k)
				return
			}
			cur = m[k]
		case int:
			list, _ := cur.([]any)
			if k >= len(list) {
				return
			}
			cur = list[k]
		}
	}
}

// dbState is every table as the backup reads it: its row count and a hash
// of its rows, audit log, sessions and login failures included.
type dbState map[string]tableState

type tableState struct {
	rows int
	sum  [sha256.Size]byte
}

func dbStateOf(t testing.TB, e *testkit.Env) dbState {
	t.Helper()
	var buf bytes.Buffer
	if _, err := e.Store.Backup(context.Background(), &buf); err != nil {
		t.Fatalf("reading every table: %v", err)
	}
	rows := map[string][][]byte{}
	lines := bytes.Split(buf.Bytes(), []byte("\n"))
	for _, l := range lines[1:] { // the first line is the backup's header
		if len(l) == 0 {
			continue
		}
		var bl struct {
			Table string          `json:"table"`
			Row   json.RawMessage `json:"row"`
		}
		if err := json.Unmarshal(l, &bl); err != nil {
			t.Fatalf("a backup line: %v", err)
		}
		rows[bl.Table] = append(rows[bl.Table], bl.Row)
	}
	st := dbState{}
	for _, table := range store.BackupTables() {
		if table == "rate_limits" {
			// Every call that passes the contract spends one of the
			// caller's calls on a limited route, whatever the handler
			// answers: the pace is counted, no data is written.
			continue
		}
		st[table] = tableState{rows: len(rows[table]), sum: sha256.Sum256(bytes.Join(rows[table], []byte("\n")))}
	}
	return st
}

// diff names the tables whose rows differ ("" when none do).
func (a dbState) diff(b dbState) string {
	var out []string
	for _, table := range slices.Sorted(maps.Keys(a)) {
		switch x, y := a[table], b[table]; {
		case x.rows != y.rows:
			out = append(out, fmt.Sprintf("%s has %d rows, had %d", table, y.rows, x.rows))
		case x.sum != y.sum:
			out = append(out, fmt.Sprintf("%s has rows changed", table))
		}
	}
	return strings.Join(out, "; ")
}
