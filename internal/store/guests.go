package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/domain"
)

// guestRow is a calibration guest of a cycle or a roll-up.
type guestRow struct {
	OrgID       string
	SubjectType string
	SubjectID   string
	UserID      string
	Until       string
	AddedBy     string
	CreatedAt   time.Time
}

func (guestRow) TableName() string { return "guests" }

func (r guestRow) domain() domain.Guest {
	return domain.Guest{OrgID: r.OrgID, Subject: domain.GuestSubject{Type: r.SubjectType, ID: r.SubjectID},
		UserID: r.UserID, Until: r.Until, AddedBy: r.AddedBy, CreatedAt: r.CreatedAt.UTC()}
}

// Guest is userID's invitation to the subject.
func (s *Store) Guest(ctx context.Context, orgID string, subj domain.GuestSubject, userID string) (domain.Guest, error) {
	var r guestRow
	err := s.conn(ctx).Where("org_id = ? AND subject_type = ? AND subject_id = ? AND user_id = ?",
		orgID, subj.Type, subj.ID, userID).Take(&r).Error
	if err != nil {
		return domain.Guest{}, notFound(err, "guest")
	}
	return r.domain(), nil
}

// Guests lists the subject's guests, oldest invitation first.
func (s *Store) Guests(ctx context.Context, orgID string, subj domain.GuestSubject) ([]domain.Guest, error) {
	var rows []guestRow
	err := s.conn(ctx).Where("org_id = ? AND subject_type = ? AND subject_id = ?", orgID, subj.Type, subj.ID).
		Order("created_at, user_id").Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]domain.Guest, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// SaveGuest invites g.UserID to g.Subject, or, when they are a guest
// already, moves the end of their invitation to g.Until (keeping who added
// them and when). created says which; g is the row as stored.
func (s *Store) SaveGuest(ctx context.Context, g *domain.Guest) (created bool, err error) {
	db := s.conn(ctx)
	var r guestRow
	err = db.Where("org_id = ? AND subject_type = ? AND subject_id = ? AND user_id = ?",
		g.OrgID, g.Subject.Type, g.Subject.ID, g.UserID).Take(&r).Error
	switch {
	case errors.Is(err, gorm.ErrRecordNotFound):
		r = guestRow{OrgID: g.OrgID, SubjectType: g.Subject.Type, SubjectID: g.Subject.ID, UserID: g.UserID,
			Until: g.Until, AddedBy: g.AddedBy, CreatedAt: s.clock.Now().UTC()}
		if err := db.Create(&r).Error; err != nil {
			return false, translate(err)
		}
		created = true
	case err != nil:
		return false, translate(err)
	default:
		err = db.Model(&guestRow{}).Where("org_id = ? AND subject_type = ? AND subject_id = ? AND user_id = ?",
			g.OrgID, g.Subject.Type, g.Subject.ID, g.UserID).Update("until", g.Until).Error
		if err != nil {
			return false, translate(err)
		}
		r.Until = g.Until
	}
	*g = r.domain()
	return created, nil
}

// DeleteGuest ends userID's invitation to the subject; not found when
// there is none.
func (s *Store) DeleteGuest(ctx context.Context, orgID string, subj domain.GuestSubject, userID string) error {
	res := s.conn(ctx).Where("org_id = ? AND subject_type = ? AND subject_id = ? AND user_id = ?",
		orgID, subj.Type, subj.ID, userID).Delete(&guestRow{})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.NotFound("guest")
	}
	return nil
}
