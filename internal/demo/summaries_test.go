package demo_test

import (
	"context"
	"reflect"
	"testing"

	"gorm.io/gorm"

	"calibrate/internal/calibration"
	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// TestBoardsFromSummariesEqualRecomputed builds every board and every EM's
// history of the demo organisations and of seeded ones twice: from the
// finished cycles' summaries, as the server does, and from the past
// cycles' raw rows. They must be equal — after finalization wrote the
// summaries, after a bulk load did, and after the backfill re-derived them.
func TestBoardsFromSummariesEqualRecomputed(t *testing.T) {
	e := testkit.New(t)
	ctx := context.Background()
	ems := 40
	if raceDetector {
		ems = 12
	}
	for _, o := range []demo.SeedOptions{
		{Org: "Summaries", EMs: ems, Cycles: 8, Directors: 4},
		{Org: "Long history", EMs: 6, Cycles: 20, Directors: 1},
	} {
		o.Now = e.Clock.Now()
		if _, err := demo.Seed(ctx, e.Store, e.Hasher, o); err != nil {
			t.Fatal(err)
		}
	}
	var summaries int64
	if err := whole(e).Raw("SELECT COUNT(*) FROM cycle_summaries").Scan(&summaries).Error; err != nil {
		t.Fatal(err)
	}
	// Acme's two released cycles of four EMs and its finalized one of two,
	// ems × 8 and 6 × 20.
	if want := int64(2*4 + 2 + ems*8 + 6*20); summaries != want {
		t.Fatalf("%d summaries, want %d", summaries, want)
	}
	compareAll(t, e)

	// The backfill: summaries lost (as in a database finalized before they
	// existed) come back from Migrate, the same.
	var before []map[string]any
	if err := whole(e).Raw("SELECT * FROM cycle_summaries ORDER BY cycle_id, em_id").Scan(&before).Error; err != nil {
		t.Fatal(err)
	}
	if err := whole(e).Exec("DELETE FROM cycle_summaries").Error; err != nil {
		t.Fatal(err)
	}
	if _, err := e.Store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var after []map[string]any
	if err := whole(e).Raw("SELECT * FROM cycle_summaries ORDER BY cycle_id, em_id").Scan(&after).Error; err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(before, after) {
		t.Fatalf("the backfill wrote %d summaries unlike the %d finalization wrote", len(after), len(before))
	}
	if _, err := e.Store.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	compareAll(t, e)
}

// whole is the database handle for looking at every organisation at once,
// as only a test does.
func whole(e *testkit.Env) *gorm.DB {
	return e.Store.Gorm().WithContext(store.Unscoped(context.Background(), store.ExceptTestInspection))
}

// compareAll compares, organisation by organisation as its admin, every
// cycle's board and every EM's history.
func compareAll(t *testing.T, e *testkit.Env) {
	t.Helper()
	ctx := context.Background()
	fromSummaries := calibration.NewCycles(e.Store, e.Clock)
	recomputed := calibration.NewCycles(testkit.Recomputed{Store: e.Store}, e.Clock)
	var admins []struct{ ID, OrgID string }
	if err := whole(e).Raw("SELECT id, org_id FROM users WHERE role = 'admin' ORDER BY org_id, id").Scan(&admins).Error; err != nil {
		t.Fatal(err)
	}
	orgs := map[string]bool{}
	boards, histories := 0, 0
	for _, a := range admins {
		if orgs[a.OrgID] {
			continue
		}
		orgs[a.OrgID] = true
		p := domain.Principal{UserID: a.ID, OrgID: a.OrgID, Role: domain.RoleAdmin}
		list, err := e.Store.ListCycles(ctx, domain.CycleFilter{OrgID: a.OrgID}, domain.Page{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range list.Items {
			got, err := fromSummaries.Board(ctx, p, c.ID, calibration.BoardQuery{})
			if err != nil {
				t.Fatal(err)
			}
			want, err := recomputed.Board(ctx, p, c.ID, calibration.BoardQuery{})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("cycle %s (%s, %s): the board from summaries differs from the recomputed one", c.Name, c.State, c.ID)
			}
			boards++
		}
		var ems []string
		if err := e.Store.Gorm().Raw("SELECT id FROM users WHERE org_id = ? AND role = 'em' ORDER BY id", a.OrgID).Scan(&ems).Error; err != nil {
			t.Fatal(err)
		}
		for _, em := range ems {
			got, err := fromSummaries.History(ctx, p, em)
			if err != nil {
				t.Fatal(err)
			}
			want, err := recomputed.History(ctx, p, em)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("EM %s: the history from summaries differs from the recomputed one", em)
			}
			histories++
		}
	}
	if len(orgs) < 4 || boards < 30 || histories < 20 {
		t.Fatalf("compared %d organisations, %d boards, %d histories: the demo or the seed is missing", len(orgs), boards, histories)
	}
}
