package calibration

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// The meeting state is the owners' working record of the calibration
// meeting: per participant, whether they were discussed and a note the
// owners share. Every owner writes it (not only the EM's director: the room
// keeps it together), admins read it, and it is never released: feedback,
// history and the EM's packet do not read it.

const maxMeetingNoteLen = 5000

// MeetingStore is what the meeting state needs of the database.
type MeetingStore interface {
	MeetingState(ctx context.Context, orgID, cycleID, emID string) (domain.MeetingState, error)
	SaveMeetingState(ctx context.Context, m *domain.MeetingState, expect int) error
}

// MeetingInput is a full write of a participant's meeting state; Version
// is the version the writer read (0 for the first).
type MeetingInput struct {
	Discussed *bool
	Note      *string
	Version   *int
}

// MeetingView is a meeting state with the name of who wrote it last.
type MeetingView struct {
	domain.MeetingState
	UpdatedBy *domain.Ref
}

// Meeting returns the meeting state of a participant to the owners and
// admins; one never written is version 0, not discussed, with no note.
func (s *Cycles) Meeting(ctx context.Context, p domain.Principal, cycleID, emID string) (MeetingView, error) {
	if _, _, err := s.participantOf(ctx, p, cycleID, emID); err != nil {
		return MeetingView{}, err
	}
	m, err := s.meeting.MeetingState(ctx, p.OrgID, cycleID, emID)
	if err != nil {
		return MeetingView{}, err
	}
	return s.meetingView(ctx, p, m)
}

// SaveMeeting writes a participant's meeting state: any owner, while the
// cycle is calibrating.
func (s *Cycles) SaveMeeting(ctx context.Context, p domain.Principal, cycleID, emID string, in MeetingInput) (MeetingView, error) {
	var m domain.MeetingState
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		c, _, err := s.participantOf(ctx, p, cycleID, emID)
		if err != nil {
			return err
		}
		if !c.IsOwner(p.UserID) {
			return domain.Forbidden(domain.CodeForbidden, "only the owners of the cycle keep its meeting record")
		}
		if c.State != domain.StateCalibrating {
			return domain.Conflict(domain.CodeCycleLocked, fmt.Sprintf("the meeting record is kept during calibration; the cycle is %s", c.State))
		}
		f := domain.Fields{}
		if in.Discussed == nil {
			f.Add("discussed", "is required: true or false")
		}
		note := ""
		if in.Note == nil {
			f.Add("note", "is required: the shared note, empty for none")
		} else if note = strings.TrimSpace(*in.Note); utf8.RuneCountInString(note) > maxMeetingNoteLen {
			f.Add("note", "must have at most %d characters", maxMeetingNoteLen)
		}
		if in.Version == nil || *in.Version < 0 {
			f.Add("version", "is required: 0 for the first write, then the version you read")
		}
		if err := f.Err(); err != nil {
			return err
		}
		before, err := s.meeting.MeetingState(ctx, p.OrgID, cycleID, emID)
		if err != nil {
			return err
		}
		by := p.UserID
		m = domain.MeetingState{OrgID: p.OrgID, CycleID: cycleID, EMID: emID, Discussed: *in.Discussed, Note: note, UpdatedBy: &by}
		if err := s.meeting.SaveMeetingState(ctx, &m, *in.Version); err != nil {
			return err
		}
		// One entry per write, with both facts before and after: the
		// activity list derives an item per fact that changed.
		var old any
		if before.Version > 0 {
			old = auditMeeting(before)
		}
		return s.auditEM(ctx, p, c.ID, emID, ActionMeetingWrite, "meeting", c.ID+"/"+emID, old, auditMeeting(m))
	})
	if err != nil {
		return MeetingView{}, err
	}
	return s.meetingView(ctx, p, m)
}

// ActionMeetingWrite is the audit action of a meeting-state write.
const ActionMeetingWrite = "meeting.write"

type auditMeetingView struct {
	Discussed bool   `json:"discussed"`
	Note      string `json:"note"`
	Version   int    `json:"version"`
}

func auditMeeting(m domain.MeetingState) auditMeetingView {
	return auditMeetingView{Discussed: m.Discussed, Note: m.Note, Version: m.Version}
}

func (s *Cycles) meetingView(ctx context.Context, p domain.Principal, m domain.MeetingState) (MeetingView, error) {
	v := MeetingView{MeetingState: m}
	if m.UpdatedBy == nil {
		return v, nil
	}
	u, err := s.store.UsersByID(ctx, p.OrgID, []string{*m.UpdatedBy})
	if err != nil {
		return MeetingView{}, err
	}
	v.UpdatedBy = &domain.Ref{ID: *m.UpdatedBy, Name: u[*m.UpdatedBy].Name}
	return v, nil
}
