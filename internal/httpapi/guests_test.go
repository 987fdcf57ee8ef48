package httpapi_test

// Calibration guests and who moved whom, through the real router, with
// their own people built through the admin API.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
	"time"

	"calibrate/internal/testkit"
)

// addPerson creates a user with a function and em_since of the test's
// choosing (addUser gives every EM the same em_since).
func (e *cyEnv) addPerson(email, name, role, function, manager, emSince string) string {
	e.t.Helper()
	b := map[string]any{"name": name, "email": email, "role": role, "password": demoPassword}
	if function != "" {
		b["function"] = function
	}
	if manager != "" {
		b["manager_id"] = e.ID(manager)
	}
	if emSince != "" {
		b["em_since"] = emSince
	}
	u := decodeOK[struct {
		ID string `json:"id"`
	}](e.t, e.Post(e.tok("admin@acme.test"), "/api/v1/users", b), http.StatusCreated)
	e.Users[email] = u.ID
	return u.ID
}

// relogin forgets every token: after the clock moved past their ten
// minutes, each account signs in again.
func (e *cyEnv) relogin() {
	e.mu.Lock()
	e.tokens = map[string]string{}
	e.mu.Unlock()
}

type guestDoc struct {
	User      cyRef  `json:"user"`
	Role      string `json:"role"`
	Function  string `json:"function"`
	Until     string `json:"until"`
	AddedBy   cyRef  `json:"added_by"`
	CreatedAt string `json:"created_at"`
}

// guestsWorld: Hana (director, lead) with EMs gus1, gus2, a co-owner Ivo
// with EM gus3; guests-to-be: Hera (peer, other) and Dorian (director);
// Olga, a director outside the cycle.
func guestsWorld(t *testing.T) (*cyEnv, *cycleFixture) {
	e := newCycleEnv(t)
	e.addPerson("hana@acme.test", "Hana Lind", "director", "", "", "")
	e.addPerson("ivo@acme.test", "Ivo Brandt", "director", "", "", "")
	e.addPerson("gus1@acme.test", "Gus One", "em", "", "hana@acme.test", "2022-01-01")
	e.addPerson("gus2@acme.test", "Gus Two", "em", "", "hana@acme.test", "2022-01-01")
	e.addPerson("gus3@acme.test", "Gus Three", "em", "", "ivo@acme.test", "2022-01-01")
	e.addPerson("hera@acme.test", "Hera Partner", "peer", "other", "", "")
	e.addPerson("dorian@acme.test", "Dorian Guest", "director", "", "", "")
	e.addPerson("olga@acme.test", "Olga Outside", "director", "", "", "")
	f := e.newCycle("hana@acme.test", []string{"gus1@acme.test", "gus2@acme.test", "gus3@acme.test"},
		map[string]any{"co_owner_ids": []string{e.ID("ivo@acme.test")}})
	f.advanceTo("calibrating")
	return e, f
}

// guestReads is the views of the guest.read entries of the cycle by
// userID, oldest first.
func guestReads(e *cyEnv, f *cycleFixture, userID string) []string {
	e.t.Helper()
	var views []string
	for _, a := range e.cycleAudit("hana@acme.test", f.id) {
		if a.Action != "guest.read" || a.ActorID == nil || *a.ActorID != userID {
			continue
		}
		if a.ObjectType != "cycle" || a.ObjectID != f.id || a.CycleID == nil || *a.CycleID != f.id {
			e.t.Fatalf("a guest read recorded as %+v", a)
		}
		var after struct {
			View string `json:"view"`
		}
		if err := json.Unmarshal(a.After, &after); err != nil {
			e.t.Fatal(err)
		}
		views = append(views, after.View)
	}
	slices.Reverse(views)
	return views
}

