package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"calibrate/internal/config"
)

// VerifyAudit follows the chain by seq over more entries than it reads at
// once, even when ids are not in seq order: an id is made when a write
// happens and its seq when it commits, so concurrent writers commit out of
// id order. (Paging by id once made a valid chain of more than a page of
// such entries read as broken.) A bad link past the first page is still
// found.
func TestVerifyAuditPagesBySeq(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, testConfig(t))
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrg(ctx, "Chainco") // its own first entry, seq 1
	if err != nil {
		t.Fatal(err)
	}
	defer func(b int) { verifyBatch = b }(verifyBatch)
	verifyBatch = 100 // pages of 100 entries keep the test quick
	n := verifyBatch + verifyBatch/2
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	// A valid chain after the organisation's first entry, linked as
	// flushAudit links it, whose ids run backwards: each sorts before the
	// previous one's.
	var head auditRow
	if err := st.db.Where("org_id = ?", org.ID).Order("seq DESC").Take(&head).Error; err != nil {
		t.Fatal(err)
	}
	rows := make([]auditRow, n)
	for i := range rows {
		after := fmt.Sprintf(`{"i":%d}`, i)
		r := auditRow{ID: fmt.Sprintf("ffffffff-ffff-7fff-bfff-%012d", n-i), OrgID: org.ID, Seq: head.Seq + 1,
			Action: "test.write", ObjectType: "test", ObjectID: fmt.Sprint(i), AfterJSON: &after,
			At: at.Add(time.Duration(i) * time.Second), PrevHash: head.Hash}
		r.Hash = st.link(r)
		rows[i], head = r, r
	}
	if err := st.db.CreateInBatches(rows, 500).Error; err != nil {
		t.Fatal(err)
	}
	broken, checked, err := st.VerifyAudit(ctx)
	if broken != "" || err != nil || checked != n+1 {
		t.Fatalf("a valid chain of %d entries: broken at %q after %d checked (%v)", n+1, broken, checked, err)
	}

	// Rewrite one entry in the second page, as someone with the database's
	// keys could: the verification names it.
	if st.dialect == config.Postgres {
		err = st.db.Exec("ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_update").Error
	} else {
		err = st.db.Exec("DROP TRIGGER audit_log_no_update").Error
	}
	if err != nil {
		t.Fatal(err)
	}
	target := int64(verifyBatch + verifyBatch/4) // in the second page
	var id string
	if err := st.db.Model(&auditRow{}).Where("org_id = ? AND seq = ?", org.ID, target).Pluck("id", &id).Error; err != nil || id == "" {
		t.Fatalf("entry %d: %q %v", target, id, err)
	}
	if err := st.db.Model(&auditRow{}).Where("org_id = ? AND id = ?", org.ID, id).Update("after_json", `{"i":-1}`).Error; err != nil {
		t.Fatal(err)
	}
	broken, checked, err = st.VerifyAudit(ctx)
	if broken != id || err != nil || checked != int(target) {
		t.Fatalf("after rewriting entry seq %d (%s): broken at %q after %d checked (%v)", target, id, broken, checked, err)
	}
}
