package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"sort"
	"strconv"
	"strings"

	"github.com/elimity-com/scim"
	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/elimity-com/scim/optional"
	"github.com/elimity-com/scim/schema"
	"github.com/gin-gonic/gin"
	filter "github.com/scim2/filter-parser/v2"

	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

// SCIM 2.0 (RFC 7643/7644) lives under /scim/v2, outside /api/v1: an
// identity provider speaks the SCIM protocol (application/scim+json, SCIM
// error bodies, SCIM filters and paging), not this API's contract, so the
// routes are not in api/openapi.yaml and the OpenAPI request gate does not
// apply; docs/scim.md is their contract. github.com/elimity-com/scim
// parses requests, filters, paging and PATCH operations and writes the
// answers; Calibrate maps a SCIM User onto a person and calls the same
// service rules an admin's change goes through.

// SCIMPrefix is where the SCIM service is mounted; an identity provider's
// "base URL" is the server's address followed by it.
const SCIMPrefix = "/scim/v2"

const enterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// scimMaxResults is the most users one SCIM list answers.
const scimMaxResults = 100

// scimFilterScan bounds the people a filter other than userName eq is
// evaluated over.
const scimFilterScan = 20000

func init() {
	// Entra ID sends booleans as strings ("False") in PATCH operations.
	schema.SetAllowStringValues(true)
}

type scimTokenKey struct{}

// mountSCIM routes /scim/v2 and everything below it to the SCIM service,
// behind the bearer-token check.
func (s *Server) mountSCIM(e *gin.Engine) {
	if s.Provisioning == nil {
		return
	}
	args := &scim.ServerArgs{
		ServiceProviderConfig: &scim.ServiceProviderConfig{
			DocumentationURI: optional.NewString("https://github.com/calibrate/calibrate/blob/main/docs/scim.md"),
			AuthenticationSchemes: []scim.AuthenticationScheme{{
				Type: scim.AuthenticationTypeOauthBearerToken, Name: "Bearer token", Primary: true,
				Description: "A SCIM token made by an admin of the organisation (Provisioning screen or `calibrate scim token`).",
			}},
			MaxResults:       scimMaxResults,
			SupportFiltering: true,
			SupportPatch:     true,
		},
		ResourceTypes: []scim.ResourceType{{
			ID:          optional.NewString("User"),
			Name:        "User",
			Description: optional.NewString("A person of the organisation"),
			Endpoint:    "/Users",
			Schema:      schema.CoreUserSchema(),
			SchemaExtensions: []scim.SchemaExtension{
				{Schema: schema.ExtensionEnterpriseUser()},
			},
			Handler: &scimUsers{p: s.Provisioning, log: s.Log},
		}},
	}
	if _, err := scim.NewServer(args); err != nil {
		panic("httpapi: SCIM server: " + err.Error())
	}
	trustForwarded := len(s.TrustedProxies) > 0
	serve := func(c *gin.Context) {
		// Locations (meta.location, Location) are absolute URLs of the
		// address the identity provider called; the server is a value
		// built from the shared arguments, so this costs no schema work.
		srv, err := scim.NewServer(args, scim.WithLogger(scimLogger{s.Log}), scim.WithBaseURL(scimBaseURL(c, trustForwarded)))
		if err != nil {
			writeSCIMError(c.Writer, s.Log, toSCIMError(s.Log, err))
			return
		}
		if c.Request.Method == http.MethodPatch {
			if err := entraManagerShim(c.Request); err != nil {
				writeSCIMError(c.Writer, s.Log, scimerrors.ScimErrorInvalidSyntax)
				return
			}
		}
		// The library routes on the path after "/scim" ("/v2/Users/…").
		http.StripPrefix("/scim", srv).ServeHTTP(c.Writer, c.Request)
	}
	chain := []gin.HandlerFunc{s.scimAuth(), serve}
	e.Any(SCIMPrefix, chain...)
	e.Any(SCIMPrefix+"/*path", chain...)
}

