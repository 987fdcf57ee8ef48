package httpapi_test

// The audit log of cycles: an entry for every write with who, what, the
// cycle and the old and new value; who reads which entries; and that no
// entry can be changed or removed, even through the database handle.

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"testing"

	"calibrate/internal/testkit"
)

// wantAudit is one expected entry: its action, its actor, whether it has a
// before value (an update) and, optionally, fields of before and after.
type wantAudit struct {
	action, actor string
	hasBefore     bool
	before, after map[string]any
}

func TestAuditOfEveryCycleWrite(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"name": "Audited cycle"})
	wantStatus(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"name": "Audited cycle, renamed"}), http.StatusOK)
	rPat := f.request(omarDir, erinEM, "pat@acme.test")
	f.moveTo("input_open")
	rDee := f.request(erinEM, erinEM, "dee@acme.test")
	f.selfRate(erinEM, 3, 0)
	f.rate(erinEM, 2, 0, "first thoughts")
	f.rate(erinEM, 3, 1, "second thoughts")
	f.note("pat@acme.test", rPat, "support", "First version of the note about Erin.")
	f.note("pat@acme.test", rPat, "strong", "Second version of the note about Erin.")
	wantStatus(t, e.Post(e.tok("dee@acme.test"), "/api/v1/peer-requests/"+rDee+"/decline", nil), http.StatusOK)
	f.moveTo("calibrating")
	f.decide(erinEM, "not_yet", 0)
	f.decide(erinEM, "ready_12_24_months", 1)
	f.decide(finnEM, "not_yet", 0)
	f.moveTo("finalized")
	f.moveTo("released")

	want := []wantAudit{
		{"cycle.create", omarDir, false, nil, map[string]any{"name": "Audited cycle", "state": "draft"}},
		{"cycle.update", omarDir, true, map[string]any{"name": "Audited cycle"}, map[string]any{"name": "Audited cycle, renamed"}},
		{"peer_request.create", omarDir, false, nil, map[string]any{"em_id": e.ID(erinEM), "peer_id": e.ID("pat@acme.test")}},
		{"cycle.transition", omarDir, true, map[string]any{"state": "draft"}, map[string]any{"state": "input_open"}},
		{"peer_request.create", erinEM, false, nil, map[string]any{"peer_id": e.ID("dee@acme.test")}},
		{"self_assessment.write", erinEM, false, nil, map[string]any{"version": 1.0}},
		{"assessment.write", omarDir, false, nil, map[string]any{"version": 1.0, "private_note": "first thoughts"}},
		{"assessment.write", omarDir, true, map[string]any{"version": 1.0}, map[string]any{"version": 2.0, "private_note": "second thoughts"}},
		{"peer_note.write", "pat@acme.test", false, nil, map[string]any{"advocacy": "support"}},
		{"peer_note.write", "pat@acme.test", true, map[string]any{"advocacy": "support"}, map[string]any{"advocacy": "strong"}},
		{"peer_request.decline", "dee@acme.test", true, map[string]any{"status": "open"}, map[string]any{"status": "declined"}},
		{"cycle.transition", omarDir, true, map[string]any{"state": "input_open"}, map[string]any{"state": "calibrating"}},
		{"decision.write", omarDir, false, nil, map[string]any{"readiness": "not_yet"}},
		{"decision.write", omarDir, true, map[string]any{"readiness": "not_yet"}, map[string]any{"readiness": "ready_12_24_months", "version": 2.0}},
		{"decision.write", omarDir, false, nil, map[string]any{"readiness": "not_yet"}},
		{"cycle.transition", omarDir, true, map[string]any{"state": "calibrating"}, map[string]any{"state": "finalized"}},
		{"cycle.transition", omarDir, true, map[string]any{"state": "finalized"}, map[string]any{"state": "released"}},
	}
	got := e.cycleAudit("admin@acme.test", f.id)
	slices.Reverse(got) // oldest first, as written
	if len(got) != len(want) {
		var actions []string
		for _, a := range got {
			actions = append(actions, a.Action)
		}
		t.Fatalf("%d audit entries %v, want %d", len(got), actions, len(want))
	}
	for i, w := range want {
		a := got[i]
		if a.Action != w.action || a.ActorID == nil || *a.ActorID != e.ID(w.actor) || a.CycleID == nil || *a.CycleID != f.id || a.ObjectID == "" {
			t.Fatalf("entry %d: %s by %s on cycle %s, object %q; want %s by %s on %s", i, a.Action, fbShow(a.ActorID),
				fbShow(a.CycleID), a.ObjectID, w.action, e.ID(w.actor), f.id)
		}
		before, after := auditValue(t, a.Before), auditValue(t, a.After)
		if (before != nil) != w.hasBefore || after == nil {
			t.Fatalf("entry %d (%s): before %s, after %s", i, a.Action, a.Before, a.After)
		}
		for k, v := range w.before {
			if before[k] != v {
				t.Fatalf("entry %d (%s): before.%s = %v, want %v", i, a.Action, k, before[k], v)
			}
		}
		for k, v := range w.after {
			if after[k] != v {
				t.Fatalf("entry %d (%s): after.%s = %v, want %v", i, a.Action, k, after[k], v)
			}
		}
	}
	// An edit names the object its first write created.
	for _, pair := range [][2]int{{6, 7}, {8, 9}, {12, 13}} {
		if got[pair[0]].ObjectID != got[pair[1]].ObjectID {
			t.Fatalf("%s: the edit names object %q, the first write %q", got[pair[1]].Action,
				got[pair[1]].ObjectID, got[pair[0]].ObjectID)
		}
	}
	if got[0].ObjectID != f.id || got[2].ObjectID != rPat || got[8].ObjectID != rPat || got[10].ObjectID != rDee {
		t.Fatalf("object ids: cycle %q, request %q, note %q, decline %q", got[0].ObjectID, got[2].ObjectID,
			got[8].ObjectID, got[10].ObjectID)
	}
	// The lead reads the same entries.
	if n := len(e.cycleAudit(omarDir, f.id)); n != len(want) {
		t.Fatalf("the lead reads %d entries, want %d", n, len(want))
	}
}

