package httpapi

import (
	"context"
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

// guestHandlers are the three guest routes of one kind of subject (a cycle
// or a roll-up), over its service's functions.
type guestHandlers struct {
	list   func(ctx context.Context, p domain.Principal, id string) ([]calibration.GuestView, error)
	add    func(ctx context.Context, p domain.Principal, id, userID, until string) (calibration.GuestView, bool, error)
	remove func(ctx context.Context, p domain.Principal, id, userID string) error
}

func (h guestHandlers) listGuests(c *gin.Context) {
	gs, err := h.list(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
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

// addGuest answers 201 for a new guest, 200 for a changed `until`.
func (h guestHandlers) addGuest(c *gin.Context) {
	var req addGuestRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	g, created, err := h.add(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), req.UserID, req.Until)
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

func (h guestHandlers) removeGuest(c *gin.Context) {
	if err := h.remove(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("user_id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
