package httpapi_test

// Creates sent with an Idempotency-Key: a double click or a retry makes one
// object and gets the first answer again, on one server or two.

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"calibrate/internal/httpapi"
	"calibrate/internal/idempotency"
	"calibrate/internal/testkit"
)

// keyed posts body to path as token with an Idempotency-Key.
func keyed(e *testkit.Env, token, path, key string, body any) *testkit.Response {
	e.T.Helper()
	return e.Do(testkit.Request{Method: http.MethodPost, Path: path, Token: token, Body: body,
		Header: http.Header{httpapi.IdempotencyKeyHeader: {key}}})
}

// rows counts the rows of a table.
func rows(t *testing.T, e *testkit.Env, table string) int64 {
	t.Helper()
	var n int64
	if err := testkit.Inspect(e).Table(table).Count(&n).Error; err != nil {
		t.Fatalf("counting %s: %v", table, err)
	}
	return n
}

func sameAnswer(t *testing.T, what string, got, first *testkit.Response) {
	t.Helper()
	if got.Status != first.Status || !bytes.Equal(got.Body, first.Body) {
		t.Errorf("%s: got %d %s, want the first answer again: %d %s", what, got.Status, got.Body, first.Status, first.Body)
	}
}

// TestIdempotentDoubleClickCreatesOneCycle: a director's "Create cycle"
// sent eight times at once with one key, to two servers on one database,
// makes one cycle; every answer is that cycle or 409
// idempotency_in_progress, never em_in_active_cycle.
func TestIdempotentDoubleClickCreatesOneCycle(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup()
	servers := []*testkit.Env{e.Env, e.Replica()}
	tess := e.tok("tess@acme.test")
	body := map[string]any{"name": "Tess's H2", "em_ids": []string{e.ID("tara@acme.test")}}
	before := rows(t, e.Env, "cycles")

	const clicks = 8
	answers := make([]*testkit.Response, clicks)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clicks {
		wg.Go(func() {
			<-start
			answers[i] = keyed(servers[i%2], tess, "/api/v1/cycles", "click-7f3a", body)
		})
	}
	close(start)
	wg.Wait()

	if got := rows(t, e.Env, "cycles") - before; got != 1 {
		t.Fatalf("%d clicks with one key made %d cycles, want 1", clicks, got)
	}
	var first *testkit.Response
	for _, a := range answers {
		switch {
		case a.Status == http.StatusCreated && first == nil:
			first = a
		case a.Status == http.StatusCreated:
			sameAnswer(t, "a concurrent repeat", a, first)
		case a.Status == http.StatusConflict && a.ErrorCode() == "idempotency_in_progress":
		default:
			t.Errorf("a click answered %d %s", a.Status, a.Body)
		}
	}
	if first == nil {
		t.Fatal("no click got the created cycle")
	}
	// Once answered, every repeat, on either server, is the first answer.
	for _, s := range servers {
		sameAnswer(t, "a repeat after the answer", keyed(s, tess, "/api/v1/cycles", "click-7f3a", body), first)
	}
	if got := rows(t, e.Env, "cycles") - before; got != 1 {
		t.Errorf("the repeats made %d cycles, want 1", got)
	}
	// Without a key the same body is a new create, refused as before.
	if res := e.Post(tess, "/api/v1/cycles", body); res.Status != http.StatusConflict || res.ErrorCode() != "em_in_active_cycle" {
		t.Errorf("the same cycle again without a key: %d %s, want 409 em_in_active_cycle", res.Status, res.Body)
	}
}