// auditValue decodes a before or after value; JSON null is nil.
func auditValue(t testing.TB, raw json.RawMessage) map[string]any {
	t.Helper()
	if len(raw) == 0 || string(raw) == "null" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("audit value %s: %v", raw, err)
	}
	return m
}

func TestWhoReadsWhichAuditEntries(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.moveTo("input_open")
	danaCycles := pluck(walk(t, e.Env, e.tok("dana@acme.test"), "/api/v1/cycles", 100), "id")

	cycleIDsOf := func(as string) []string {
		t.Helper()
		var ids []string
		for _, it := range walk(t, e.Env, e.tok(as), "/api/v1/audit", 100) {
			id, _ := it["cycle_id"].(string)
			if !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		return ids
	}
	// A director reads the entries of the cycles they own, and no others.
	if got := cycleIDsOf(omarDir); !slices.Equal(got, []string{f.id}) {
		t.Fatalf("Omar reads entries of cycles %v, want only his own %s", got, f.id)
	}
	if got := cycleIDsOf("dana@acme.test"); !sameSet(got, danaCycles) {
		t.Fatalf("Dana reads entries of cycles %v, want her %v", got, danaCycles)
	}
	// Asking for a cycle one does not own is not found, as everywhere.
	wantError(t, e.Get(e.tok("dana@acme.test"), "/api/v1/audit?cycle_id="+f.id), http.StatusNotFound, "not_found")
	// The admin reads the organisation's, including entries of no cycle.
	admin := cycleIDsOf("admin@acme.test")
	for _, id := range append([]string{f.id, ""}, danaCycles...) {
		if !slices.Contains(admin, id) {
			t.Fatalf("the admin does not read entries of cycle %q", id)
		}
	}
	// Another organisation reads nothing of Acme's.
	for _, as := range []string{"admin@globex.test", "gwen@globex.test"} {
		for _, id := range cycleIDsOf(as) {
			if id == f.id || slices.Contains(danaCycles, id) {
				t.Fatalf("%s reads entries of Acme's cycle %s", as, id)
			}
		}
		wantError(t, e.Get(e.tok(as), "/api/v1/audit?cycle_id="+f.id), http.StatusNotFound, "not_found")
	}
	// EMs and peers may not read the log at all.
	for _, as := range []string{erinEM, "pat@acme.test"} {
		wantError(t, e.Get(e.tok(as), "/api/v1/audit?cycle_id="+f.id), http.StatusForbidden, "forbidden")
	}
}

func TestAuditEntriesCannotBeAltered(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.moveTo("input_open")
	before := e.cycleAudit("admin@acme.test", f.id)
	if len(before) == 0 {
		t.Fatal("no entries to tamper with")
	}
	db := testkit.Inspect(e.Env)
	for _, c := range []struct {
		sql  string
		args []any
	}{
		{"UPDATE audit_log SET action = ? WHERE cycle_id = ?", []any{"cycle.nothing_happened", f.id}},
		{"UPDATE audit_log SET actor_id = NULL, before_json = NULL, after_json = NULL WHERE id = ?", []any{before[0].ID}},
		{"DELETE FROM audit_log WHERE id = ?", []any{before[0].ID}},
		{"DELETE FROM audit_log WHERE cycle_id = ?", []any{f.id}},
		{"DELETE FROM audit_log", nil},
	} {
		res := db.Exec(c.sql, c.args...)
		if res.Error == nil {
			t.Errorf("%s: succeeded (%d rows), want an error", c.sql, res.RowsAffected)
		}
	}
	after := e.cycleAudit("admin@acme.test", f.id)
	b, _ := json.Marshal(before)
	a, _ := json.Marshal(after)
	if string(a) != string(b) {
		t.Fatalf("the entries changed:\n before %s\n after  %s", b, a)
	}
	broken, checked, err := e.Store.VerifyAudit(context.Background())
	if err != nil || broken != "" || checked == 0 {
		t.Fatalf("the audit chain: broken at %q after %d entries, err %v", broken, checked, err)
	}
}
