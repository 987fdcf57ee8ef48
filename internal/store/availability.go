package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"log/slog"
	"net"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"gorm.io/gorm"

	"calibrate/internal/domain"
)

// RetryAfter is what an answer during an outage tells the client to wait
// before trying again.
const RetryAfter = 5 * time.Second

// outageStates are the SQLSTATEs, besides class 08 (connection exception),
// that mean the server cannot serve us now rather than that the statement
// was wrong: admin_shutdown, crash_shutdown, cannot_connect_now,
// query_canceled (statement_timeout fired) and too_many_connections.
var outageStates = map[string]bool{
	"57P01": true,
	"57P02": true,
	"57P03": true,
	"57014": true,
	"53300": true,
}

// SQLite result codes (the primary code is the low byte of an extended one):
// SQLITE_BUSY is another process holding the lock past the busy timeout.
const sqliteBusy = 5

// isOutage reports whether err means the database is unreachable or did not
// answer in time, as opposed to a fault of the statement. ctx is the
// statement's context: when the client cancelled its own request, nothing
// is an outage, whatever the driver says.
func isOutage(ctx context.Context, err error) bool {
	if err == nil {
		return false
	}
	if ctx != nil && errors.Is(ctx.Err(), context.Canceled) {
		return false
	}
	if _, ok := domain.AsError(err); ok {
		return false
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return strings.HasPrefix(pgErr.Code, "08") || outageStates[pgErr.Code]
	}
	var connectErr *pgconn.ConnectError
	if errors.As(err, &connectErr) {
		return true
	}
	// The request's deadline (acquire plus statement timeout) passed: while
	// waiting for a pooled connection, or in a statement the database never
	// finished. SQLite reports the latter as "interrupted", hence the look at
	// the context itself.
	if errors.Is(err, context.DeadlineExceeded) || pgconn.Timeout(err) ||
		(ctx != nil && errors.Is(ctx.Err(), context.DeadlineExceeded)) {
		return true
	}
	var sqliteErr interface{ Code() int }
	if errors.As(err, &sqliteErr) {
		return sqliteErr.Code()&0xff == sqliteBusy
	}
	// The connection broke under us: refused, reset, closed mid-answer.
	var netErr *net.OpError
	return errors.As(err, &netErr) || pgconn.SafeToRetry(err) ||
		errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, net.ErrClosed)
}

// availability remembers whether the database is in an outage, so that an
// outage is logged once when it starts and once when it ends, however many
// requests fail in between. Every statement feeds it: a classified failure
// starts an outage, an answer ends it, once no failure came for
// outageQuiet. The quiet period keeps a partial outage (writes timing out
// on a lock while reads still answer) from logging a start and an end per
// request.
type availability struct {
	log  *slog.Logger
	down atomic.Pointer[outage]
}

// outageQuiet is how long after the last failure an answer must come to
// end an outage.
const outageQuiet = time.Second

type outage struct {
	since    time.Time    // monotonic: only compared and subtracted
	last     atomic.Int64 // the latest failure, as an offset from since
	failures atomic.Int64
}

func (o *outage) fail() {
	o.failures.Add(1)
	o.last.Store(int64(time.Since(o.since)))
}

// failed records a failure classified as an outage.
func (a *availability) failed(cause error) {
	if o := a.down.Load(); o != nil {
		o.fail()
		return
	}
	o := &outage{since: time.Now()}
	o.failures.Store(1)
	if a.down.CompareAndSwap(nil, o) {
		a.log.Error("database unavailable", "cause", cause.Error())
		return
	}
	if o := a.down.Load(); o != nil { // another failure started it just now
		o.fail()
	}
}

// answered records that the database answered work that began at started.
// Work begun before the latest failure proves nothing about now: it may
// have been answered on a connection the outage had not reached yet.
func (a *availability) answered(started time.Time) {
	o := a.down.Load()
	if o == nil {
		return
	}
	last := o.since.Add(time.Duration(o.last.Load()))
	if started.Before(last) || time.Since(last) < outageQuiet {
		return
	}
	if a.down.CompareAndSwap(o, nil) {
		a.log.Info("database available again",
			"outage", time.Since(o.since).Round(time.Millisecond).String(),
			"failures", o.failures.Load())
	}
}

// classify turns an outage into the domain's unavailable error and records
// it; any other error is returned as it is.
func (s *Store) classify(ctx context.Context, err error) error {
	if !isOutage(ctx, err) {
		return err
	}
	s.avail.failed(err)
	return domain.Unavailable(RetryAfter)
}

const startedKey = "calibrate:started"

// watchAvailability hooks every GORM statement: its start time is noted
// before it runs, and after it runs an outage error becomes the domain's
// unavailable error (so every repository answers 503, not 500) while an
// answer ends a recorded outage.
func (s *Store) watchAvailability(db *gorm.DB) error {
	before := func(tx *gorm.DB) { tx.Statement.Settings.Store(startedKey, time.Now()) }
	after := func(tx *gorm.DB) {
		started, _ := tx.Statement.Settings.Load(startedKey)
		switch err := tx.Error; {
		case err == nil, errors.Is(err, gorm.ErrRecordNotFound):
			if t, ok := started.(time.Time); ok {
				s.avail.answered(t)
			}
		case isOutage(tx.Statement.Context, err):
			s.avail.failed(err)
			tx.Error = domain.Unavailable(RetryAfter)
		}
	}
	cb := db.Callback()
	const start, check = "calibrate:availability_start", "calibrate:availability"
	for _, err := range []error{
		cb.Create().Before("*").Register(start, before), cb.Create().After("*").Register(check, after),
		cb.Query().Before("*").Register(start, before), cb.Query().After("*").Register(check, after),
		cb.Update().Before("*").Register(start, before), cb.Update().After("*").Register(check, after),
		cb.Delete().Before("*").Register(start, before), cb.Delete().After("*").Register(check, after),
		cb.Row().Before("*").Register(start, before), cb.Row().After("*").Register(check, after),
		cb.Raw().Before("*").Register(start, before), cb.Raw().After("*").Register(check, after),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
