package httpapi_test

// The demo's roll-up, end to end through the API: Vera, the VP, rolls up
// Quinn's finalized cycle, reads its 9-box and who moved whom, invites
// guests, moves Sam up with a reason and finalizes; Quinn releases; Sam
// reads the final readiness without the roll-up's reason.

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"calibrate/internal/testkit"
)

const (
	demoVera  = "vera@acme.test"
	demoQuinn = "quinn@acme.test"
	demoRiley = "riley@acme.test"
	demoSam   = "sam@acme.test"
)

func TestDemoRollupEndToEnd(t *testing.T) {
	e := testkit.New(t)
	vera, quinn, pat, omar := e.Token(demoVera), e.Token(demoQuinn), e.Token(demoPat), e.Token(demoOmar)

	// Quinn's finalized cycle is among the finalized cycles Vera reads.
	cycles := decodeOK[struct {
		Items []struct {
			ID    string `json:"id"`
			Name  string `json:"name"`
			State string `json:"state"`
			Lead  struct {
				Name string `json:"name"`
			} `json:"lead"`
		} `json:"items"`
	}](t, e.Get(vera, "/api/v1/cycles?state=finalized&limit=100"), http.StatusOK).Items
	var source string
	for _, c := range cycles {
		if c.Name == "2026 H2 calibration" && c.Lead.Name == "Quinn Adeyemi" {
			source = c.ID
		}
	}
	if source == "" || len(cycles) != 1 {
		t.Fatalf("Vera's finalized cycles: %+v", cycles)
	}

	r := decodeOK[struct {
		ID string `json:"id"`
	}](t, e.Post(vera, "/api/v1/rollups", map[string]any{"name": "Engineering 2026 H2", "source_cycle_ids": []string{source}}), http.StatusCreated)
	path := "/api/v1/rollups/" + r.ID

	// The 9-box: Riley (28/9 = 3.11) at the bar, ready in 6–12 months;
	// Sam (25/9 = 2.78) below it, "not yet" — the later column.
	demoBoxes := func(n nineBoxDoc) {
		t.Helper()
		wantBoxes(t, n, map[string][]string{"at/ready_6_12_months": {e.ID(demoRiley)}, "below/later": {e.ID(demoSam)}},
			map[string]float64{"at/ready_6_12_months": 50, "below/later": 50})
		if n.Bar != 3 || n.Total != 2 || len(n.Unplaced) != 0 || n.Guide != nil {
			t.Fatalf("9-box %+v", n)
		}
	}
	demoBoxes(decodeOK[nineBoxDoc](t, e.Get(vera, path+"/nine-box"), http.StatusOK))

	// Guests: Pat (a peer) and Omar (a director, no owner of the source).
	tomorrow := e.Clock.Now().AddDate(0, 0, 1).Format(time.DateOnly)
	for _, g := range []string{demoPat, demoOmar} {
		wantStatus(t, e.Post(vera, path+"/guests", map[string]any{"user_id": e.ID(g), "until": tomorrow}), http.StatusCreated)
	}
	wantError(t, e.Post(vera, path+"/guests", map[string]any{"user_id": e.ID(demoSam), "until": tomorrow}), http.StatusUnprocessableEntity, "validation_failed")
	wantError(t, e.Post(quinn, path+"/guests", map[string]any{"user_id": e.ID(demoPat), "until": tomorrow}), http.StatusForbidden, "forbidden")
	for _, tok := range []string{pat, omar} {
		wantStatus(t, e.Get(tok, path), http.StatusOK)
		wantStatus(t, e.Get(tok, path+"/board"), http.StatusOK)
		wantStatus(t, e.Get(tok, path+"/nine-box"), http.StatusOK)
	}
	// Who moved whom is for the roll-up's readers, not its guests.
	wantError(t, e.Get(omar, path+"/shifts"), http.StatusNotFound, "not_found")
	wantError(t, e.Get(pat, path+"/shifts"), http.StatusForbidden, "forbidden")
	wantError(t, e.Put(omar, path+"/ems/"+e.ID(demoSam)+"/decision", map[string]any{"readiness": "ready_now", "reason": "x", "version": 0}),
		http.StatusForbidden, "forbidden")
	wantError(t, e.Get(omar, path+"/guests"), http.StatusForbidden, "forbidden")
	if ids := pluck(decodeOK[struct {
		Items []map[string]any `json:"items"`
	}](t, e.Get(pat, "/api/v1/rollups"), http.StatusOK).Items, "id"); !slices.Equal(ids, []string{r.ID}) {
		t.Fatalf("Pat's roll-ups %v", ids)
	}
	// Each guest read is on the record, under the roll-up.
	var views []string
	if err := testkit.Inspect(e).Raw("SELECT after_json FROM audit_log WHERE action = 'guest.read' AND object_id = ? ORDER BY seq", r.ID).
		Scan(&views).Error; err != nil {
		t.Fatal(err)
	}
	if len(views) != 6 || !strings.Contains(views[0], `"rollup"`) || !strings.Contains(views[1], `"board"`) || !strings.Contains(views[2], `"nine_box"`) {
		t.Fatalf("guest reads on record: %v", views)
	}

	// Vera moves Sam up, with a reason; Riley stays.
	reason := "Rebuilt a team after attrition; across directors, this profile is 12–24 months."
	wantError(t, e.Put(vera, path+"/ems/"+e.ID(demoSam)+"/decision", map[string]any{"readiness": "ready_12_24_months", "version": 0}),
		http.StatusUnprocessableEntity, "reason_required")
	wantStatus(t, e.Put(vera, path+"/ems/"+e.ID(demoSam)+"/decision",
		map[string]any{"readiness": "ready_12_24_months", "reason": reason, "version": 0}), http.StatusOK)

	// Who moved whom: in the directors' session nobody moved; the roll-up
	// moved Sam up. Two EMs make every group "fewer than 4".
	sh := decodeOK[shiftsDoc](t, e.Get(vera, path+"/shifts"), http.StatusOK)
	if sh.Total != (shiftCountsDoc{Up: 1, Unchanged: 1}) || len(sh.Levels) != 2 ||
		sh.Levels[0].Level != "director_session" || sh.Levels[0].Unchanged != 2 || sh.Levels[0].Up != 0 ||
		sh.Levels[1].Level != "rollup" || sh.Levels[1].Up != 1 || sh.Levels[1].Unchanged != 1 ||
		len(sh.Directors) != 1 || sh.Directors[0].Director.Name != "Quinn Adeyemi" || sh.Directors[0].Up != 1 || sh.Directors[0].Unchanged != 1 {
		t.Fatalf("shifts %+v", sh)
	}
	for _, g := range sh.Groups {
		if !g.FewerThan4 || g.Up != nil {
			t.Fatalf("group %s/%s of two EMs shows numbers: %+v", g.Kind, g.Group, g)
		}
	}

	// Quinn cannot release while the roll-up is open.
	wantError(t, e.Post(quinn, "/api/v1/cycles/"+source+"/transition", map[string]any{"to": "released"}), http.StatusConflict, "in_rollup")
	wantStatus(t, e.Post(vera, path+"/finalize", map[string]any{}), http.StatusOK)
	// Finalized: the guests' access has ended.
	wantError(t, e.Get(pat, path+"/board"), http.StatusNotFound, "not_found")
	wantStatus(t, e.Post(quinn, "/api/v1/cycles/"+source+"/transition", map[string]any{"to": "released"}), http.StatusOK)

	// Sam reads the final readiness with Quinn's rationale, never the
	// roll-up's reason.
	fb := e.Get(e.Token(demoSam), "/api/v1/me/feedback")
	wantStatus(t, fb, http.StatusOK)
	if body := string(fb.Body); !strings.Contains(body, `"readiness":"ready_12_24_months"`) || strings.Contains(body, "this profile is") {
		t.Fatalf("Sam's feedback: %s", body)
	}
	// The cycle's 9-box follows the written decision: Sam stays in the
	// later column, now as "ready in 12–24 months".
	demoBoxes(getNineBox(t, e, quinn, source))
}

