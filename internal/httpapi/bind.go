package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"calibrate/internal/domain"
)

// MaxBodyBytes is the largest request body we read.
const MaxBodyBytes = 1 << 20

// bindJSON decodes the body, which the request gate has already held to
// the operation's schema, into v. It stays strict (one JSON value, no
// unknown fields, nothing after it) so that a DTO drifting from the spec
// fails loudly instead of dropping a field.
func bindJSON(c *gin.Context, v any) error {
	dec := json.NewDecoder(c.Request.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			return domain.TooLarge("the request body is larger than 1 MiB")
		}
		return domain.BadRequest("the body has data after the JSON value")
	}
	return nil
}

func decodeError(err error) error {
	var mbe *http.MaxBytesError
	var typeErr *json.UnmarshalTypeError
	switch {
	case errors.As(err, &mbe):
		return domain.TooLarge("the request body is larger than 1 MiB")
	case errors.Is(err, io.EOF):
		return domain.BadRequest("the request needs a JSON body")
	case errors.As(err, &typeErr) && typeErr.Field != "":
		// What the schema's integer allows but Go's int does not: 3.0, 1e300.
		return domain.Invalid(fieldPath(strings.Split(typeErr.Field, ".")), "must be "+jsonKind(typeErr.Type.Kind().String()))
	case bytes.HasPrefix([]byte(err.Error()), []byte("json: unknown field")):
		return domain.BadRequest("the body has an unknown field: " + err.Error()[len("json: unknown field "):])
	}
	return domain.BadRequest("the body is not valid JSON")
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "text"
	case "bool":
		return "true or false"
	case "slice", "array":
		return "a list"
	case "struct", "map":
		return "an object"
	case "float32", "float64":
		return "a number"
	}
	return "a whole number within range"
}

// opt is a field of a PATCH body: it tells "absent" from "null".
type opt[T any] struct {
	domain.Optional[T]
}

func (o *opt[T]) UnmarshalJSON(b []byte) error {
	o.Set = true
	if string(b) == "null" {
		o.Value = nil
		return nil
	}
	var v T
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	o.Value = &v
	return nil
}

// pageOf reads limit and cursor: limit 1..100 (larger values are capped),
// default 50; the cursor is what a previous page of the same list, with
// the same filters, returned.
func pageOf(c *gin.Context) (domain.Page, error) {
	p := domain.Page{Limit: domain.DefaultPageLimit}
	if s, ok := c.GetQuery("limit"); ok {
		n, err := strconv.Atoi(s)
		if errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-") {
			// A whole number too large for an int is larger than 100 all
			// the same: capped, as the contract says of larger values.
			n, err = domain.MaxPageLimit, nil
		}
		if err != nil || n < 1 {
			return p, domain.BadRequest("limit must be a whole number from 1 to 100")
		}
		p.Limit = min(n, domain.MaxPageLimit)
	}
	if s, ok := c.GetQuery("cursor"); ok {
		raw, err := base64.RawURLEncoding.DecodeString(s)
		tag, last, _ := strings.Cut(string(raw), ".")
		if err != nil || tag != listTag(c) || !cursorShape.MatchString(last) {
			return p, invalidCursor()
		}
		p.Cursor = last
	}
	return p, nil
}

func invalidCursor() error {
	return &domain.Error{Kind: domain.KindBadRequest, Code: domain.CodeInvalidCursor,
		Message: "cursor is not one this list returned with these filters; start again without it"}
}

// cursorShape is the key every list pages by: the id of the last item of a
// page, as domain.NewID makes them; an item derived from a record as one of
// several (the cycle's activity) adds ":n", its place in the record.
var cursorShape = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(:[0-9]{1,4})?$`)

// listTag names one list with its filters: the request path (ids
// included) and every query parameter but the page's own. A cursor carries
// it, so a cursor from another list, or from the same list with other
// filters, which would silently skip or repeat items, is refused instead.
func listTag(c *gin.Context) string {
	q := c.Request.URL.Query()
	q.Del("cursor")
	q.Del("limit")
	sum := sha256.Sum256([]byte(c.Request.URL.Path + "?" + q.Encode()))
	return hex.EncodeToString(sum[:6])
}

// list is the JSON shape of every paginated list.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func listOf[S, T any](c *gin.Context, l domain.List[S], conv func(S) T) list[T] {
	out := list[T]{Items: make([]T, 0, len(l.Items))}
	for _, it := range l.Items {
		out.Items = append(out.Items, conv(it))
	}
	if l.NextCursor != "" {
		next := base64.RawURLEncoding.EncodeToString([]byte(listTag(c) + "." + l.NextCursor))
		out.NextCursor = &next
	}
	return out
}
