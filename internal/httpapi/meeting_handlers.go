package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type meetingRequest struct {
	Discussed *bool   `json:"discussed"`
	Note      *string `json:"note"`
	Version   *int    `json:"version"`
}

type meetingDTO struct {
	Discussed bool        `json:"discussed"`
	Note      string      `json:"note"`
	Version   int         `json:"version"`
	UpdatedBy *domain.Ref `json:"updated_by"`
	UpdatedAt *time.Time  `json:"updated_at"`
}

func meetingOf(m calibration.MeetingView) meetingDTO {
	return meetingDTO{Discussed: m.Discussed, Note: m.Note, Version: m.Version, UpdatedBy: m.UpdatedBy, UpdatedAt: m.UpdatedAt}
}

func (s *Server) getMeeting(c *gin.Context) {
	m, err := s.Cycles.Meeting(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, meetingOf(m))
}

func (s *Server) putMeeting(c *gin.Context) {
	var req meetingRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	m, err := s.Cycles.SaveMeeting(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"),
		calibration.MeetingInput{Discussed: req.Discussed, Note: req.Note, Version: req.Version})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, meetingOf(m))
}

type activityDTO struct {
	ID     string      `json:"id"`
	At     time.Time   `json:"at"`
	Actor  *domain.Ref `json:"actor"`
	EM     *domain.Ref `json:"em"`
	Kind   string      `json:"kind"`
	Before any         `json:"before"`
	After  any         `json:"after"`
	Reason *string     `json:"reason"`
	// Rollup comes only with a decision a roll-up changed.
	Rollup *activityRollupDTO `json:"rollup,omitempty"`
}

type activityRollupDTO struct {
	Rollup     domain.Ref `json:"rollup"`
	ProposedBy domain.Ref `json:"proposed_by"`
	Summary    string     `json:"summary"`
}

func activityOf(it calibration.ActivityItem) activityDTO {
	d := activityDTO{ID: it.ID, At: it.At, Actor: it.Actor, EM: it.EM, Kind: it.Kind, Before: it.Before, After: it.After, Reason: it.Reason}
	if r := it.Rollup; r != nil {
		d.Rollup = &activityRollupDTO{Rollup: r.Rollup, ProposedBy: r.ProposedBy, Summary: calibration.ChangeSummary(domain.Framework{}, it)}
	}
	return d
}

func (s *Server) activity(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, err := s.Cycles.Activity(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, activityOf))
}
