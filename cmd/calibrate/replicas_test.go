package main

// Two server processes on one PostgreSQL, as behind a load balancer that
// spreads clients over both: everything that must hold across processes
// does, under concurrent load. Every wait has a deadline; nothing sleeps to
// let the other process catch up.

import (
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"calibrate/internal/config"
)

// replicaClient is the clients' HTTP client: every call has a deadline.
var replicaClient = &http.Client{Timeout: 20 * time.Second}

// answer is one call's status, Retry-After and body.
type answer struct {
	status int
	retry  string
	body   []byte
}

// send makes one call; a transport failure fails the test (from any
// goroutine) and answers status 0.
func (p *serverProcess) send(t *testing.T, tok, method, path, body string, header map[string]string) answer {
	req, err := http.NewRequest(method, p.base+path, strings.NewReader(body))
	if err != nil {
		t.Error(err)
		return answer{}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := replicaClient.Do(req)
	if err != nil {
		t.Errorf("%s %s: %v", method, path, err)
		return answer{}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return answer{status: res.StatusCode, retry: res.Header.Get("Retry-After"), body: raw}
}

func (a answer) code() string {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	_ = json.Unmarshal(a.body, &e)
	return e.Error.Code
}

func TestTwoProcessesOnOnePostgres(t *testing.T) {
	env, cfg := dbEnv(t)
	if cfg.Dialect != config.Postgres {
		t.Skip("several server processes share one PostgreSQL; SQLite serves one process")
	}
	env["CALIBRATE_DRAIN_SECONDS"] = "0"
	// Six calls at once, then one a second, on the limited routes.
	env["CALIBRATE_RATE_LIMIT"] = "60"
	a := startServer(t, env)
	b := startReplica(t, env)
	servers := []*serverProcess{a, b}
	dirTok, cycle := eventCycle(t, env, a)
	db, err := sql.Open("pgx", cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	t.Run("events and the audit chain under load", func(t *testing.T) {
		// A stream on each process; writes spread over both.
		streams := []*sse{a.openStream(t, dirTok, cycle), b.openStream(t, dirTok, cycle)}
		var emDir struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		a.call(t, dirTok, http.MethodGet, "/api/v1/directory?role=em", "", http.StatusOK, &emDir)
		em := emDir.Items[0].ID
		var fw struct {
			Items []struct {
				Criteria []struct {
					Key string `json:"key"`
				} `json:"criteria"`
			} `json:"items"`
		}
		a.call(t, dirTok, http.MethodGet, "/api/v1/frameworks", "", http.StatusOK, &fw)
		criterion := fw.Items[0].Criteria[0].Key

		// The streams follow what comes after the cycle's last entry.
		var head int64
		if err := db.QueryRow(`SELECT COALESCE(max(seq), 0) FROM audit_log WHERE cycle_id = $1`, cycle).Scan(&head); err != nil {
			t.Fatal(err)
		}

		const clients, writes = 8, 6
		var wg sync.WaitGroup
		for c := range clients {
			wg.Go(func() {
				for w := range writes {
					p := servers[(c+w)%2]
					var res answer
					if w%2 == 0 {
						res = p.send(t, dirTok, http.MethodPatch, "/api/v1/cycles/"+cycle,
							`{"name":"Spring `+strconv.Itoa(c)+`.`+strconv.Itoa(w)+`"}`, nil)
					} else {
						res = p.send(t, dirTok, http.MethodPost, "/api/v1/ems/"+em+"/plan",
							`{"criterion":"`+criterion+`","action":"Plan step `+strconv.Itoa(c)+`.`+strconv.Itoa(w)+`"}`, nil)
					}
					if res.status != http.StatusOK && res.status != http.StatusCreated {
						t.Errorf("client %d write %d on %s: %d %s", c, w, p.base, res.status, res.body)
					}
				}
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}

		// One chain per organisation: seqs unique and gapless, every link
		// verified by the command an operator runs.
		rows, err := db.Query(`SELECT org_id, count(*), count(DISTINCT seq), min(seq), max(seq) FROM audit_log GROUP BY org_id`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var org string
			var n, distinct, lo, hi int64
			if err := rows.Scan(&org, &n, &distinct, &lo, &hi); err != nil {
				t.Fatal(err)
			}
			if n != distinct || lo != 1 || hi != n {
				t.Errorf("organisation %s: %d entries, %d distinct seqs from %d to %d; want 1..%d once each", org, n, distinct, lo, hi, n)
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if r := calibrate(env, "", "audit", "verify"); r.code != 0 || !strings.HasPrefix(r.stdout, "audit log intact: ") {
			t.Errorf("audit verify after load over two processes: %+v", r)
		}

		// Each stream got every change of the cycle, whichever process
		// made it, in order.
		var want []string
		ids, err := db.Query(`SELECT seq FROM audit_log WHERE cycle_id = $1 AND seq > $2 AND action LIKE 'cycle.%' ORDER BY seq`,
			cycle, head)
		if err != nil {
			t.Fatal(err)
		}
		defer ids.Close()
		for ids.Next() {
			var seq int64
			if err := ids.Scan(&seq); err != nil {
				t.Fatal(err)
			}
			want = append(want, strconv.FormatInt(seq, 10))
		}
		if err := ids.Err(); err != nil {
			t.Fatal(err)
		}
		renames := clients * writes / 2
		if len(want) != renames {
			t.Fatalf("%d cycle entries in the audit log after %d renames", len(want), renames)
		}
		for i, s := range streams {
			for _, id := range want {
				if got := s.nextID(t); got != id {
					t.Fatalf("stream on %s: event %s, want %s", servers[i].base, got, id)
				}
			}
		}
	})

	t.Run("one Idempotency-Key sent to both at once creates once", func(t *testing.T) {
		var emDir struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		a.call(t, dirTok, http.MethodGet, "/api/v1/directory?role=em", "", http.StatusOK, &emDir)
		path := "/api/v1/ems/" + emDir.Items[0].ID + "/plan"
		var before struct {
			Items []json.RawMessage `json:"items"`
		}
		a.call(t, dirTok, http.MethodGet, path+"?limit=100", "", http.StatusOK, &before)
		var fw struct {
			Items []struct {
				Criteria []struct {
					Key string `json:"key"`
				} `json:"criteria"`
			} `json:"items"`
		}
		a.call(t, dirTok, http.MethodGet, "/api/v1/frameworks", "", http.StatusOK, &fw)
		body := `{"criterion":"` + fw.Items[0].Criteria[0].Key + `","action":"Clicked twice"}`
		key := map[string]string{"Idempotency-Key": "double-click-across-processes"}

		const each = 4 // per process, all at once
		answers := make([]answer, 2*each)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() { answers[i] = servers[i%2].send(t, dirTok, http.MethodPost, path, body, key) })
		}
		wg.Wait()
		created := map[string]bool{}
		for i, res := range answers {
			switch {
			case res.status == http.StatusCreated:
				var item struct {
					ID string `json:"id"`
				}
				_ = json.Unmarshal(res.body, &item)
				created[item.ID] = true
			case res.status == http.StatusConflict && res.code() == "idempotency_in_progress":
			default:
				t.Errorf("call %d on %s: %d %s, want 201 or 409 idempotency_in_progress", i, servers[i%2].base, res.status, res.body)
			}
		}
		if len(created) != 1 {
			t.Fatalf("%d plan items answered for one key, want 1: %v", len(created), created)
		}
		// Sent again to either, the first answer comes back.
		for _, p := range servers {
			res := p.send(t, dirTok, http.MethodPost, path, body, key)
			var item struct {
				ID string `json:"id"`
			}
			_ = json.Unmarshal(res.body, &item)
			if res.status != http.StatusCreated || !created[item.ID] {
				t.Errorf("the key again on %s: %d %s", p.base, res.status, res.body)
			}
		}
		var after struct {
			Items []json.RawMessage `json:"items"`
		}
		b.call(t, dirTok, http.MethodGet, path+"?limit=100", "", http.StatusOK, &after)
		if len(after.Items) != len(before.Items)+1 {
			t.Errorf("the plan has %d items after one create, had %d", len(after.Items), len(before.Items))
		}
	})

	t.Run("the login throttle counts failures on both", func(t *testing.T) {
		const pw = "a long enough password\n"
		if r := calibrate(env, pw, "user", "create", "--org", "Initech", "--email", "tess@initech.test", "--name", "Tess",
			"--role", "director"); r.code != 0 {
			t.Fatalf("user create: %+v", r)
		}
		// Ten wrong passwords at once, five to each process: the account's
		// five failures are counted once, across both.
		answers := make([]answer, 10)
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() {
				answers[i] = servers[i%2].send(t, "", http.MethodPost, "/api/v1/auth/login",
					`{"email":"tess@initech.test","password":"not the password `+strconv.Itoa(i)+`"}`, nil)
			})
		}
		wg.Wait()
		by := map[int]int{}
		for i, res := range answers {
			by[res.status]++
			if res.status == http.StatusTooManyRequests && res.retry == "" {
				t.Errorf("call %d: 429 without Retry-After", i)
			}
		}
		if by[http.StatusUnauthorized] != 5 || by[http.StatusTooManyRequests] != 5 {
			t.Fatalf("ten failed logins over two processes: %v, want 5 × 401 and 5 × 429", by)
		}
		// Now the right password is refused too, on either.
		for _, p := range servers {
			res := p.send(t, "", http.MethodPost, "/api/v1/auth/login", `{"email":"tess@initech.test","password":"a long enough password"}`, nil)
			if res.status != http.StatusTooManyRequests || res.code() != "rate_limited" || res.retry == "" {
				t.Errorf("the right password on %s while throttled: %d %s", p.base, res.status, res.body)
			}
		}
	})

	t.Run("rate limits are counted on both", func(t *testing.T) {
		tok := a.login(t)
		answers := make([]answer, 12)
		start := time.Now()
		var wg sync.WaitGroup
		for i := range answers {
			wg.Go(func() { answers[i] = servers[i%2].send(t, tok, http.MethodGet, "/api/v1/audit?limit=1", "", nil) })
		}
		wg.Wait()
		by := map[int]int{}
		for _, res := range answers {
			by[res.status]++
			// The next call is due within a second; the wait is measured
			// from when each process read its clock, before it waited its
			// turn on the shared count, so rounded up it may read 2.
			if res.status == http.StatusTooManyRequests && res.retry != "1" && res.retry != "2" {
				t.Errorf("429 with Retry-After %q, want 1 (or 2)", res.retry)
			}
		}
		// One call a second comes back while the calls run.
		most := 6 + int(time.Since(start)/time.Second)
		if ok := by[http.StatusOK]; ok < 6 || ok > most || ok+by[http.StatusTooManyRequests] != len(answers) {
			t.Errorf("12 calls over two processes: %v, want 6 (at most %d) × 200 and the rest 429", by, most)
		}
	})

	t.Run("a session revoked on one is refused on the other", func(t *testing.T) {
		tok := a.loginAs(t, "dir@initech.test")
		b.call(t, tok, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
		a.call(t, tok, http.MethodPost, "/api/v1/auth/logout", "", http.StatusNoContent, nil)
		res := b.send(t, tok, http.MethodGet, "/api/v1/me", "", nil)
		if res.status != http.StatusUnauthorized || res.code() != "unauthenticated" {
			t.Errorf("a revoked session on the other process: %d %s", res.status, res.body)
		}
		// The other sessions of the account are untouched.
		b.call(t, dirTok, http.MethodGet, "/api/v1/me", "", http.StatusOK, nil)
	})
}

// nextID is the id of the stream's next event, within ten seconds.
func (s *sse) nextID(t *testing.T) string {
	t.Helper()
	select {
	case d := <-s.data:
		var ev struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(d), &ev); err != nil {
			t.Fatalf("event data %q: %v", d, err)
		}
		return ev.ID
	case <-s.ended:
		t.Fatal("the stream ended")
	case <-time.After(10 * time.Second):
		t.Fatal("no event within 10 s")
	}
	return ""
}
