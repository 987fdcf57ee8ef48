package httpapi_test

// Bursts against the login throttle and the hasher: many attempts sent at
// once, from real goroutines through the real router, must not get more
// passwords checked than the limits allow, and a hasher that is full
// answers at once instead of making every sign-in wait.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// call is one request of a burst.
type call struct {
	path, token, addr, body string
}

// burst sends every call at once, each from its own goroutine, and returns
// the answers in order once all are back, each checked against the
// contract (on the test's goroutine, where a failure may stop the test).
func sendAtOnce(t *testing.T, srvs []http.Handler, calls []call) []*testkit.Response {
	t.Helper()
	out := make([]*testkit.Response, len(calls))
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i, c := range calls {
		req := httptest.NewRequest(http.MethodPost, c.path, strings.NewReader(c.body))
		req.Header.Set("Content-Type", "application/json")
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		req.RemoteAddr = c.addr
		wg.Go(func() {
			rec := httptest.NewRecorder()
			<-start
			srvs[i%len(srvs)].ServeHTTP(rec, req)
			out[i] = &testkit.Response{Status: rec.Code, Header: rec.Header(), Body: rec.Body.Bytes()}
		})
	}
	close(start)
	wg.Wait()
	for i, res := range out {
		testkit.ValidateResponse(t, http.MethodPost, calls[i].path, res)
	}
	return out
}

func loginBody(email, password string) string {
	return fmt.Sprintf(`{"email":%q,"password":%q}`, email, password)
}

// tally counts the answers by status, and checks every 429 says when to
// come back.
func tally(t *testing.T, rs []*testkit.Response) map[int]int {
	t.Helper()
	n := map[int]int{}
	for _, r := range rs {
		n[r.Status]++
		if (r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable) && r.Header.Get("Retry-After") == "" {
			t.Fatalf("%d without Retry-After: %s", r.Status, r.Body)
		}
	}
	return n
}

// Thirty guesses at one account at once, the right password among them:
// five are checked, the rest are refused before any hashing, and once the
// five failures stand the right password is refused too. On SQLite the
// burst is split across two servers on two connection pools, as two
// replicas (or the CLI beside a server) would be.
func TestLoginBurstChecksAtMostTheAccountLimit(t *testing.T) {
	e := testkit.New(t)
	other := e.Replica()
	const n = 30
	calls := make([]call, n)
	right := n / 2
	for i := range calls {
		pw := fmt.Sprintf("wrong-password-%d", i)
		if i == right {
			pw = demoPassword
		}
		calls[i] = call{path: secLoginPath, addr: fmt.Sprintf("198.51.100.%d:1", i), body: loginBody("dana@acme.test", pw)}
	}
	before := e.Hasher.Runs() + other.Hasher.Runs()
	rs := sendAtOnce(t, []http.Handler{e.Server, other.Server}, calls)
	checked := e.Hasher.Runs() + other.Hasher.Runs() - before
	got := tally(t, rs)
	// The right password either found the five places all taken by
	// failures, or got one of them; having succeeded it gives it back, but
	// whether a failure takes it again depends on whether one is still
	// waiting, so the failures checked are five, or four beside the success.
	if !burstWithinLimit(got, n, auth.MaxAccountFailures) {
		t.Fatalf("a burst of %d guesses answered %v; want at most %d × 401 and at most one 200, using every place, the rest 429", n, got, auth.MaxAccountFailures)
	}
	if want := int64(got[http.StatusUnauthorized] + got[http.StatusOK]); checked != want {
		t.Fatalf("%d passwords hashed for %d answers that needed a check", checked, want)
	}
	if rs[right].Status != http.StatusOK {
		wantError(t, rs[right], http.StatusTooManyRequests, "rate_limited")
	}
	// Once five failures stand, the right password is refused too; with
	// four beside the success, a place is still free and it signs in.
	res := loginFrom(e, "198.51.100.200:1", "dana@acme.test", demoPassword)
	if got[http.StatusUnauthorized] == auth.MaxAccountFailures {
		wantError(t, res, http.StatusTooManyRequests, "rate_limited")
	} else {
		wantStatus(t, res, http.StatusOK)
	}
}

