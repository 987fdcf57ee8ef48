package httpapi_test

// An EM's development plan: the EM and the directors above
// them write it, admins read it, nobody else finds it; every write is
// validated and audited.

import (
	"encoding/json"
	"net/http"
	"testing"

	"calibrate/internal/testkit"
)

type planItemDoc struct {
	ID        string  `json:"id"`
	EMID      string  `json:"em_id"`
	Criterion string  `json:"criterion"`
	Action    string  `json:"action"`
	RevisitOn *string `json:"revisit_on"`
	Status    string  `json:"status"`
	CreatedBy string  `json:"created_by"`
	CreatedAt string  `json:"created_at"`
	UpdatedAt string  `json:"updated_at"`
}

func planOf(t testing.TB, e *testkit.Env, tok, emID string) []planItemDoc {
	t.Helper()
	res := e.Get(tok, emPath(emID, "plan"))
	wantStatus(t, res, http.StatusOK)
	var l struct {
		Items      []planItemDoc `json:"items"`
		NextCursor *string       `json:"next_cursor"`
	}
	res.Decode(t, &l)
	return l.Items
}

// planAudit is the admin's view of the audit entries about one plan item,
// newest first.
func planAudit(t testing.TB, e *testkit.Env, adminTok, itemID string) []auditDoc {
	t.Helper()
	var out []auditDoc
	for _, m := range walk(t, e, adminTok, "/api/v1/audit", 100) {
		if m["object_id"] != itemID {
			continue
		}
		b, _ := json.Marshal(m)
		var a auditDoc
		if err := json.Unmarshal(b, &a); err != nil {
			t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func TestDevelopmentPlan(t *testing.T) {
	e := testkit.New(t)
	alexTok, dana, admin := e.Token(demoAlex), e.Token(demoDana), e.Token("admin@acme.test")
	alex := e.ID(demoAlex)

	// The EM writes their own item; the fields come back as written.
	res := e.Post(alexTok, emPath(alex, "plan"), map[string]any{"criterion": "leadership_visibility",
		"action": "  Present the reliability budget at the director sync.  ", "revisit_on": "2027-03-01"})
	wantStatus(t, res, http.StatusCreated)
	var own planItemDoc
	res.Decode(t, &own)
	if own.ID == "" || own.EMID != alex || own.Criterion != "leadership_visibility" || own.Status != "open" ||
		own.Action != "Present the reliability budget at the director sync." || !ptrEq(own.RevisitOn, "2027-03-01") ||
		own.CreatedBy != alex {
		t.Fatalf("created %+v", own)
	}
	// Their director adds one, with a status, and no date.
	res = e.Post(dana, emPath(alex, "plan"), map[string]any{"criterion": "manager_mentoring",
		"action": "Mentor the new lead on Blair's team through the planning cycle.", "status": "in_progress"})
	wantStatus(t, res, http.StatusCreated)
	var dirs planItemDoc
	res.Decode(t, &dirs)
	if dirs.CreatedBy != e.ID(demoDana) || dirs.Status != "in_progress" || dirs.RevisitOn != nil {
		t.Fatalf("created %+v", dirs)
	}

	// Either may change any item of the plan; PATCH changes what it names.
	res = e.Patch(dana, emPath(alex, "plan", own.ID), map[string]any{"status": "in_progress"})
	wantStatus(t, res, http.StatusOK)
	var patched planItemDoc
	res.Decode(t, &patched)
	if patched.Status != "in_progress" || patched.Action != own.Action || !ptrEq(patched.RevisitOn, "2027-03-01") {
		t.Fatalf("patched %+v", patched)
	}
	res = e.Patch(alexTok, emPath(alex, "plan", dirs.ID), map[string]any{"status": "done", "revisit_on": nil,
		"action": "Mentored the new lead; they now run planning alone."})
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, &patched)
	if patched.Status != "done" || patched.Action != "Mentored the new lead; they now run planning alone." ||
		patched.Criterion != "manager_mentoring" || patched.CreatedBy != e.ID(demoDana) || patched.RevisitOn != nil {
		t.Fatalf("patched %+v", patched)
	}
	for _, tok := range []string{alexTok, dana, admin} {
		items := planOf(t, e, tok, alex)
		if len(items) != 2 || items[0].ID != own.ID || items[1].ID != dirs.ID || items[1].Status != "done" {
			t.Fatalf("the plan reads %+v", items)
		}
	}

	// Validation: 422 with the fields at fault, and nothing written.
	before := auditCount(t, e, admin)
	valid := map[string]any{"criterion": "autonomy", "action": "Decide the scope cut."}
	with := func(k string, v any) map[string]any {
		m := map[string]any{}
		for kk, vv := range valid {
			m[kk] = vv
		}
		if v == nil {
			delete(m, k)
		} else {
			m[k] = v
		}
		return m
	}
	for _, c := range []struct {
		body   map[string]any
		fields []string
	}{
		{with("criterion", "charisma"), []string{"criterion"}},
		{with("criterion", ""), []string{"criterion"}},
		{with("criterion", nil), []string{"criterion"}},
		{with("action", ""), []string{"action"}},
		{with("action", "   "), []string{"action"}},
		{with("action", nil), []string{"action"}},
		{with("revisit_on", "next spring"), []string{"revisit_on"}},
		{with("revisit_on", "2027-02-30"), []string{"revisit_on"}},
		{with("revisit_on", "2027-03-01T00:00:00Z"), []string{"revisit_on"}},
		{with("status", "finished"), []string{"status"}},
		{with("status", ""), []string{"status"}},
		// What the schema says is checked first, all at once; the
		// framework's criteria only once the request is well-formed.
		{map[string]any{"criterion": "charisma", "action": "", "revisit_on": "soon", "status": "maybe"},
			[]string{"action", "revisit_on", "status"}},
	} {
		wantFields(t, e.Post(alexTok, emPath(alex, "plan"), c.body), c.fields...)
	}
	for _, c := range []struct {
		body   map[string]any
		fields []string
	}{
		{map[string]any{"status": "finished"}, []string{"status"}},
		{map[string]any{"status": nil}, []string{"status"}},
		{map[string]any{"criterion": "charisma"}, []string{"criterion"}},
		{map[string]any{"action": " "}, []string{"action"}},
		{map[string]any{"revisit_on": "01/03/2027"}, []string{"revisit_on"}},
	} {
		wantFields(t, e.Patch(dana, emPath(alex, "plan", own.ID), c.body), c.fields...)
	}
	wantError(t, e.Post(alexTok, emPath(alex, "plan"), map[string]any{"criterion": "autonomy", "action": "x", "owner": "me"}),
		http.StatusBadRequest, "")
	if got := auditCount(t, e, admin); got != before {
		t.Fatalf("failed writes added %d audit entries", got-before)
	}
	if items := planOf(t, e, dana, alex); len(items) != 2 || items[1].Action != patched.Action {
		t.Fatalf("failed writes changed the plan: %+v", items)
	}

	// Anyone else's EM: not found, and nothing written.
	blair := e.Token(demoBlair)
	wantError(t, e.Get(blair, emPath(alex, "plan")), http.StatusNotFound, "not_found")
	wantError(t, e.Post(blair, emPath(alex, "plan"), valid), http.StatusNotFound, "not_found")
	wantError(t, e.Patch(blair, emPath(alex, "plan", own.ID), map[string]any{"status": "dropped"}), http.StatusNotFound, "not_found")
	wantError(t, e.Patch(blair, emPath(e.ID(demoBlair), "plan", own.ID), map[string]any{"status": "dropped"}), http.StatusNotFound, "not_found")
	omar := e.Token(demoOmar)
	wantError(t, e.Post(omar, emPath(alex, "plan"), valid), http.StatusNotFound, "not_found")
	wantError(t, e.Patch(omar, emPath(alex, "plan", own.ID), map[string]any{"status": "dropped"}), http.StatusNotFound, "not_found")
	// Admins read but never write.
	wantError(t, e.Post(admin, emPath(alex, "plan"), valid), http.StatusForbidden, "forbidden")
	wantError(t, e.Patch(admin, emPath(alex, "plan", own.ID), map[string]any{"status": "dropped"}), http.StatusForbidden, "forbidden")
	if got := auditCount(t, e, admin); got != before {
		t.Fatalf("refused writes added %d audit entries", got-before)
	}
	if items := planOf(t, e, alexTok, alex); items[0].Status != "in_progress" || items[1].Status != "done" {
		t.Fatalf("refused writes changed the plan: %+v", items)
	}

	// The audit log has who did what to each item, with old and new values.
	trail := planAudit(t, e, admin, own.ID)
	if len(trail) != 2 || trail[1].Action != "plan_item.create" || trail[0].Action != "plan_item.update" ||
		!ptrEq(trail[1].ActorID, alex) || !ptrEq(trail[0].ActorID, e.ID(demoDana)) || trail[0].ObjectType != "plan_item" {
		t.Fatalf("audit of Alex's item: %+v", trail)
	}
	var old, cur planItemDoc
	if err := json.Unmarshal(trail[0].Before, &old); err != nil || old.Status != "open" {
		t.Fatalf("the update's before: %s (%v)", trail[0].Before, err)
	}
	if err := json.Unmarshal(trail[0].After, &cur); err != nil || cur.Status != "in_progress" {
		t.Fatalf("the update's after: %s (%v)", trail[0].After, err)
	}
	if trail := planAudit(t, e, admin, dirs.ID); len(trail) != 2 || !ptrEq(trail[0].ActorID, alex) || !ptrEq(trail[1].ActorID, e.ID(demoDana)) {
		t.Fatalf("audit of Dana's item: %+v", trail)
	}
}
