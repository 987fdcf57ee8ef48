package store

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// Replicas of the new version starting together on a database with plain
// links re-key it exactly once: one audit.rekey entry per organisation,
// and the chains verify.
func TestConcurrentRekey(t *testing.T) {
	ctx := context.Background()
	cfg := testConfig(t)
	if cfg.Dialect != config.Postgres {
		t.Skip("only PostgreSQL runs replicas side by side (see TestConcurrentMigrate)")
	}
	st := openStore(t, cfg)
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var orgs []string
	for i := range 3 {
		org, err := st.CreateOrg(ctx, fmt.Sprintf("Org %d", i))
		if err != nil {
			t.Fatal(err)
		}
		for j := range 5 {
			if err := st.Tx(ctx, func(ctx context.Context) error {
				return st.Audit(ctx, domain.AuditEntry{OrgID: org.ID, Action: "test.write", ObjectType: "test", ObjectID: fmt.Sprint(j)})
			}); err != nil {
				t.Fatal(err)
			}
		}
		orgs = append(orgs, org.ID)
	}
	// What the version before keyed links left: plain links, 00007 (and
	// what came after it) undone.
	for _, stmt := range []string{"ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update"} {
		if err := st.db.Exec(stmt).Error; err != nil {
			t.Fatal(err)
		}
	}
	for _, org := range orgs {
		var rows []auditRow
		if err := st.db.Where("org_id = ?", org).Order("seq").Find(&rows).Error; err != nil {
			t.Fatal(err)
		}
		prev := ""
		for _, r := range rows {
			r.PrevHash = prev
			r.Hash = plainLink(r)
			if err := st.db.Model(&auditRow{}).Where("org_id = ? AND id = ?", r.OrgID, r.ID).Updates(map[string]any{"prev_hash": r.PrevHash, "hash": r.Hash}).Error; err != nil {
				t.Fatal(err)
			}
			prev = r.Hash
		}
	}
	if err := st.db.Exec("ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_update").Error; err != nil {
		t.Fatal(err)
	}
	// Undo 00007 and every migration after it, as goose going down would.
	sqlDB, err := st.db.DB()
	if err != nil {
		t.Fatal(err)
	}
	p, err := st.provider(sqlDB, false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.DownTo(ctx, 6); err != nil {
		t.Fatalf("migrating down to 6: %v", err)
	}

	replicas := []*Store{openStore(t, cfg), openStore(t, cfg), openStore(t, cfg)}
	var wg sync.WaitGroup
	errs := make([]error, len(replicas))
	for i, r := range replicas {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = r.Migrate(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("replica %d: %v", i, err)
		}
	}
	for _, org := range orgs {
		var n int64
		if err := st.db.Model(&auditRow{}).Where("org_id = ? AND action = ?", org, RekeyAction).Count(&n).Error; err != nil || n != 1 {
			t.Errorf("organisation %s: %d audit.rekey entries (%v), want 1", org, n, err)
		}
	}
	if broken, checked, err := st.VerifyAudit(ctx); broken != "" || err != nil || checked != 3*(1+5+1) {
		t.Errorf("after the re-key: broken at %q after %d (%v)", broken, checked, err)
	}
}