// A burst from one client address over many accounts, five short of its
// limit: five are checked, the rest are refused before any hashing, and
// then the address is refused even for a right password.
func TestLoginBurstChecksAtMostTheAddressLimit(t *testing.T) {
	e := testkit.New(t)
	const attacker = "203.0.113.77"
	const left = 5
	for i := range auth.MaxClientFailures - left {
		wantError(t, loginFrom(e, fmt.Sprintf("%s:%d", attacker, 1000+i), fmt.Sprintf("guess%d@acme.test", i), "some-password"),
			http.StatusUnauthorized, "invalid_credentials")
	}
	const n = 30
	calls := make([]call, n)
	for i := range calls {
		calls[i] = call{path: secLoginPath, addr: fmt.Sprintf("%s:%d", attacker, 2000+i), body: loginBody(fmt.Sprintf("burst%d@acme.test", i), "some-password")}
	}
	calls[n/2].body = loginBody("pat@acme.test", demoPassword)
	before := e.Hasher.Runs()
	got := tally(t, sendAtOnce(t, []http.Handler{e.Server}, calls))
	if !burstWithinLimit(got, n, left) {
		t.Fatalf("a burst of %d guesses from one address %d short of its limit answered %v; want at most %d × 401 and at most one 200, using every place, the rest 429",
			n, left, got, left)
	}
	if checked, want := e.Hasher.Runs()-before, int64(got[http.StatusUnauthorized]+got[http.StatusOK]); checked != want {
		t.Fatalf("%d passwords hashed for %d answers that needed a check", checked, want)
	}
	wantError(t, loginFrom(e, attacker+":9", "pat@acme.test", demoPassword), http.StatusTooManyRequests, "rate_limited")
	wantStatus(t, loginFrom(e, "198.51.100.20:5555", "pat@acme.test", demoPassword), http.StatusOK)
}

// With a stolen access token, thirty guesses at the current password at
// once: five are checked, and then the right one is refused.
func TestPasswordChangeBurstChecksAtMostTheAccountLimit(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("alex@acme.test")
	const n = 30
	calls := make([]call, n)
	for i := range calls {
		calls[i] = call{path: "/api/v1/me/password", token: tok, addr: "192.0.2.1:1234",
			body: fmt.Sprintf(`{"current_password":"wrong-password-%d","new_password":"a-long-new-password"}`, i)}
	}
	before := e.Hasher.Runs()
	got := tally(t, sendAtOnce(t, []http.Handler{e.Server}, calls))
	if got[http.StatusUnprocessableEntity] != auth.MaxAccountFailures || got[http.StatusTooManyRequests] != n-auth.MaxAccountFailures {
		t.Fatalf("a burst of %d guesses answered %v; want %d × 422, the rest 429", n, got, auth.MaxAccountFailures)
	}
	if checked := e.Hasher.Runs() - before; checked != auth.MaxAccountFailures {
		t.Fatalf("%d passwords hashed, want %d", checked, auth.MaxAccountFailures)
	}
	res := e.Post(tok, "/api/v1/me/password", map[string]string{"current_password": demoPassword, "new_password": "a-long-new-password"})
	wantError(t, res, http.StatusTooManyRequests, "rate_limited")
}

// A full hasher answers 503 with Retry-After at once, on every route that
// hashes, and the refused attempts do not count as failures; a throttled
// account still gets its 429, which costs no hashing.
func TestFullHasherAnswersUnavailable(t *testing.T) {
	e := testkit.New(t)
	alex := e.Token("alex@acme.test")
	admin := e.Token(acmeAdmin)
	for i := range auth.MaxAccountFailures {
		wantError(t, login(e, "blair@acme.test", fmt.Sprintf("wrong-password-%d", i)), http.StatusUnauthorized, "invalid_credentials")
	}
	release := e.Hasher.Fill()
	runs := e.Hasher.Runs()
	for i := range auth.MaxAccountFailures + 1 {
		res := login(e, "dana@acme.test", fmt.Sprintf("wrong-password-%d", i))
		wantError(t, res, http.StatusServiceUnavailable, "unavailable")
		if got := res.Header.Get("Retry-After"); got != "1" {
			t.Fatalf("Retry-After %q, want 1", got)
		}
	}
	wantError(t, e.Post(alex, "/api/v1/me/password", map[string]string{"current_password": demoPassword, "new_password": "a-long-new-password"}),
		http.StatusServiceUnavailable, "unavailable")
	wantError(t, e.Post(admin, "/api/v1/users", map[string]any{"name": "Nova Quinn", "email": "nova@acme.test", "role": "em", "password": "a-long-enough-password"}),
		http.StatusServiceUnavailable, "unavailable")
	wantError(t, login(e, "blair@acme.test", demoPassword), http.StatusTooManyRequests, "rate_limited")
	if got := e.Hasher.Runs(); got != runs {
		t.Fatalf("%d hashes ran while the hasher was full", got-runs)
	}
	release()
	// Six refused attempts did not lock dana's account.
	wantStatus(t, login(e, "dana@acme.test", demoPassword), http.StatusOK)
	wantStatus(t, e.Post(alex, "/api/v1/me/password", map[string]string{"current_password": demoPassword, "new_password": "a-long-new-password"}), http.StatusOK)
}