// TestIdempotentEveryCreate: each create the route table marks idempotent
// answers a repeat with its first answer and makes one object.
func TestIdempotentEveryCreate(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup()
	admin, tess := e.tok(acmeAdmin), e.tok("tess@acme.test")
	cycle := e.newCycle("tess@acme.test", []string{"tara@acme.test"}, nil)
	// A roll-up: a director above the owner of a finalized cycle.
	e.addUser(acmeAdmin, "ulla@acme.test", "Ulla Vance", "director", "")
	e.addUser(acmeAdmin, "ines@acme.test", "Ines Moreau", "director", "ulla@acme.test")
	e.addUser(acmeAdmin, "ema@acme.test", "Ema Stone", "em", "ines@acme.test")
	source := e.newCycle("ines@acme.test", []string{"ema@acme.test"}, nil)
	source.advanceTo("finalized")
	cases := []struct {
		path, table, token string
		body               map[string]any
	}{
		{"/api/v1/users", "users", admin, map[string]any{"name": "Ida Keyes", "email": "ida@acme.test", "role": "peer",
			"password": demoPassword}},
		{"/api/v1/frameworks", "frameworks", admin, map[string]any{"name": "Keyed framework",
			"scale":    map[string]any{"min": 1, "max": 2, "bar": 2, "labels": []string{"no", "yes"}},
			"criteria": []map[string]any{{"key": "impact", "title": "Impact"}}}},
		{"/api/v1/cycles", "cycles", tess, map[string]any{"name": "Another", "em_ids": []string{}}},
		{cycle.path("peer-requests"), "peer_requests", tess, map[string]any{"em_id": e.ID("tara@acme.test"),
			"peer_id": e.ID("pat@acme.test")}},
		{"/api/v1/ems/" + e.ID("tara@acme.test") + "/plan", "plan_items", tess, map[string]any{
			"criterion": "manager_mentoring", "action": "Mentor a new lead."}},
		{"/api/v1/rollups", "rollups", e.tok("ulla@acme.test"), map[string]any{"name": "Keyed roll-up",
			"source_cycle_ids": []string{source.id}}},
	}
	covered := map[string]bool{}
	for _, c := range cases {
		before := rows(t, e.Env, c.table)
		first := keyed(e.Env, c.token, c.path, "k-"+c.table, c.body)
		if first.Status != http.StatusCreated {
			t.Errorf("POST %s: %d %s", c.path, first.Status, first.Body)
			continue
		}
		sameAnswer(t, "POST "+c.path+" again", keyed(e.Env, c.token, c.path, "k-"+c.table, c.body), first)
		if got := rows(t, e.Env, c.table) - before; got != 1 {
			t.Errorf("POST %s twice with one key made %d rows of %s, want 1", c.path, got, c.table)
		}
		covered[c.table] = true
	}
	var idempotent int
	for _, r := range e.Server.Routes() {
		if r.Idempotent {
			idempotent++
		}
	}
	if idempotent != len(cases) {
		t.Errorf("the route table has %d idempotent routes, this test covers %d", idempotent, len(cases))
	}
}

