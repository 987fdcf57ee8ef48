package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/config"
	"calibrate/internal/demo"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

func openMigrated(t *testing.T, cfg *config.Config) *store.Store {
	t.Helper()
	st, err := store.Open(cfg, testkit.NewClock(testkit.Start), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	testkit.CheckTenancy(t, st)
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

// TestBackupRoundTrip moves the demo and a seeded organisation from the
// embedded SQLite to the suite's database (PostgreSQL in the PostgreSQL
// run) through a backup file, and compares every table's rows.
func TestBackupRoundTrip(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "source.db")
	src := openMigrated(t, &config.Config{Dialect: config.SQLite, SQLitePath: path, DatabaseURL: "sqlite:" + path, AuditKey: testkit.AuditKey})
	hasher := auth.NewHasher(testkit.FastArgon2)
	if _, err := demo.Load(ctx, src, hasher, slog.New(slog.NewTextHandler(io.Discard, nil))); err != nil {
		t.Fatal(err)
	}
	if _, err := demo.Seed(ctx, src, hasher, demo.SeedOptions{Org: "Roundtrip", EMs: 12, Cycles: 2, Directors: 2, Now: testkit.Start}); err != nil {
		t.Fatal(err)
	}
	var file bytes.Buffer
	n, err := src.Backup(ctx, &file)
	if err != nil {
		t.Fatal(err)
	}
	dstCfg := testkit.NewConfig(t)
	dst := openMigrated(t, dstCfg)
	restored, err := dst.Restore(ctx, bytes.NewReader(file.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if restored != n || n < 1000 {
		t.Fatalf("backed up %d rows, restored %d", n, restored)
	}
	var again bytes.Buffer
	if _, err := dst.Backup(ctx, &again); err != nil {
		t.Fatal(err)
	}
	want, got := normalised(t, file.Bytes()), normalised(t, again.Bytes())
	if len(want) != len(got) {
		t.Fatalf("%d lines before, %d after", len(want), len(got))
	}
	for i := range want {
		if want[i] != got[i] {
			t.Fatalf("line %d differs:\nbefore %s\nafter  %s", i+1, want[i], got[i])
		}
	}
	if broken, _, err := dst.VerifyAudit(ctx); err != nil || broken != "" {
		t.Fatalf("the restored audit chain must verify: broken %q, err %v", broken, err)
	}
	// The backup carries the links, not the key: under another key the
	// restored log does not verify.
	otherCfg := *dstCfg
	otherCfg.AuditKey = []byte("another-audit-key-0123456789abcdef-012345")
	other, err := store.Open(&otherCfg, testkit.NewClock(testkit.Start), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if broken, _, err := other.VerifyAudit(ctx); err != nil || broken == "" {
		t.Fatalf("the restored log under another key: broken %q, err %v", broken, err)
	}
	// A second restore over data is refused and changes nothing.
	if _, err := dst.Restore(ctx, bytes.NewReader(file.Bytes())); err == nil {
		t.Fatal("restore into a database with data must be refused")
	}
}

// normalised re-encodes each line with times in UTC: SQLite and PostgreSQL
// hand back the same instant with different zone spellings.
func normalised(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		var v any
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatal(err)
		}
		raw, err := json.Marshal(utcTimes(v))
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(raw))
	}
	return out
}

func utcTimes(v any) any {
	switch x := v.(type) {
	case map[string]any:
		for k, e := range x {
			x[k] = utcTimes(e)
		}
	case string:
		if ts, err := time.Parse(time.RFC3339Nano, x); err == nil {
			return ts.UTC().Format(time.RFC3339Nano)
		}
	}
	return v
}

// TestBackupCoversEveryTable fails when a migration adds a table the
// backup does not carry.
func TestBackupCoversEveryTable(t *testing.T) {
	st := openMigrated(t, testkit.NewConfig(t))
	tables, err := st.Gorm().Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range tables {
		// The job queue's tables hold pending e-mail, not organisation data.
		if name == "goose_db_version" || name == "sqlite_sequence" || store.IsQueueTable(name) {
			continue
		}
		if !slices.Contains(store.BackupTables(), name) {
			t.Errorf("table %s is not in the backup", name)
		}
	}
}
