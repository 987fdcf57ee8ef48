package httpapi_test

// Admins cannot act unseen in a cycle: an admin's change of role,
// reporting line or active flag of someone who owns or takes part in an
// unfinished cycle is in that cycle's audit and on its board, for its
// owners (and admins) only; a change elsewhere, or after the cycle is
// finalized, shows on no board.

import (
	"net/http"
	"slices"
	"testing"
	"time"
)

type noticeDoc struct {
	Kind    string  `json:"kind"`
	Subject cyRef   `json:"subject"`
	Actor   *cyRef  `json:"actor"`
	At      string  `json:"at"`
	Before  *string `json:"before"`
	After   *string `json:"after"`
	Message string  `json:"message"`
}

// notices is the board's notices as `as` reads them.
func (e *cyEnv) notices(as, cycleID string) []noticeDoc {
	e.t.Helper()
	var b struct {
		Notices []noticeDoc `json:"notices"`
	}
	res := e.Get(e.tok(as), cyclePath(cycleID, "board"))
	wantStatus(e.t, res, http.StatusOK)
	res.Decode(e.t, &b)
	if b.Notices == nil {
		e.t.Fatalf("the board of %s has no notices array: %s", cycleID, res.Body)
	}
	return b.Notices
}

func messages(ns []noticeDoc) []string {
	out := make([]string, len(ns))
	for i, n := range ns {
		out[i] = n.Message
	}
	return out
}

// memberChanges is the cycle's member-change entries, newest first.
func (e *cyEnv) memberChanges(as, cycleID string) []auditDoc {
	e.t.Helper()
	var out []auditDoc
	for _, a := range e.cycleAudit(as, cycleID) {
		if a.Action == "cycle.member_change" {
			out = append(out, a)
		}
	}
	return out
}

// later moves the clock on; access tokens last minutes, so everyone signs
// in again.
func (e *cyEnv) later(d time.Duration) {
	e.Clock.Advance(d)
	e.mu.Lock()
	defer e.mu.Unlock()
	e.tokens = map[string]string{}
}

func (e *cyEnv) patchUser(email string, body map[string]any) {
	e.t.Helper()
	wantStatus(e.t, e.Patch(e.tok("admin@acme.test"), "/api/v1/users/"+e.ID(email), body), http.StatusOK)
}

