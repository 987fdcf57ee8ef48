package store

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// AuditBreak is the first place an audit chain does not hold: the
// organisation, the sequence number and the entry there (no entry when it
// is missing), and what is wrong.
type AuditBreak struct {
	OrgID   string
	Seq     int64
	EntryID string
	Reason  string
}

func (b *AuditBreak) Error() string {
	entry := "no entry"
	if b.EntryID != "" {
		entry = "entry " + b.EntryID
	}
	return fmt.Sprintf("organisation %s, seq %d, %s: %s", b.OrgID, b.Seq, entry, b.Reason)
}

// AuditReport is what VerifyAuditChains found: how many entries it checked
// and the first break, if any.
type AuditReport struct {
	Checked int
	Break   *AuditBreak
}

// ErrAuditNotRekeyed is returned while some chain still has the plain
// SHA-256 links of earlier versions: such links prove nothing, so they are
// never reported as intact.
var ErrAuditNotRekeyed = errors.New("the audit log still has unkeyed (plain SHA-256) links: run `calibrate migrate` (or start the server) with CALIBRATE_AUDIT_KEY to re-key it")

// VerifyAudit walks every organisation's chain and returns the id of the
// first entry whose link does not hold, or "" when all do.
func (s *Store) VerifyAudit(ctx context.Context) (brokenID string, checked int, err error) {
	rep, err := s.VerifyAuditChains(ctx, nil)
	if err != nil || rep.Break == nil {
		return "", rep.Checked, err
	}
	return rep.Break.EntryID, rep.Checked, nil
}

// VerifyAuditChains walks every organisation's chain in seq order and
// checks that the sequence has no gap, that each entry names the previous
// one's link, and that each link is the HMAC of the entry under the audit
// key. With a checkpoint (whose signatures must verify) it also checks
// that each chain reaches the checkpoint's head and still has the
// checkpoint's link there: deleting the newest entries is otherwise
// invisible. It reports the first break, organisations in id order.
func (s *Store) VerifyAuditChains(ctx context.Context, cp *AuditCheckpoint) (AuditReport, error) {
	var rep AuditReport
	heads := map[string]AuditHead{}
	if cp != nil {
		if err := s.checkCheckpoint(cp); err != nil {
			return rep, err
		}
		for _, h := range cp.Heads {
			heads[h.OrgID] = h
		}
	}
	db := s.conn(Unscoped(ctx, ExceptAuditVerify))
	if err := s.refuseUnkeyed(db); err != nil {
		return rep, err
	}
	var orgs []string
	if err := db.Model(&auditRow{}).Distinct("org_id").Pluck("org_id", &orgs).Error; err != nil {
		return rep, err
	}
	for org := range heads {
		if !slices.Contains(orgs, org) {
			orgs = append(orgs, org)
		}
	}
	slices.Sort(orgs)
	for _, org := range orgs {
		head, checkpointed := heads[org]
		var last auditRow
		n, brk, err := walkChain(db, org, s.link, func(r auditRow) *AuditBreak {
			last = r
			if checkpointed && r.Seq == head.Seq && r.Hash != head.Link {
				return &AuditBreak{org, r.Seq, r.ID, fmt.Sprintf(
					"its link differs from the checkpoint of %s: the chain was rewritten from here", head.TakenAt.UTC().Format(timeFormat))}
			}
			return nil
		})
		rep.Checked += n
		if err != nil || brk != nil {
			rep.Break = brk
			return rep, err
		}
		if checkpointed && last.Seq < head.Seq {
			rep.Break = &AuditBreak{org, last.Seq + 1, "", fmt.Sprintf(
				"missing: the chain ends at seq %d but the checkpoint of %s has seq %d (entry %s): the newest entries were deleted",
				last.Seq, head.TakenAt.UTC().Format(timeFormat), head.Seq, head.EntryID)}
			return rep, nil
		}
	}
	return rep, nil
}

// refuseUnkeyed fails while some chain still waits to be re-keyed.
func (s *Store) refuseUnkeyed(db *gorm.DB) error {
	var pending int64
	if err := db.Model(&rekeyPendingRow{}).Count(&pending).Error; err != nil {
		return err
	}
	if pending > 0 {
		return ErrAuditNotRekeyed
	}
	return nil
}

// walkChain reads one organisation's chain in seq order and checks each
// entry: its seq follows the previous one, its prev link is the previous
// entry's link, its own link is link(entry). visit sees every entry that
// holds and may itself report a break. It stops at the first break.
//
// Pages are keyed on seq, the chain's order. Ids are not in that order: an
// id is made when a write happens, its seq when it commits, so concurrent
// writers interleave them.
func walkChain(db *gorm.DB, org string, link func(auditRow) string, visit func(auditRow) *AuditBreak) (checked int, brk *AuditBreak, err error) {
	prev := ""
	var expect int64 = 1
	for {
		var rows []auditRow
		if err := db.Where("org_id = ? AND seq >= ?", org, expect).Order("seq").Limit(verifyBatch).Find(&rows).Error; err != nil {
			return checked, nil, err
		}
		for _, r := range rows {
			checked++
			switch {
			case r.Seq != expect:
				return checked, &AuditBreak{org, r.Seq, r.ID, fmt.Sprintf("seq %d is missing before it: entries were deleted", expect)}, nil
			case r.PrevHash != prev:
				return checked, &AuditBreak{org, r.Seq, r.ID, "its previous link is not the link of the entry before it"}, nil
			case link(r) != r.Hash:
				return checked, &AuditBreak{org, r.Seq, r.ID, "its link does not match its content under the audit key: it was edited, inserted or linked without the key"}, nil
			}
			if visit != nil {
				if b := visit(r); b != nil {
					return checked, b, nil
				}
			}
			prev, expect = r.Hash, expect+1
		}
		if len(rows) < verifyBatch {
			return checked, nil, nil
		}
	}
}

// verifyBatch is how many entries a chain walk reads at a time (a variable
// so a test can page through a short chain).
var verifyBatch = 1000
