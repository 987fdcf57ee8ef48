package main

// `calibrate audit verify` and `calibrate audit checkpoint`, run as real
// processes against a real database that the test tampers with as someone
// holding the database's superuser but not the audit key would: rewriting,
// re-chaining (with the old plain SHA-256 formula or another key),
// inserting, deleting in the middle, deleting the newest entries, forging a
// checkpoint. Each is named; an untouched log verifies.

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// entry is an audit_log row as the database holds it.
type entry struct {
	ID         string
	OrgID      string
	Seq        int64
	ActorID    *string
	Action     string
	ObjectType string
	ObjectID   string
	CycleID    *string
	EMID       *string
	BeforeJSON *string
	AfterJSON  *string
	At         time.Time
	PrevHash   string
	Hash       string
}

// linkInput writes an entry's fields as chain links cover them; written
// here again, apart from the store, so the test does not trust it.
func linkInput(h hash.Hash, e entry) {
	field := func(s string) { h.Write([]byte(strconv.Itoa(len(s)) + ":" + s)) }
	opt := func(p *string) {
		if p == nil {
			field("\x00null")
			return
		}
		field(*p)
	}
	field(e.PrevHash)
	field(e.ID)
	field(e.OrgID)
	field(strconv.FormatInt(e.Seq, 10))
	opt(e.ActorID)
	field(e.Action)
	field(e.ObjectType)
	field(e.ObjectID)
	opt(e.CycleID)
	opt(e.BeforeJSON)
	opt(e.AfterJSON)
	field(e.At.UTC().Format(time.RFC3339Nano))
	if e.EMID != nil {
		field("em:" + *e.EMID)
	}
}

// plainSHA256 is the link of earlier versions, which anyone can compute.
func plainSHA256(e entry) string {
	h := sha256.New()
	linkInput(h, e)
	return hex.EncodeToString(h.Sum(nil))
}

// hmacUnder is a keyed link under key.
func hmacUnder(key []byte) func(entry) string {
	return func(e entry) string {
		h := hmac.New(sha256.New, key)
		linkInput(h, e)
		return hex.EncodeToString(h.Sum(nil))
	}
}

var otherKey = []byte("not-the-audit-key-0123456789abcdef-0123456")

// bin runs the built binary with env as its whole environment.
func bin(t *testing.T, env map[string]string, args ...string) result {
	t.Helper()
	path, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(path, args...)
	for k, v := range env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var out, errOut syncBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err = cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code, out.String(), errOut.String()}
}

func auditEnv(cfg *config.Config) map[string]string {
	return map[string]string{"DATABASE_URL": cfg.DatabaseURL, "CALIBRATE_JWT_KEY": string(testkit.JWTKey),
		"CALIBRATE_AUDIT_KEY": string(testkit.AuditKey), "CALIBRATE_LOG_LEVEL": "warn"}
}

// liftAppendOnly removes the schema's append-only guard, as a database
// superuser can.
func liftAppendOnly(t *testing.T, dialect config.Dialect, db *gorm.DB) {
	t.Helper()
	stmts := []string{"DROP TRIGGER audit_log_no_update", "DROP TRIGGER audit_log_no_delete"}
	if dialect == config.Postgres {
		stmts = []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"}
	}
	for _, s := range stmts {
		if err := db.Exec(s).Error; err != nil {
			t.Fatal(err)
		}
	}
}

func chainOf(t *testing.T, db *gorm.DB, org string) []entry {
	t.Helper()
	// The columns are named: the tests move the table between versions
	// of its shape, and PostgreSQL refuses a plan prepared for another.
	columns := "id, org_id, seq, actor_id, action, object_type, object_id, cycle_id, before_json, after_json, at, prev_hash, hash"
	if db.Migrator().HasColumn("audit_log", "em_id") {
		columns += ", em_id"
	}
	var chain []entry
	if err := db.Table("audit_log").Select(columns).Where("org_id = ?", org).Order("seq").Find(&chain).Error; err != nil {
		t.Fatal(err)
	}
	return chain
}

