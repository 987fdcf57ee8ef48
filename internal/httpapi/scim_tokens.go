package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/domain"
)

type scimTokenDTO struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedBy  *string    `json:"created_by"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	RevokedAt  *time.Time `json:"revoked_at"`
}

func scimTokenOf(t domain.ScimToken) scimTokenDTO {
	return scimTokenDTO{ID: t.ID, Name: t.Name, CreatedBy: t.CreatedBy, CreatedAt: t.CreatedAt,
		LastUsedAt: t.LastUsedAt, RevokedAt: t.RevokedAt}
}

func (s *Server) listScimTokens(c *gin.Context) {
	ts, err := s.Provisioning.Tokens(c.Request.Context(), auth.PrincipalOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	items := make([]scimTokenDTO, 0, len(ts))
	for _, t := range ts {
		items = append(items, scimTokenOf(t))
	}
	c.JSON(http.StatusOK, gin.H{"items": items})
}

func (s *Server) createScimToken(c *gin.Context) {
	var req struct {
		Name string `json:"name"`
	}
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := auth.PrincipalOf(c)
	actor := p.UserID
	t, secret, err := s.Provisioning.CreateToken(c.Request.Context(), p.OrgID, &actor, req.Name)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, struct {
		scimTokenDTO
		Token string `json:"token"`
	}{scimTokenOf(t), secret})
}

func (s *Server) revokeScimToken(c *gin.Context) {
	if err := s.Provisioning.RevokeToken(c.Request.Context(), auth.PrincipalOf(c), c.Param("id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
