package store_test

// A write that fails half-way leaves nothing behind: not the rows written
// before the failure, and no audit entry. A GORM callback makes the nth
// write statement of a request fail, for every n in turn, until the request
// no longer reaches a failing statement; each time the whole database must
// be exactly as before (compared through a backup, which dumps every table).

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/auth"
	"calibrate/internal/demo"
	"calibrate/internal/testkit"
)

var errInjected = errors.New("injected fault: the database refused this write")

// writeFault fails the nth write statement (insert, update, delete, raw
// statement) after arm, counting from 1.
type writeFault struct {
	mu     sync.Mutex
	armed  bool
	n      int
	seen   int
	failed string // the statement's kind and table, once failed
}

func injectWriteFaults(t *testing.T, db *gorm.DB) *writeFault {
	t.Helper()
	f := &writeFault{}
	hook := func(kind string) func(*gorm.DB) {
		return func(tx *gorm.DB) {
			f.mu.Lock()
			defer f.mu.Unlock()
			if !f.armed {
				return
			}
			f.seen++
			if f.seen == f.n {
				f.failed = kind + " " + tx.Statement.Table
				_ = tx.AddError(errInjected)
			}
		}
	}
	cb := db.Callback()
	const name = "test:inject_write_fault"
	for _, err := range []error{
		cb.Create().Before("gorm:create").Register(name, hook("insert")),
		cb.Update().Before("gorm:update").Register(name, hook("update")),
		cb.Delete().Before("gorm:delete").Register(name, hook("delete")),
		cb.Raw().Before("gorm:raw").Register(name, hook("raw")),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		_ = cb.Create().Remove(name)
		_ = cb.Update().Remove(name)
		_ = cb.Delete().Remove(name)
		_ = cb.Raw().Remove(name)
	})
	return f
}

func (f *writeFault) arm(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed, f.n, f.seen, f.failed = true, n, 0, ""
}

// disarm stops counting and returns the statement that failed ("" if the
// request ended before the nth write) and how many writes it made.
func (f *writeFault) disarm() (failed string, writes int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.armed = false
	return f.failed, f.seen
}

