package httpapi_test

// SCIM 2.0 provisioning through the real router with real tokens: what
// Okta and Entra ID do to keep people and reporting lines, and what they
// may not do (another organisation, a revoked token).

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

const (
	scimUserSchema = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	scimPatchOp    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimErrSchema  = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// scimToken makes a SCIM token of the organisation of orgOf (a demo
// e-mail) through the service the CLI and admins use.
func scimToken(t testing.TB, e *testkit.Env, orgOf, name string) (string, domain.ScimToken) {
	t.Helper()
	u, err := e.Store.UserByEmail(context.Background(), orgOf)
	if err != nil {
		t.Fatal(err)
	}
	tok, secret, err := e.Server.Provisioning.CreateToken(context.Background(), u.OrgID, nil, name)
	if err != nil {
		t.Fatal(err)
	}
	return secret, tok
}

func scimDo(t testing.TB, e *testkit.Env, token, method, path string, body any) *testkit.Response {
	t.Helper()
	h := http.Header{"Content-Type": {"application/scim+json"}}
	res := e.Do(testkit.Request{Method: method, Path: path, Token: token, Body: body, Header: h})
	if ct := res.Header.Get("Content-Type"); res.Status != http.StatusNoContent && !strings.HasPrefix(ct, "application/scim+json") {
		t.Errorf("%s %s answered %d with Content-Type %q, want application/scim+json; body %s", method, path, res.Status, ct, res.Body)
	}
	return res
}

type scimUserDoc struct {
	ID          string   `json:"id"`
	Schemas     []string `json:"schemas"`
	UserName    string   `json:"userName"`
	DisplayName string   `json:"displayName"`
	Active      bool     `json:"active"`
	Roles       []struct {
		Value string `json:"value"`
	} `json:"roles"`
	Emails []struct {
		Value   string `json:"value"`
		Primary bool   `json:"primary"`
	} `json:"emails"`
	Enterprise struct {
		Department string `json:"department"`
		Manager    *struct {
			Value string `json:"value"`
		} `json:"manager"`
	} `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
}

func scimUser(t testing.TB, res *testkit.Response, status int) scimUserDoc {
	t.Helper()
	wantStatus(t, res, status)
	var u scimUserDoc
	res.Decode(t, &u)
	return u
}

func wantSCIMError(t testing.TB, res *testkit.Response, status int, scimType string) {
	t.Helper()
	wantStatus(t, res, status)
	var b struct {
		Schemas  []string `json:"schemas"`
		Status   string   `json:"status"`
		ScimType string   `json:"scimType"`
	}
	res.Decode(t, &b)
	if !slices.Equal(b.Schemas, []string{scimErrSchema}) || b.Status != strconv.Itoa(status) || b.ScimType != scimType {
		t.Errorf("SCIM error body %s, want status %d scimType %q", res.Body, status, scimType)
	}
}

func newSCIMUser(email, name, role, department, manager string) map[string]any {
	ext := map[string]any{"department": department}
	if manager != "" {
		ext["manager"] = map[string]any{"value": manager}
	}
	return map[string]any{
		"schemas":      []string{scimUserSchema, scimEnterprise},
		"userName":     email,
		"name":         map[string]any{"givenName": strings.Fields(name)[0], "familyName": strings.Fields(name)[1]},
		"displayName":  name,
		"emails":       []any{map[string]any{"value": email, "primary": true, "type": "work"}},
		"active":       true,
		"roles":        []any{map[string]any{"value": role}},
		scimEnterprise: ext,
	}
}

func TestSCIMUserLifecycle(t *testing.T) {
	e := newCycleEnv(t)
	tok, token := scimToken(t, e.Env, "admin@acme.test", "Okta")
	dana := e.ID(demoDana)

	// Create, with manager, role and department.
	res := scimDo(t, e.Env, tok, http.MethodPost, "/scim/v2/Users", newSCIMUser("Quill@Acme.test", "Quill Reyes", "em", "Product", dana))
	q := scimUser(t, res, http.StatusCreated)
	if q.ID == "" || q.UserName != "quill@acme.test" || q.DisplayName != "Quill Reyes" || !q.Active ||
		len(q.Roles) != 1 || q.Roles[0].Value != "em" || q.Enterprise.Department != "product" ||
		q.Enterprise.Manager == nil || q.Enterprise.Manager.Value != dana {
		t.Fatalf("created %s", res.Body)
	}
	if loc := res.Header.Get("Location"); !strings.HasPrefix(loc, "http://") || !strings.HasSuffix(loc, "/scim/v2/Users/"+q.ID) {
		t.Errorf("Location %q", loc)
	}
	// The same person again: uniqueness.
	wantSCIMError(t, scimDo(t, e.Env, tok, http.MethodPost, "/scim/v2/Users", newSCIMUser("quill@acme.test", "Quill Reyes", "em", "product", "")),
		http.StatusConflict, "uniqueness")
	// An unknown manager, role or department: invalidValue, nothing made.
	for _, bad := range []map[string]any{
		newSCIMUser("x1@acme.test", "Xa Ya", "em", "product", "no-such-id"),
		newSCIMUser("x2@acme.test", "Xa Ya", "king", "product", ""),
		newSCIMUser("x3@acme.test", "Xa Ya", "em", "finance", ""),
	} {
		wantSCIMError(t, scimDo(t, e.Env, tok, http.MethodPost, "/scim/v2/Users", bad), http.StatusBadRequest, "invalidValue")
	}
	// A SCIM-made EM has no EM-since date.
	u, err := e.Store.User(context.Background(), token.OrgID, q.ID)
	if err != nil || u.EMSince != nil || u.Role != domain.RoleEM {
		t.Fatalf("stored %+v %v", u, err)
	}

	// A person without roles gets the least privilege: peer.
	noRole := newSCIMUser("rae@acme.test", "Rae Lim", "peer", "design", "")
	delete(noRole, "roles")
	if r := scimUser(t, scimDo(t, e.Env, tok, http.MethodPost, "/scim/v2/Users", noRole), http.StatusCreated); r.Roles[0].Value != "peer" {
		t.Errorf("a user without roles is %v", r.Roles)
	}

	// List with the filter Okta and Entra ID send before creating.
	f := "/scim/v2/Users?filter=" + url.QueryEscape(`userName eq "QUILL@acme.test"`)
	var list struct {
		Schemas      []string      `json:"schemas"`
		TotalResults int           `json:"totalResults"`
		StartIndex   int           `json:"startIndex"`
		ItemsPerPage int           `json:"itemsPerPage"`
		Resources    []scimUserDoc `json:"Resources"`
	}
	res = scimDo(t, e.Env, tok, http.MethodGet, f, nil)
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, &list)
	if list.TotalResults != 1 || len(list.Resources) != 1 || list.Resources[0].ID != q.ID {
		t.Fatalf("filtered list %s", res.Body)
	}
	res = scimDo(t, e.Env, tok, http.MethodGet, "/scim/v2/Users?filter="+url.QueryEscape(`userName eq "admin@globex.test"`), nil)
	res.Decode(t, &list)
	if list.TotalResults != 0 || len(list.Resources) != 0 {
		t.Fatalf("another organisation's user is listed: %s", res.Body)
	}
	// Pagination: 16 demo people of Acme plus the two created.
	var ids []string
	for start := 1; start <= 18; start += 5 {
		res = scimDo(t, e.Env, tok, http.MethodGet, "/scim/v2/Users?count=5&startIndex="+strconv.Itoa(start), nil)
		list.Resources = nil
		res.Decode(t, &list)
		if list.TotalResults != 18 || list.StartIndex != start {
			t.Fatalf("page at %d: %s", start, res.Body)
		}
		for _, r := range list.Resources {
			ids = append(ids, r.ID)
		}
	}
	if len(ids) != 18 || !slices.Contains(ids, q.ID) || slices.Contains(ids, e.ID("admin@globex.test")) {
		t.Fatalf("paged through %d users", len(ids))
	}
	slices.Sort(ids)
	if len(slices.Compact(ids)) != 18 {
		t.Errorf("pages overlap")
	}
	// Another filter, evaluated over the organisation.
	res = scimDo(t, e.Env, tok, http.MethodGet, "/scim/v2/Users?filter="+url.QueryEscape(`displayName sw "Quill"`), nil)
	res.Decode(t, &list)
	if list.TotalResults != 1 {
		t.Errorf("displayName sw: %s", res.Body)
	}

	// Get.
	if g := scimUser(t, scimDo(t, e.Env, tok, http.MethodGet, "/scim/v2/Users/"+q.ID, nil), http.StatusOK); g.UserName != "quill@acme.test" {
		t.Errorf("get %+v", g)
	}
	wantSCIMError(t, scimDo(t, e.Env, tok, http.MethodGet, "/scim/v2/Users/"+e.ID("admin@globex.test"), nil), http.StatusNotFound, "")

	// Replace (PUT): a new name and department, under Omar.
	put := newSCIMUser("quill@acme.test", "Quill Reyes-Park", "em", "design", e.ID(demoOmar))
	p := scimUser(t, scimDo(t, e.Env, tok, http.MethodPut, "/scim/v2/Users/"+q.ID, put), http.StatusOK)
	if p.DisplayName != "Quill Reyes-Park" || p.Enterprise.Department != "design" || p.Enterprise.Manager.Value != e.ID(demoOmar) {
		t.Fatalf("replaced %+v", p)
	}

	// Patch: manager change (Okta's shape), then deactivation.
	patch := map[string]any{"schemas": []string{scimPatchOp}, "Operations": []any{
		map[string]any{"op": "replace", "path": scimEnterprise + ":manager", "value": map[string]any{"value": dana}},
	}}
	if p = scimUser(t, scimDo(t, e.Env, tok, http.MethodPatch, "/scim/v2/Users/"+q.ID, patch), http.StatusOK); p.Enterprise.Manager.Value != dana {
		t.Fatalf("patched manager %+v", p)
	}
	// A loop in the reporting line is refused.
	loop := map[string]any{"schemas": []string{scimPatchOp}, "Operations": []any{
		map[string]any{"op": "replace", "path": scimEnterprise + ":manager", "value": map[string]any{"value": q.ID}},
	}}
	wantSCIMError(t, scimDo(t, e.Env, tok, http.MethodPatch, "/scim/v2/Users/"+dana, loop), http.StatusBadRequest, "invalidValue")

	// Entra ID's shape: the bare id, and a boolean as a string.
	entra := map[string]any{"schemas": []string{scimPatchOp}, "Operations": []any{
		map[string]any{"op": "Replace", "path": scimEnterprise + ":manager", "value": e.ID(demoOmar)},
		map[string]any{"op": "Replace", "path": "active", "value": "True"},
	}}
	if p = scimUser(t, scimDo(t, e.Env, tok, http.MethodPatch, "/scim/v2/Users/"+q.ID, entra), http.StatusOK); p.Enterprise.Manager.Value != e.ID(demoOmar) || !p.Active {
		t.Fatalf("patched the Entra ID way %+v", p)
	}
	deact := map[string]any{"schemas": []string{scimPatchOp}, "Operations": []any{
		map[string]any{"op": "Replace", "value": map[string]any{"active": false}},
	}}
	if p = scimUser(t, scimDo(t, e.Env, tok, http.MethodPatch, "/scim/v2/Users/"+q.ID, deact), http.StatusOK); p.Active {
		t.Fatalf("still active %+v", p)
	}

	// Every change is audited with the token as the actor.
	var audit struct {
		Items []auditDoc `json:"items"`
	}
	e.Get(e.tok("admin@acme.test"), "/api/v1/audit?limit=100").Decode(t, &audit)
	seen := 0
	for _, a := range audit.Items {
		if a.ObjectID != q.ID {
			continue
		}
		seen++
		var after struct {
			Via *domain.Via `json:"via"`
		}
		_ = json.Unmarshal(a.After, &after)
		if a.ActorID != nil || after.Via == nil || after.Via.Kind != "scim" || after.Via.TokenID != token.ID || after.Via.TokenName != "Okta" {
			t.Errorf("audit entry %s %s: actor %v, after %s", a.Action, a.ObjectID, a.ActorID, a.After)
		}
	}
	if seen < 4 {
		t.Errorf("%d audit entries about the SCIM user, want at least 4", seen)
	}
	// They sit in the keyed chain like any other entry.
	if broken, checked, err := e.Store.VerifyAudit(context.Background()); err != nil || broken != "" {
		t.Fatalf("VerifyAudit: broken at %q after %d entries (%v)", broken, checked, err)
	}
}

func TestSCIMDeactivationEndsSessionsAndKeepsReports(t *testing.T) {
	e := newCycleEnv(t)
	tok, _ := scimToken(t, e.Env, "admin@acme.test", "Entra ID")
	cycle := calibratingCycle(t, e.Env, e.tok(demoDana))
	// Dana manages EMs and owns a cycle: deactivating her never fails on
	// her reports, and her sessions end at once.
	danaTok := e.tok(demoDana)
	wantStatus(t, e.Get(danaTok, "/api/v1/me"), http.StatusOK)
	res := scimDo(t, e.Env, tok, http.MethodDelete, "/scim/v2/Users/"+e.ID(demoDana), nil)
	wantStatus(t, res, http.StatusNoContent)
	wantStatus(t, e.Get(danaTok, "/api/v1/me"), http.StatusUnauthorized)
	// Still there for the identity provider, inactive.
	if d := scimUser(t, scimDo(t, e.Env, tok, http.MethodGet, "/scim/v2/Users/"+e.ID(demoDana), nil), http.StatusOK); d.Active {
		t.Errorf("a deleted user answers active")
	}
	// Her reports keep her as their manager.
	got := scimUser(t, scimDo(t, e.Env, tok, http.MethodGet, "/scim/v2/Users/"+e.ID(demoDrew), nil), http.StatusOK)
	if got.Enterprise.Manager == nil || got.Enterprise.Manager.Value != e.ID(demoDana) {
		t.Errorf("Drew's manager after Dana's deactivation: %+v", got.Enterprise.Manager)
	}
	// A participant's role, changed by SCIM, shows on the board as an
	// admin's change would, naming the token.
	patch := map[string]any{"schemas": []string{scimPatchOp}, "Operations": []any{
		map[string]any{"op": "replace", "path": "roles", "value": []any{map[string]any{"value": "director"}}},
	}}
	wantStatus(t, scimDo(t, e.Env, tok, http.MethodPatch, "/scim/v2/Users/"+e.ID(demoDrew), patch), http.StatusOK)
	msgs := messages(e.notices("admin@acme.test", cycle))
	want := "Role of Drew Nakamura changed by SCIM token 'Entra ID' on 27 Nov 2026: EM → director."
	if !slices.Contains(msgs, want) {
		t.Errorf("notices %q, want one %q", msgs, want)
	}
	deact := "Account of Dana Whitfield deactivated by SCIM token 'Entra ID' on 27 Nov 2026."
	if !slices.Contains(msgs, deact) {
		t.Errorf("notices %q, want one %q", msgs, deact)
	}
}

func TestSCIMTokens(t *testing.T) {
	e := testkit.New(t)
	acme, acmeToken := scimToken(t, e, "admin@acme.test", "Okta")
	globex, _ := scimToken(t, e, "admin@globex.test", "Okta")
	// No token, a wrong one: 401 with a SCIM body.
	for _, bad := range []string{"", "calscim_nope"} {
		res := scimDo(t, e, bad, http.MethodGet, "/scim/v2/Users", nil)
		wantSCIMError(t, res, http.StatusUnauthorized, "")
		if res.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("401 without WWW-Authenticate")
		}
	}
	// One organisation's token never reaches another's people.
	wantSCIMError(t, scimDo(t, e, globex, http.MethodGet, "/scim/v2/Users/"+e.ID(demoDana), nil), http.StatusNotFound, "")
	wantSCIMError(t, scimDo(t, e, globex, http.MethodPatch, "/scim/v2/Users/"+e.ID(demoDana), map[string]any{
		"schemas": []string{scimPatchOp}, "Operations": []any{map[string]any{"op": "replace", "path": "active", "value": false}},
	}), http.StatusNotFound, "")
	wantSCIMError(t, scimDo(t, e, globex, http.MethodPost, "/scim/v2/Users",
		newSCIMUser("mole@globex.test", "Mo Le", "em", "product", e.ID(demoDana))), http.StatusBadRequest, "invalidValue")
	// Revoked: refused at once.
	wantStatus(t, scimDo(t, e, acme, http.MethodGet, "/scim/v2/Users?count=1", nil), http.StatusOK)
	u, _ := e.Store.UserByEmail(context.Background(), "admin@acme.test")
	if err := e.Server.Provisioning.RevokeToken(context.Background(), domain.Principal{UserID: u.ID, OrgID: u.OrgID, Role: domain.RoleAdmin}, acmeToken.ID); err != nil {
		t.Fatal(err)
	}
	wantSCIMError(t, scimDo(t, e, acme, http.MethodGet, "/scim/v2/Users?count=1", nil), http.StatusUnauthorized, "")
	// The token was used, and is listed as such.
	toks, err := e.Store.ScimTokens(context.Background(), u.OrgID)
	if err != nil || len(toks) != 1 || toks[0].LastUsedAt == nil || toks[0].RevokedAt == nil {
		t.Errorf("tokens %+v %v", toks, err)
	}
}

func TestSCIMDiscovery(t *testing.T) {
	e := testkit.New(t)
	tok, _ := scimToken(t, e, "admin@acme.test", "Okta")
	res := scimDo(t, e, tok, http.MethodGet, "/scim/v2/ServiceProviderConfig", nil)
	wantStatus(t, res, http.StatusOK)
	var spc struct {
		Patch  struct{ Supported bool } `json:"patch"`
		Filter struct{ Supported bool } `json:"filter"`
	}
	res.Decode(t, &spc)
	if !spc.Patch.Supported || !spc.Filter.Supported {
		t.Errorf("ServiceProviderConfig %s", res.Body)
	}
	if cc := res.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q on a SCIM answer", cc)
	}
	res = scimDo(t, e, tok, http.MethodGet, "/scim/v2/Schemas", nil)
	wantStatus(t, res, http.StatusOK)
	for _, want := range []string{scimUserSchema, scimEnterprise} {
		if !strings.Contains(string(res.Body), want) {
			t.Errorf("Schemas lacks %s", want)
		}
	}
	res = scimDo(t, e, tok, http.MethodGet, "/scim/v2/ResourceTypes", nil)
	wantStatus(t, res, http.StatusOK)
	if !strings.Contains(string(res.Body), `"/Users"`) || strings.Contains(string(res.Body), "Group") {
		t.Errorf("ResourceTypes %s", res.Body)
	}
	// Groups are not served; an unknown path is a SCIM 404.
	wantStatus(t, scimDo(t, e, tok, http.MethodGet, "/scim/v2/Groups", nil), http.StatusNotFound)
}

func TestSCIMTokensOverTheAPIAreAudited(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token("admin@acme.test")
	var made struct {
		ID    string `json:"id"`
		Token string `json:"token"`
	}
	e.Post(admin, "/api/v1/scim-tokens", map[string]any{"name": "Entra ID"}).Decode(t, &made)
	if made.Token == "" {
		t.Fatal("no token answered")
	}
	// The token works at once, and a replace without roles demotes no one.
	dana := e.ID(demoDana)
	put := newSCIMUser(demoDana, "Dana Whitfield", "em", "engineering", "")
	delete(put, "roles")
	if u := scimUser(t, scimDo(t, e, made.Token, http.MethodPut, "/scim/v2/Users/"+dana, put), http.StatusOK); u.Roles[0].Value != "director" {
		t.Errorf("a PUT without roles changed the role to %v", u.Roles)
	}
	wantStatus(t, e.Delete(admin, "/api/v1/scim-tokens/"+made.ID), http.StatusNoContent)
	wantSCIMError(t, scimDo(t, e, made.Token, http.MethodGet, "/scim/v2/Users/"+dana, nil), http.StatusUnauthorized, "")
	// Another organisation's admin cannot revoke it (it is not theirs).
	wantStatus(t, e.Delete(e.Token("admin@globex.test"), "/api/v1/scim-tokens/"+made.ID), http.StatusNotFound)

	var audit struct {
		Items []auditDoc `json:"items"`
	}
	e.Get(admin, "/api/v1/audit?limit=100").Decode(t, &audit)
	var actions []string
	for _, a := range audit.Items {
		if a.ObjectType == "scim_token" && a.ObjectID == made.ID {
			actions = append(actions, a.Action)
			if a.ActorID == nil || *a.ActorID != e.ID("admin@acme.test") {
				t.Errorf("%s by %v", a.Action, a.ActorID)
			}
			if strings.Contains(string(a.After), made.Token) {
				t.Errorf("the audit keeps the token's secret")
			}
		}
	}
	slices.Sort(actions)
	if !slices.Equal(actions, []string{"scim_token.create", "scim_token.revoke"}) {
		t.Errorf("audited %v", actions)
	}
}