// scimBaseURL is the SCIM base URL as the caller reached it: the scheme
// of the connection (or of X-Forwarded-Proto from a trusted proxy) and
// the Host.
func scimBaseURL(c *gin.Context, trustForwarded bool) string {
	scheme := "http"
	if c.Request.TLS != nil {
		scheme = "https"
	}
	if p := c.GetHeader("X-Forwarded-Proto"); trustForwarded && (p == "https" || p == "http") {
		scheme = p
	}
	return scheme + "://" + c.Request.Host + SCIMPrefix
}

// entraManagerShim rewrites what Entra ID sends to set a manager, a PATCH
// operation whose value is the bare id ("value": "<id>"), into the complex
// value the enterprise schema defines ("value": {"value": "<id>"}), which
// is what the library validates. Any other body passes unchanged; a body
// that is not JSON is left for the library to refuse.
func entraManagerShim(r *http.Request) error {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		return err
	}
	r.Body = io.NopCloser(bytes.NewReader(raw))
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil //nolint:nilerr // not JSON: the library refuses it with its own SCIM error
	}
	changed := false
	for k, v := range body {
		if !strings.EqualFold(k, "Operations") {
			continue
		}
		ops, _ := v.([]any)
		for _, o := range ops {
			op, _ := o.(map[string]any)
			for pk, pv := range op {
				path, _ := pv.(string)
				if !strings.EqualFold(pk, "path") || !strings.EqualFold(path, enterpriseURN+":manager") {
					continue
				}
				for vk, vv := range op {
					if id, ok := vv.(string); ok && strings.EqualFold(vk, "value") {
						op[vk] = map[string]any{"value": id}
						changed = true
					}
				}
			}
		}
	}
	if changed {
		if raw, err = json.Marshal(body); err != nil {
			return err
		}
		r.Body = io.NopCloser(bytes.NewReader(raw))
		r.ContentLength = int64(len(raw))
	}
	return nil
}

func isSCIM(path string) bool {
	return path == "/scim" || strings.HasPrefix(path, "/scim/")
}

// scimAuth resolves the bearer token to its organisation or answers 401
// with a SCIM error body.
func (s *Server) scimAuth() gin.HandlerFunc {
	return func(c *gin.Context) {
		secret, ok := strings.CutPrefix(c.GetHeader("Authorization"), "Bearer ")
		tok, err := s.Provisioning.Authenticate(c.Request.Context(), strings.TrimSpace(secret))
		if err == nil && !ok {
			err = domain.Unauthorized(domain.CodeUnauthenticated, "a SCIM token is required")
		}
		if err != nil {
			c.Header("WWW-Authenticate", `Bearer realm="scim"`)
			writeSCIMError(c.Writer, s.Log, toSCIMError(s.Log, err))
			c.Abort()
			return
		}
		c.Request = c.Request.WithContext(context.WithValue(c.Request.Context(), scimTokenKey{}, tok))
		c.Next()
	}
}

func writeSCIMError(w http.ResponseWriter, log *slog.Logger, e scimerrors.ScimError) {
	raw, err := json.Marshal(e)
	if err != nil {
		if log != nil {
			log.Error("scim: marshalling an error", "err", err)
		}
		return
	}
	w.Header().Set("Content-Type", "application/scim+json")
	w.WriteHeader(e.Status)
	_, _ = w.Write(raw)
}