func TestAdminChangesShowOnTheOwnersBoard(t *testing.T) {
	e := newCycleEnv(t)
	const admin = "admin@acme.test"
	cycle := calibratingCycle(t, e.Env, e.tok(demoDana))
	if got := e.notices(demoDana, cycle); len(got) != 0 {
		t.Fatalf("the demo board has notices before any change: %v", messages(got))
	}

	// A puppet director under Dana: creating someone changes no cycle.
	e.addUser(admin, "quill@acme.test", "Quill Reyes", "director", demoDana)
	if got := e.notices(demoDana, cycle); len(got) != 0 {
		t.Fatalf("creating a user made notices: %v", messages(got))
	}

	// Drew, a participant, moved under the new director.
	e.patchUser(demoDrew, map[string]any{"manager_id": e.ID("quill@acme.test")})
	moved := "Reporting line of Drew Nakamura changed by admin Avery Admin on 27 Nov 2026: now reports to Quill Reyes (was Dana Whitfield)."
	got := e.notices(demoDana, cycle)
	if len(got) != 1 || got[0].Message != moved {
		t.Fatalf("after moving Drew: %v, want [%s]", messages(got), moved)
	}
	n := got[0]
	if n.Kind != "manager" || n.Subject.ID != e.ID(demoDrew) || n.Subject.Name != "Drew Nakamura" || n.Actor == nil ||
		n.Actor.ID != e.ID(admin) || n.Actor.Name != "Avery Admin" || !ptrEq(n.Before, "Dana Whitfield") ||
		!ptrEq(n.After, "Quill Reyes") || n.At != "2026-11-27T09:00:00Z" {
		t.Errorf("the notice %+v", n)
	}

	// A participant's role, a day later; a rename on the way is no notice.
	e.later(24 * time.Hour)
	e.patchUser(demoCasey, map[string]any{"name": "Casey Lind"})
	e.patchUser(demoCasey, map[string]any{"role": "director", "name": "Casey Lindqvist"})
	role := "Role of Casey Lindqvist changed by admin Avery Admin on 28 Nov 2026: EM → director."
	// Someone above a participant moves: the participant's line moves too.
	e.later(24 * time.Hour)
	e.patchUser("quill@acme.test", map[string]any{"manager_id": e.ID(demoOmar)})
	above := "Reporting line of Quill Reyes changed by admin Avery Admin on 29 Nov 2026: now reports to Omar Haddad (was Dana Whitfield)."
	want := []string{above, role, moved}
	got = e.notices(demoDana, cycle)
	if !slices.Equal(messages(got), want) {
		t.Fatalf("notices %q, want newest first %q", messages(got), want)
	}
	if got[1].Kind != "role" || !ptrEq(got[1].Before, "em") || !ptrEq(got[1].After, "director") {
		t.Errorf("the role notice %+v", got[1])
	}
	// The admin reads the same board.
	if a := e.notices(admin, cycle); !slices.Equal(messages(a), want) {
		t.Errorf("the admin's board notices %q", messages(a))
	}

	// The cycle's audit has them too, for its owner and for admins, with
	// the person's facts but never their e-mail.
	for _, as := range []string{demoDana, admin} {
		entries := e.memberChanges(as, cycle)
		var subjects []string
		for _, a := range entries {
			subjects = append(subjects, e.emailOf(a.ObjectID))
			if a.ActorID == nil || *a.ActorID != e.ID(admin) || a.CycleID == nil || *a.CycleID != cycle || a.ObjectType != "user" {
				t.Errorf("%s reads the entry %+v", as, a)
			}
			before, after := auditValue(t, a.Before), auditValue(t, a.After)
			if before == nil || after == nil || before["email"] != nil || after["email"] != nil {
				t.Errorf("entry about %s: before %s, after %s", e.emailOf(a.ObjectID), a.Before, a.After)
			}
		}
		if !slices.Equal(subjects, []string{"quill@acme.test", demoCasey, demoDrew}) {
			t.Errorf("%s reads member changes of %v", as, subjects)
		}
	}
	drew := e.memberChanges(demoDana, cycle)[2]
	before, after := auditValue(t, drew.Before), auditValue(t, drew.After)
	if before["manager"].(map[string]any)["name"] != "Dana Whitfield" || after["manager"].(map[string]any)["id"] != e.ID("quill@acme.test") ||
		after["name"] != "Drew Nakamura" || after["role"] != "em" || after["active"] != true {
		t.Errorf("Drew's entry: before %s, after %s", drew.Before, drew.After)
	}

	// Only those who read the board see the notices: not a director who
	// does not own the cycle, not the EMs, not a peer.
	wantStatus(t, e.Get(e.tok(demoOmar), cyclePath(cycle, "board")), http.StatusNotFound)
	wantStatus(t, e.Get(e.tok(demoOmar), "/api/v1/audit?cycle_id="+cycle), http.StatusNotFound)
	for _, who := range []string{demoAlex, demoDrew, demoPat} {
		// A peer reaches the board route, which guests read, and finds no
		// cycle; EMs never reach it.
		status := http.StatusForbidden
		if who == demoPat {
			status = http.StatusNotFound
		}
		wantStatus(t, e.Get(e.tok(who), cyclePath(cycle, "board")), status)
		wantStatus(t, e.Get(e.tok(who), "/api/v1/audit?cycle_id="+cycle), http.StatusForbidden)
	}

	// Changes to people in no unfinished cycle show on no board and are
	// recorded against no cycle: Erin (Omar's EM, in no cycle), and Dana's
	// past cycles, all released, keep their boards as they were.
	e.patchUser(erinEM, map[string]any{"manager_id": e.ID(demoDana)})
	e.patchUser(finnEM, map[string]any{"role": "director"})
	e.patchUser(finnEM, map[string]any{"active": false})
	if got := e.notices(demoDana, cycle); !slices.Equal(messages(got), want) {
		t.Errorf("changes outside the cycle changed its notices: %q", messages(got))
	}
	past := decodeOK[struct {
		Items []cycleDoc `json:"items"`
	}](t, e.Get(e.tok(demoDana), "/api/v1/cycles?limit=100"), http.StatusOK).Items
	if len(past) != 3 {
		t.Fatalf("Dana has %d cycles, want the demo's three", len(past))
	}
	for _, c := range past {
		if c.ID == cycle {
			continue
		}
		if got := e.notices(demoDana, c.ID); len(got) != 0 {
			t.Errorf("the board of %s (%s) shows %q", c.Name, c.State, messages(got))
		}
		if got := e.memberChanges(admin, c.ID); len(got) != 0 {
			t.Errorf("%d member changes recorded against %s (%s)", len(got), c.Name, c.State)
		}
	}
	all := 0
	for _, it := range walk(t, e.Env, e.tok(admin), "/api/v1/audit", 100) {
		if it["action"] == "cycle.member_change" {
			all++
			if it["cycle_id"] != cycle {
				t.Errorf("a member change recorded against %v", it["cycle_id"])
			}
		}
	}
	if all != 3 {
		t.Errorf("%d member changes in the organisation's audit, want 3", all)
	}
}

