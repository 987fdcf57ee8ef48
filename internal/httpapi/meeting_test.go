package httpapi_test

// The meeting record through the API: a change to a written assessment
// during calibration says why; every owner keeps a meeting state per
// participant; the activity lists every change since calibration began,
// derived from the audit log; the board, the owners' packet and the CSV
// carry it, and the EM sees none of it.

import (
	"encoding/csv"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

type meetingDoc struct {
	Discussed bool    `json:"discussed"`
	Note      string  `json:"note"`
	Version   int     `json:"version"`
	UpdatedBy *cyRef  `json:"updated_by"`
	UpdatedAt *string `json:"updated_at"`
}

type activityDoc struct {
	ID     string          `json:"id"`
	At     string          `json:"at"`
	Actor  *cyRef          `json:"actor"`
	EM     *cyRef          `json:"em"`
	Kind   string          `json:"kind"`
	Before json.RawMessage `json:"before"`
	After  json.RawMessage `json:"after"`
	Reason *string         `json:"reason"`
}

func (f *cycleFixture) activity(as string, limit int) []activityDoc {
	f.t.Helper()
	var out []activityDoc
	for _, it := range walk(f.t, f.Env, f.tok(as), f.path("activity"), limit) {
		b, _ := json.Marshal(it)
		var a activityDoc
		if err := json.Unmarshal(b, &a); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, a)
	}
	return out
}

func (f *cycleFixture) putMeeting(as, em string, b map[string]any) *testkit.Response {
	f.t.Helper()
	return f.Put(f.tok(as), f.emPath(em, "meeting"), b)
}

// Ratings change freely until calibration; then a change to a written
// assessment needs its reason, a refusal writes nothing, and the reason is
// in the write's audit entry.
func TestChangeReasonDuringCalibration(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	f.moveTo("input_open")
	f.rate(finnEM, 2, 0, "")
	// Before calibration a change needs no reason.
	a := decodeOK[assessmentDoc](t, f.putAssessment(omarDir, finnEM, map[string]any{"ratings": fullRatings(2, "revised"), "version": 1}), http.StatusOK)
	if a.Version != 2 {
		t.Fatalf("version %d after a change while input is open", a.Version)
	}
	f.moveTo("calibrating")

	// A first write during calibration needs none either.
	wantStatus(t, f.putAssessment(omarDir, erinEM, map[string]any{"ratings": fullRatings(3, "first"), "version": 0}), http.StatusOK)

	// A change without a reason, or with a blank one: 422, nothing written.
	check := e.noWrite(t, "admin@acme.test", f.emPath(finnEM, "assessment"), f.path("activity"))
	for _, b := range []map[string]any{
		{"ratings": fullRatings(3, "moved"), "version": 2},
		{"ratings": fullRatings(3, "moved"), "version": 2, "change_reason": "   "},
	} {
		env := wantError(t, f.putAssessment(omarDir, finnEM, b), http.StatusUnprocessableEntity, "reason_required")
		if _, ok := env.Error.Fields["change_reason"]; !ok || len(env.Error.Fields) != 1 {
			t.Errorf("reason_required fields %v, want change_reason only", env.Error.Fields)
		}
	}
	env := wantError(t, f.putAssessment(omarDir, finnEM, map[string]any{"ratings": fullRatings(3, "moved"), "version": 2,
		"change_reason": strings.Repeat("x", 501)}), http.StatusUnprocessableEntity, "validation_failed")
	if _, ok := env.Error.Fields["change_reason"]; !ok {
		t.Errorf("a reason too long: fields %v", env.Error.Fields)
	}
	// The reason is asked before the version: a stale write without one is
	// still refused for the reason, and writes nothing either.
	wantError(t, f.putAssessment(omarDir, finnEM, map[string]any{"ratings": fullRatings(3, "moved"), "version": 1}),
		http.StatusUnprocessableEntity, "reason_required")
	check()

	const reason = "Shipped the migration; the first rating missed it."
	wantStatus(t, f.putAssessment(omarDir, finnEM, map[string]any{"ratings": fullRatings(3, "moved"), "version": 2,
		"change_reason": "  " + reason + "  "}), http.StatusOK)
	entries := e.cycleAudit("admin@acme.test", f.id)
	if entries[0].Action != "assessment.write" || !strings.Contains(string(entries[0].After), `"change_reason":"`+reason+`"`) {
		t.Fatalf("the newest audit entry %s %s does not keep the trimmed reason", entries[0].Action, entries[0].After)
	}

	// Self-assessments know no reason: their schema refuses the field.
	wantError(t, f.putSelf(erinEM, map[string]any{"ratings": fullRatings(3, "self"), "version": 0, "change_reason": "x"}),
		http.StatusBadRequest, "bad_request")
}