// toSCIMError maps a domain error onto a SCIM error (RFC 7644 §3.12).
func toSCIMError(log *slog.Logger, err error) scimerrors.ScimError {
	var se scimerrors.ScimError
	if errors.As(err, &se) {
		return se
	}
	de, ok := domain.AsError(err)
	if !ok {
		log.Error("scim: internal error", "err", err)
		return scimerrors.ScimError{Status: http.StatusInternalServerError, Detail: "internal error"}
	}
	switch de.Kind {
	case domain.KindUnauthorized:
		return scimerrors.ScimError{Status: http.StatusUnauthorized, Detail: de.Message}
	case domain.KindNotFound:
		return scimerrors.ScimError{Status: http.StatusNotFound, Detail: de.Message}
	case domain.KindValidation, domain.KindBadRequest:
		return scimerrors.ScimError{Status: http.StatusBadRequest, ScimType: scimerrors.ScimTypeInvalidValue, Detail: fieldsDetail(de)}
	case domain.KindConflict:
		if de.Code == domain.CodeDuplicate {
			return scimerrors.ScimError{Status: http.StatusConflict, ScimType: scimerrors.ScimTypeUniqueness, Detail: de.Message}
		}
		return scimerrors.ScimError{Status: http.StatusConflict, Detail: de.Message}
	case domain.KindForbidden:
		return scimerrors.ScimError{Status: http.StatusForbidden, Detail: de.Message}
	case domain.KindUnavailable:
		return scimerrors.ScimError{Status: http.StatusServiceUnavailable, Detail: de.Message}
	}
	log.Error("scim: internal error", "err", err)
	return scimerrors.ScimError{Status: http.StatusInternalServerError, Detail: "internal error"}
}

// scimField names a person's field by its SCIM attribute.
var scimField = map[string]string{
	"name": "displayName", "email": "userName", "role": "roles[0].value", "function": enterpriseURN + ":department",
	"manager_id": enterpriseURN + ":manager.value", "active": "active", "password": "password",
}