// A co-owned cycle: deactivating a co-owner shows on every owner's board,
// and in the audit each owner reads.
func TestAdminDeactivatingACoOwnerShowsToEveryOwner(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup()
	// Saul's EMs move to Nora before the cycle: deactivating someone who
	// still manages active people needs a reassignment, which would be a
	// change of its own.
	for _, em := range []string{"sage@acme.test", "skye@acme.test"} {
		e.patchUser(em, map[string]any{"manager_id": e.ID("nora@acme.test")})
	}
	f := e.newCycle("vala@acme.test", []string{"nate@acme.test", "sage@acme.test"},
		map[string]any{"co_owner_ids": []string{e.ID("nora@acme.test"), e.ID("saul@acme.test")}})
	e.later(6 * 24 * time.Hour)
	e.patchUser("saul@acme.test", map[string]any{"active": false})
	want := "Account of Saul Oduya deactivated by admin Avery Admin on 3 Dec 2026."
	for _, owner := range []string{"vala@acme.test", "nora@acme.test", "admin@acme.test"} {
		got := e.notices(owner, f.id)
		if len(got) != 1 || got[0].Message != want || got[0].Kind != "active" || !ptrEq(got[0].Before, "active") ||
			!ptrEq(got[0].After, "inactive") || got[0].Subject.ID != e.ID("saul@acme.test") {
			t.Errorf("%s's board notices %+v, want [%s]", owner, got, want)
		}
		if got := e.memberChanges(owner, f.id); len(got) != 1 || got[0].ObjectID != e.ID("saul@acme.test") {
			t.Errorf("%s reads %d member changes", owner, len(got))
		}
	}
	// A director outside the group sees neither.
	wantStatus(t, e.Get(e.tok("tess@acme.test"), f.path("board")), http.StatusNotFound)
	wantStatus(t, e.Get(e.tok("tess@acme.test"), "/api/v1/audit?cycle_id="+f.id), http.StatusNotFound)
	// Reactivated: the newest notice first.
	e.patchUser("saul@acme.test", map[string]any{"active": true})
	if got := messages(e.notices("nora@acme.test", f.id)); !slices.Equal(got,
		[]string{"Account of Saul Oduya reactivated by admin Avery Admin on 3 Dec 2026.", want}) {
		t.Errorf("after reactivation: %q", got)
	}
}

// A finalized cycle's board keeps what happened while it ran and gets no
// notice for later changes.
func TestNoNoticeAfterFinalization(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	f.advanceTo("calibrating")
	e.patchUser(finnEM, map[string]any{"manager_id": e.ID(demoDana)})
	during := "Reporting line of Finn Gallagher changed by admin Avery Admin on 27 Nov 2026: now reports to Dana Whitfield (was Omar Haddad)."
	if got := messages(e.notices(omarDir, f.id)); !slices.Equal(got, []string{during}) {
		t.Fatalf("while calibrating: %q", got)
	}
	f.advanceTo("finalized")
	e.patchUser(finnEM, map[string]any{"manager_id": e.ID(omarDir)})
	e.patchUser(erinEM, map[string]any{"role": "director"})
	e.patchUser(omarDir, map[string]any{"manager_id": e.ID(demoDana)})
	if got := messages(e.notices(omarDir, f.id)); !slices.Equal(got, []string{during}) {
		t.Errorf("after finalization: %q, want only the change made while it ran", got)
	}
	if got := e.memberChanges(omarDir, f.id); len(got) != 1 {
		t.Errorf("%d member changes in the finalized cycle's audit, want 1", len(got))
	}
	f.advanceTo("released")
	if got := messages(e.notices("admin@acme.test", f.id)); !slices.Equal(got, []string{during}) {
		t.Errorf("released: %q", got)
	}
}

// The board carries at most 20 notices, the newest.
func TestNoticesAreBounded(t *testing.T) {
	e := newCycleEnv(t)
	cycle := calibratingCycle(t, e.Env, e.tok(demoDana))
	for i := range 12 {
		to := demoOmar
		if i%2 == 1 {
			to = demoDana
		}
		e.later(time.Hour)
		// Role and line at once: two notices from one change.
		role := "director"
		if i%2 == 1 {
			role = "em"
		}
		e.patchUser(demoAlex, map[string]any{"manager_id": e.ID(to), "role": role})
	}
	got := e.notices(demoDana, cycle)
	if len(got) != 20 {
		t.Fatalf("%d notices, want the newest 20", len(got))
	}
	if got[0].Kind != "manager" || !ptrEq(got[0].After, "Dana Whitfield") || got[1].Kind != "role" || !ptrEq(got[1].After, "em") {
		t.Errorf("the newest notices %+v", got[:2])
	}
	for i := 1; i < len(got); i++ {
		if got[i].At > got[i-1].At {
			t.Errorf("notice %d (%s) is newer than notice %d (%s)", i, got[i].At, i-1, got[i-1].At)
		}
	}
	if n := len(e.memberChanges(demoDana, cycle)); n != 12 {
		t.Errorf("%d entries in the audit, want all 12", n)
	}
}
