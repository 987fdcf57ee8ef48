package httpapi_test

// The roll-up routes in the authorization matrix and the hostile-input
// suites: each side of the world has a VP above a director whose cycles are
// finished, an open roll-up of the VP's, finished cycles no roll-up holds
// yet and open roll-ups to finalize. The builders only read, so a refused
// request changes nothing.

import (
	"fmt"
	"net/http"
	"strconv"
)

// buildRollups adds to a side:
//
//	vp (director) ─ rollupDirector ─ rollupEM
//
// with "rollup" (open, over one finished cycle), finished cycles
// "rollupSource1…4" in no roll-up, and open roll-ups "rollupFinalize1…3".
func (w *world) buildRollups(s *side, domainOf, surname string) {
	t := w.t
	t.Helper()
	for _, u := range []struct{ slot, first, role, manager string }{
		{"vp", "Ula", "director", ""}, {"rollupDirector", "Rod", "director", "vp"}, {"rollupEM", "Ren", "em", "rollupDirector"},
	} {
		s.slots[u.slot] = fmt.Sprintf("%s@%s", lower(u.first), domainOf)
		manager := ""
		if u.manager != "" {
			manager = s.email(u.manager)
		}
		w.addUser(s.email("admin"), s.slots[u.slot], u.first+" "+surname, u.role, manager)
	}
	finished := func(n string) string {
		c := w.newCycle(s.email("rollupDirector"), []string{s.email("rollupEM")}, map[string]any{"name": s.name + " finished cycle " + n})
		c.advanceTo("finalized")
		return c.id
	}
	rollup := func(name, source string) string {
		return decodeOK[struct {
			ID string `json:"id"`
		}](t, w.Post(w.tok(s.email("vp")), "/api/v1/rollups", map[string]any{"name": s.name + " " + name,
			"source_cycle_ids": []string{source}}), http.StatusCreated).ID
	}
	s.ids["rollup"] = rollup("roll-up", finished("r"))
	// The side's peer reads the roll-up as its guest.
	if res := w.Post(w.tok(s.email("vp")), "/api/v1/rollups/"+s.ids["rollup"]+"/guests",
		map[string]any{"user_id": w.ID(s.email("peer")), "until": "2099-12-31"}); res.Status != http.StatusCreated {
		t.Fatalf("inviting the roll-up's guest: %d %s", res.Status, res.Body)
	}
	for i := 1; i <= 4; i++ {
		s.ids[fmt.Sprintf("rollupSource%d", i)] = finished(fmt.Sprint(i))
	}
	for i := 1; i <= 3; i++ {
		s.ids[fmt.Sprintf("rollupFinalize%d", i)] = rollup(fmt.Sprintf("roll-up to finalize %d", i), finished(fmt.Sprintf("f%d", i)))
	}
}

func lower(s string) string {
	b := []byte(s)
	if len(b) > 0 && b[0] >= 'A' && b[0] <= 'Z' {
		b[0] += 'a' - 'A'
	}
	return string(b)
}

// freeSource is a finished cycle of the side's that no open roll-up holds.
func (w *world) freeSource(s *side) string {
	w.t.Helper()
	org := w.OrgOf(s.email("vp"))
	for i := 1; i <= 4; i++ {
		id := s.id(fmt.Sprintf("rollupSource%d", i))
		var n int64
		if err := w.Store.Gorm().Raw("SELECT COUNT(*) FROM rollup_sources WHERE org_id = ? AND cycle_id = ? AND open", org, id).Scan(&n).Error; err != nil {
			w.t.Fatal(err)
		}
		if n == 0 {
			return id
		}
	}
	w.t.Fatalf("%s: no finished cycle left outside a roll-up; give the world more", s.name)
	return ""
}

// openRollup is one of the side's roll-ups to finalize that is still open.
func (w *world) openRollup(s *side) string {
	w.t.Helper()
	org := w.OrgOf(s.email("vp"))
	for i := 1; i <= 3; i++ {
		id := s.id(fmt.Sprintf("rollupFinalize%d", i))
		var st string
		if err := w.Store.Gorm().Raw("SELECT state FROM rollups WHERE org_id = ? AND id = ?", org, id).Scan(&st).Error; err != nil {
			w.t.Fatal(err)
		}
		if st == "open" {
			return id
		}
	}
	w.t.Fatalf("%s: no open roll-up left to finalize; give the world more", s.name)
	return ""
}

// rollupVersion is the version of the roll-up's decision for the side's
// roll-up EM, as its board says.
func (w *world) rollupVersion(s *side) int {
	w.t.Helper()
	b := decodeOK[struct {
		Rows []struct {
			EM struct {
				ID string `json:"id"`
			} `json:"em"`
			RollupVersion int `json:"rollup_version"`
		} `json:"rows"`
	}](w.t, w.Get(w.tok(s.email("vp")), "/api/v1/rollups/"+s.id("rollup")+"/board"), http.StatusOK)
	for _, r := range b.Rows {
		if r.EM.ID == w.ID(s.email("rollupEM")) {
			return r.RollupVersion
		}
	}
	w.t.Fatalf("%s: the roll-up EM is not on the roll-up's board", s.name)
	return 0
}