func TestCycleGuestReadsAndIsAudited(t *testing.T) {
	e, f := guestsWorld(t)
	hera, hana := e.ID("hera@acme.test"), e.ID("hana@acme.test")

	// Before the invitation the peer finds nothing.
	wantError(t, e.Get(e.tok("hera@acme.test"), f.path("board")), http.StatusNotFound, "not_found")

	g := decodeOK[guestDoc](t, e.Post(e.tok("hana@acme.test"), f.path("guests"),
		map[string]any{"user_id": hera, "until": "2026-11-28"}), http.StatusCreated)
	if g.User != (cyRef{hera, "Hera Partner"}) || g.Role != "peer" || g.Function != "other" || g.Until != "2026-11-28" ||
		g.AddedBy != (cyRef{hana, "Hana Lind"}) || g.CreatedAt != "2026-11-27T09:00:00Z" {
		t.Fatalf("the guest added answers %+v", g)
	}
	list := decodeOK[struct {
		Items []guestDoc `json:"items"`
	}](t, e.Get(e.tok("admin@acme.test"), f.path("guests")), http.StatusOK)
	if len(list.Items) != 1 || list.Items[0] != g {
		t.Fatalf("the guests, as an admin: %+v", list.Items)
	}

	tok := e.tok("hera@acme.test")
	c := decodeOK[cycleDoc](t, e.Get(tok, f.path()), http.StatusOK)
	if c.ID != f.id || len(c.Participants) != 3 {
		t.Fatalf("the guest reads the cycle as %+v", c)
	}
	b := decodeOK[struct {
		Rows []map[string]any `json:"rows"`
	}](t, e.Get(tok, f.path("board")), http.StatusOK)
	if len(b.Rows) != 3 {
		t.Fatalf("the guest's board has %d rows", len(b.Rows))
	}
	wantStatus(t, e.Get(tok, f.path("board.csv")), http.StatusOK)
	wantStatus(t, e.Get(tok, f.path("nine-box")), http.StatusOK)
	wantStatus(t, e.Get(tok, f.path("agenda")), http.StatusOK)
	wantStatus(t, e.Get(tok, f.path("activity")), http.StatusOK)
	wantStatus(t, e.Get(tok, f.path("events")), http.StatusOK)
	l := decodeOK[page](t, e.Get(tok, "/api/v1/cycles"), http.StatusOK)
	if ids := pluck(l.Items, "id"); !slices.Equal(ids, []string{f.id}) {
		t.Fatalf("the guest lists cycles %v, want only %s", ids, f.id)
	}
	// The list is no read of the cycle's calibration: not recorded.
	want := []string{"cycle", "board", "board_csv", "nine_box", "agenda", "activity", "events"}
	if got := guestReads(e, f, hera); !slices.Equal(got, want) {
		t.Fatalf("the guest's reads were recorded as %v, want %v", got, want)
	}
	// The owners' reads are not recorded.
	wantStatus(t, e.Get(e.tok("hana@acme.test"), f.path("board")), http.StatusOK)
	if got := guestReads(e, f, hana); len(got) != 0 {
		t.Fatalf("an owner's reads were recorded: %v", got)
	}

	// The guest writes nothing: a peer's role may not, and a director
	// guest finds no cycle to write to.
	dorian := e.ID("dorian@acme.test")
	wantStatus(t, e.Post(e.tok("hana@acme.test"), f.path("guests"), map[string]any{"user_id": dorian, "until": "2026-12-31"}),
		http.StatusCreated)
	dtok := e.tok("dorian@acme.test")
	wantStatus(t, e.Get(dtok, f.path("board")), http.StatusOK)
	undo := e.noWrite(t, "admin@acme.test", f.emPath("gus1@acme.test", "decision"), f.emPath("gus1@acme.test", "assessment"),
		f.path(), f.path("guests"))
	decision := map[string]any{"readiness": "ready_now", "rationale": "A guest's opinion.", "version": 0}
	assessment := map[string]any{"ratings": fullRatings(4, "guest"), "version": 0}
	wantError(t, e.Put(tok, f.emPath("gus1@acme.test", "decision"), decision), http.StatusForbidden, "forbidden")
	wantError(t, e.Put(tok, f.emPath("gus1@acme.test", "assessment"), assessment), http.StatusForbidden, "forbidden")
	wantError(t, e.Post(tok, f.path("transition"), map[string]string{"to": "finalized"}), http.StatusForbidden, "forbidden")
	wantError(t, e.Put(dtok, f.emPath("gus1@acme.test", "decision"), decision), http.StatusNotFound, "not_found")
	wantError(t, e.Put(dtok, f.emPath("gus1@acme.test", "assessment"), assessment), http.StatusNotFound, "not_found")
	wantError(t, e.Post(dtok, f.path("transition"), map[string]string{"to": "finalized"}), http.StatusNotFound, "not_found")
	wantError(t, e.Patch(dtok, f.path(), map[string]any{"name": "Taken over"}), http.StatusNotFound, "not_found")
	wantError(t, e.Put(dtok, f.emPath("gus1@acme.test", "meeting"), map[string]any{"discussed": true, "note": "", "version": 0}),
		http.StatusNotFound, "not_found")
	wantError(t, e.Get(dtok, f.emPath("gus1@acme.test", "assessment")), http.StatusNotFound, "not_found")
	wantError(t, e.Get(dtok, f.path("notes")), http.StatusNotFound, "not_found")
	wantError(t, e.Get(dtok, f.path("shifts")), http.StatusNotFound, "not_found")
	wantError(t, e.Get(dtok, f.path("board.pdf")), http.StatusNotFound, "not_found")
	// A guest manages no guests; they see the cycle, so 403.
	wantError(t, e.Post(dtok, f.path("guests"), map[string]any{"user_id": hera, "until": "2026-12-31"}), http.StatusForbidden, "forbidden")
	wantError(t, e.Delete(dtok, f.path("guests", hera)), http.StatusForbidden, "forbidden")
	wantError(t, e.Get(dtok, f.path("guests")), http.StatusForbidden, "forbidden")
	undo()
}

