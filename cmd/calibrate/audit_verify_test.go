package main

// `calibrate audit verify` on a real database: it passes on a fresh demo,
// and after someone with the database's keys rewrites or deletes one entry
// it exits 1 naming exactly the first entry whose link no longer holds.

import (
	"regexp"
	"strconv"
	"testing"
	"time"

	"calibrate/internal/config"
	"calibrate/internal/testkit"
)

var brokenAt = regexp.MustCompile(`^calibrate: audit chain broken at entry (\S+) \(after \d+ entries checked\)\n$`)

func TestAuditVerifyCommand(t *testing.T) {
	e := testkit.New(t) // the demo organisations, with their history
	env := map[string]string{"DATABASE_URL": e.Cfg.DatabaseURL, "CALIBRATE_JWT_KEY": string(testkit.JWTKey)}
	db := e.Store.Gorm()

	var total int64
	if err := db.Table("audit_log").Count(&total).Error; err != nil {
		t.Fatal(err)
	}
	intact := func(t *testing.T) {
		t.Helper()
		r := calibrate(env, "", "audit", "verify")
		if r.code != 0 || r.stdout != "audit log intact: "+strconv.FormatInt(total, 10)+" entries verified\n" || r.stderr != "" {
			t.Fatalf("audit verify on an intact log: %+v", r)
		}
	}
	intact(t)
	if total < 10 {
		t.Fatalf("the demo has %d audit entries; the test needs a chain to cut", total)
	}
	// broken runs the command on a tampered log and returns the entry it
	// names.
	broken := func(t *testing.T) string {
		t.Helper()
		r := calibrate(env, "", "audit", "verify")
		m := brokenAt.FindStringSubmatch(r.stderr)
		if r.code != 1 || m == nil || r.stdout != "" {
			t.Fatalf("audit verify on a tampered log: %+v", r)
		}
		return m[1]
	}

	// The log is append-only in the schema; the test is the administrator
	// who lifts that, as an attacker with the database's keys could.
	if e.Cfg.Dialect == config.Postgres {
		if err := db.Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update").Error; err != nil {
			t.Fatal(err)
		}
	} else {
		for _, trg := range []string{"audit_log_no_update", "audit_log_no_delete"} {
			if err := db.Exec("DROP TRIGGER " + trg).Error; err != nil {
				t.Fatal(err)
			}
		}
	}
	// The longest chain's middle entry, and the ones on either side of it.
	var org string
	if err := db.Table("audit_log").Select("org_id").Group("org_id").Order("COUNT(*) DESC").Limit(1).Pluck("org_id", &org).Error; err != nil {
		t.Fatal(err)
	}
	type entry struct {
		ID        string
		Seq       int64
		ActorID   *string
		Action    string
		AfterJSON *string
		At        time.Time
	}
	var chain []entry
	if err := db.Table("audit_log").Where("org_id = ?", org).Order("seq").Find(&chain).Error; err != nil {
		t.Fatal(err)
	}
	mid := chain[len(chain)/2]

	t.Run("a rewritten entry", func(t *testing.T) {
		someone := "01000000-0000-7000-8000-000000000000"
		otherActor := &someone
		if mid.ActorID != nil {
			otherActor = nil
		}
		for _, change := range []struct {
			column string
			value  any
		}{
			{"action", "tampered." + mid.Action},
			{"after_json", `{"readiness":"ready_now"}`},
			{"actor_id", otherActor},
			{"at", mid.At.Add(-time.Hour)},
		} {
			if err := db.Table("audit_log").Where("id = ?", mid.ID).Update(change.column, change.value).Error; err != nil {
				t.Fatal(err)
			}
			if got := broken(t); got != mid.ID {
				t.Errorf("changing %s of entry seq %d (%s): the command names %s", change.column, mid.Seq, mid.ID, got)
			}
			// Put it back exactly: the chain holds again.
			if err := db.Table("audit_log").Where("id = ?", mid.ID).Updates(map[string]any{
				"action": mid.Action, "after_json": mid.AfterJSON, "actor_id": mid.ActorID, "at": mid.At}).Error; err != nil {
				t.Fatal(err)
			}
			intact(t)
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
		if got := broken(t); got != next.ID {
			t.Errorf("after deleting seq %d, the command names %s, want the next entry seq %d (%s)", mid.Seq, got, next.Seq, next.ID)
		}
	})
}
