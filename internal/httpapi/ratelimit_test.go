package httpapi_test

// The per-user limits of the expensive routes: a script's burst meets them
// (429 rate_limited with Retry-After) while the person next to it does not;
// a meeting followed in ten tabs never does; two servers on one database
// count together; CALIBRATE_RATE_LIMIT=0 turns them off. The clock is the
// server's, driven by the test.

import (
	"net/http"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/config"
	"calibrate/internal/httpapi"
	"calibrate/internal/ratelimit"
	"calibrate/internal/testkit"
)

// defaultBurst is how many calls one user may make at once on one route
// under the default CALIBRATE_RATE_LIMIT.
const defaultBurst = config.DefaultRateLimit / ratelimit.BurstShare

// withRateLimit is e answering through a server of its own, on the same
// database and clock, limited to perMinute calls a minute per user (0: off).
func withRateLimit(t *testing.T, e *testkit.Env, perMinute int) *testkit.Env {
	t.Helper()
	cfg := *e.Cfg
	cfg.RateLimit = perMinute
	other := *e
	other.Cfg = &cfg
	other.Server = httpapi.New(testkit.Deps(&cfg, e.Store, e.Clock, e.Hasher, e.Log))
	return &other
}

// burst sends n GETs of path at once, spread over the servers in turn, and
// counts the answers by status. Every 429 must carry a Retry-After of whole
// seconds, at least one.
func burst(t *testing.T, n int, tok, path string, servers ...*testkit.Env) map[int]int {
	t.Helper()
	var (
		mu     sync.Mutex
		counts = map[int]int{}
		wg     sync.WaitGroup
	)
	for i := range n {
		wg.Go(func() {
			res := servers[i%len(servers)].Get(tok, path)
			if res.Status == http.StatusTooManyRequests {
				checkRateLimited(t, res)
			}
			mu.Lock()
			counts[res.Status]++
			mu.Unlock()
		})
	}
	wg.Wait()
	return counts
}

func checkRateLimited(t testing.TB, res *testkit.Response) int {
	t.Helper()
	checkErrorShape(t, res, "rate_limited")
	secs, err := strconv.Atoi(res.Header.Get("Retry-After"))
	if err != nil || secs < 1 {
		t.Errorf("429 with Retry-After %q, want whole seconds ≥ 1", res.Header.Get("Retry-After"))
	}
	return secs
}

// A script's 300 calls in a burst meet the limit after the burst a user may
// make; the rest answer 429 with Retry-After, and pass again once it has
// passed. Another user, and the same user's other limited routes, are not
// affected.
func TestRateLimitStopsABurst(t *testing.T) {
	e := testkit.New(t)
	dana, admin := e.Token(demoDana), e.Token(acmeAdmin)
	id := calibratingCycle(t, e, dana)
	board := cyclePath(id, "board")

	got := burst(t, 300, dana, board, e)
	if got[http.StatusOK] != defaultBurst || got[http.StatusTooManyRequests] != 300-defaultBurst || len(got) != 2 {
		t.Fatalf("300 calls at once: %v, want %d × 200 and the rest 429", got, defaultBurst)
	}

	wantStatus(t, e.Get(admin, board), http.StatusOK)
	wantStatus(t, e.Get(dana, cyclePath(id, "board.csv")), http.StatusOK)

	res := e.Get(dana, board)
	wantError(t, res, http.StatusTooManyRequests, "rate_limited")
	e.Clock.Advance(time.Duration(checkRateLimited(t, res)) * time.Second)
	wantStatus(t, e.Get(dana, board), http.StatusOK)
}

// A meeting followed on one account in ten tabs, each refetching the board
// once a second (the most the web app does), all at the same instant, while
// the same person types with language hints: for a minute and a half,
// nothing is
// refused.
func TestRateLimitLetsTenTabsFollowAMeeting(t *testing.T) {
	e := testkit.New(t)
	dana := e.Token(demoDana)
	board := cyclePath(calibratingCycle(t, e, dana), "board")
	const tabs, seconds = 10, 90
	refused := 0
	for s := range seconds {
		got := burst(t, tabs, dana, board, e)
		if got[http.StatusOK] != tabs {
			refused++
			t.Errorf("second %d: ten tabs got %v", s, got)
		}
		for range 2 { // a hint request every half second of typing
			res := e.Post(dana, "/api/v1/language-hints", map[string]string{"text": "She always owns the incident review."})
			wantStatus(t, res, http.StatusOK)
			e.Clock.Advance(500 * time.Millisecond)
		}
		if refused > 3 {
			t.FailNow()
		}
	}
}