func rollupAt(object string, parts ...string) build {
	return func(_ *world, s *side, _ string) target {
		p := "/api/v1/rollups/" + s.id(object)
		for _, part := range parts {
			p += "/" + part
		}
		return target{path: p}
	}
}

// byVP: the admin reads as themself, a director is the side's VP.
func byVP(b build) build {
	return byRole(map[string]build{"admin": b, "director": as("vp", b), "em": b, "peer": b})
}

// rollupMatrix: a director who is not the VP (the role's own account) does
// not read the VP's roll-up (404), nor do EMs; the side's peer reads it as
// its guest (its roll-up, board and 9-box, nothing else), and no other
// roll-up. EMs may not list roll-ups.
var rollupMatrix = map[string]matrixEntry{
	"GET /api/v1/rollups": {want: "admin 200 director 200 peer 200", own: byVP(at("/api/v1/rollups?limit=100"))},
	"POST /api/v1/rollups": {want: "director 201/404/404",
		own: as("vp", func(w *world, s *side, _ string) target {
			return target{path: "/api/v1/rollups", body: map[string]any{"name": s.name + " matrix roll-up", "source_cycle_ids": []string{w.freeSource(s)}}}
		}),
		other: func(w *world, s *side, _ string) target {
			return target{path: "/api/v1/rollups", body: map[string]any{"name": s.name + " poaching roll-up", "source_cycle_ids": []string{w.freeSource(s)}}}
		}},
	"GET /api/v1/rollups/:id": {want: "admin 200/-/404 director 200/404/404 em 404/404/404 peer 200/404/404",
		own: byVP(rollupAt("rollup")), other: rollupAt("rollupFinalize3")},
	"GET /api/v1/rollups/:id/board": {want: "admin 200/-/404 director 200/404/404 em 404/404/404 peer 200/404/404",
		own: byVP(rollupAt("rollup", "board")), other: rollupAt("rollupFinalize3", "board")},
	"GET /api/v1/rollups/:id/nine-box": {want: "admin 200/-/404 director 200/404/404 peer 200/404/404",
		own: byVP(rollupAt("rollup", "nine-box")), other: rollupAt("rollupFinalize3", "nine-box")},
	"GET /api/v1/rollups/:id/shifts": {want: "admin 200/-/404 director 200/404/404",
		own: byVP(rollupAt("rollup", "shifts")), other: rollupAt("rollup", "shifts")},
	"GET /api/v1/rollups/:id/guests": {want: "admin 200/-/404 director 200/404/404",
		own: byVP(rollupAt("rollup", "guests")), other: rollupAt("rollup", "guests")},
	// Inviting the guest already invited changes nothing but answers
	// again; removing one invites them first.
	"POST /api/v1/rollups/:id/guests": {want: "director 200/404/404",
		own: as("vp", withBody(rollupAt("rollup", "guests"), func(w *world, s *side, _ string) any {
			return map[string]any{"user_id": w.ID(s.email("peer")), "until": "2099-12-31"}
		})),
		other: withBody(rollupAt("rollup", "guests"), func(w *world, s *side, _ string) any {
			return map[string]any{"user_id": w.ID(s.email("peer")), "until": "2099-12-31"}
		})},
	"DELETE /api/v1/rollups/:id/guests/:user_id": {want: "director 204/404/404",
		own: as("vp", func(w *world, s *side, _ string) target {
			guest := w.ID(s.email("peer2"))
			path := "/api/v1/rollups/" + s.id("rollup") + "/guests"
			res := w.Post(w.tok(s.email("vp")), path, map[string]any{"user_id": guest, "until": "2099-12-31"})
			if res.Status != http.StatusCreated && res.Status != http.StatusOK {
				panic("inviting the guest to remove answered " + strconv.Itoa(res.Status))
			}
			return target{path: path + "/" + guest}
		}),
		other: func(w *world, s *side, _ string) target {
			return target{path: "/api/v1/rollups/" + s.id("rollup") + "/guests/" + w.ID(s.email("peer"))}
		}},
	"PUT /api/v1/rollups/:id/ems/:em_id/decision": {want: "director 200/404/404",
		own: as("vp", func(w *world, s *side, _ string) target {
			return target{path: "/api/v1/rollups/" + s.id("rollup") + "/ems/" + w.ID(s.email("rollupEM")) + "/decision",
				body: map[string]any{"readiness": "not_yet", "reason": "Matches the director's call across teams.", "version": w.rollupVersion(s)}}
		}),
		other: func(w *world, s *side, _ string) target {
			return target{path: "/api/v1/rollups/" + s.id("rollup") + "/ems/" + w.ID(s.email("rollupEM")) + "/decision",
				body: map[string]any{"readiness": "ready_now", "reason": "Taken over.", "version": 0}}
		}},
	"POST /api/v1/rollups/:id/finalize": {want: "director 200/404/404",
		own: as("vp", func(w *world, s *side, _ string) target {
			return target{path: "/api/v1/rollups/" + w.openRollup(s) + "/finalize", body: map[string]any{"override_reason": "Matrix: finalized as it stands."}}
		}),
		other: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/rollups/" + s.id("rollup") + "/finalize", body: map[string]any{}}
		}},
}

func init() {
	for k, v := range rollupMatrix {
		matrix[k] = v
	}
}
