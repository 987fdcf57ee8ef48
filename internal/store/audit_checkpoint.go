package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"
)

// CheckpointFormat names the checkpoint file `calibrate audit checkpoint`
// prints and `calibrate audit verify --checkpoint` reads.
const CheckpointFormat = "calibrate-audit-checkpoint/1"

// timeFormat is how messages show a checkpoint's time.
const timeFormat = time.RFC3339

// AuditCheckpoint is the head of every organisation's chain at one moment,
// each head signed with the audit key. Kept outside the database, it is
// what shows that the newest entries were deleted: a chain alone cannot
// tell that it once was longer.
type AuditCheckpoint struct {
	Format string      `json:"format"`
	Heads  []AuditHead `json:"heads"`
}

// AuditHead is one organisation's newest entry when the checkpoint was
// taken, and the HMAC of these fields under the audit key.
type AuditHead struct {
	OrgID     string    `json:"org_id"`
	Seq       int64     `json:"seq"`
	EntryID   string    `json:"entry_id"`
	Link      string    `json:"link"`
	TakenAt   time.Time `json:"taken_at"`
	Signature string    `json:"signature"`
}

// AuditCheckpoint signs the head of every organisation's chain. It does
// not walk the chains (verification does): a head whose chain was
// tampered with below it still fails to verify, checkpoint or not.
func (s *Store) AuditCheckpoint(ctx context.Context) (AuditCheckpoint, error) {
	cp := AuditCheckpoint{Format: CheckpointFormat, Heads: []AuditHead{}}
	db := s.conn(Unscoped(ctx, ExceptAuditVerify))
	// An unkeyed head would be worthless once it is re-keyed.
	if err := s.refuseUnkeyed(db); err != nil {
		return cp, err
	}
	var rows []auditRow
	err := db.Select("org_id", "seq", "id", "hash").
		Where("seq = (SELECT MAX(newest.seq) FROM audit_log newest WHERE newest.org_id = audit_log.org_id)").
		Order("org_id").Find(&rows).Error
	if err != nil {
		return cp, err
	}
	now := s.clock.Now()
	for _, r := range rows {
		h := AuditHead{OrgID: r.OrgID, Seq: r.Seq, EntryID: r.ID, Link: r.Hash, TakenAt: now}
		h.Signature = s.signHead(h)
		cp.Heads = append(cp.Heads, h)
	}
	return cp, nil
}

// signHead is the HMAC of a head's fields under the audit key. Its input
// starts with the format's name, which no chain link's input can (those
// start with a length), so a link can never pass for a signature.
func (s *Store) signHead(h AuditHead) string {
	m := hmac.New(sha256.New, s.auditKey)
	m.Write([]byte(CheckpointFormat + "\n"))
	for _, f := range []string{h.OrgID, strconv.FormatInt(h.Seq, 10), h.EntryID, h.Link, h.TakenAt.UTC().Format(time.RFC3339Nano)} {
		m.Write([]byte(strconv.Itoa(len(f)) + ":" + f))
	}
	return hex.EncodeToString(m.Sum(nil))
}

// checkCheckpoint refuses a checkpoint any of whose heads was not signed
// with this audit key, or that names an organisation twice.
func (s *Store) checkCheckpoint(cp *AuditCheckpoint) error {
	if cp.Format != CheckpointFormat {
		return fmt.Errorf("not an audit checkpoint (want format %s)", CheckpointFormat)
	}
	seen := map[string]bool{}
	for _, h := range cp.Heads {
		want, _ := hex.DecodeString(s.signHead(h))
		got, err := hex.DecodeString(h.Signature)
		if err != nil || !hmac.Equal(got, want) {
			return fmt.Errorf("the checkpoint's head for organisation %s does not verify: it was altered or not signed with this audit key", h.OrgID)
		}
		if seen[h.OrgID] {
			return fmt.Errorf("the checkpoint names organisation %s twice", h.OrgID)
		}
		seen[h.OrgID] = true
	}
	return nil
}

// ReadAuditCheckpoint decodes a checkpoint file. Its signatures are
// checked when it is used.
func ReadAuditCheckpoint(r io.Reader) (*AuditCheckpoint, error) {
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	var cp AuditCheckpoint
	if err := dec.Decode(&cp); err != nil {
		return nil, fmt.Errorf("not an audit checkpoint: %w", err)
	}
	if cp.Format != CheckpointFormat {
		return nil, fmt.Errorf("not an audit checkpoint (want format %s)", CheckpointFormat)
	}
	if dec.More() {
		return nil, errors.New("not an audit checkpoint: more than one JSON value")
	}
	return &cp, nil
}
