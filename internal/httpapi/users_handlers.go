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
	// ReassignTo, with active: false, moves the user's active reports.
	ReassignTo *string `json:"reassign_to"`
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
		ReassignTo: req.ReassignTo,
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

// importUsers reads the people of a CSV file; ?dry_run=true answers what
// it would change, without it the file is applied whole or not at all.
func (s *Server) importUsers(c *gin.Context) {
	dryRun := c.Query("dry_run") == "true" // the gate allows only true or false
	res, err := s.Users.Import(c.Request.Context(), auth.PrincipalOf(c), c.Request.Body, dryRun)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, importResultOf(res))
}

type importResultDTO struct {
	Applied     bool              `json:"applied"`
	Created     []importedUserDTO `json:"created"`
	Updated     []importChangeDTO `json:"updated"`
	Deactivated []importChangeDTO `json:"deactivated"`
	Unchanged   int               `json:"unchanged"`
	Errors      []importErrorDTO  `json:"errors"`
}

type importedUserDTO struct {
	Line   int    `json:"line"`
	Email  string `json:"email"`
	Name   string `json:"name"`
	Role   string `json:"role"`
	Active bool   `json:"active"`
}

type importChangeDTO struct {
	Line    int              `json:"line"`
	Email   string           `json:"email"`
	Name    string           `json:"name"`
	Changes []fieldChangeDTO `json:"changes"`
}

type fieldChangeDTO struct {
	Field string  `json:"field"`
	From  *string `json:"from"`
	To    *string `json:"to"`
}

type importErrorDTO struct {
	Line    int     `json:"line"`
	Field   *string `json:"field"`
	Message string  `json:"message"`
}

func importResultOf(r calibration.ImportResult) importResultDTO {
	out := importResultDTO{Applied: r.Applied, Unchanged: r.Unchanged, Created: []importedUserDTO{},
		Updated: changesOf(r.Updated), Deactivated: changesOf(r.Deactivated), Errors: []importErrorDTO{}}
	for _, u := range r.Created {
		out.Created = append(out.Created, importedUserDTO{Line: u.Line, Email: u.Email, Name: u.Name, Role: string(u.Role), Active: u.Active})
	}
	for _, e := range r.Errors {
		d := importErrorDTO{Line: e.Line, Message: e.Message}
		if e.Field != "" {
			f := e.Field
			d.Field = &f
		}
		out.Errors = append(out.Errors, d)
	}
	return out
}

func changesOf(cs []calibration.ImportChange) []importChangeDTO {
	out := []importChangeDTO{}
	for _, c := range cs {
		d := importChangeDTO{Line: c.Line, Email: c.Email, Name: c.Name, Changes: []fieldChangeDTO{}}
		for _, f := range c.Changes {
			d.Changes = append(d.Changes, fieldChangeDTO{Field: f.Field, From: f.From, To: f.To})
		}
		out = append(out, d)
	}
	return out
}