// relink recomputes the links of org's chain from seq from on with link,
// as an attacker covering an edit would.
func relink(t *testing.T, db *gorm.DB, org string, from int64, link func(entry) string) {
	t.Helper()
	chain := chainOf(t, db, org)
	for i, e := range chain {
		if e.Seq < from {
			continue
		}
		if i > 0 {
			e.PrevHash = chain[i-1].Hash
		}
		e.Hash = link(e)
		chain[i] = e
		if err := db.Table("audit_log").Where("id = ?", e.ID).Updates(map[string]any{"prev_hash": e.PrevHash, "hash": e.Hash}).Error; err != nil {
			t.Fatal(err)
		}
	}
}

// putBack replaces org's chain with a copy taken before.
func putBack(t *testing.T, db *gorm.DB, org string, chain []entry) {
	t.Helper()
	if err := db.Exec("DELETE FROM audit_log WHERE org_id = ?", org).Error; err != nil {
		t.Fatal(err)
	}
	if err := db.Table("audit_log").CreateInBatches(chain, 200).Error; err != nil {
		t.Fatal(err)
	}
}

var brokenLine = regexp.MustCompile(`^calibrate: audit chain broken: organisation (\S+), seq (\d+), (?:entry (\S+)|no entry): (.+) \(after \d+ entries checked\)\n$`)

// breakAt is what a failed verify named.
type breakAt struct {
	org    string
	seq    int64
	id     string
	reason string
}

