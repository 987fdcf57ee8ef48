package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

func (s *Server) listUsers(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	f := domain.UserFilter{Role: domain.Role(c.Query("role")), Function: domain.Function(c.Query("function")), Query: c.Query("q")}
	l, err := s.Users.List(c.Request.Context(), auth.PrincipalOf(c), f, page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, userOf))
}

type createUserRequest struct {
	Name      string  `json:"name"`
	Email     string  `json:"email"`
	Role      string  `json:"role"`
	Function  string  `json:"function"`
	ManagerID *string `json:"manager_id"`
	EMSince   *string `json:"em_since"`
	Password  string  `json:"password"`
}

func (s *Server) createUser(c *gin.Context) {
	var req createUserRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	u, err := s.Users.Create(c.Request.Context(), auth.PrincipalOf(c), calibration.NewUser{
		Name: req.Name, Email: req.Email, Role: domain.Role(req.Role), Function: domain.Function(req.Function),
		ManagerID: req.ManagerID, EMSince: req.EMSince, Password: req.Password,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, userOf(u))
}

type patchUserRequest struct {
	Name      opt[string] `json:"name"`
	Role      opt[string] `json:"role"`
	Function  opt[string] `json:"function"`
	ManagerID opt[string] `json:"manager_id"`
	EMSince   opt[string] `json:"em_since"`
	Active    opt[bool]   `json:"active"`
}

func (s *Server) patchUser(c *gin.Context) {
	var req patchUserRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	u, err := s.Users.Update(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), calibration.UserPatch{
		Name: req.Name.Optional, Role: convertOpt[string, domain.Role](req.Role), Function: convertOpt[string, domain.Function](req.Function),
		ManagerID: req.ManagerID.Optional, EMSince: req.EMSince.Optional, Active: req.Active.Optional,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, userOf(u))
}

func convertOpt[S ~string, T ~string](o opt[S]) domain.Optional[T] {
	out := domain.Optional[T]{Set: o.Set}
	if o.Value != nil {
		v := T(*o.Value)
		out.Value = &v
	}
	return out
}
