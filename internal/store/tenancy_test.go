package store

import (
	"context"
	"slices"
	"strings"
	"testing"
)

// The check can fail: statements that leave out the organisation are
// reported, the same statements with it are not, and an exception passes
// only under a name of the list.
func TestTenancyCheckCatches(t *testing.T) {
	ctx := context.Background()
	bad := []string{
		`SELECT * FROM ratings WHERE assessment_id = ?`,
		`SELECT * FROM "ratings" WHERE "ratings"."assessment_id" = $1`,
		`UPDATE decisions SET rationale = ? WHERE id = ?`,
		`DELETE FROM peer_notes WHERE request_id = ?`,
		`INSERT INTO ratings (assessment_id, criterion, score, evidence) VALUES (?, ?, ?, ?)`,
		// An alias needs its own condition: the cycle's does not cover the
		// ratings joined to it.
		`SELECT r.score FROM ratings r JOIN assessments a ON a.id = r.assessment_id WHERE a.org_id = ? AND a.cycle_id = ?`,
		// org_id only selected, not compared.
		`SELECT org_id, score FROM ratings WHERE assessment_id = ?`,
		// Joined tables vouching for each other, none bound to a parameter.
		`SELECT r.score FROM ratings r JOIN assessments a ON a.org_id = r.org_id AND a.id = r.assessment_id WHERE a.cycle_id = ?`,
		// A comparison inside a string is no condition.
		`SELECT * FROM ratings WHERE evidence = 'org_id = 1'`,
	}
	for _, sql := range bad {
		if err := CheckStatement(ctx, sql); err == nil {
			t.Errorf("not reported: %s", sql)
		} else if !strings.Contains(err.Error(), "tenancy") {
			t.Errorf("%s: %v", sql, err)
		}
	}
	good := []string{
		`SELECT * FROM ratings WHERE org_id = ? AND assessment_id = ?`,
		`SELECT * FROM "ratings" WHERE org_id = $1 AND "ratings"."assessment_id" = $2`,
		`UPDATE decisions SET rationale = ? WHERE org_id = ? AND id = ?`,
		`DELETE FROM peer_notes WHERE org_id = ? AND request_id IN (?,?)`,
		`INSERT INTO ratings (assessment_id,org_id,criterion,score,evidence) VALUES (?,?,?,?,?)`,
		`SELECT r.score FROM ratings r JOIN assessments a ON a.org_id = r.org_id AND a.id = r.assessment_id WHERE r.org_id = ? AND a.cycle_id = ?`,
		`SELECT * FROM organizations WHERE id = ?`,
		`SELECT pg_advisory_xact_lock(hashtextextended(?, 42))`,
	}
	for _, sql := range good {
		if err := CheckStatement(ctx, sql); err != nil {
			t.Errorf("%s: %v", sql, err)
		}
	}
	unscoped := `SELECT * FROM ratings WHERE assessment_id = ?`
	if err := CheckStatement(Unscoped(ctx, ExceptBackup), unscoped); err != nil {
		t.Errorf("a named exception is refused: %v", err)
	}
	if err := CheckStatement(Unscoped(ctx, Exception("because I say so")), unscoped); err == nil ||
		!strings.Contains(err.Error(), "unknown tenancy exception") {
		t.Errorf("an unknown exception is not refused: %v", err)
	}
	for e, reason := range Exceptions() {
		if reason == "" {
			t.Errorf("exception %q gives no reason", e)
		}
	}
}

