package testkit

import (
	"context"
	"sync/atomic"
	"testing"

	"gorm.io/gorm"

	"calibrate/internal/store"
)

// CheckTenancy fails t on every statement st runs, from now until t ends,
// that reads or writes an organisation's data without saying which
// organisation (see internal/store/tenancy.go). New and Replica turn it on
// for every store they open, so every test through the test kit checks
// every statement it causes, on whichever database it runs on.
func CheckTenancy(t testing.TB, st *store.Store) {
	t.Helper()
	var over atomic.Bool
	// A statement of a goroutine outliving t is not reported: a finished
	// test can no longer fail.
	t.Cleanup(func() { over.Store(true) })
	err := st.WatchTenancy(func(sql string, err error) {
		if !over.Load() {
			t.Errorf("%v\n    in: %s", err, sql)
		}
	})
	if err != nil {
		t.Fatalf("watching tenancy: %v", err)
	}
}

// Inspect is the database handle of a test that looks at, or tampers
// with, the whole database itself rather than through the store: its
// statements are the named exception "test inspection".
func Inspect(e *Env) *gorm.DB {
	return e.Store.Gorm().WithContext(store.Unscoped(context.Background(), store.ExceptTestInspection))
}
