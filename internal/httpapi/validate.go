package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/gin-gonic/gin"

	"calibrate/api"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

// The request gate: every request is validated against api/openapi.yaml
// (path and query parameters, media type, body) before its handler runs, by
// kin-openapi's openapi3filter. A refused request reaches no handler, so it
// changes nothing. Handlers keep only the rules a schema cannot say:
// ownership, the cycle's state machine, versions.
//
// What a refusal answers:
//   - 400 bad_request: malformed JSON, data after the JSON value, a missing
//     body, an unknown field, a bad or repeated query or path parameter;
//   - 415 unsupported_media_type: a body in a media type the operation does
//     not declare (or any body for an operation that takes none);
//   - 422 validation_failed: a body that parses but breaks its schema, with
//     a field map (`ratings[0].score` → "must be from 1 to 4").

// spec is the embedded contract, parsed and validated once per process: it
// is a constant of the build, and every Server shares it read-only.
var spec = sync.OnceValues(func() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(api.OpenAPI)
	if err != nil {
		return nil, fmt.Errorf("loading the embedded openapi.yaml: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("the embedded openapi.yaml is not valid: %w", err)
	}
	return doc, nil
})

var gateOptions = &openapi3filter.Options{
	MultiError: true,
	// kin-openapi checks dates and times itself; an e-mail address is
	// checked by the same rule as the user service's.
	SchemaValidationOptions: []openapi3.SchemaValidationOption{
		openapi3.WithStringFormatValidator("email", openapi3.NewCallbackValidator(func(s string) error {
			if !calibration.IsEmail(s) {
				return errors.New("not an e-mail address")
			}
			return nil
		})),
	},
	// Authentication is the auth middleware's, which runs before the gate.
	AuthenticationFunc: openapi3filter.NoopAuthenticationFunc,
	// The gate checks; it never rewrites a request with defaults.
	SkipSettingDefaults: true,
}

// gate returns the validating middleware of one route of the route table.
// A route missing from the spec is a build that cannot start: the contract
// test names it first.
func gate(method, ginPath string) gin.HandlerFunc {
	doc, err := spec()
	if err != nil {
		panic(err)
	}
	oasPath := specPath(ginPath)
	item := doc.Paths.Value(oasPath)
	if item == nil || item.GetOperation(method) == nil {
		panic(fmt.Sprintf("route %s %s is not in api/openapi.yaml", method, oasPath))
	}
	op := item.GetOperation(method)
	if v, _ := op.Extensions[browserNavigation].(bool); v {
		panic(fmt.Sprintf("route %s %s is marked %s in api/openapi.yaml, but the route table gates it", method, oasPath, browserNavigation))
	}
	route := &routers.Route{Spec: doc, Path: oasPath, PathItem: item, Method: method, Operation: op}
	scalarQuery := map[string]bool{}
	for _, p := range append(item.Parameters, op.Parameters...) {
		if p.Value.In == openapi3.ParameterInQuery && (p.Value.Schema == nil || !p.Value.Schema.Value.Type.Is("array")) {
			scalarQuery[p.Value.Name] = true
		}
	}
	return func(c *gin.Context) {
		if err := checkRequest(c, route, scalarQuery); err != nil {
			fail(c, err)
			return
		}
		c.Next()
	}
}

// browserNavigation is the spec's mark of an operation a browser navigates
// to (a sign-in redirect and the provider's way back): it answers
// redirects and HTML pages, not the API's JSON, and takes what another site
// sends, so the gate does not check it; its handler reads only what it
// needs and refuses the rest with a page.
const browserNavigation = "x-browser-navigation"

// mustBePage checks that the spec marks a route the route table lets past
// the gate: the two say the same, or the build cannot start.
func mustBePage(method, ginPath string) {
	doc, err := spec()
	if err != nil {
		panic(err)
	}
	item := doc.Paths.Value(specPath(ginPath))
	if item == nil || item.GetOperation(method) == nil {
		panic(fmt.Sprintf("route %s %s is not in api/openapi.yaml", method, specPath(ginPath)))
	}
	if v, _ := item.GetOperation(method).Extensions[browserNavigation].(bool); !v {
		panic(fmt.Sprintf("route %s %s skips the request gate, but api/openapi.yaml does not mark it %s", method, specPath(ginPath), browserNavigation))
	}
}