func TestCycleGuestAccessEnds(t *testing.T) {
	e, f := guestsWorld(t)
	hera := e.ID("hera@acme.test")
	add := func(until string, status int) {
		t.Helper()
		g := decodeOK[guestDoc](t, e.Post(e.tok("ivo@acme.test"), f.path("guests"), map[string]any{"user_id": hera, "until": until}), status)
		if g.Until != until || g.AddedBy.ID != e.ID("ivo@acme.test") {
			t.Fatalf("the guest answers %+v", g)
		}
	}
	reads := func(status int) {
		t.Helper()
		tok := e.tok("hera@acme.test")
		for _, p := range []string{f.path(), f.path("board"), f.path("board.csv"), f.path("nine-box"), f.path("agenda"), f.path("events")} {
			if res := e.Get(tok, p); res.Status != status {
				t.Fatalf("GET %s as the guest at %s: %d, want %d; %s", p, e.Clock.Now().Format(time.RFC3339), res.Status, status, res.Body)
			}
		}
		l := decodeOK[page](t, e.Get(tok, "/api/v1/cycles"), http.StatusOK)
		if listed := slices.Contains(pluck(l.Items, "id"), f.id); listed != (status == http.StatusOK) {
			t.Fatalf("the guest's list %v at %s", pluck(l.Items, "id"), e.Clock.Now().Format(time.RFC3339))
		}
	}
	// A co-owner invites too.
	add("2026-11-28", http.StatusCreated)
	reads(http.StatusOK)
	// The whole day `until` (UTC) …
	e.Clock.Set(time.Date(2026, 11, 28, 23, 59, 0, 0, time.UTC))
	e.relogin()
	reads(http.StatusOK)
	// … and not a minute after.
	e.Clock.Set(time.Date(2026, 11, 29, 0, 1, 0, 0, time.UTC))
	e.relogin()
	reads(http.StatusNotFound)
	// Posting the guest again moves the day: 200, and access again.
	add("2026-11-30", http.StatusOK)
	reads(http.StatusOK)
	g := decodeOK[struct {
		Items []guestDoc `json:"items"`
	}](t, e.Get(e.tok("hana@acme.test"), f.path("guests")), http.StatusOK).Items
	if len(g) != 1 || g[0].Until != "2026-11-30" || g[0].CreatedAt != "2026-11-27T09:00:00Z" {
		t.Fatalf("the guests after the change: %+v", g)
	}
	// Removing ends it at once.
	wantStatus(t, e.Delete(e.tok("hana@acme.test"), f.path("guests", hera)), http.StatusNoContent)
	reads(http.StatusNotFound)
	wantError(t, e.Delete(e.tok("hana@acme.test"), f.path("guests", hera)), http.StatusNotFound, "not_found")
	var actions []string
	for _, a := range e.cycleAudit("hana@acme.test", f.id) {
		if a.Action == "guest.add" || a.Action == "guest.remove" {
			actions = append(actions, a.Action)
		}
	}
	if want := []string{"guest.remove", "guest.add", "guest.add"}; !slices.Equal(actions, want) {
		t.Fatalf("guest changes audited as %v, want %v", actions, want)
	}
	// Finalizing ends it too, and locks the guests.
	add("2026-12-31", http.StatusCreated)
	reads(http.StatusOK)
	f.advanceTo("finalized")
	reads(http.StatusNotFound)
	wantError(t, e.Get(e.tok("hera@acme.test"), f.path("activity")), http.StatusNotFound, "not_found")
	wantError(t, e.Post(e.tok("hana@acme.test"), f.path("guests"), map[string]any{"user_id": hera, "until": "2026-12-31"}),
		http.StatusConflict, "cycle_locked")
	wantError(t, e.Delete(e.tok("hana@acme.test"), f.path("guests", hera)), http.StatusConflict, "cycle_locked")
	wantStatus(t, e.Get(e.tok("hana@acme.test"), f.path("guests")), http.StatusOK)
}

