package httpapi

import (
	"fmt"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
	"calibrate/internal/report"
)

type historyCycleRefDTO struct {
	ID          string     `json:"id"`
	Name        string     `json:"name"`
	State       string     `json:"state"`
	FinalizedAt *time.Time `json:"finalized_at"`
}

type historyCycleDTO struct {
	Cycle     historyCycleRefDTO `json:"cycle"`
	Composite *float64           `json:"composite"`
	Scores    map[string]int     `json:"scores"`
	Decision  *domain.Readiness  `json:"decision"`
}

type trajectoryDTO struct {
	AtBarStreak            int     `json:"at_bar_streak"`
	Trend                  *string `json:"trend"`
	Stalled                bool    `json:"stalled"`
	ProjectedCyclesToReady *int    `json:"projected_cycles_to_ready"`
	Projection             string  `json:"projection"`
}

type historyDTO struct {
	EM         domain.Ref        `json:"em"`
	Cycles     []historyCycleDTO `json:"cycles"`
	Trajectory trajectoryDTO     `json:"trajectory"`
}

func (s *Server) history(c *gin.Context) {
	h, err := s.Cycles.History(c.Request.Context(), auth.PrincipalOf(c), c.Param("em_id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := historyDTO{EM: domain.Ref{ID: h.EM.ID, Name: h.EM.Name}, Cycles: make([]historyCycleDTO, len(h.Cycles)),
		Trajectory: trajectoryDTO{h.Trajectory.AtBarStreak, h.Trajectory.Trend, h.Trajectory.Stalled,
			h.Trajectory.ProjectedCyclesToReady, h.Trajectory.Projection}}
	for i, hc := range h.Cycles {
		out.Cycles[i] = historyCycleDTO{
			Cycle:     historyCycleRefDTO{hc.Cycle.CycleID, hc.Cycle.CycleName, string(hc.Cycle.State), hc.Cycle.FinalizedAt},
			Composite: hc.Composite, Scores: hc.Scores, Decision: hc.Decision}
	}
	c.JSON(http.StatusOK, out)
}

// packet answers the promotion packet in the format asked: Markdown by
// default, PDF with format=pdf (the gate refuses any other format).
func (s *Server) packet(c *gin.Context) {
	p := auth.PrincipalOf(c)
	if c.Query("format") != "pdf" {
		md, err := s.Cycles.Packet(c.Request.Context(), p, c.Param("em_id"))
		if err != nil {
			fail(c, err)
			return
		}
		c.Data(http.StatusOK, "text/markdown; charset=utf-8", []byte(md))
		return
	}
	pk, err := s.Cycles.PacketContent(c.Request.Context(), p, c.Param("em_id"))
	if err != nil {
		fail(c, err)
		return
	}
	doc, err := report.PacketPDF(pk)
	if err != nil {
		fail(c, err)
		return
	}
	file := unsafeFilename.ReplaceAllString(pk.EM.Name, "-")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="promotion-packet-%s.pdf"`, file))
	c.Data(http.StatusOK, "application/pdf", doc)
}

type planItemRequest struct {
	Criterion opt[string] `json:"criterion"`
	Action    opt[string] `json:"action"`
	RevisitOn opt[string] `json:"revisit_on"`
	Status    opt[string] `json:"status"`
}

func (r planItemRequest) input() calibration.PlanInput {
	return calibration.PlanInput{Criterion: r.Criterion.Optional, Action: r.Action.Optional,
		RevisitOn: r.RevisitOn.Optional, Status: convertOpt[string, domain.PlanStatus](r.Status)}
}

func planItemOf(p domain.PlanItem) domain.PlanItem { return p }

func (s *Server) listPlan(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, err := s.Cycles.Plan(c.Request.Context(), auth.PrincipalOf(c), c.Param("em_id"), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, planItemOf))
}

func (s *Server) addPlanItem(c *gin.Context) {
	var req planItemRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	item, err := s.Cycles.AddPlanItem(c.Request.Context(), auth.PrincipalOf(c), c.Param("em_id"), req.input())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, item)
}

func (s *Server) patchPlanItem(c *gin.Context) {
	var req planItemRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	item, err := s.Cycles.UpdatePlanItem(c.Request.Context(), auth.PrincipalOf(c), c.Param("em_id"), c.Param("item_id"), req.input())
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, item)
}

func (s *Server) deletePlanItem(c *gin.Context) {
	if err := s.Cycles.DeletePlanItem(c.Request.Context(), auth.PrincipalOf(c), c.Param("em_id"), c.Param("item_id")); err != nil {
		fail(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}