// specPath turns a gin path (/cycles/:id) into the spec's (/cycles/{id}).
func specPath(ginPath string) string {
	parts := strings.Split(ginPath, "/")
	for i, p := range parts {
		if strings.HasPrefix(p, ":") {
			parts[i] = "{" + p[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

func checkRequest(c *gin.Context, route *routers.Route, scalarQuery map[string]bool) error {
	r := c.Request
	for name, vs := range r.URL.Query() {
		if len(vs) > 1 && scalarQuery[name] {
			return paramError(name, "must be given at most once")
		}
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	opts := gateOptions
	if len(body) > 0 {
		mt, err := checkMediaType(r, route.Operation)
		if err != nil {
			return err
		}
		switch mt {
		case jsonMediaType:
			if err := checkJSON(body); err != nil {
				return err
			}
		case formMediaType:
			// A form (the one-click unsubscribe) is decoded and checked
			// by the filter.
		default:
			// A text body (text/csv) is checked here as the text it is;
			// its format is the handler's to read, line by line.
			if err := checkText(body, route.Operation.RequestBody.Value.Content[mt]); err != nil {
				return err
			}
			opts = textGateOptions
		}
	}
	params := make(map[string]string, len(c.Params))
	for _, p := range c.Params {
		params[p.Key] = p.Value
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: opts}
	err = openapi3filter.ValidateRequest(context.WithoutCancel(r.Context()), in)
	// The filter has read the body and left a copy in its place; the
	// handler reads that one.
	r.Body = io.NopCloser(bytes.NewReader(body))
	if err == nil {
		return nil
	}
	return refusal(err)
}

// readBody reads the whole body (at most MaxBodyBytes, as limitBody set).
func readBody(r *http.Request) ([]byte, error) {
	if r.Body == nil || r.Body == http.NoBody {
		return nil, nil
	}
	b, err := io.ReadAll(r.Body)
	_ = r.Body.Close()
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return nil, domain.TooLarge("the request body is larger than 1 MiB")
	}
	if err != nil {
		return nil, domain.BadRequest("the request body could not be read")
	}
	r.Body = io.NopCloser(bytes.NewReader(b))
	return b, nil
}

const (
	jsonMediaType = "application/json"
	formMediaType = "application/x-www-form-urlencoded"
)

// textGateOptions are the gate's options for a text body: parameters are
// validated as for any request, the body by checkText.
var textGateOptions = func() *openapi3filter.Options {
	o := *gateOptions
	o.ExcludeRequestBody = true
	return &o
}()

// checkText accepts a text body that is UTF-8 and within the schema's
// maxLength (in characters).
func checkText(body []byte, mt *openapi3.MediaType) error {
	if !utf8.Valid(body) {
		return domain.Invalid("body", "must be UTF-8 text")
	}
	if mt != nil && mt.Schema != nil && mt.Schema.Value.MaxLength != nil {
		// A count of characters is never negative.
		if n := utf8.RuneCount(body); n >= 0 && uint64(n) > *mt.Schema.Value.MaxLength {
			return domain.Invalid("body", fmt.Sprintf("must be at most %d characters", *mt.Schema.Value.MaxLength))
		}
	}
	return nil
}

// checkMediaType accepts a body only in a media type the operation declares
// (application/json; text/csv for the people import; a form for the
// one-click unsubscribe), with at most a UTF-8 charset, and returns that
// media type.
func checkMediaType(r *http.Request, op *openapi3.Operation) (string, error) {
	if op.RequestBody == nil || op.RequestBody.Value == nil {
		return "", unsupportedMediaType("this operation takes no request body")
	}
	declared := make([]string, 0, len(op.RequestBody.Value.Content))
	for mt := range op.RequestBody.Value.Content {
		declared = append(declared, mt)
	}
	sort.Strings(declared)
	want := "send the body as " + strings.Join(declared, " or ")
	ct := r.Header.Get("Content-Type")
	mt, params, err := mime.ParseMediaType(ct)
	if ct == "" || err != nil {
		return "", unsupportedMediaType("the request body has no valid Content-Type; " + want)
	}
	if op.RequestBody.Value.Content[mt] == nil {
		return "", unsupportedMediaType("the request body is " + mt + "; " + want)
	}
	for k, v := range params {
		if k != "charset" || !strings.EqualFold(v, "utf-8") {
			return "", unsupportedMediaType("the only Content-Type parameter accepted is charset=utf-8")
		}
	}
	return mt, nil
}

func unsupportedMediaType(msg string) error {
	return &domain.Error{Kind: domain.KindUnsupportedMediaType, Code: domain.CodeUnsupportedMediaType, Message: msg}
}

// checkJSON refuses what is not exactly one JSON value, with a message that
// says which of the two it is.
func checkJSON(body []byte) error {
	if json.Valid(body) {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	var v json.RawMessage
	if dec.Decode(&v) == nil {
		return domain.BadRequest("the body has data after the JSON value")
	}
	return domain.BadRequest("the body is not valid JSON")
}

func paramError(name, reason string) error {
	return &domain.Error{Kind: domain.KindBadRequest, Code: "bad_request",
		Message: "the parameter " + name + " is not valid: " + reason, Fields: map[string]string{name: reason}}
}

// refusal translates the filter's errors into the API's: a bad parameter or
// an unknown field is a malformed request (400), anything else the body's
// schema forbids is a validation failure (422) naming each field.
func refusal(err error) error {
	var reqErrs []*openapi3filter.RequestError
	var me openapi3.MultiError
	if errors.As(err, &me) {
		for _, e := range me {
			var re *openapi3filter.RequestError
			if errors.As(e, &re) {
				reqErrs = append(reqErrs, re)
			}
		}
	} else {
		var re *openapi3filter.RequestError
		if errors.As(err, &re) {
			reqErrs = append(reqErrs, re)
		}
	}
	if len(reqErrs) == 0 {
		return domain.BadRequest("the request does not match the API description")
	}
	for _, re := range reqErrs {
		if re.Parameter != nil && re.Parameter.Name == "cursor" {
			// Whatever is wrong with it, it is not a cursor this list
			// handed out: the one answer for that.
			return invalidCursor()
		}
		if re.Parameter != nil {
			return paramError(re.Parameter.Name, parameterReason(re))
		}
	}
	fields := domain.Fields{}
	var unknown []string
	for _, re := range reqErrs {
		if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
			if re.RequestBody != nil && re.RequestBody.Content.Get(jsonMediaType) == nil {
				return domain.BadRequest("the request needs a body")
			}
			return domain.BadRequest("the request needs a JSON body")
		}
		if strings.HasPrefix(re.Reason, "header Content-Type") {
			return unsupportedMediaType("send the body as application/json")
		}
		var pe *openapi3filter.ParseError
		if errors.As(re.Err, &pe) {
			return domain.BadRequest("the body is not valid JSON")
		}
		for _, se := range schemaErrors(re.Err) {
			if se.SchemaField == "properties" {
				unknown = append(unknown, unknownField(se))
				continue
			}
			fields.Add(fieldPath(se.JSONPointer()), "%s", reason(se))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		e := domain.BadRequest("the body has an unknown field: " + strings.Join(unknown, ", "))
		e.Fields = map[string]string{}
		for _, f := range unknown {
			e.Fields[f] = "is not a field of this request"
		}
		return e
	}
	if len(fields) == 0 {
		return domain.BadRequest("the body does not match the API description")
	}
	return fields.Err()
}

// schemaErrors flattens the filter's errors into the innermost schema
// errors: an allOf (how the spec makes a shared schema nullable) reports
// the error of the schema it wraps.
func schemaErrors(err error) []*openapi3.SchemaError {
	var out []*openapi3.SchemaError
	var walk func(error)
	walk = func(err error) {
		if err == nil {
			return
		}
		// The filter's MultiError lists its errors directly; errors.As
		// would reach into the first of them instead.
		if me, ok := err.(openapi3.MultiError); ok { //nolint:errorlint // see above
			for _, e := range me {
				walk(e)
			}
			return
		}
		var se *openapi3.SchemaError
		if !errors.As(err, &se) {
			return
		}
		if se.SchemaField == "allOf" || se.SchemaField == "oneOf" || se.SchemaField == "anyOf" {
			var inner openapi3.MultiError
			if errors.As(se.Origin, &inner) && len(inner) > 0 {
				walk(inner)
				return
			}
		}
		out = append(out, se)
	}
	walk(err)
	return out
}

// fieldPath writes a JSON pointer as the API names fields: ratings[0].score.
func fieldPath(ptr []string) string {
	var b strings.Builder
	for _, p := range ptr {
		if _, err := strconv.Atoi(p); err == nil {
			b.WriteString("[" + p + "]")
			continue
		}
		if b.Len() > 0 {
			b.WriteByte('.')
		}
		b.WriteString(p)
	}
	if b.Len() == 0 {
		return "body"
	}
	return b.String()
}

// unknownField names the property an additionalProperties: false refused;
// the filter says it only in its reason (`property "x" is unsupported`).
func unknownField(se *openapi3.SchemaError) string {
	name := "?"
	if i := strings.IndexByte(se.Reason, '"'); i >= 0 {
		if s, err := strconv.QuotedPrefix(se.Reason[i:]); err == nil {
			name, _ = strconv.Unquote(s)
		}
	}
	if p := fieldPath(se.JSONPointer()); p != "body" {
		return p + "." + name
	}
	return name
}

func parameterReason(re *openapi3filter.RequestError) string {
	if errors.Is(re.Err, openapi3filter.ErrInvalidRequired) {
		return "is required"
	}
	if errors.Is(re.Err, openapi3filter.ErrInvalidEmptyValue) {
		return "must not be empty"
	}
	if ses := schemaErrors(re.Err); len(ses) > 0 {
		return reason(ses[0])
	}
	if re.Parameter.Schema != nil {
		return "must be " + kindOf(re.Parameter.Schema.Value)
	}
	return "is not valid"
}

// reason says in words a person understands what a value must be.
func reason(se *openapi3.SchemaError) string {
	s := se.Schema
	switch se.SchemaField {
	case "required", "nullable":
		return "is required"
	case "type":
		return "must be " + kindOf(s)
	case "enum":
		return "choose one of " + strings.Join(enumLabels(s), ", ")
	case "minLength":
		if s.MinLength == 1 {
			return "must not be empty"
		}
		return fmt.Sprintf("must be at least %d characters", s.MinLength)
	case "maxLength":
		return fmt.Sprintf("must be at most %d characters", *s.MaxLength)
	case "minItems":
		if s.MinItems == 1 {
			return "must have at least one item"
		}
		return fmt.Sprintf("must have at least %d items", s.MinItems)
	case "maxItems":
		return fmt.Sprintf("must have at most %d items", *s.MaxItems)
	case "minProperties", "maxProperties":
		return "has too few or too many entries"
	case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
		return rangeReason(s)
	case "uniqueItems":
		return "must not list the same item twice"
	case "format":
		return formatReason(s.Format)
	case "pattern":
		return "is not in the expected form"
	}
	return "is not valid"
}

func kindOf(s *openapi3.Schema) string {
	switch {
	case s.Type.Is("string"):
		if s.Format != "" && formatReason(s.Format) != "is not valid" {
			return strings.TrimPrefix(formatReason(s.Format), "must be ")
		}
		return "text"
	case s.Type.Is("integer"):
		return "a whole number"
	case s.Type.Is("number"):
		return "a number"
	case s.Type.Is("boolean"):
		return "true or false"
	case s.Type.Is("array"):
		return "a list"
	case s.Type.Is("object"):
		return "an object"
	}
	return "a valid value"
}

func rangeReason(s *openapi3.Schema) string {
	num := func(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
	switch {
	case s.Min != nil && s.Max != nil:
		return "must be from " + num(*s.Min) + " to " + num(*s.Max)
	case s.Min != nil:
		return "must be at least " + num(*s.Min)
	case s.Max != nil:
		return "must be at most " + num(*s.Max)
	}
	return "is out of range"
}

func formatReason(format string) string {
	switch format {
	case "date":
		return "must be a date like 2026-12-31"
	case "date-time":
		return "must be a time like 2026-11-02T09:00:00Z"
	case "email":
		return "must be an e-mail address like name@example.com"
	}
	return "is not valid"
}

// enumLabels are the words a person reads for an enum's values: the
// schema's x-enum-labels when it has them, else the values themselves.
func enumLabels(s *openapi3.Schema) []string {
	var labels []string
	if raw, ok := s.Extensions["x-enum-labels"].([]any); ok {
		for _, l := range raw {
			if str, ok := l.(string); ok {
				labels = append(labels, str)
			}
		}
	}
	var values []string
	for _, v := range s.Enum {
		if v != nil {
			values = append(values, fmt.Sprint(v))
		}
	}
	if len(labels) == len(values) {
		return labels
	}
	return values
}
