package bench_test

// The world the benchmarks run in: one fresh PostgreSQL database on the
// server DATABASE_URL names, migrated, with synthetic organisations of 30
// and 300 EMs seeded once (demo.Seed: 9 criteria, 8 released cycles and
// the one in calibration, 3 or 30 directors co-owning every cycle) plus the
// owners' pre-reads, and the real router in front of the store.

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/config"
	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/httpapi"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// DistinctTexts makes every evidence and note of the seeded organisations
// its own, as people write them: demo.Seed draws them from a few templates,
// which would let the board's language analysis see a few dozen texts
// where a real cycle has thousands. (.ci/bench.sh runs the same.)
const DistinctTexts = `
UPDATE ratings SET evidence = evidence || ' Ref ' || substr(assessment_id, 25, 12) || '-' || criterion || '.'
WHERE length(evidence) >= 20;
UPDATE peer_notes SET body = body || ' Ref ' || substr(request_id, 25, 12) || '.'`

// Sizes are the organisations the benchmarks compare: 10× the EMs.
var sizes = []int{30, 300}

const (
	seedCycles = 8 // released cycles before the one in calibration
	emsPerDir  = 10
)

type world struct {
	cfg    *config.Config
	st     *store.Store
	srv    *httpapi.Server
	cycles *calibration.Cycles
	hasher *auth.Hasher
	orgs   map[int]*org
}

type org struct {
	name, slug string
	id         string
	cycleID    string
	lead       domain.Principal // the cycle's lead director
	token      string           // the lead's access token
	ownEMs     []string         // the lead's EMs (their director in the cycle)
}

var (
	theWorld    *world
	worldErr    error
	worldOnce   sync.Once
	worldTeardn []func()
)

// TestMain drops the benchmarks' database at the end of the run.
func TestMain(m *testing.M) {
	code := m.Run()
	for i := len(worldTeardn) - 1; i >= 0; i-- {
		worldTeardn[i]()
	}
	os.Exit(code)
}

// onPostgres skips unless DATABASE_URL names a PostgreSQL server.
func onPostgres(tb testing.TB) {
	tb.Helper()
	if testkit.Dialect() != config.Postgres {
		tb.Skip("the benchmarks run on PostgreSQL: set DATABASE_URL=postgres://…")
	}
}

// setupTB adapts a cleanup-collecting TB for testkit.NewConfig, whose
// database must outlive the first benchmark that asks for the world.
type setupTB struct {
	testing.TB
}

func (s setupTB) Cleanup(f func()) { worldTeardn = append(worldTeardn, f) }

// getWorld builds the world once per process.
func getWorld(b *testing.B) *world {
	b.Helper()
	onPostgres(b)
	worldOnce.Do(func() { theWorld, worldErr = newWorld(setupTB{b}) })
	if worldErr != nil {
		b.Fatal(worldErr)
	}
	return theWorld
}

func newWorld(tb testing.TB) (*world, error) {
	ctx := context.Background()
	cfg := testkit.NewConfig(tb)
	// The benchmarks call the board as fast as it answers, as one director:
	// the per-user limits are off, as in the load run (CALIBRATE_RATE_LIMIT=0).
	// boardRoundTrips turns them back on to count a request as served.
	cfg.RateLimit = 0
	log := quietLog
	clock := domain.SystemClock{}
	st, err := store.Open(cfg, clock, log)
	if err != nil {
		return nil, err
	}
	worldTeardn = append(worldTeardn, func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		return nil, err
	}
	// The server's real argon2 cost: the login benchmark measures it.
	hasher := auth.NewHasher(auth.DefaultArgon2)
	w := &world{cfg: cfg, st: st, hasher: hasher, orgs: map[int]*org{}}
	w.srv = httpapi.New(testkit.Deps(cfg, st, clock, hasher, log))
	w.cycles = calibration.NewCycles(st, clock)
	for _, n := range sizes {
		start := time.Now()
		o, err := w.seed(ctx, n)
		if err != nil {
			return nil, err
		}
		w.orgs[n] = o
		fmt.Fprintf(os.Stderr, "bench: seeded %s (%d EMs × 9 criteria × %d cycles) in %s\n",
			o.name, n, seedCycles+1, time.Since(start).Round(time.Millisecond))
	}
	for _, stmt := range strings.Split(DistinctTexts, ";") {
		if err := st.Gorm().Exec(stmt).Error; err != nil {
			return nil, err
		}
	}
	// What autovacuum would do within a minute of a bulk load: the planner
	// sees the tables as they are.
	if err := st.Gorm().Exec("VACUUM ANALYZE").Error; err != nil {
		return nil, err
	}
	return w, nil
}

func (w *world) seed(ctx context.Context, ems int) (*org, error) {
	return w.seedNamed(ctx, fmt.Sprintf("Bench%d", ems), ems, seedCycles)
}