func TestAuditVerifyCommand(t *testing.T) {
	e := testkit.New(t) // the demo organisations, with their history
	env := auditEnv(e.Cfg)
	db := testkit.Inspect(e)
	var total int64
	if err := db.Table("audit_log").Count(&total).Error; err != nil {
		t.Fatal(err)
	}
	if total < 10 {
		t.Fatalf("the demo has %d audit entries; the test needs a chain to cut", total)
	}

	intact := func(t *testing.T, entries int64, args ...string) {
		t.Helper()
		r := bin(t, env, append([]string{"audit", "verify"}, args...)...)
		want := "audit log intact: " + strconv.FormatInt(entries, 10) + " entries verified\n"
		if len(args) > 0 {
			want = strings.TrimSuffix(want, "\n") + ", reaching the checkpoint's 2 head(s)\n"
		}
		if r.code != 0 || r.stdout != want || r.stderr != "" {
			t.Fatalf("audit verify %v on an intact log: %+v", args, r)
		}
	}
	broken := func(t *testing.T, args ...string) breakAt {
		t.Helper()
		r := bin(t, env, append([]string{"audit", "verify"}, args...)...)
		m := brokenLine.FindStringSubmatch(r.stderr)
		if r.code != 1 || m == nil || r.stdout != "" {
			t.Fatalf("audit verify %v on a tampered log: %+v", args, r)
		}
		seq, _ := strconv.ParseInt(m[2], 10, 64)
		return breakAt{m[1], seq, m[3], m[4]}
	}
	intact(t, total)

	// A checkpoint taken by the operator before anything happens, kept
	// outside the database.
	r := bin(t, env, "audit", "checkpoint")
	var cp store.AuditCheckpoint
	if r.code != 0 || r.stderr != "" || json.Unmarshal([]byte(r.stdout), &cp) != nil || len(cp.Heads) != 2 {
		t.Fatalf("audit checkpoint: %+v", r)
	}
	cpFile := filepath.Join(t.TempDir(), "checkpoint.json")
	if err := os.WriteFile(cpFile, []byte(r.stdout), 0o600); err != nil {
		t.Fatal(err)
	}
	intact(t, total, "--checkpoint", cpFile)

	liftAppendOnly(t, e.Cfg.Dialect, db)
	// The longest chain's middle entry.
	var org string
	if err := db.Table("audit_log").Select("org_id").Group("org_id").Order("COUNT(*) DESC").Limit(1).Pluck("org_id", &org).Error; err != nil {
		t.Fatal(err)
	}
	chain := chainOf(t, db, org)
	mid := chain[len(chain)/2]
	newest := chain[len(chain)-1]
	names := func(t *testing.T, what string, got breakAt, want entry) {
		t.Helper()
		if got.org != org || got.seq != want.Seq || got.id != want.ID {
			t.Errorf("%s: verify names %+v, want organisation %s seq %d entry %s", what, got, org, want.Seq, want.ID)
		}
	}

	t.Run("a rewritten entry", func(t *testing.T) {
		someone := "01000000-0000-7000-8000-000000000000"
		otherActor := &someone
		if mid.ActorID != nil {
			otherActor = nil
		}
		otherEM := &someone
		if mid.EMID != nil {
			otherEM = nil
		}
		for _, change := range []struct {
			column string
			value  any
		}{
			{"action", "tampered." + mid.Action},
			{"em_id", otherEM},
			{"after_json", `{"readiness":"ready_now"}`},
			{"actor_id", otherActor},
			{"at", mid.At.Add(-time.Hour)},
		} {
			if err := db.Table("audit_log").Where("id = ?", mid.ID).Update(change.column, change.value).Error; err != nil {
				t.Fatal(err)
			}
			names(t, "changing "+change.column, broken(t), mid)
			putBack(t, db, org, chain)
			intact(t, total)
		}
	})

	t.Run("re-chained without the key", func(t *testing.T) {
		for _, formula := range []struct {
			name string
			link func(entry) string
		}{
			{"the old plain SHA-256", plainSHA256},
			{"HMAC under another key", hmacUnder(otherKey)},
		} {
			if err := db.Table("audit_log").Where("id = ?", mid.ID).Update("after_json", `{"readiness":"ready_now"}`).Error; err != nil {
				t.Fatal(err)
			}
			relink(t, db, org, mid.Seq, formula.link)
			names(t, formula.name, broken(t), mid)
			putBack(t, db, org, chain)
			intact(t, total)
		}
		// The test's own formula with the real key is what the product
		// computes: re-chaining with it (what only a key holder can do)
		// verifies, so the cases above fail for the key alone.
		relink(t, db, org, 1, hmacUnder(testkit.AuditKey))
		intact(t, total)
	})

	t.Run("an entry inserted", func(t *testing.T) {
		after := `{"readiness":"ready_now"}`
		forge := func(seq int64, prev string) entry {
			f := entry{ID: domain.NewID(), OrgID: org, Seq: seq, Action: "decision.update", ObjectType: "decision",
				ObjectID: domain.NewID(), AfterJSON: &after, At: newest.At.Add(time.Minute).UTC(), PrevHash: prev}
			f.Hash = plainSHA256(f)
			return f
		}
		// As the newest entry.
		f := forge(newest.Seq+1, newest.Hash)
		if err := db.Table("audit_log").Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		names(t, "a forged newest entry", broken(t), f)
		putBack(t, db, org, chain)

		// In the middle, the entries after it renumbered (from the end, so
		// seq stays unique at every step).
		for i := len(chain) - 1; chain[i].Seq > mid.Seq; i-- {
			if err := db.Table("audit_log").Where("id = ?", chain[i].ID).Update("seq", chain[i].Seq+1).Error; err != nil {
				t.Fatal(err)
			}
		}
		f = forge(mid.Seq+1, mid.Hash)
		if err := db.Table("audit_log").Create(&f).Error; err != nil {
			t.Fatal(err)
		}
		names(t, "an entry inserted after seq "+strconv.FormatInt(mid.Seq, 10), broken(t), f)
		putBack(t, db, org, chain)
		intact(t, total)
	})

	t.Run("the newest entries deleted", func(t *testing.T) {
		if err := db.Exec("DELETE FROM audit_log WHERE org_id = ? AND seq > ?", org, newest.Seq-3).Error; err != nil {
			t.Fatal(err)
		}
		// Without a checkpoint the shorter chain is a valid chain: this is
		// why the operator keeps checkpoints.
		intact(t, total-3)
		got := broken(t, "--checkpoint", cpFile)
		if got.org != org || got.seq != newest.Seq-2 || got.id != "" || !strings.Contains(got.reason, "the newest entries were deleted") {
			t.Errorf("verify against the checkpoint names %+v, want the missing seq %d of %s", got, newest.Seq-2, org)
		}

		// New writes (by the application, with the key) fill the seqs
		// again: the entry at the checkpoint's seq has another link.
		for i := range 3 {
			err := e.Store.Tx(context.Background(), func(ctx context.Context) error {
				return e.Store.Audit(ctx, domain.AuditEntry{OrgID: org, Action: "test.write", ObjectType: "test", ObjectID: strconv.Itoa(i)})
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		intact(t, total)
		refilled := chainOf(t, db, org)
		names(t, "a chain refilled after the checkpoint's head was deleted", broken(t, "--checkpoint", cpFile), refilled[len(refilled)-1])
		putBack(t, db, org, chain)
		intact(t, total, "--checkpoint", cpFile)
	})

	t.Run("a forged checkpoint", func(t *testing.T) {
		// The test signs as the format says; with the real key that is
		// accepted, so the refusals below are for the key or the content.
		sign := func(h store.AuditHead, key []byte) string {
			m := hmac.New(sha256.New, key)
			m.Write([]byte(store.CheckpointFormat + "\n"))
			for _, f := range []string{h.OrgID, strconv.FormatInt(h.Seq, 10), h.EntryID, h.Link, h.TakenAt.UTC().Format(time.RFC3339Nano)} {
				m.Write([]byte(strconv.Itoa(len(f)) + ":" + f))
			}
			return hex.EncodeToString(m.Sum(nil))
		}
		for _, tc := range []struct {
			name   string
			change func(h *store.AuditHead)
			ok     bool
		}{
			{"re-signed by the test with the audit key", func(h *store.AuditHead) { h.Signature = sign(*h, testkit.AuditKey) }, true},
			{"an earlier head, to hide a truncation", func(h *store.AuditHead) { h.Seq -= 3 }, false},
			{"another link", func(h *store.AuditHead) { h.Link = plainSHA256(newest) }, false},
			{"an earlier head signed with another key", func(h *store.AuditHead) { h.Seq -= 3; h.Signature = sign(*h, otherKey) }, false},
			{"no signature", func(h *store.AuditHead) { h.Signature = "" }, false},
		} {
			forged := store.AuditCheckpoint{Format: cp.Format, Heads: append([]store.AuditHead(nil), cp.Heads...)}
			for i := range forged.Heads {
				if forged.Heads[i].OrgID == org {
					tc.change(&forged.Heads[i])
				}
			}
			b, _ := json.Marshal(forged)
			file := filepath.Join(t.TempDir(), "forged.json")
			if err := os.WriteFile(file, b, 0o600); err != nil {
				t.Fatal(err)
			}
			r := bin(t, env, "audit", "verify", "--checkpoint", file)
			if tc.ok {
				if r.code != 0 {
					t.Errorf("%s: %+v", tc.name, r)
				}
				continue
			}
			if r.code != 1 || r.stdout != "" || r.stderr != "calibrate: the checkpoint's head for organisation "+org+
				" does not verify: it was altered or not signed with this audit key\n" {
				t.Errorf("%s: %+v", tc.name, r)
			}
		}
	})

	t.Run("a deleted entry", func(t *testing.T) {
		if err := db.Exec("DELETE FROM audit_log WHERE id = ?", mid.ID).Error; err != nil {
			t.Fatal(err)
		}
		next := chain[len(chain)/2+1]
		if next.Seq != mid.Seq+1 {
			t.Fatalf("the chain is not consecutive around the middle: %d, %d", mid.Seq, next.Seq)
		}
		names(t, "deleting seq "+strconv.FormatInt(mid.Seq, 10), broken(t), next)
	})
}