// Every owner keeps the meeting state while the cycle is calibrating;
// admins read it; it is versioned; the EM never sees it.
func TestMeetingState(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	f.moveTo("input_open")
	rPat := f.request(omarDir, erinEM, "pat@acme.test")
	f.rate(erinEM, 3, 0, "")
	f.rate(finnEM, 2, 0, "")
	path := f.emPath(erinEM, "meeting")

	empty := decodeOK[meetingDoc](t, f.Get(f.tok(omarDir), path), http.StatusOK)
	if empty.Discussed || empty.Note != "" || empty.Version != 0 || empty.UpdatedBy != nil || empty.UpdatedAt != nil {
		t.Fatalf("a meeting state never written: %+v", empty)
	}
	body := map[string]any{"discussed": true, "note": "x", "version": 0}
	wantError(t, f.putMeeting(omarDir, erinEM, body), http.StatusConflict, "cycle_locked")
	f.moveTo("calibrating")

	const note = "MEETING NOTE: revisit the scope question after the migration review."
	check := e.noWrite(t, "admin@acme.test", path)
	for name, b := range map[string]map[string]any{
		"no discussed":    {"note": note, "version": 0},
		"no note":         {"discussed": true, "version": 0},
		"no version":      {"discussed": true, "note": note},
		"a note too long": {"discussed": true, "note": strings.Repeat("n", 5001), "version": 0},
		"a null note":     {"discussed": true, "note": nil, "version": 0},
	} {
		if res := f.putMeeting(omarDir, erinEM, b); res.Status != http.StatusUnprocessableEntity {
			t.Errorf("%s: status %d, want 422; %s", name, res.Status, res.Body)
		}
	}
	wantError(t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": true, "note": note, "version": 3}), http.StatusConflict, "stale_version")
	wantError(t, f.putMeeting("admin@acme.test", erinEM, map[string]any{"discussed": true, "note": note, "version": 0}), http.StatusForbidden, "forbidden")
	wantError(t, f.putMeeting(erinEM, erinEM, map[string]any{"discussed": true, "note": note, "version": 0}), http.StatusForbidden, "forbidden")
	wantError(t, f.putMeeting("dana@acme.test", erinEM, map[string]any{"discussed": true, "note": note, "version": 0}), http.StatusNotFound, "not_found")
	check()

	m := decodeOK[meetingDoc](t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": true, "note": "  " + note + "\n", "version": 0}), http.StatusOK)
	if !m.Discussed || m.Note != note || m.Version != 1 || m.UpdatedBy == nil || m.UpdatedBy.ID != e.ID(omarDir) || m.UpdatedAt == nil {
		t.Fatalf("after the first write: %+v", m)
	}
	if got := decodeOK[meetingDoc](t, f.Get(f.tok("admin@acme.test"), path), http.StatusOK); got != m && got.Version != 1 {
		t.Fatalf("the admin reads %+v", got)
	}
	wantError(t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": false, "note": "", "version": 0}), http.StatusConflict, "stale_version")
	long := strings.Repeat("é", 5000)
	m = decodeOK[meetingDoc](t, f.putMeeting(omarDir, finnEM, map[string]any{"discussed": false, "note": long, "version": 0}), http.StatusOK)
	if m.Note != long {
		t.Fatal("a note of 5000 characters is not kept as sent")
	}
	wantError(t, f.Get(f.tok(erinEM), path), http.StatusForbidden, "forbidden")
	wantError(t, f.Get(f.tok("pat@acme.test"), path), http.StatusForbidden, "forbidden")
	wantError(t, f.Get(f.tok("dana@acme.test"), path), http.StatusNotFound, "not_found")

	// The board marks the row discussed.
	b := getBoard(t, e.Env, f.tok(omarDir), f.id, "")
	for _, r := range b.Rows {
		if want := r.EM.ID == e.ID(erinEM); r.Meeting.Discussed != want {
			t.Errorf("board row %s: meeting.discussed %v, want %v", r.EM.Name, r.Meeting.Discussed, want)
		}
	}

	// Whatever the EM and the peer read, then and after release, never
	// carries the meeting record.
	f.note("pat@acme.test", rPat, "support", "Erin brought product into planning early.")
	f.advanceTo("released")
	wantError(t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": false, "note": "", "version": 1}), http.StatusConflict, "cycle_locked")
	for _, read := range []struct{ as, path string }{
		{erinEM, "/api/v1/me/feedback"},
		{erinEM, emPath(e.ID(erinEM), "history")},
		{erinEM, emPath(e.ID(erinEM), "packet")},
		{erinEM, emPath(e.ID(erinEM), "packet") + "?format=pdf"},
		{erinEM, f.path()},
		{"pat@acme.test", "/api/v1/peer-requests"},
	} {
		res := f.Get(f.tok(read.as), read.path)
		wantStatus(t, res, http.StatusOK)
		if s := string(res.Body); strings.Contains(s, "MEETING NOTE") || strings.Contains(s, "Meeting changes") || strings.Contains(s, "discussed") {
			t.Errorf("%s reads the meeting record at %s: %s", read.as, read.path, snip(res.Body))
		}
	}
	wantError(t, f.Get(f.tok(erinEM), f.path("activity")), http.StatusForbidden, "forbidden")
}

// The activity: every kind with its shapes, newest first, two items of
// one write, exact pages of any size, nothing before calibration.
func TestActivity(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	f.moveTo("input_open")
	f.rate(erinEM, 2, 0, "")
	f.rate(erinEM, 2, 1, "") // before calibration: not in the activity
	f.moveTo("calibrating")
	if got := f.activity(omarDir, 10); len(got) != 0 {
		t.Fatalf("activity before any change in calibration: %v", got)
	}

	ratings := fullRatings(2, "meeting")
	ratings[0]["score"] = 3 // org_leverage 2→3
	ratings = ratings[:len(ratings)-1]
	wantStatus(t, f.putAssessment(omarDir, erinEM, map[string]any{"ratings": ratings, "version": 2,
		"change_reason": "Ran the hiring redesign."}), http.StatusOK)
	f.decide(erinEM, "not_yet", 0)
	wantStatus(t, f.putDecision(omarDir, erinEM, map[string]any{"readiness": "ready_6_12_months",
		"rationale": "Shipped the platform migration.", "version": 1}), http.StatusOK)
	wantStatus(t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": true, "note": "Check the migration review.", "version": 0}), http.StatusOK)
	wantStatus(t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": true, "note": "Check the migration review.", "version": 1}), http.StatusOK) // no change: no item
	wantStatus(t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": false, "note": "", "version": 2}), http.StatusOK)
	// An admin moves Finn to Dana: he stays an active EM, still included.
	wantStatus(t, f.Patch(f.tok("admin@acme.test"), "/api/v1/users/"+e.ID(finnEM), map[string]any{"manager_id": e.ID("dana@acme.test")}), http.StatusOK)

	all := f.activity(omarDir, 100)
	type want struct{ kind, em, before, after, reason string }
	wants := []want{
		{"participant", finnEM, `"included"`, `"included"`, ""},
		{"discussed", erinEM, `true`, `false`, ""},
		{"meeting_note", erinEM, `"Check the migration review."`, `null`, ""},
		{"discussed", erinEM, `false`, `true`, ""},
		{"meeting_note", erinEM, `null`, `"Check the migration review."`, ""},
		{"decision", erinEM, `"not_yet"`, `"ready_6_12_months"`, "Shipped the platform migration."},
		{"decision", erinEM, `null`, `"not_yet"`, "not_yet because the test says so"},
		{"rating", erinEM, `{"org_leverage":2,"sustained_performance":2}`, `{"org_leverage":3,"sustained_performance":null}`, "Ran the hiring redesign."},
	}
	if len(all) != len(wants) {
		t.Fatalf("%d items, want %d: %+v", len(all), len(wants), all)
	}
	for i, w := range wants {
		it := all[i]
		reason := ""
		if it.Reason != nil {
			reason = *it.Reason
		}
		if it.Kind != w.kind || it.EM == nil || it.EM.ID != e.ID(w.em) || it.EM.Name == "" || string(it.Before) != w.before ||
			string(it.After) != w.after || (w.reason != "not_yet because the test says so" && reason != w.reason) {
			t.Errorf("item %d: %s %v %s → %s (%q), want %+v", i, it.Kind, it.EM, it.Before, it.After, reason, w)
		}
		if it.Actor == nil || it.Actor.Name == "" {
			t.Errorf("item %d has no named actor", i)
		}
		if i > 0 && it.At > all[i-1].At {
			t.Errorf("item %d is newer than item %d", i, i-1)
		}
	}
	if all[0].Actor.ID != e.ID("admin@acme.test") || all[1].Actor.ID != e.ID(omarDir) {
		t.Errorf("actors %v, %v", all[0].Actor, all[1].Actor)
	}
	// One write, two items: distinct ids from the same entry.
	if !strings.HasPrefix(all[2].ID, all[1].ID) || all[1].ID == all[2].ID {
		t.Errorf("the two items of one meeting write: ids %s and %s", all[1].ID, all[2].ID)
	}
	// Every page size gives the same items once each, in the same order.
	for _, limit := range []int{1, 2, 3, 5} {
		got := f.activity(omarDir, limit)
		ids := func(xs []activityDoc) []string {
			out := make([]string, len(xs))
			for i, x := range xs {
				out[i] = x.ID
			}
			return out
		}
		if !slices.Equal(ids(got), ids(all)) {
			t.Errorf("pages of %d: %v, want %v", limit, ids(got), ids(all))
		}
	}
	// A cursor is bound to its list.
	first := decodeOK[page](t, f.Get(f.tok(omarDir), f.path("activity")+"?limit=2"), http.StatusOK)
	wantError(t, f.Get(f.tok(omarDir), "/api/v1/audit?cursor="+*first.NextCursor), http.StatusBadRequest, "invalid_cursor")
	// The admin reads the same; an EM or a peer of the cycle may not.
	if got := f.activity("admin@acme.test", 100); len(got) != len(all) {
		t.Errorf("the admin reads %d items, want %d", len(got), len(all))
	}
	wantError(t, f.Get(f.tok(erinEM), f.path("activity")), http.StatusForbidden, "forbidden")
	wantError(t, f.Get(f.tok("dana@acme.test"), f.path("activity")), http.StatusNotFound, "not_found")
	wantError(t, f.Get(f.tok("gwen@globex.test"), f.path("activity")), http.StatusNotFound, "not_found")
	wantError(t, f.Get(f.tok("pat@acme.test"), f.path("activity")), http.StatusNotFound, "not_found")
}

// The owners' packet of the cycle on the table and the board's CSV carry
// the meeting's changes in words; the EM's packet carries none.
func TestMeetingChangesInPacketAndCSV(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	f.moveTo("input_open")
	f.rate(erinEM, 2, 0, "")
	f.moveTo("calibrating")
	ratings := fullRatings(2, "meeting")
	ratings[0]["score"] = 3
	wantStatus(t, f.putAssessment(omarDir, erinEM, map[string]any{"ratings": ratings, "version": 1,
		"change_reason": "=HYPERLINK(\"x\") ran the hiring redesign"}), http.StatusOK)
	f.decide(erinEM, "not_yet", 0)
	wantStatus(t, f.putDecision(omarDir, erinEM, map[string]any{"readiness": "ready_6_12_months",
		"rationale": "Shipped the platform migration.", "version": 1}), http.StatusOK)
	wantStatus(t, f.putMeeting(omarDir, erinEM, map[string]any{"discussed": true, "note": "SECRET NOTE", "version": 0}), http.StatusOK)

	omarName := decodeOK[struct {
		Name string `json:"name"`
	}](t, f.Get(f.tok(omarDir), "/api/v1/me"), http.StatusOK).Name
	wantLine := omarName + `: Organisational leverage 2→3 (=HYPERLINK("x") ran the hiring redesign); ` +
		omarName + ": decided Not yet (Rationale for erin@acme.test: not_yet); " +
		omarName + ": Not yet → Ready in 6–12 months (Shipped the platform migration.); " +
		omarName + ": updated the meeting note; " + omarName + ": marked discussed"

	res := f.Get(f.tok(omarDir), f.path("board.csv"))
	wantStatus(t, res, http.StatusOK)
	r := csv.NewReader(strings.NewReader(string(res.Body)))
	lines, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := slices.Index(lines[0], "changes")
	if col != len(lines[0])-1 || len(lines) != 3 {
		t.Fatalf("header %v, %d lines", lines[0], len(lines))
	}
	for _, l := range lines[1:] {
		switch {
		case strings.HasPrefix(l[0], "Erin"):
			if l[col] != wantLine {
				t.Errorf("Erin's changes:\n%s\nwant\n%s", l[col], wantLine)
			}
		case l[col] != "":
			t.Errorf("%s has changes %q", l[0], l[col])
		}
		if strings.Contains(l[col], "SECRET") || strings.Contains(l[col], "ready_6_12") {
			t.Errorf("the changes cell carries a note or a code: %q", l[col])
		}
	}

	md := string(decodeBody(t, f.Get(f.tok(omarDir), emPath(e.ID(erinEM), "packet"))))
	for _, want := range []string{"Meeting changes (draft — not final)", "Organisational leverage 2→3", "Not yet → Ready in 6–12 months", "marked discussed"} {
		if !strings.Contains(md, want) {
			t.Errorf("the owner's packet has no %q:\n%s", want, md)
		}
	}
	if strings.Contains(md, "SECRET NOTE") {
		t.Error("the packet carries the meeting note's text")
	}
	if text := packetPDF(t, e.Env, f.tok(omarDir), e.ID(erinEM)); !strings.Contains(text, "Meeting changes") || !strings.Contains(text, "Organisational leverage 2->3") {
		t.Errorf("the owner's PDF packet has no meeting changes:\n%s", text)
	}
	// The EM's own packet (their released cycles only) has none.
	own := string(decodeBody(t, f.Get(f.tok(erinEM), emPath(e.ID(erinEM), "packet"))))
	if strings.Contains(own, "Meeting changes") || strings.Contains(own, "hiring redesign") {
		t.Errorf("the EM's packet carries the meeting record:\n%s", own)
	}
}

func decodeBody(t testing.TB, res *testkit.Response) []byte {
	t.Helper()
	if res.Status != http.StatusOK {
		t.Fatalf("status %d: %s", res.Status, snip(res.Body))
	}
	return res.Body
}
