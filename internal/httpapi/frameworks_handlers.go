package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

func (s *Server) listFrameworks(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, err := s.Frameworks.List(c.Request.Context(), auth.PrincipalOf(c), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, frameworkOf))
}

func (s *Server) getFramework(c *gin.Context) {
	f, err := s.Frameworks.Get(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, frameworkOf(f))
}

type createFrameworkRequest struct {
	Name     string             `json:"name"`
	BasedOn  *string            `json:"based_on"`
	Scale    domain.Scale       `json:"scale"`
	Criteria []domain.Criterion `json:"criteria"`
}

func (s *Server) createFramework(c *gin.Context) {
	var req createFrameworkRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	f, err := s.Frameworks.Create(c.Request.Context(), auth.PrincipalOf(c), calibration.NewFramework{
		Name: req.Name, BasedOn: req.BasedOn, Scale: req.Scale, Criteria: req.Criteria,
	})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, frameworkOf(f))
}

func (s *Server) listAudit(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, err := s.Audit.List(c.Request.Context(), auth.PrincipalOf(c), auditQueryOf(c), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, auditOf))
}

func auditQueryOf(c *gin.Context) calibration.AuditQuery {
	return calibration.AuditQuery{CycleID: c.Query("cycle_id"), ActorID: c.Query("actor_id"), Action: c.Query("action"),
		From: c.Query("from"), To: c.Query("to")}
}

// auditCSV downloads the audit entries of the same filters as the list,
// newest first, as one CSV file.
func (s *Server) auditCSV(c *gin.Context) {
	data, err := s.Audit.CSV(c.Request.Context(), auth.PrincipalOf(c), auditQueryOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="audit.csv"`)
	c.Data(http.StatusOK, "text/csv; charset=utf-8", data)
}