// TestIdempotencyKeyRules: another body with the key, another user with the
// key, a failed first answer, a request still being answered, expiry, and a
// malformed key.
func TestIdempotencyKeyRules(t *testing.T) {
	e := testkit.New(t)
	alex, dana := e.Token("alex@acme.test"), e.Token("dana@acme.test")
	path := "/api/v1/ems/" + e.ID("alex@acme.test") + "/plan"
	item := map[string]any{"criterion": "manager_mentoring", "action": "Mentor a new lead."}
	count := func() int64 { return rows(t, e, "plan_items") }
	n := count()

	first := keyed(e, alex, path, "k1", item)
	if first.Status != http.StatusCreated {
		t.Fatalf("first: %d %s", first.Status, first.Body)
	}
	n++

	t.Run("the key with another body is refused", func(t *testing.T) {
		other := map[string]any{"criterion": "manager_mentoring", "action": "Something else."}
		res := keyed(e, alex, path, "k1", other)
		if res.Status != http.StatusUnprocessableEntity || res.ErrorCode() != "idempotency_key_reused" {
			t.Errorf("got %d %s, want 422 idempotency_key_reused", res.Status, res.Body)
		}
		if count() != n {
			t.Error("a refused key created an item")
		}
	})

	t.Run("another user's key of the same value is another key", func(t *testing.T) {
		res := keyed(e, dana, path, "k1", item)
		if res.Status != http.StatusCreated || bytes.Equal(res.Body, first.Body) {
			t.Errorf("got %d %s, want a new item", res.Status, res.Body)
		}
		n++
		if count() != n {
			t.Errorf("%d items, want %d", count(), n)
		}
	})

	t.Run("without a key every request creates", func(t *testing.T) {
		for range 2 {
			if res := e.Post(alex, path, item); res.Status != http.StatusCreated {
				t.Fatalf("got %d %s", res.Status, res.Body)
			}
		}
		n += 2
		if count() != n {
			t.Errorf("%d items, want %d", count(), n)
		}
	})

	t.Run("a failed first answer frees the key", func(t *testing.T) {
		res := keyed(e, alex, path, "k2", map[string]any{"criterion": "nope", "action": "Mentor a new lead."})
		if res.Status != http.StatusUnprocessableEntity || res.ErrorCode() != "validation_failed" {
			t.Fatalf("an invalid item: %d %s", res.Status, res.Body)
		}
		if res := keyed(e, alex, path, "k2", item); res.Status != http.StatusCreated {
			t.Fatalf("the corrected item with the same key: %d %s", res.Status, res.Body)
		}
		n++
	})

	t.Run("a repeat while the first is answered does nothing", func(t *testing.T) {
		body, _ := json.Marshal(item)
		fp := idempotency.Fingerprint(http.MethodPost, path, body)
		now := e.Clock.Now().UnixMicro()
		u, err := e.Store.UserByEmail(context.Background(), "alex@acme.test")
		if err != nil {
			t.Fatal(err)
		}
		claimed, _, err := e.Store.ClaimIdempotencyKey(context.Background(), u.OrgID, u.ID, "k3", fp, now, 0, 0)
		if err != nil || !claimed {
			t.Fatalf("claiming k3: %v %v", claimed, err)
		}
		res := keyed(e, alex, path, "k3", item)
		if res.Status != http.StatusConflict || res.ErrorCode() != "idempotency_in_progress" {
			t.Errorf("got %d %s, want 409 idempotency_in_progress", res.Status, res.Body)
		}
		if count() != n {
			t.Error("a repeat in progress created an item")
		}
		// A claim left by a server that stopped mid-request is taken over
		// once its lease is over.
		e.Clock.Advance(idempotency.Lease + time.Second)
		if res := keyed(e, alex, path, "k3", item); res.Status != http.StatusCreated {
			t.Errorf("after the lease: %d %s", res.Status, res.Body)
		}
		n++
	})

	t.Run("a malformed key is a bad request", func(t *testing.T) {
		for _, k := range []string{"has space", "\"quoted\"", strings.Repeat("k", 129)} {
			if res := keyed(e, alex, path, k, item); res.Status != http.StatusBadRequest {
				t.Errorf("key %q: %d %s, want 400", k, res.Status, res.Body)
			}
		}
	})
	t.Run("keys expire after a day and are swept", func(t *testing.T) {
		if sameAnswer(t, "within the day", keyed(e, alex, path, "k1", item), first); count() != n {
			t.Fatal("a replay created an item")
		}
		e.Clock.Advance(idempotency.TTL + time.Hour)
		alex := e.Token("alex@acme.test") // the morning's session has expired
		res := keyed(e, alex, path, "k1", item)
		if res.Status != http.StatusCreated || bytes.Equal(res.Body, first.Body) {
			t.Errorf("a day later: %d %s, want a new item", res.Status, res.Body)
		}
		if left := rows(t, e, "idempotency_keys"); left != 1 {
			t.Errorf("%d keys left after a day, want only the new k1", left)
		}
	})

}
