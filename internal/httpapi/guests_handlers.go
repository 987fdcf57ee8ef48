package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type guestDTO struct {
	User      domain.Ref      `json:"user"`
	Role      domain.Role     `json:"role"`
	Function  domain.Function `json:"function"`
	Until     string          `json:"until"`
	AddedBy   domain.Ref      `json:"added_by"`
	CreatedAt time.Time       `json:"created_at"`
}

func guestOf(g calibration.GuestView) guestDTO {
	return guestDTO{g.User, g.Role, g.Function, g.Until, g.AddedBy, g.CreatedAt.UTC()}
}

type addGuestRequest struct {
	UserID string `json:"user_id"`
	Until  string `json:"until"`
}

func (s *Server) listCycleGuests(c *gin.Context) {
	gs, err := s.Cycles.CycleGuests(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]guestDTO, len(gs))
	for i, g := range gs {
		out[i] = guestOf(g)
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}

// addCycleGuest answers 201 for a new guest, 200 for a changed `until`.
func (s *Server) addCycleGuest(c *gin.Context) {
	var req addGuestRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	g, created, err := s.Cycles.AddCycleGuest(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), req.UserID, req.Until)
	if err != nil {
		fail(c, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	c.JSON(status, guestOf(g))
}

func (s *Server) removeCycleGuest(c *gin.Context) {
	if err := s.Cycles.RemoveCycleGuest(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("user_id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