// Five failures, then the right password: the success does not count, so
// a sixth try (right again) still signs in; and the reservations of the
// successes leave nothing behind.
func TestLoginSuccessReleasesItsAttempt(t *testing.T) {
	e := testkit.New(t)
	for range auth.MaxAccountFailures - 1 {
		wantError(t, login(e, "dana@acme.test", "wrong-password"), http.StatusUnauthorized, "invalid_credentials")
	}
	before := rowCount(t, e, "login_failures")
	for range 3 {
		wantStatus(t, login(e, "dana@acme.test", demoPassword), http.StatusOK)
	}
	if after := rowCount(t, e, "login_failures"); after != before {
		t.Fatalf("successful logins left %d attempts behind", after-before)
	}
	wantError(t, login(e, "dana@acme.test", "wrong-password"), http.StatusUnauthorized, "invalid_credentials")
	wantError(t, login(e, "dana@acme.test", demoPassword), http.StatusTooManyRequests, "rate_limited")
}

// A user keeps at most twenty sessions: the twenty-first sign-in revokes the
// oldest, whose refresh token and access token stop working at once.
func TestTwentyFirstSessionRevokesTheOldest(t *testing.T) {
	e := testkit.New(t)
	type session struct {
		token  string
		cookie *http.Cookie
	}
	var ss []session
	for range store.MaxSessions + 1 {
		tok, c := e.Login("casey@acme.test", demoPassword)
		ss = append(ss, session{tok, c})
		e.Clock.Advance(time.Second)
	}
	wantSignedOut(t, e, ss[0].token)
	wantError(t, refresh(e, ss[0].cookie), http.StatusUnauthorized, "invalid_refresh_token")
	for _, s := range ss[1:] {
		wantSignedIn(t, e, s.token)
	}
	wantStatus(t, refresh(e, ss[1].cookie), http.StatusOK)
	// Another user's sessions are not touched.
	wantSignedIn(t, e, e.Token("dana@acme.test"))
}

// Sign-ins of one user at once across the twentieth session leave exactly
// twenty live sessions: the cap holds under concurrency.
func TestConcurrentSignInsKeepTwentySessions(t *testing.T) {
	e := testkit.New(t)
	const first = store.MaxSessions - 3
	for range first {
		e.Login("casey@acme.test", demoPassword)
	}
	// As many at once as the throttle lets one account have in flight (an
	// attempt counts until it has succeeded): this is about the sessions.
	calls := make([]call, auth.MaxAccountFailures)
	for i := range calls {
		calls[i] = call{path: secLoginPath, addr: "192.0.2.1:1234", body: loginBody("casey@acme.test", demoPassword)}
	}
	for _, r := range sendAtOnce(t, []http.Handler{e.Server}, calls) {
		wantStatus(t, r, http.StatusOK)
	}
	var live int
	if err := testkit.Inspect(e).Table("sessions").Select("count(*)").
		Where("user_id = ? AND revoked_at IS NULL", e.ID("casey@acme.test")).Scan(&live).Error; err != nil {
		t.Fatal(err)
	}
	if live != store.MaxSessions {
		t.Fatalf("%d live sessions after %d sign-ins, want %d", live, first+len(calls), store.MaxSessions)
	}
}

// burstWithinLimit says whether a burst of n sign-ins with one right
// password, places left before the limit, was answered as the throttle
// promises: no more failures checked than places, at most one success,
// every place used (a success may have held one), and the rest refused
// before any check.
func burstWithinLimit(got map[int]int, n, places int) bool {
	failed, ok, refused := got[http.StatusUnauthorized], got[http.StatusOK], got[http.StatusTooManyRequests]
	return failed <= places && ok <= 1 && failed+ok >= places && refused == n-failed-ok
}