// The count lives in the database: calls spread over two servers on one
// database share one limit, rather than getting one each.
func TestRateLimitHoldsAcrossReplicas(t *testing.T) {
	e := testkit.New(t)
	other := e.Replica()
	dana := e.Token(demoDana)
	board := cyclePath(calibratingCycle(t, e, dana), "board")

	got := burst(t, 300, dana, board, e, other)
	if got[http.StatusOK] != defaultBurst || got[http.StatusTooManyRequests] != 300-defaultBurst {
		t.Fatalf("300 calls over two replicas: %v, want %d × 200 in all and the rest 429", got, defaultBurst)
	}
	// Spent on one replica is spent on the other.
	for _, srv := range []*testkit.Env{e, other} {
		wantError(t, srv.Get(dana, board), http.StatusTooManyRequests, "rate_limited")
	}
	e.Clock.Advance(time.Second)
	wantStatus(t, other.Get(dana, board), http.StatusOK)
}

// CALIBRATE_RATE_LIMIT=0 turns the limits off (a load test of the board);
// the login throttle stays.
func TestRateLimitOff(t *testing.T) {
	e := withRateLimit(t, testkit.New(t), 0)
	dana := e.Token(demoDana)
	board := cyclePath(calibratingCycle(t, e, dana), "board")
	if got := burst(t, 300, dana, board, e); got[http.StatusOK] != 300 {
		t.Fatalf("300 calls with the limits off: %v", got)
	}
	for range auth.MaxAccountFailures {
		wantError(t, login(e, "omar@acme.test", "not-the-password"), http.StatusUnauthorized, "invalid_credentials")
	}
	wantError(t, login(e, "omar@acme.test", "not-the-password"), http.StatusTooManyRequests, "rate_limited")
}

// Exactly the routes the table marks limited are: the board, its CSV, the
// roll-up's board, the packet, language hints, the audit list and the people import. At 60 a minute a user may make
// six calls at once on each, then waits a second for the next.
func TestRateLimitedRoutes(t *testing.T) {
	base := testkit.New(t)
	var limited []string
	for _, r := range base.Server.Routes() {
		if r.Limited {
			limited = append(limited, r.Method+" "+r.Path)
		}
	}
	want := []string{
		"GET /api/v1/audit", "GET /api/v1/audit.csv", "GET /api/v1/cycles/:id/board", "GET /api/v1/cycles/:id/board.csv",
		"GET /api/v1/cycles/:id/board.pdf", "GET /api/v1/cycles/:id/nine-box", "GET /api/v1/ems/:em_id/packet",
		"GET /api/v1/rollups/:id/board", "GET /api/v1/rollups/:id/nine-box",
		"POST /api/v1/language-hints", "POST /api/v1/users/import",
	}
	slices.Sort(limited)
	if !slices.Equal(limited, want) {
		t.Fatalf("limited routes %v, want %v", limited, want)
	}

	e := withRateLimit(t, base, 60)
	dana := e.Token(demoDana)
	id := calibratingCycle(t, e, dana)
	calls := map[string]func() *testkit.Response{
		"board":     func() *testkit.Response { return e.Get(dana, cyclePath(id, "board")) },
		"board.csv": func() *testkit.Response { return e.Get(dana, cyclePath(id, "board.csv")) },
		"board.pdf": func() *testkit.Response { return e.Get(dana, cyclePath(id, "board.pdf")) },
		"nine-box":  func() *testkit.Response { return e.Get(dana, cyclePath(id, "nine-box")) },
		"packet":    func() *testkit.Response { return e.Get(dana, emPath(e.ID(demoAlex), "packet")) },
		"audit":     func() *testkit.Response { return e.Get(dana, "/api/v1/audit?limit=5") },
		"hints": func() *testkit.Response {
			return e.Post(dana, "/api/v1/language-hints", map[string]string{"text": "Never late."})
		},
		// Not limited: the agenda is read as often as the board, but is cheap.
		"agenda": func() *testkit.Response { return e.Get(dana, cyclePath(id, "agenda")) },
	}
	for name, call := range calls {
		for i := range 6 {
			if res := call(); res.Status != http.StatusOK {
				t.Fatalf("%s, call %d of 6: %d %s", name, i+1, res.Status, res.Body)
			}
		}
		res := call()
		if name == "agenda" {
			wantStatus(t, res, http.StatusOK)
			continue
		}
		wantError(t, res, http.StatusTooManyRequests, "rate_limited")
		if got := res.Header.Get("Retry-After"); got != "1" {
			t.Errorf("%s: Retry-After %q, want 1 (one call a second)", name, got)
		}
	}
	e.Clock.Advance(time.Second)
	for name, call := range calls {
		wantStatus(t, call(), http.StatusOK)
		if name != "agenda" {
			wantError(t, call(), http.StatusTooManyRequests, "rate_limited")
		}
	}
}
