package store_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"gorm.io/gorm"

	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

// A write and its audit entry commit together or not at all.
func TestFailedTransactionLeavesNoAuditEntry(t *testing.T) {
	e := testkit.New(t)
	ctx := context.Background()
	u, err := e.Store.UserByEmail(ctx, "alex@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	count := func() int {
		l, err := e.Store.ListAudit(ctx, domain.AuditFilter{OrgID: u.OrgID}, domain.Page{Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		return len(l.Items)
	}
	before := count()
	boom := errors.New("a later step failed")
	err = e.Store.Tx(ctx, func(ctx context.Context) error {
		renamed := u
		renamed.Name = "Never Committed"
		if err := e.Store.UpdateUser(ctx, &renamed); err != nil {
			return err
		}
		if err := e.Store.Audit(ctx, domain.AuditEntry{OrgID: u.OrgID, Action: "user.update", ObjectType: "user", ObjectID: u.ID}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx: %v", err)
	}
	if got, _ := e.Store.User(ctx, u.OrgID, u.ID); got.Name != u.Name {
		t.Fatalf("the rolled-back rename stuck: %q", got.Name)
	}
	if got := count(); got != before {
		t.Fatalf("%d audit entries after a rolled-back write, was %d", got, before)
	}
	if err := e.Store.Audit(ctx, domain.AuditEntry{OrgID: u.OrgID, Action: "x", ObjectType: "user", ObjectID: u.ID}); err == nil {
		t.Fatal("an audit entry outside a transaction was accepted")
	}
}

// An edit of a user record read before a password change must not put the
// old password hash back.
func TestUpdateUserLeavesThePasswordAlone(t *testing.T) {
	e := testkit.New(t)
	ctx := context.Background()
	id := e.ID("alex@acme.test")
	u, err := e.Store.UserByEmail(ctx, "alex@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.SetPassword(ctx, u.OrgID, id, "new-hash"); err != nil {
		t.Fatal(err)
	}
	u.Name = "Alex Renamed"
	if err := e.Store.UpdateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	got, err := e.Store.User(ctx, u.OrgID, id)
	if err != nil {
		t.Fatal(err)
	}
	if got.PasswordHash != "new-hash" || got.Name != "Alex Renamed" {
		t.Fatalf("after a stale UpdateUser: name %q, hash %q", got.Name, got.PasswordHash)
	}
	if err := e.Store.SetPassword(ctx, u.OrgID, e.ID("hank@globex.test"), "x"); err == nil {
		t.Fatal("SetPassword reached a user of another organisation")
	}
}

// LockUser holds the user's row until the transaction ends, so two
// read-modify-writes of one user run one after the other (on SQLite every
// transaction already does).
func TestLockUserHoldsTheRow(t *testing.T) {
	e := testkit.New(t)
	ctx := context.Background()
	u, err := e.Store.UserByEmail(ctx, "alex@acme.test")
	if err != nil {
		t.Fatal(err)
	}
	err = e.Store.Tx(ctx, func(ctx context.Context) error {
		got, err := e.Store.LockUser(ctx, u.OrgID, u.ID)
		if err != nil || got.ID != u.ID {
			t.Fatalf("LockUser: %v %v", got.ID, err)
		}
		if _, err := e.Store.LockUser(ctx, e.ID("hank@globex.test"), u.ID); err == nil {
			t.Fatal("LockUser found the user under another organisation")
		}
		if e.Store.Dialect() != config.Postgres {
			return nil
		}
		other := e.Store.Gorm().WithContext(context.Background()).Transaction(func(tx *gorm.DB) error {
			return tx.Exec("SELECT id FROM users WHERE org_id = ? AND id = ? FOR UPDATE NOWAIT", u.OrgID, u.ID).Error
		})
		if other == nil || !strings.Contains(other.Error(), "55P03") {
			t.Fatalf("another transaction took the locked row: %v", other)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
