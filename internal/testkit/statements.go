package testkit

import (
	"sync/atomic"
	"testing"

	"gorm.io/gorm"
)

// StatementCounter counts the SQL statements GORM runs on one database:
// queries, raw statements and row reads, and creates, updates and deletes.
type StatementCounter struct {
	on atomic.Bool
	n  atomic.Int64
}

// CountStatements starts counting the statements run through db; only
// those run inside During are counted.
func CountStatements(t testing.TB, db *gorm.DB) *StatementCounter {
	t.Helper()
	c := &StatementCounter{}
	count := func(*gorm.DB) {
		if c.on.Load() {
			c.n.Add(1)
		}
	}
	cb := db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("testkit:count_query", count),
		cb.Row().After("gorm:row").Register("testkit:count_row", count),
		cb.Raw().After("gorm:raw").Register("testkit:count_raw", count),
		cb.Create().After("gorm:create").Register("testkit:count_create", count),
		cb.Update().After("gorm:update").Register("testkit:count_update", count),
		cb.Delete().After("gorm:delete").Register("testkit:count_delete", count),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// During runs f and returns how many statements it ran. Calls must not
// overlap.
func (c *StatementCounter) During(f func()) int {
	c.n.Store(0)
	c.on.Store(true)
	defer c.on.Store(false)
	f()
	return int(c.n.Load())
}
