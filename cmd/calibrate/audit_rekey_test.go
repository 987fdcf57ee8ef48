package main

// The upgrade that keys the audit chain: a database an earlier version
// left (plain SHA-256 links, migration 00007 not applied) is re-keyed by
// the first `calibrate migrate` with the key, once, with an entry per
// organisation that says so; a chain already broken is refused, not
// blessed. And a running server logs checkpoints that verify.

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pressly/goose/v3"
	"gorm.io/gorm"

	"calibrate/internal/config"
	"calibrate/internal/testkit"
	"calibrate/migrations"
)

// olderDatabase turns the demo database into what the version before keyed
// links left: every chain relinked with plain SHA-256, migration 00007 and
// those after it undone, the append-only guard in place.
func olderDatabase(t *testing.T, dialect config.Dialect, db *gorm.DB) (counts map[string]int) {
	t.Helper()
	liftAppendOnly(t, dialect, db)
	// That version named no EM on its entries.
	if err := db.Exec("UPDATE audit_log SET em_id = NULL").Error; err != nil {
		t.Fatal(err)
	}
	var orgs []string
	if err := db.Table("audit_log").Distinct("org_id").Pluck("org_id", &orgs).Error; err != nil {
		t.Fatal(err)
	}
	counts = map[string]int{}
	for _, org := range orgs {
		relink(t, db, org, 1, plainSHA256)
		counts[org] = len(chainOf(t, db, org))
	}
	guard := []string{
		"CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
		"CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;",
	}
	if dialect == config.Postgres {
		guard = []string{"ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update"}
	}
	// Undo 00007 and every migration after it, as goose would going down.
	sub, err := fs.Sub(migrations.FS, string(dialect))
	if err != nil {
		t.Fatal(err)
	}
	gooseDialect := goose.DialectSQLite3
	if dialect == config.Postgres {
		gooseDialect = goose.DialectPostgres
	}
	sqlDB, err := db.DB()
	if err != nil {
		t.Fatal(err)
	}
	p, err := goose.NewProvider(gooseDialect, sqlDB, sub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(context.Background(), keyedAuditMigration-1); err != nil {
		t.Fatalf("migrating down to %d: %v", keyedAuditMigration-1, err)
	}
	for _, s := range guard {
		if err := db.Exec(s).Error; err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	return counts
}

// keyedAuditMigration is the migration that brings keyed links.
const keyedAuditMigration = 7

// migrationsSince counts the migrations from version v on: what the
// first migrate after an upgrade from before v applies.
func migrationsSince(t *testing.T, dialect config.Dialect, v int) int {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, string(dialect))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range entries {
		digits, _, _ := strings.Cut(e.Name(), "_")
		if num, err := strconv.Atoi(digits); err == nil && num >= v {
			n++
		}
	}
	return n
}

func TestAuditRekeyAtUpgrade(t *testing.T) {
	e := testkit.New(t)
	env := auditEnv(e.Cfg)
	env["CALIBRATE_LOG_LEVEL"] = "info"
	db := testkit.Inspect(e)
	counts := olderDatabase(t, e.Cfg.Dialect, db)
	total := 0
	for _, n := range counts {
		total += n
	}

	r := bin(t, env, "migrate")
	if want := fmt.Sprintf("applied %d migration(s)\n", migrationsSince(t, e.Cfg.Dialect, keyedAuditMigration)); r.code != 0 || r.stdout != want {
		t.Fatalf("migrate: %+v", r)
	}
	if n := strings.Count(r.stderr, `"msg":"audit chain re-keyed"`); n != len(counts) {
		t.Errorf("%d \"audit chain re-keyed\" log lines for %d organisations:\n%s", n, len(counts), r.stderr)
	}
	for org, n := range counts {
		chain := chainOf(t, db, org)
		last := chain[len(chain)-1]
		var after struct{ Entries int }
		if len(chain) != n+1 || last.Action != "audit.rekey" || last.ObjectID != org || last.AfterJSON == nil ||
			json.Unmarshal([]byte(*last.AfterJSON), &after) != nil || after.Entries != n {
			t.Errorf("organisation %s: %d entries then %+v, want the %d re-keyed and one audit.rekey entry saying %d", org, len(chain), last, n, n)
		}
		if chain[0].Hash == plainSHA256(chain[0]) || chain[0].Hash != hmacUnder(testkit.AuditKey)(chain[0]) {
			t.Errorf("organisation %s: the first link is not the keyed one", org)
		}
	}
	want := "audit log intact: " + strconv.Itoa(total+len(counts)) + " entries verified\n"
	if r := bin(t, env, "audit", "verify"); r.code != 0 || r.stdout != want {
		t.Fatalf("verify after the re-key: %+v", r)
	}
	// Once only: a second start finds nothing to do.
	if r := bin(t, env, "migrate"); r.code != 0 || r.stdout != "applied 0 migration(s)\n" || strings.Contains(r.stderr, "re-keyed") {
		t.Errorf("second migrate: %+v", r)
	}
	if r := bin(t, env, "audit", "verify"); r.code != 0 || r.stdout != want {
		t.Errorf("verify after a second migrate: %+v", r)
	}
	// The append-only guard is back.
	if err := db.Exec("UPDATE audit_log SET action = 'x'").Error; err == nil || !strings.Contains(err.Error(), "append-only") {
		t.Errorf("an update after the re-key: %v", err)
	}
}

// A chain that no longer verifies with the old formula is not re-keyed:
// the start is refused naming its first bad entry, and nothing changes.
func TestAuditRekeyRefusesABrokenChain(t *testing.T) {
	e := testkit.New(t)
	env := auditEnv(e.Cfg)
	db := testkit.Inspect(e)
	olderDatabase(t, e.Cfg.Dialect, db)
	liftAppendOnly(t, e.Cfg.Dialect, db)
	var org string
	if err := db.Table("audit_log").Select("org_id").Group("org_id").Order("COUNT(*) DESC").Limit(1).Pluck("org_id", &org).Error; err != nil {
		t.Fatal(err)
	}
	chain := chainOf(t, db, org)
	mid := chain[len(chain)/2]
	if err := db.Table("audit_log").Where("id = ?", mid.ID).Update("action", "tampered").Error; err != nil {
		t.Fatal(err)
	}

	for _, args := range [][]string{{"migrate"}, {"serve", "--addr", "127.0.0.1:0"}} {
		r := bin(t, env, args...)
		r.oneLine(t, "the audit log is not re-keyed: its unkeyed chain is already broken at organisation "+org+
			", seq "+strconv.FormatInt(mid.Seq, 10)+", entry "+mid.ID+": its link does not match")
	}
	after := chainOf(t, db, org)
	if len(after) != len(chain) || after[0].Hash != plainSHA256(after[0]) {
		t.Errorf("the refused re-key changed the chain: %d entries, first link %s", len(after), after[0].Hash)
	}
	// Verify does not call unkeyed links intact either.
	bin(t, env, "audit", "verify").oneLine(t, "the audit log still has unkeyed (plain SHA-256) links")
}

// The server logs a checkpoint at start and at shutdown, each exactly the
// file `audit verify --checkpoint` reads.
func TestServerLogsCheckpoints(t *testing.T) {
	env, _ := dbEnv(t)
	env["CALIBRATE_LOG_LEVEL"] = "info"
	env["CALIBRATE_DRAIN_SECONDS"] = "0"
	srv := startServer(t, env)
	checkpoints := func() []json.RawMessage {
		var out []json.RawMessage
		for _, line := range strings.Split(srv.stderr.String(), "\n") {
			var rec struct {
				Msg        string          `json:"msg"`
				Checkpoint json.RawMessage `json:"checkpoint"`
			}
			if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == "audit checkpoint" {
				out = append(out, rec.Checkpoint)
			}
		}
		return out
	}
	if n := len(checkpoints()); n != 1 {
		t.Fatalf("%d checkpoints logged at start, want 1", n)
	}
	if err := srv.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-srv.exited:
		if err != nil {
			t.Fatalf("the server exited with %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the server did not stop")
	}
	logged := checkpoints()
	if len(logged) != 2 {
		t.Fatalf("%d checkpoints logged by start and stop, want 2", len(logged))
	}
	for i, cp := range logged {
		file := filepath.Join(t.TempDir(), "checkpoint.json")
		if err := os.WriteFile(file, cp, 0o600); err != nil {
			t.Fatal(err)
		}
		r := bin(t, env, "audit", "verify", "--checkpoint", file)
		if r.code != 0 || !strings.Contains(r.stdout, "reaching the checkpoint's 1 head(s)") {
			t.Errorf("checkpoint %d (%s): %+v", i, cp, r)
		}
	}
}
