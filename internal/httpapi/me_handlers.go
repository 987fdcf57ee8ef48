package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/domain"
)

func (s *Server) getMe(c *gin.Context) {
	u, org, err := s.Users.Me(c.Request.Context(), auth.PrincipalOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, meOf(u, org))
}

type patchMeRequest struct {
	Name *string `json:"name"`
}

func (s *Server) patchMe(c *gin.Context) {
	var req patchMeRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p := auth.PrincipalOf(c)
	if req.Name == nil {
		fail(c, domain.Invalid("name", "is required; it is the only field you can change here"))
		return
	}
	if _, err := s.Users.RenameMe(c.Request.Context(), p, *req.Name); err != nil {
		fail(c, err)
		return
	}
	s.getMe(c)
}

type passwordRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

func (s *Server) changePassword(c *gin.Context) {
	var req passwordRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if err := s.Auth.ChangePassword(c.Request.Context(), auth.PrincipalOf(c), req.CurrentPassword, req.NewPassword, c.ClientIP()); err != nil {
		fail(c, err)
		return
	}
	// A write answers with the written object: the caller's record (the
	// password itself is never shown).
	s.getMe(c)
}

func (s *Server) directory(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, err := s.Users.Directory(c.Request.Context(), auth.PrincipalOf(c),
		domain.Role(c.Query("role")), domain.Function(c.Query("function")), c.Query("q"), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, personOf))
}
