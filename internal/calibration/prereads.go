package calibration

import (
	"context"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// PrereadStore is what pre-reads need of the database.
type PrereadStore interface {
	SavePreread(ctx context.Context, p *domain.Preread) error
	Preread(ctx context.Context, orgID, cycleID, emID, ownerID string) (domain.Preread, error)
	Prereads(ctx context.Context, orgID, cycleID string) ([]domain.Preread, error)
}

const maxCommentLen = 2000

// PrereadInput is an owner's stance with an optional comment.
type PrereadInput struct {
	Stance  domain.Stance
	Comment *string
}

// ownerOf loads a cycle the caller owns and checks emID takes part in it:
// pre-reads are the owners' own (an admin reads them on the board).
func (s *Cycles) ownerOf(ctx context.Context, p domain.Principal, cycleID, emID string) (domain.Cycle, error) {
	c, _, err := s.participantOf(ctx, p, cycleID, emID)
	if err != nil {
		return c, err
	}
	if !c.IsOwner(p.UserID) {
		return c, domain.Forbidden(domain.CodeForbidden, "only the cycle's owners write pre-reads")
	}
	return c, nil
}

// Preread returns the caller's own pre-read of a participant (not found
// until they write one).
func (s *Cycles) Preread(ctx context.Context, p domain.Principal, cycleID, emID string) (domain.Preread, error) {
	if _, err := s.ownerOf(ctx, p, cycleID, emID); err != nil {
		return domain.Preread{}, err
	}
	return s.prereads.Preread(ctx, p.OrgID, cycleID, emID, p.UserID)
}

// SavePreread records the caller's stance on a participant's director
// assessment while the cycle is calibrating; one per owner and participant,
// replaced by each write.
func (s *Cycles) SavePreread(ctx context.Context, p domain.Principal, cycleID, emID string, in PrereadInput) (domain.Preread, error) {
	var pr domain.Preread
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		c, err := s.ownerOf(ctx, p, cycleID, emID)
		if err != nil {
			return err
		}
		if c.State != domain.StateCalibrating {
			return domain.Conflict(domain.CodeCycleLocked, "pre-reads are written while the cycle is calibrating")
		}
		f := domain.Fields{}
		if !in.Stance.Valid() {
			f.Add("stance", "must be agree, question or abstain")
		}
		if in.Comment != nil {
			v := strings.TrimSpace(*in.Comment)
			if utf8.RuneCountInString(v) > maxCommentLen {
				f.Add("comment", "must have at most %d characters", maxCommentLen)
			}
			in.Comment = &v
			if v == "" {
				in.Comment = nil
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		before, err := s.prereads.Preread(ctx, p.OrgID, cycleID, emID, p.UserID)
		if err != nil && !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		pr = domain.Preread{OrgID: p.OrgID, CycleID: cycleID, EMID: emID, OwnerID: p.UserID, Stance: in.Stance, Comment: in.Comment}
		if err := s.prereads.SavePreread(ctx, &pr); err != nil {
			return err
		}
		var old any
		if before.Stance != "" {
			old = map[string]any{"stance": before.Stance, "comment": before.Comment}
		}
		return s.auditEM(ctx, p, c.ID, emID, "preread.write", "preread", c.ID+"/"+emID+"/"+p.UserID, old,
			map[string]any{"stance": pr.Stance, "comment": pr.Comment})
	})
	return pr, err
}