// seedNamed seeds organisation name (letters and digits only: its slug is
// it lower-cased) with ems EMs and cycles released cycles before the one in
// calibration.
func (w *world) seedNamed(ctx context.Context, name string, ems, cycles int) (*org, error) {
	o := &org{name: name, slug: strings.ToLower(name)}
	res, err := demo.Seed(ctx, w.st, w.hasher, demo.SeedOptions{Org: o.name, EMs: ems, Cycles: cycles,
		Directors: max(1, ems/emsPerDir), Now: time.Now().UTC()})
	if err != nil {
		return nil, err
	}
	o.id = res.OrgID
	lead, err := w.st.UserByEmail(ctx, "director@"+o.slug+".test")
	if err != nil {
		return nil, err
	}
	o.lead = domain.Principal{UserID: lead.ID, OrgID: lead.OrgID, Role: lead.Role}
	list, err := w.st.ListCycles(ctx, domain.CycleFilter{OrgID: o.id, State: domain.StateCalibrating}, domain.Page{Limit: 10})
	if err != nil {
		return nil, err
	}
	if len(list.Items) != 1 {
		return nil, fmt.Errorf("%s: %d cycles in calibration", o.name, len(list.Items))
	}
	c := list.Items[0]
	o.cycleID = c.ID
	for _, p := range c.Participants {
		if p.DirectorID == lead.ID {
			o.ownEMs = append(o.ownEMs, p.EMID)
		}
	}
	if err := addPrereads(ctx, w.st, c); err != nil {
		return nil, err
	}
	o.token, err = w.login("director@"+o.slug+".test", demo.DemoPassword)
	return o, err
}

// longHistory is the 300-EM organisation with 20 released cycles before
// the one in calibration, seeded into the world on first use (only the
// benchmark comparing history lengths needs it).
func (w *world) longHistory(b *testing.B) *org {
	b.Helper()
	longOnce.Do(func() {
		ctx := context.Background()
		start := time.Now()
		longOrg, longErr = w.seedNamed(ctx, "Bench300x20", 300, longCycles)
		// Distinct texts as the other organisations have (DistinctTexts,
		// for this organisation's rows only).
		for _, stmt := range []string{`
UPDATE ratings SET evidence = evidence || ' Ref ' || substr(assessment_id, 25, 12) || '-' || criterion || '.'
WHERE length(evidence) >= 20 AND assessment_id IN
  (SELECT a.id FROM assessments a JOIN cycles c ON c.id = a.cycle_id WHERE c.org_id = ?)`, `
UPDATE peer_notes SET body = body || ' Ref ' || substr(request_id, 25, 12) || '.'
WHERE cycle_id IN (SELECT id FROM cycles WHERE org_id = ?)`, "VACUUM ANALYZE"} {
			if longErr != nil {
				break
			}
			if strings.Contains(stmt, "?") {
				longErr = w.st.Gorm().Exec(stmt, longOrg.id).Error
			} else {
				longErr = w.st.Gorm().Exec(stmt).Error
			}
		}
		fmt.Fprintf(os.Stderr, "bench: seeded Bench300x20 (300 EMs × 9 criteria × %d cycles) in %s\n",
			longCycles+1, time.Since(start).Round(time.Millisecond))
	})
	if longErr != nil {
		b.Fatal(longErr)
	}
	return longOrg
}

const longCycles = 20

var (
	longOrg  *org
	longErr  error
	longOnce sync.Once
)

// addPrereads has every owner but the EM's own director pre-read one EM in
// five, a few of them with a question and a comment: what a board meeting
// finds the day before.
func addPrereads(ctx context.Context, st *store.Store, c domain.Cycle) error {
	stances := []domain.Stance{domain.StanceAgree, domain.StanceAgree, domain.StanceAgree, domain.StanceQuestion, domain.StanceAbstain}
	for i, p := range c.Participants {
		if i%5 != 0 {
			continue
		}
		for j, owner := range c.Owners {
			if owner == p.DirectorID || j > 3 {
				continue
			}
			s := stances[(i+j)%len(stances)]
			var comment *string
			if s == domain.StanceQuestion {
				v := "The delivery evidence reads thin next to the peer notes; worth two minutes."
				comment = &v
			}
			if err := st.SavePreread(ctx, &domain.Preread{OrgID: c.OrgID, CycleID: c.ID, EMID: p.EMID, OwnerID: owner, Stance: s, Comment: comment}); err != nil {
				return err
			}
		}
	}
	return nil
}

var quietLog = slog.New(slog.NewTextHandler(io.Discard, nil))

func (w *world) do(method, path, token, body string) *httptest.ResponseRecorder {
	return do(w.srv, method, path, token, body)
}

// do sends one request through a router.
func do(srv http.Handler, method, path, token, body string) *httptest.ResponseRecorder {
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	return rec
}

func (w *world) login(email, password string) (string, error) {
	rec := w.do(http.MethodPost, "/api/v1/auth/login", "", fmt.Sprintf(`{"email":%q,"password":%q}`, email, password))
	if rec.Code != http.StatusOK {
		return "", fmt.Errorf("login %s: %d %s", email, rec.Code, rec.Body)
	}
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := jsonUnmarshal(rec.Body.Bytes(), &tok); err != nil {
		return "", err
	}
	return tok.AccessToken, nil
}
