package store

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// A cycle's events are its audit entries in order of seq: appends are
// serialised per organisation and hold that order until they commit, so
// reading the entries after the last seq read never skips one that commits
// later.

// CycleHead is the seq of the cycle's latest audit entry (0 when it has
// none): where a stream that resumes nothing starts.
func (s *Store) CycleHead(ctx context.Context, orgID, cycleID string) (int64, error) {
	var head int64
	err := s.conn(ctx).Model(&auditRow{}).Select("COALESCE(MAX(seq), 0)").
		Where("org_id = ? AND cycle_id = ?", orgID, cycleID).Scan(&head).Error
	return head, translate(err)
}

// OrgHead is the seq of the organisation's latest audit entry (0 when it
// has none), leaving out the record of a guest's read (guest.read), which
// changes no data. Every write to the organisation's data appends an entry
// in its own transaction, and appends are serialised per organisation, so
// an unchanged head means no write has committed since: what a cache of
// derived views (the board) keys on. The newest entries are read backwards
// on the (org_id, seq) index until one that is not a read: a guest's
// reading costs no rebuild of the organisation's boards.
func (s *Store) OrgHead(ctx context.Context, orgID string) (int64, error) {
	var heads []int64
	err := s.conn(ctx).Model(&auditRow{}).Select("seq").
		Where("org_id = ? AND action <> ?", orgID, domain.ActionGuestRead).Order("seq DESC").Limit(1).Scan(&heads).Error
	if err != nil || len(heads) == 0 {
		return 0, translate(err)
	}
	return heads[0], nil
}

type cycleEntryRow struct {
	Seq          int64
	Action       string
	CycleID      string
	EMID         *string
	ActorID      *string
	ActorIsOwner int
	At           time.Time
}

// CycleEntries reads the cycle's audit entries with a seq after `after` and,
// when upTo > 0, at most upTo, written at or after since (when not zero),
// oldest first, at most limit of them. Whether each actor is an owner of the
// cycle or an admin is read with them, in the same statement.
func (s *Store) CycleEntries(ctx context.Context, orgID, cycleID string, after, upTo int64, since time.Time, limit int) ([]domain.CycleEntry, error) {
	q := s.conn(ctx).Table("audit_log AS a").
		Select(`a.seq, a.action, a.cycle_id, a.em_id, a.actor_id, a.at,
			CASE WHEN u.role = 'admin' OR o.user_id IS NOT NULL THEN 1 ELSE 0 END AS actor_is_owner`).
		Joins("LEFT JOIN users u ON u.id = a.actor_id AND u.org_id = a.org_id").
		Joins("LEFT JOIN cycle_owners o ON o.org_id = a.org_id AND o.cycle_id = a.cycle_id AND o.user_id = a.actor_id").
		Where("a.org_id = ? AND a.cycle_id = ? AND a.seq > ?", orgID, cycleID, after)
	if upTo > 0 {
		q = q.Where("a.seq <= ?", upTo)
	}
	if !since.IsZero() {
		q = q.Where("a.at >= ?", since.UTC())
	}
	var rows []cycleEntryRow
	if err := q.Order("a.seq").Limit(limit).Scan(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]domain.CycleEntry, len(rows))
	for i, r := range rows {
		out[i] = domain.CycleEntry{Seq: r.Seq, Action: r.Action, CycleID: r.CycleID, EMID: r.EMID, ActorID: r.ActorID,
			ActorIsOwner: r.ActorIsOwner == 1, At: r.At.UTC()}
	}
	return out, nil
}

// Notify sends each payload on a PostgreSQL notification channel, in one
// statement. Every process listening on it, this one included, receives
// them. It is sent after the write it announces has committed, so it is no
// part of that write: it goes straight to the pool, past GORM's callbacks.
func (s *Store) Notify(ctx context.Context, channel string, payloads []string) error {
	if s.dialect != config.Postgres {
		return errors.New("store: notifications need PostgreSQL")
	}
	if len(payloads) == 0 {
		return nil
	}
	_, err := s.sqlDB.ExecContext(ctx, "SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p", channel, payloads)
	return err
}

// listenPing is how long a listening connection stays silent before it is
// checked: a connection that died without a word (a cut network) is found
// within it.
const listenPing = 30 * time.Second

// Listen holds one connection of its own, outside the pool, that LISTENs
// on channel: it calls ready once listening, then got for each
// notification's payload, until ctx ends (nil) or the connection fails (its
// error). The caller reconnects; notifications sent while no connection
// listens are lost, so ready is where it catches up.
func (s *Store) Listen(ctx context.Context, channel string, ready func(), got func(payload string)) error {
	if s.schemaConfig == nil {
		return errors.New("store: notifications need PostgreSQL")
	}
	cctx, cancel := context.WithTimeout(ctx, s.pingTimeout)
	conn, err := pgx.ConnectConfig(cctx, s.schemaConfig.Copy())
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	if _, err := conn.Exec(ctx, "LISTEN "+pgx.Identifier{channel}.Sanitize()); err != nil {
		return quiet(ctx, err)
	}
	ready()
	for {
		wctx, cancel := context.WithTimeout(ctx, listenPing)
		n, err := conn.WaitForNotification(wctx)
		cancel()
		switch {
		case err == nil:
			got(n.Payload)
		case ctx.Err() != nil:
			return quiet(ctx, err)
		case pgconn.Timeout(err):
			pctx, cancel := context.WithTimeout(ctx, s.pingTimeout)
			err := conn.Ping(pctx)
			cancel()
			if err != nil {
				return quiet(ctx, err)
			}
		default:
			return err
		}
	}
}

// quiet is err, or nil when it only says that ctx ended.
func quiet(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return nil //nolint:nilerr // a failure caused by ending ctx is the caller's own stop, not an error
	}
	return err
}
