package bench_test

// The guard of the board's cost: one GET /board costs the same database
// round trips at 30 and at 300 EMs: at most eleven when the board is built
// (the first request after a change), at most three when it is not (every
// other request). GORM's statements are
// counted on every database; on PostgreSQL
// the round trips are also counted on the wire, through a proxy, so a
// driver-level extra (a prepare, a ping, a transaction) shows too.

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/bench"
	"calibrate/internal/config"
	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/httpapi"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// maxBoardBuild is the budget of a board request after a change: the auth
// lookup, the per-user rate limit's upsert (internal/ratelimit), the
// organisation's audit head, six reads of the board itself, the
// organisation's mean, and the admins' changes to the cycle's people (its
// notices), one statement each whatever the size of the cycle.
// maxBoardCached is the budget of every other board request: the auth
// lookup, the rate limit and the audit head, the board being the one built
// at that head (internal/calibration/boardcache.go).
const (
	maxBoardBuild  = 11
	maxBoardCached = 3
)

func TestBoardRoundTripsAreFewAndFixed(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds two organisations, 330 EMs")
	}
	ctx := context.Background()
	cfg := testkit.NewConfig(t)
	var wire *bench.RoundTripCounter
	if cfg.Dialect == config.Postgres {
		var err error
		if wire, err = bench.NewRoundTripCounter(cfg.DatabaseURL); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { wire.Close() })
		cfg.DatabaseURL = wire.URL(cfg.DatabaseURL)
		pingsApart(t, wire, cfg.DatabaseURL)
	}
	clock := testkit.NewClock(testkit.Start)
	st, err := store.Open(cfg, clock, quietLog)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	testkit.CheckTenancy(t, st)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	hasher := auth.NewHasher(testkit.FastArgon2)
	srv := httpapi.New(testkit.Deps(cfg, st, clock, hasher, quietLog))
	stmts := testkit.CountStatements(t, st.Gorm())

	// 30 and 300 EMs; 5 and 50 under the race detector (make test), where
	// seeding and building the larger board take a minute.
	small, large := 30, 300
	if raceDetector {
		small, large = 5, 50
	}
	type cost struct{ statements, roundTrips int64 }
	type costs struct{ build, cached cost }
	measured := map[int]costs{}
	for _, n := range []int{small, large} {
		org := fmt.Sprintf("Trips%d", n)
		t0 := time.Now()
		if _, err := demo.Seed(ctx, st, hasher, demo.SeedOptions{Org: org, EMs: n, Cycles: 2, Directors: max(1, n/10), Now: clock.Now()}); err != nil {
			t.Fatal(err)
		}
		lead, err := st.UserByEmail(ctx, fmt.Sprintf("director@trips%d.test", n))
		if err != nil {
			t.Fatal(err)
		}
		list, err := st.ListCycles(ctx, domain.CycleFilter{OrgID: lead.OrgID, State: domain.StateCalibrating}, domain.Page{Limit: 1})
		if err != nil || len(list.Items) != 1 {
			t.Fatalf("the cycle in calibration: %v", err)
		}
		c := list.Items[0]
		if err := addPrereads(ctx, st, c); err != nil {
			t.Fatal(err)
		}
		rec := do(srv, http.MethodPost, "/api/v1/auth/login", "",
			fmt.Sprintf(`{"email":%q,"password":%q}`, lead.Email, demo.DemoPassword))
		var tok struct {
			AccessToken string `json:"access_token"`
		}
		if rec.Code != http.StatusOK || jsonUnmarshal(rec.Body.Bytes(), &tok) != nil {
			t.Fatalf("login: %d %s", rec.Code, rec.Body)
		}
		path := "/api/v1/cycles/" + c.ID + "/board"
		board := func() cost {
			var got cost
			var before int64
			if wire != nil {
				before = wire.RoundTrips()
			}
			got.statements = int64(stmts.During(func() {
				if rec := do(srv, http.MethodGet, path, tok.AccessToken, ""); rec.Code != http.StatusOK {
					t.Fatalf("board: %d %s", rec.Code, rec.Body)
				}
			}))
			if wire != nil {
				got.roundTrips = wire.RoundTrips() - before
			}
			return got
		}
		// A write to the cycle: the next board is built again.
		version := 0
		change := func() {
			rec := do(srv, http.MethodPut, path[:len(path)-len("/board")]+"/ems/"+c.Participants[0].EMID+"/meeting", tok.AccessToken,
				fmt.Sprintf(`{"discussed":%t,"note":"","version":%d}`, version%2 == 0, version))
			if rec.Code != http.StatusOK {
				t.Fatalf("meeting write: %d %s", rec.Code, rec.Body)
			}
			version++
		}
		// The first requests prepare the statements on their connection;
		// the next ones are the steady state every later request sees.
		board()
		board()
		change()
		var got costs
		got.build = board()
		got.cached = board()
		measured[n] = got
		t.Logf("%d EMs: seeded and measured in %s", n, time.Since(t0).Round(time.Millisecond))
	}
	for _, n := range []int{small, large} {
		c := measured[n]
		t.Logf("%d EMs, one GET /board: built %d statements (%d round trips on the wire), cached %d (%d)",
			n, c.build.statements, c.build.roundTrips, c.cached.statements, c.cached.roundTrips)
		for _, k := range []struct {
			what   string
			got    cost
			budget int64
		}{{"built", c.build, maxBoardBuild}, {"cached", c.cached, maxBoardCached}} {
			if k.got.statements == 0 || k.got.statements > k.budget {
				t.Errorf("%d EMs: GET /board (%s) ran %d SQL statements, the budget is %d", n, k.what, k.got.statements, k.budget)
			}
			if wire != nil && (k.got.roundTrips == 0 || k.got.roundTrips > k.budget) {
				t.Errorf("%d EMs: GET /board (%s) made %d database round trips, the budget is %d", n, k.what, k.got.roundTrips, k.budget)
			}
		}
	}
	if measured[small] != measured[large] {
		t.Errorf("GET /board costs %+v at %d EMs but %+v at %d: something runs per participant", measured[small], small, measured[large], large)
	}
}