// snapshot is the whole database as a backup writes it.
func snapshot(t *testing.T, e *testkit.Env) []byte {
	t.Helper()
	var b bytes.Buffer
	if _, err := e.Store.Backup(context.Background(), &b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// sweepFaults runs write with its nth write statement failing, for n = 1,
// 2, … until write makes fewer than n writes, which must succeed. Every
// failed attempt must report failure and leave the database unchanged. It
// returns how many write statements the successful run made.
func sweepFaults(t *testing.T, e *testkit.Env, f *writeFault, write func(t *testing.T) bool) int {
	t.Helper()
	before := snapshot(t, e) // every failed attempt must leave exactly this
	for n := 1; n <= 200; n++ {
		f.arm(n)
		ok := write(t)
		failed, writes := f.disarm()
		if failed == "" {
			if !ok {
				t.Fatalf("with no fault injected (%d writes), the write failed", writes)
			}
			if n == 1 {
				t.Fatal("the write made no write statement: nothing was tested")
			}
			return writes
		}
		if ok {
			t.Fatalf("write %d (%s) failed, yet the request reported success", n, failed)
		}
		if after := snapshot(t, e); !bytes.Equal(before, after) {
			t.Fatalf("write %d (%s) failed, and the database changed:\n%s", n, failed, firstDiff(before, after))
		}
	}
	t.Fatal("more than 200 write statements")
	return 0
}

// firstDiff shows the first line that differs between two backups.
func firstDiff(a, b []byte) string {
	la, lb := bytes.Split(a, []byte("\n")), bytes.Split(b, []byte("\n"))
	for i := 0; i < len(la) || i < len(lb); i++ {
		var x, y []byte
		if i < len(la) {
			x = la[i]
		}
		if i < len(lb) {
			y = lb[i]
		}
		if !bytes.Equal(x, y) {
			return "before: " + string(x) + "\nafter:  " + string(y)
		}
	}
	return "(same lines)"
}

// internalError checks a failed write's answer: the generic 500, in the
// error shape, with nothing of the cause.
func internalError(t *testing.T, res *testkit.Response) bool {
	t.Helper()
	if res.Status < 300 {
		return true
	}
	if res.Status != http.StatusInternalServerError || res.ErrorCode() != "internal" ||
		bytes.Contains(res.Body, []byte("injected")) {
		t.Fatalf("a failed write answered %d %s", res.Status, res.Body)
	}
	return false
}

func verifyChain(t *testing.T, e *testkit.Env) {
	t.Helper()
	if broken, _, err := e.Store.VerifyAudit(context.Background()); broken != "" || err != nil {
		t.Fatalf("audit chain broken at %q (%v)", broken, err)
	}
}

func TestFailedWriteLeavesNothingBehind(t *testing.T) {
	e := testkit.New(t)
	f := injectWriteFaults(t, e.Store.Gorm())
	omar := e.Token("omar@acme.test")
	erin, finn := e.ID("erin@acme.test"), e.ID("finn@acme.test")
	var cycleID string

	t.Run("cycle creation", func(t *testing.T) {
		e := withT(e, t)
		writes := sweepFaults(t, e, f, func(t *testing.T) bool {
			res := e.Post(omar, "/api/v1/cycles", map[string]any{"name": "H1 calibration", "em_ids": []string{erin, finn},
				"co_owner_ids": []string{e.ID("dana@acme.test")}})
			if res.Status == http.StatusCreated {
				cycleID = res.JSON()["id"].(string)
			}
			return internalError(t, res)
		})
		t.Logf("a cycle is created in %d write statements", writes)
	})
	if cycleID == "" {
		t.FailNow()
	}
	if res := e.Post(omar, "/api/v1/cycles/"+cycleID+"/transition", map[string]any{"to": "input_open"}); res.Status != http.StatusOK {
		t.Fatalf("transition: %d %s", res.Status, res.Body)
	}
	criteria := frameworkKeys(t, e, omar)
	full := func(score int) []map[string]any {
		out := make([]map[string]any, len(criteria))
		for i, k := range criteria {
			out[i] = map[string]any{"criterion": k, "score": score, "evidence": "the platform migration, " + k}
		}
		return out
	}
	path := "/api/v1/cycles/" + cycleID + "/ems/" + erin + "/assessment"
	for _, tc := range []struct {
		name    string
		version int
	}{{"assessment, first write", 0}, {"assessment, rewrite", 1}} {
		t.Run(tc.name, func(t *testing.T) {
			e := withT(e, t)
			writes := sweepFaults(t, e, f, func(t *testing.T) bool {
				return internalError(t, e.Put(omar, path, map[string]any{"ratings": full(2 + tc.version), "private_note": "n", "version": tc.version}))
			})
			t.Logf("%s: %d write statements", tc.name, writes)
		})
	}
	t.Run("seed", func(t *testing.T) {
		e := withT(e, t)
		hasher := auth.NewHasher(testkit.FastArgon2)
		writes := sweepFaults(t, e, f, func(t *testing.T) bool {
			_, err := demo.Seed(context.Background(), e.Store, hasher, demo.SeedOptions{
				Org: "Initech", EMs: 3, Cycles: 1, Directors: 1, Now: testkit.Start.Add(-time.Hour)})
			if err != nil && !errors.Is(err, errInjected) {
				t.Fatalf("seed failed with %v, not the injected fault", err)
			}
			return err == nil
		})
		t.Logf("a seed is %d write statements", writes)
	})
	verifyChain(t, e)
}

// withT is e reporting to the subtest t.
func withT(e *testkit.Env, t *testing.T) *testkit.Env {
	c := *e
	c.T = t
	return &c
}

// frameworkKeys are the criteria of the organisation's default framework.
func frameworkKeys(t *testing.T, e *testkit.Env, tok string) []string {
	t.Helper()
	var l struct {
		Items []struct {
			Criteria []struct {
				Key string `json:"key"`
			} `json:"criteria"`
		} `json:"items"`
	}
	res := e.Get(tok, "/api/v1/frameworks")
	if res.Status != http.StatusOK {
		t.Fatalf("frameworks: %d %s", res.Status, res.Body)
	}
	res.Decode(t, &l)
	if len(l.Items) == 0 {
		t.Fatal("no framework")
	}
	var keys []string
	for _, c := range l.Items[0].Criteria {
		keys = append(keys, c.Key)
	}
	return keys
}
