package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"hash"
	"strconv"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

type auditRow struct {
	ID         string
	OrgID      string
	Seq        int64
	ActorID    *string
	Action     string
	ObjectType string
	ObjectID   string
	CycleID    *string
	EMID       *string
	BeforeJSON *string
	AfterJSON  *string
	At         time.Time
	PrevHash   string
	Hash       string
}

func (auditRow) TableName() string { return "audit_log" }

type pendingAudit struct{ row auditRow }

// Audit records a write in the transaction of ctx. The entry is chained and
// inserted when the transaction commits, so it exists exactly when the write
// does. Calling it outside Tx is a programming error.
func (s *Store) Audit(ctx context.Context, e domain.AuditEntry) error {
	st, ok := ctx.Value(txKey{}).(*txState)
	if !ok {
		return errors.New("store: Audit called outside a transaction")
	}
	row := auditRow{
		ID: domain.NewID(), OrgID: e.OrgID, ActorID: e.ActorID, Action: e.Action,
		ObjectType: e.ObjectType, ObjectID: e.ObjectID, CycleID: e.CycleID, EMID: e.EMID,
		// PostgreSQL keeps microseconds: hash what is stored.
		At: s.clock.Now().UTC().Truncate(time.Microsecond),
	}
	var err error
	if row.BeforeJSON, err = jsonOrNil(e.Before); err != nil {
		return err
	}
	if row.AfterJSON, err = jsonOrNil(e.After); err != nil {
		return err
	}
	st.audit = append(st.audit, pendingAudit{row})
	return nil
}

func jsonOrNil(v any) (*string, error) {
	if v == nil {
		return nil, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	s := string(b)
	return &s, nil
}

// flushAudit appends the transaction's entries to their organisations'
// chains. Appends are serialised per organisation (an advisory lock on
// PostgreSQL, the single writer on SQLite) and (org_id, seq) is unique, so
// concurrent writers and replicas can never fork a chain. It runs last in
// the transaction, so the lock is held only for these inserts.
func (s *Store) flushAudit(tx *gorm.DB, entries []pendingAudit) error {
	heads := map[string]auditRow{}
	for _, p := range entries {
		row := p.row
		head, ok := heads[row.OrgID]
		if !ok {
			if s.dialect == config.Postgres {
				if err := tx.Exec("SELECT pg_advisory_xact_lock(hashtextextended(?, 42))", "audit:"+row.OrgID).Error; err != nil {
					return err
				}
			}
			err := tx.Select("seq", "hash").Where("org_id = ?", row.OrgID).Order("seq DESC").Take(&head).Error
			if err != nil && !errors.Is(err, gorm.ErrRecordNotFound) {
				return err
			}
		}
		row.Seq = head.Seq + 1
		row.PrevHash = head.Hash
		row.Hash = s.link(row)
		if err := tx.Create(&row).Error; err != nil {
			return err
		}
		heads[row.OrgID] = row
	}
	return nil
}

// writeLinkInput writes what a chain link covers: the previous link and
// every recorded field of the entry, each prefixed by its length so no two
// entries encode alike.
func writeLinkInput(h hash.Hash, r auditRow) {
	field := func(s string) {
		h.Write([]byte(strconv.Itoa(len(s))))
		h.Write([]byte{':'})
		h.Write([]byte(s))
	}
	opt := func(p *string) {
		if p == nil {
			field("\x00null")
			return
		}
		field(*p)
	}
	field(r.PrevHash)
	field(r.ID)
	field(r.OrgID)
	field(strconv.FormatInt(r.Seq, 10))
	opt(r.ActorID)
	field(r.Action)
	field(r.ObjectType)
	field(r.ObjectID)
	opt(r.CycleID)
	opt(r.BeforeJSON)
	opt(r.AfterJSON)
	field(r.At.UTC().Format(time.RFC3339Nano))
	// Covered when set: entries from before EMs were named link as they did.
	if r.EMID != nil {
		field("em:" + *r.EMID)
	}
}

// link is the chain link of an entry: HMAC-SHA-256 under the audit key, so
// only a holder of the key can make one that verifies.
func (s *Store) link(r auditRow) string {
	h := hmac.New(sha256.New, s.auditKey)
	writeLinkInput(h, r)
	return hex.EncodeToString(h.Sum(nil))
}

// plainLink is the link of chains written before links were keyed: a plain
// SHA-256 that anyone can recompute. It is read only to verify such a chain
// once before it is re-keyed.
func plainLink(r auditRow) string {
	h := sha256.New()
	writeLinkInput(h, r)
	return hex.EncodeToString(h.Sum(nil))
}

// ListAudit returns entries newest first.
func (s *Store) ListAudit(ctx context.Context, f domain.AuditFilter, page domain.Page) (domain.List[domain.AuditEntry], error) {
	q := s.conn(ctx).Model(&auditRow{}).Where("org_id = ?", f.OrgID)
	if f.CycleID != "" {
		q = q.Where("cycle_id = ?", f.CycleID)
	}
	if f.CycleIDs != nil {
		if len(f.CycleIDs) == 0 {
			return domain.List[domain.AuditEntry]{Items: []domain.AuditEntry{}}, nil
		}
		q = q.Where("cycle_id IN ?", f.CycleIDs)
	}
	if f.Actions != nil {
		q = q.Where("action IN ?", f.Actions)
	}
	if f.ActorID != "" {
		q = q.Where("actor_id = ?", f.ActorID)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.Until.IsZero() {
		q = q.Where("at < ?", f.Until.UTC())
	}
	if f.AfterSeq > 0 {
		q = q.Where("seq > ?", f.AfterSeq)
	}
	if f.UpTo != "" {
		q = q.Where("id <= ?", f.UpTo)
	}
	return paginate(q, page, newestFirst, each(auditRow.domain))
}

func (r auditRow) domain() domain.AuditEntry {
	return domain.AuditEntry{ID: r.ID, OrgID: r.OrgID, ActorID: r.ActorID, Action: r.Action,
		ObjectType: r.ObjectType, ObjectID: r.ObjectID, CycleID: r.CycleID, EMID: r.EMID, Seq: r.Seq, At: r.At.UTC(),
		Before: rawOrNil(r.BeforeJSON), After: rawOrNil(r.AfterJSON)}
}

func rawOrNil(s *string) any {
	if s == nil {
		return nil
	}
	return json.RawMessage(*s)
}