func fieldsDetail(de *domain.Error) string {
	if len(de.Fields) == 0 {
		return de.Message
	}
	var parts []string
	for k, v := range de.Fields {
		if n, ok := scimField[k]; ok {
			k = n
		}
		parts = append(parts, k+" "+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, "; ")
}

func invalidValue(format string, args ...any) error {
	return scimerrors.ScimError{Status: http.StatusBadRequest, ScimType: scimerrors.ScimTypeInvalidValue, Detail: fmt.Sprintf(format, args...)}
}

type scimLogger struct{ log *slog.Logger }

func (l scimLogger) Error(args ...interface{}) { l.log.Error("scim", "detail", fmt.Sprint(args...)) }

// scimUsers maps SCIM Users onto the people of the token's organisation.
type scimUsers struct {
	p   *calibration.Provisioning
	log *slog.Logger
}

func tokenOf(r *http.Request) domain.ScimToken {
	t, _ := r.Context().Value(scimTokenKey{}).(domain.ScimToken)
	return t
}

// mapErr turns a service error into the SCIM error the library writes.
func (h *scimUsers) mapErr(err error) error {
	if err == nil {
		return nil
	}
	return toSCIMError(h.log, err)
}

func (h *scimUsers) resource(r *http.Request, u domain.User) (scim.Resource, error) {
	managers := map[string]domain.User{}
	if u.ManagerID != nil {
		var err error
		if managers, err = h.p.Managers(r.Context(), tokenOf(r), []string{*u.ManagerID}); err != nil {
			return scim.Resource{}, h.mapErr(err)
		}
	}
	return scimResource(u, managers), nil
}

// scimResource is a person as a SCIM User: the id is the API id, userName
// and the primary e-mail the login, roles[0] the role, the enterprise
// extension's department the function and manager the reporting line.
func scimResource(u domain.User, managers map[string]domain.User) scim.Resource {
	ext := map[string]interface{}{"department": string(u.Function)}
	if u.ManagerID != nil {
		m := map[string]interface{}{"value": *u.ManagerID}
		if mu, ok := managers[*u.ManagerID]; ok {
			m["displayName"] = mu.Name
		}
		ext["manager"] = m
	}
	created, modified := u.CreatedAt, u.UpdatedAt
	return scim.Resource{
		ID: u.ID,
		Attributes: scim.ResourceAttributes{
			"userName":    u.Email,
			"displayName": u.Name,
			"name":        map[string]interface{}{"formatted": u.Name},
			"emails":      []interface{}{map[string]interface{}{"value": u.Email, "type": "work", "primary": true}},
			"active":      u.Active,
			"roles":       []interface{}{map[string]interface{}{"value": string(u.Role), "primary": true}},
			enterpriseURN: ext,
		},
		Meta: scim.Meta{Created: &created, LastModified: &modified},
	}
}

func (h *scimUsers) Create(r *http.Request, attrs scim.ResourceAttributes) (scim.Resource, error) {
	ch, err := readAttributes(attrs)
	if err != nil {
		return scim.Resource{}, err
	}
	in := calibration.NewUser{Role: domain.RolePeer}
	if ch.name != nil {
		in.Name = *ch.name
	}
	if ch.email != nil {
		in.Email = *ch.email
	}
	if ch.role != nil {
		in.Role = *ch.role
	}
	if ch.function != nil {
		in.Function = *ch.function
	}
	if ch.managerSet {
		in.ManagerID = ch.manager
	}
	if ch.password != nil {
		in.Password = *ch.password
	}
	u, err := h.p.CreateUser(r.Context(), tokenOf(r), in)
	if err != nil {
		return scim.Resource{}, h.mapErr(err)
	}
	if ch.active != nil && !*ch.active {
		if u, err = h.p.UpdateUser(r.Context(), tokenOf(r), u.ID, calibration.UserPatch{Active: domain.Some(false)}); err != nil {
			return scim.Resource{}, h.mapErr(err)
		}
	}
	return h.resource(r, u)
}

func (h *scimUsers) Get(r *http.Request, id string) (scim.Resource, error) {
	u, err := h.p.User(r.Context(), tokenOf(r), id)
	if err != nil {
		return scim.Resource{}, h.mapErr(err)
	}
	return h.resource(r, u)
}

func (h *scimUsers) GetAll(r *http.Request, params scim.ListRequestParams) (scim.Page, error) {
	ctx, tok := r.Context(), tokenOf(r)
	offset := params.StartIndex - 1
	var (
		users []domain.User
		total int
	)
	if params.FilterValidator == nil {
		var err error
		if users, total, err = h.p.Users(ctx, tok, offset, params.Count); err != nil {
			return scim.Page{}, h.mapErr(err)
		}
	} else {
		all, err := h.filtered(r, params)
		if err != nil {
			return scim.Page{}, err
		}
		total = len(all)
		if offset < len(all) {
			all = all[offset:]
			if len(all) > params.Count {
				all = all[:params.Count]
			}
			users = all
		}
	}
	ids := []string{}
	for _, u := range users {
		if u.ManagerID != nil {
			ids = append(ids, *u.ManagerID)
		}
	}
	managers, err := h.p.Managers(ctx, tok, ids)
	if err != nil {
		return scim.Page{}, h.mapErr(err)
	}
	page := scim.Page{TotalResults: total, Resources: []scim.Resource{}}
	for _, u := range users {
		page.Resources = append(page.Resources, scimResource(u, managers))
	}
	return page, nil
}

// filtered answers a filter: userName eq "…" (what Okta and Entra ID ask
// before creating someone) by one lookup; any other by evaluating it over
// the organisation's people.
func (h *scimUsers) filtered(r *http.Request, params scim.ListRequestParams) ([]domain.User, error) {
	ctx, tok := r.Context(), tokenOf(r)
	if e, ok := params.FilterValidator.GetFilter().(*filter.AttributeExpression); ok &&
		strings.EqualFold(e.AttributePath.AttributeName, "userName") && e.AttributePath.SubAttribute == nil &&
		e.AttributePath.URIPrefix == nil && e.Operator == filter.EQ {
		if v, ok := e.CompareValue.(string); ok {
			u, err := h.p.UserByEmail(ctx, tok, strings.ToLower(strings.TrimSpace(v)))
			if domain.IsKind(err, domain.KindNotFound) {
				return nil, nil
			}
			if err != nil {
				return nil, h.mapErr(err)
			}
			return []domain.User{u}, nil
		}
	}
	all, total, err := h.p.Users(ctx, tok, 0, scimFilterScan)
	if err != nil {
		return nil, h.mapErr(err)
	}
	if total > scimFilterScan {
		return nil, scimerrors.ScimErrorTooMany
	}
	var out []domain.User
	for _, u := range all {
		res := scimResource(u, nil)
		attrs := res.Attributes
		attrs["id"] = u.ID
		if params.FilterValidator.PassesFilter(attrs) == nil {
			out = append(out, u)
		}
	}
	return out, nil
}

// Replace sets the attributes the request carries. An attribute Calibrate
// maps that the request leaves out keeps its value (an identity provider
// that does not send roles never demotes anyone), except the manager when
// the enterprise extension is sent without one: that clears it.
func (h *scimUsers) Replace(r *http.Request, id string, attrs scim.ResourceAttributes) (scim.Resource, error) {
	ch, err := readAttributes(attrs)
	if err != nil {
		return scim.Resource{}, err
	}
	return h.apply(r, id, ch)
}

// Delete deactivates the person: their history stays, their sessions end
// at once, and the resource still answers, with active false.
func (h *scimUsers) Delete(r *http.Request, id string) error {
	_, err := h.p.UpdateUser(r.Context(), tokenOf(r), id, calibration.UserPatch{Active: domain.Some(false)})
	return h.mapErr(err)
}

func (h *scimUsers) Patch(r *http.Request, id string, ops []scim.PatchOperation) (scim.Resource, error) {
	ch := change{}
	for _, op := range ops {
		if err := ch.patch(op); err != nil {
			return scim.Resource{}, err
		}
	}
	return h.apply(r, id, ch)
}

func (h *scimUsers) apply(r *http.Request, id string, ch change) (scim.Resource, error) {
	ctx, tok := r.Context(), tokenOf(r)
	if _, err := h.p.User(ctx, tok, id); err != nil {
		return scim.Resource{}, h.mapErr(err)
	}
	patch := calibration.UserPatch{}
	if ch.name != nil {
		patch.Name = domain.Some(*ch.name)
	}
	if ch.email != nil {
		patch.Email = domain.Some(*ch.email)
	}
	if ch.role != nil {
		patch.Role = domain.Some(*ch.role)
	}
	if ch.function != nil {
		patch.Function = domain.Some(*ch.function)
	}
	if ch.managerSet {
		patch.ManagerID = domain.Optional[string]{Set: true, Value: ch.manager}
	}
	if ch.active != nil {
		patch.Active = domain.Some(*ch.active)
	}
	u, err := h.p.UpdateUser(ctx, tok, id, patch)
	if err != nil {
		return scim.Resource{}, h.mapErr(err)
	}
	return h.resource(r, u)
}

// change is what a SCIM request asks of a person; nil leaves a field as
// it is.
type change struct {
	name, email, password *string
	role                  *domain.Role
	function              *domain.Function
	active                *bool
	managerSet            bool
	manager               *string
}

// readAttributes reads a whole SCIM User (create, replace).
func readAttributes(attrs scim.ResourceAttributes) (change, error) {
	ch := change{}
	for k, v := range attrs {
		if err := ch.set(k, "", v, false); err != nil {
			return ch, err
		}
	}
	if ch.name == nil {
		// Okta sends name.givenName and name.familyName.
		if n, ok := attrs["name"].(map[string]interface{}); ok {
			full := strings.TrimSpace(str(n["givenName"]) + " " + str(n["familyName"]))
			if full != "" {
				ch.name = &full
			}
		}
	}
	if ch.email == nil {
		if e := primaryEmail(attrs["emails"]); e != "" {
			ch.email = &e
		}
	}
	if ch.name == nil && ch.email != nil {
		ch.name = ch.email
	}
	return ch, nil
}

func primaryEmail(v interface{}) string {
	list, _ := v.([]interface{})
	first := ""
	for _, e := range list {
		m, _ := e.(map[string]interface{})
		if first == "" {
			first = str(m["value"])
		}
		if b, _ := m["primary"].(bool); b {
			return str(m["value"])
		}
	}
	return first
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}

// set applies one attribute: key is a top-level attribute (or a flattened
// "urn:…:enterprise:2.0:User:manager"), sub its sub-attribute when the
// path named one; remove says the operation removes it.
func (ch *change) set(key, sub string, v interface{}, remove bool) error {
	lk := strings.ToLower(key)
	if rest, ok := strings.CutPrefix(lk, strings.ToLower(enterpriseURN)); ok {
		rest = strings.TrimPrefix(rest, ":")
		if rest == "" {
			m, _ := v.(map[string]interface{})
			if remove {
				ch.managerSet, ch.manager = true, nil
				return nil
			}
			if _, has := m["manager"]; !has {
				// The extension without a manager: no one.
				ch.managerSet, ch.manager = true, nil
			}
			for k, x := range m {
				if err := ch.set(enterpriseURN+":"+k, "", x, false); err != nil {
					return err
				}
			}
			return nil
		}
		if before, after, ok := strings.Cut(rest, "."); ok {
			rest, sub = before, after
		}
		switch rest {
		case "manager":
			ch.managerSet = true
			if remove || v == nil {
				ch.manager = nil
				return nil
			}
			id := str(v)
			if m, ok := v.(map[string]interface{}); ok && sub == "" {
				id = str(m["value"])
			}
			id = strings.TrimSpace(id)
			if id == "" {
				ch.manager = nil
			} else {
				ch.manager = &id
			}
		case "department":
			fn := domain.FunctionOther
			if !remove {
				fn = domain.Function(strings.ToLower(strings.TrimSpace(str(v))))
				if !fn.Valid() {
					return invalidValue("department must be one of product, design, operations, engineering, other")
				}
			}
			ch.function = &fn
		}
		return nil
	}
	if before, after, ok := strings.Cut(lk, "."); ok {
		lk, sub = before, after
	}
	sub = strings.ToLower(sub)
	switch lk {
	case "username":
		if remove {
			return scimerrors.ScimErrorMutability
		}
		e := strings.ToLower(strings.TrimSpace(str(v)))
		ch.email = &e
	case "displayname":
		if !remove && str(v) != "" {
			n := str(v)
			ch.name = &n
		}
	case "name":
		if remove {
			return nil
		}
		if sub == "formatted" {
			n := str(v)
			ch.name = &n
		} else if m, ok := v.(map[string]interface{}); ok && sub == "" && str(m["formatted"]) != "" && ch.name == nil {
			n := str(m["formatted"])
			ch.name = &n
		}
	case "active":
		if remove {
			return scimerrors.ScimErrorMutability
		}
		b, ok := v.(bool)
		if !ok {
			parsed, err := strconv.ParseBool(str(v))
			if err != nil {
				return invalidValue("active must be true or false")
			}
			b = parsed
		}
		ch.active = &b
	case "roles":
		role := domain.RolePeer
		if !remove {
			var first interface{}
			switch l := v.(type) {
			case []interface{}:
				if len(l) > 0 {
					first = l[0]
				}
			default:
				first = l
			}
			val := str(first)
			if m, ok := first.(map[string]interface{}); ok {
				val = str(m["value"])
			}
			if val != "" {
				role = domain.Role(strings.ToLower(strings.TrimSpace(val)))
			}
			if !role.Valid() {
				return invalidValue("roles[0].value must be one of admin, director, em, peer")
			}
		}
		ch.role = &role
	case "password":
		if !remove {
			p := str(v)
			ch.password = &p
		}
	}
	// Other attributes (title, phoneNumbers, externalId…) are not kept.
	return nil
}

// patch applies one PATCH operation (RFC 7644 §3.5.2).
func (ch *change) patch(op scim.PatchOperation) error {
	remove := strings.EqualFold(op.Op, scim.PatchOperationRemove)
	if op.Path == nil {
		m, ok := op.Value.(map[string]interface{})
		if !ok {
			return scimerrors.ScimErrorInvalidSyntax
		}
		for k, v := range m {
			if err := ch.set(k, "", v, remove); err != nil {
				return err
			}
		}
		return nil
	}
	ap := op.Path.AttributePath
	key := ap.AttributeName
	if uri := ap.URI(); uri != "" {
		key = uri + ":" + key
	}
	sub := ap.SubAttributeName()
	if op.Path.SubAttribute != nil {
		sub = *op.Path.SubAttribute
	}
	if sub != "" {
		key += "." + sub
	}
	return ch.set(key, "", op.Value, remove)
}