// A guest's invitation ends after its last day.
func TestRollupGuestUntil(t *testing.T) {
	e := testkit.New(t)
	vera, pat := e.Token(demoVera), e.Token(demoPat)
	var source string
	for _, c := range decodeOK[struct {
		Items []map[string]any `json:"items"`
	}](t, e.Get(vera, "/api/v1/cycles?state=finalized"), http.StatusOK).Items {
		source = c["id"].(string)
	}
	r := decodeOK[struct {
		ID string `json:"id"`
	}](t, e.Post(vera, "/api/v1/rollups", map[string]any{"name": "Short look", "source_cycle_ids": []string{source}}), http.StatusCreated)
	today := e.Clock.Now().Format(time.DateOnly)
	wantStatus(t, e.Post(vera, "/api/v1/rollups/"+r.ID+"/guests", map[string]any{"user_id": e.ID(demoPat), "until": today}), http.StatusCreated)
	wantStatus(t, e.Get(pat, "/api/v1/rollups/"+r.ID+"/nine-box"), http.StatusOK)
	e.Clock.Advance(24 * time.Hour)
	vera, pat = e.Token(demoVera), e.Token(demoPat) // a day later: signed in again
	wantError(t, e.Get(pat, "/api/v1/rollups/"+r.ID+"/nine-box"), http.StatusNotFound, "not_found")
	if items := decodeOK[struct {
		Items []map[string]any `json:"items"`
	}](t, e.Get(pat, "/api/v1/rollups"), http.StatusOK).Items; len(items) != 0 {
		t.Fatalf("an expired guest still lists the roll-up: %v", items)
	}
	// Removing a guest: 204, then 404.
	wantStatus(t, e.Delete(vera, "/api/v1/rollups/"+r.ID+"/guests/"+e.ID(demoPat)), http.StatusNoContent)
	wantError(t, e.Delete(vera, "/api/v1/rollups/"+r.ID+"/guests/"+e.ID(demoPat)), http.StatusNotFound, "not_found")
}