func TestCycleGuestRules(t *testing.T) {
	e, f := guestsWorld(t)
	e.addPerson("gone@acme.test", "Gone Peer", "peer", "design", "", "")
	wantStatus(t, e.Patch(e.tok("admin@acme.test"), "/api/v1/users/"+e.ID("gone@acme.test"), map[string]any{"active": false}),
		http.StatusOK)
	hera := e.ID("hera@acme.test")
	post := func(as string, body map[string]any) *testkit.Response {
		t.Helper()
		return e.Post(e.tok(as), f.path("guests"), body)
	}
	for _, c := range []struct {
		user, until, field string
	}{
		{hera, "2026-11-26", "until"}, // yesterday
		{hera, "2026-13-01", "until"},
		{hera, "27/11/2026", "until"},
		{e.ID("gus1@acme.test"), "2026-12-01", "user_id"}, // an EM
		{e.ID("admin@acme.test"), "2026-12-01", "user_id"},
		{e.ID("hana@acme.test"), "2026-12-01", "user_id"}, // the lead
		{e.ID("ivo@acme.test"), "2026-12-01", "user_id"},  // a co-owner
		{e.ID("gone@acme.test"), "2026-12-01", "user_id"}, // inactive
		{e.ID("gwen@globex.test"), "2026-12-01", "user_id"},
		{"01a21af4-bba4-7006-95df-960ccdea4a74", "2026-12-01", "user_id"},
	} {
		env := wantError(t, post("hana@acme.test", map[string]any{"user_id": c.user, "until": c.until}), http.StatusUnprocessableEntity,
			"validation_failed")
		if env.Error.Fields[c.field] == "" {
			t.Errorf("guest %s until %s: fields %v, want %s", c.user, c.until, env.Error.Fields, c.field)
		}
	}
	// Today is the earliest `until`.
	wantStatus(t, post("hana@acme.test", map[string]any{"user_id": hera, "until": "2026-11-27"}), http.StatusCreated)
	ok := map[string]any{"user_id": hera, "until": "2026-12-01"}
	wantError(t, post("admin@acme.test", ok), http.StatusForbidden, "forbidden")
	wantError(t, e.Delete(e.tok("admin@acme.test"), f.path("guests", hera)), http.StatusForbidden, "forbidden")
	wantError(t, post("olga@acme.test", ok), http.StatusNotFound, "not_found")
	wantError(t, e.Get(e.tok("olga@acme.test"), f.path("guests")), http.StatusNotFound, "not_found")
	wantError(t, e.Delete(e.tok("olga@acme.test"), f.path("guests", hera)), http.StatusNotFound, "not_found")
	wantError(t, post("hera@acme.test", ok), http.StatusForbidden, "forbidden")
	wantError(t, post("gus1@acme.test", ok), http.StatusForbidden, "forbidden")
	wantError(t, e.Get(e.tok("gwen@globex.test"), f.path("guests")), http.StatusNotFound, "not_found")
	wantError(t, e.Delete(e.tok("hana@acme.test"), f.path("guests", e.ID("dorian@acme.test"))), http.StatusNotFound, "not_found")

	// At most 50 guests: the 51st is refused.
	for i := 2; i <= 50; i++ {
		email := fmt.Sprintf("guest%02d@acme.test", i)
		e.addPerson(email, fmt.Sprintf("Guest %02d", i), "peer", "operations", "", "")
		wantStatus(t, post("hana@acme.test", map[string]any{"user_id": e.ID(email), "until": "2026-12-01"}), http.StatusCreated)
	}
	env := wantError(t, post("hana@acme.test", map[string]any{"user_id": e.ID("dorian@acme.test"), "until": "2026-12-01"}),
		http.StatusUnprocessableEntity, "validation_failed")
	if env.Error.Fields["user_id"] == "" {
		t.Fatalf("the 51st guest: %v", env.Error.Fields)
	}
	// A guest already there may still change their day.
	wantStatus(t, post("hana@acme.test", ok), http.StatusOK)
	l := decodeOK[struct {
		Items []guestDoc `json:"items"`
	}](t, e.Get(e.tok("hana@acme.test"), f.path("guests")), http.StatusOK)
	if len(l.Items) != 50 || l.Items[0].User.ID != hera || l.Items[0].Until != "2026-12-01" {
		t.Fatalf("%d guests, the first %+v", len(l.Items), l.Items[0])
	}
}

// A guest's read leaves the organisation's boards as built: the board
// cache keys on the audit head without the records of reads.
func TestCycleGuestReadKeepsBoards(t *testing.T) {
	e, f := guestsWorld(t)
	wantStatus(t, e.Post(e.tok("hana@acme.test"), f.path("guests"), map[string]any{"user_id": e.ID("hera@acme.test"), "until": "2026-12-01"}),
		http.StatusCreated)
	head := func() int64 {
		t.Helper()
		h, err := e.Store.OrgHead(t.Context(), e.OrgOf("hana@acme.test"))
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	before := head()
	wantStatus(t, e.Get(e.tok("hera@acme.test"), f.path("board")), http.StatusOK)
	wantStatus(t, e.Get(e.tok("hera@acme.test"), f.path("agenda")), http.StatusOK)
	if after := head(); after != before {
		t.Fatalf("a guest's reads moved the head from %d to %d", before, after)
	}
	if got := guestReads(e, f, e.ID("hera@acme.test")); !slices.Equal(got, []string{"board", "agenda"}) {
		t.Fatalf("reads recorded %v", got)
	}
	f.decide("gus1@acme.test", "not_yet", 0)
	if head() == before {
		t.Fatal("a decision did not move the head")
	}
}