// The watcher sees what the store runs, raw statements included, and
// reports through the function it was given.
func TestWatchTenancyReportsStatements(t *testing.T) {
	st := openStoreUnwatched(t, testConfig(t))
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	var got []string
	if err := st.WatchTenancy(func(sql string, err error) { got = append(got, sql) }); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var n int64
	if err := st.Gorm().WithContext(ctx).Raw(`SELECT COUNT(*) FROM ratings WHERE score > ?`, 0).Scan(&n).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.Gorm().WithContext(ctx).Exec(`DELETE FROM ratings WHERE score < ?`, 0).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.Gorm().WithContext(ctx).Model(&ratingRow{}).Where("score > ?", 0).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if err := st.Gorm().WithContext(ctx).Model(&ratingRow{}).Where("org_id = ? AND score > ?", "x", 0).Count(&n).Error; err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 {
		t.Fatalf("reported %d statements, want the 3 without org_id: %q", len(got), got)
	}
}

// After migrating, every table has org_id but the named global ones, and
// the tables the check knows as the organisation's are exactly those.
func TestEveryTableHasOrgID(t *testing.T) {
	st := openStore(t, testConfig(t))
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	tables, err := st.Gorm().Migrator().GetTables()
	if err != nil {
		t.Fatal(err)
	}
	var withOrg []string
	for _, table := range tables {
		if strings.HasPrefix(table, "sqlite_") {
			continue
		}
		has := st.Gorm().Migrator().HasColumn(table, "org_id")
		_, global := GlobalTables[table]
		global = global || IsQueueTable(table)
		switch {
		case has && global:
			t.Errorf("%s has org_id but is listed as global in tenancy.go", table)
		case !has && !global:
			t.Errorf("%s has no org_id: every table holding an organisation's data needs it (or, holding none, a line in GlobalTables saying why)", table)
		case has:
			withOrg = append(withOrg, table)
		}
		if has && !slices.Contains(OrgTables, table) {
			t.Errorf("%s has org_id but is missing from OrgTables, so the check would not look at it", table)
		}
	}
	for _, table := range OrgTables {
		if !slices.Contains(withOrg, table) {
			t.Errorf("OrgTables lists %s, which has no org_id", table)
		}
	}
	for table := range GlobalTables {
		if !slices.Contains(tables, table) {
			t.Errorf("GlobalTables lists %s, which does not exist", table)
		}
	}
}

// Migration 14 goes down and up again on both databases, keeping the rows
// and filling org_id from their parents.
func TestOrgIDMigrationDownAndUp(t *testing.T) {
	st := openStoreUnwatched(t, testConfig(t))
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrg(ctx, "Downco") // with its default framework's criteria
	if err != nil {
		t.Fatal(err)
	}
	count := func() (n int64) {
		t.Helper()
		if err := st.db.Raw("SELECT COUNT(*) FROM criteria").Scan(&n).Error; err != nil {
			t.Fatal(err)
		}
		return n
	}
	before := count()
	if before == 0 {
		t.Fatal("no criteria to carry")
	}
	db, done := st.schemaDB()
	defer done()
	p, err := st.provider(db, true)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 13); err != nil {
		t.Fatalf("down: %v", err)
	}
	if st.db.Migrator().HasColumn("criteria", "org_id") {
		t.Fatal("criteria keeps org_id after going down")
	}
	if got := count(); got != before {
		t.Fatalf("%d criteria after going down, had %d", got, before)
	}
	if _, err := p.Up(ctx); err != nil {
		t.Fatalf("up again: %v", err)
	}
	var wrong int64
	if err := st.db.Raw("SELECT COUNT(*) FROM criteria WHERE org_id <> ?", org.ID).Scan(&wrong).Error; err != nil {
		t.Fatal(err)
	}
	if got := count(); got != before || wrong != 0 {
		t.Fatalf("%d criteria after going up (had %d), %d of another organisation", got, before, wrong)
	}
	// SQLite's foreign keys are back on after the rebuild.
	if err := st.db.Exec("INSERT INTO criteria (org_id, framework_id, position, key, title, description, weight) VALUES (?, ?, 0, 'k', 't', 'd', 1)",
		"no-such-org", "no-such-framework").Error; err == nil {
		t.Fatal("a criterion of no framework and no organisation was accepted")
	}
}
