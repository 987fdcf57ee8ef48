package store

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/domain"
)

type meetingRow struct {
	CycleID   string `gorm:"primaryKey"`
	OrgID     string
	EMID      string `gorm:"column:em_id;primaryKey"`
	Discussed bool
	Note      string
	Version   int
	UpdatedBy string
	UpdatedAt time.Time
}

func (meetingRow) TableName() string { return "meeting_states" }

func (r meetingRow) domain() domain.MeetingState {
	by, at := r.UpdatedBy, r.UpdatedAt.UTC()
	return domain.MeetingState{OrgID: r.OrgID, CycleID: r.CycleID, EMID: r.EMID, Discussed: r.Discussed, Note: r.Note,
		Version: r.Version, UpdatedBy: &by, UpdatedAt: &at}
}

// MeetingState returns the meeting state of a participant; none written
// yet is version 0, not discussed, with an empty note.
func (s *Store) MeetingState(ctx context.Context, orgID, cycleID, emID string) (domain.MeetingState, error) {
	var row meetingRow
	err := s.conn(ctx).Where("org_id = ? AND cycle_id = ? AND em_id = ?", orgID, cycleID, emID).Take(&row).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return domain.MeetingState{OrgID: orgID, CycleID: cycleID, EMID: emID}, nil
	}
	if err != nil {
		return domain.MeetingState{}, translate(err)
	}
	return row.domain(), nil
}

// SaveMeetingState writes m if the stored version is still `expect` (0:
// nothing stored yet), with the check in the statement itself as for
// assessments. m.Version, UpdatedAt are set to what was written.
func (s *Store) SaveMeetingState(ctx context.Context, m *domain.MeetingState, expect int) error {
	now := s.clock.Now()
	by := deref(m.UpdatedBy)
	db := s.conn(ctx)
	if expect == 0 {
		row := meetingRow{OrgID: m.OrgID, CycleID: m.CycleID, EMID: m.EMID, Discussed: m.Discussed, Note: m.Note,
			Version: 1, UpdatedBy: by, UpdatedAt: now}
		if err := db.Create(&row).Error; err != nil {
			if domain.IsKind(translate(err), domain.KindConflict) {
				return domain.StaleVersion("the meeting state")
			}
			return err
		}
	} else {
		res := db.Exec(`UPDATE meeting_states SET discussed = ?, note = ?, version = version + 1, updated_by = ?, updated_at = ?
WHERE org_id = ? AND cycle_id = ? AND em_id = ? AND version = ?`, m.Discussed, m.Note, by, now, m.OrgID, m.CycleID, m.EMID, expect)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.StaleVersion("the meeting state")
		}
	}
	m.Version, m.UpdatedAt = expect+1, &now
	return nil
}
