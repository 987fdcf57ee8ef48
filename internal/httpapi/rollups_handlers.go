package httpapi

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type rollupSourceDTO struct {
	ID    string       `json:"id"`
	Name  string       `json:"name"`
	State domain.State `json:"state"`
	Lead  domain.Ref   `json:"lead"`
}

type rollupDTO struct {
	ID                string                   `json:"id"`
	Name              string                   `json:"name"`
	State             domain.RollupState       `json:"state"`
	Lead              domain.Ref               `json:"lead"`
	Sources           []rollupSourceDTO        `json:"sources"`
	DistributionGuide domain.DistributionGuide `json:"distribution_guide"`
	OverrideReason    *string                  `json:"override_reason"`
	CreatedAt         time.Time                `json:"created_at"`
	FinalizedAt       *time.Time               `json:"finalized_at"`
}

func rollupOf(v calibration.RollupView) rollupDTO {
	d := rollupDTO{ID: v.ID, Name: v.Name, State: v.State, Lead: v.Lead, Sources: make([]rollupSourceDTO, len(v.Sources)),
		DistributionGuide: v.DistributionGuide, OverrideReason: v.OverrideReason, CreatedAt: v.CreatedAt, FinalizedAt: v.FinalizedAt}
	for i, s := range v.Sources {
		d.Sources[i] = rollupSourceDTO{s.ID, s.Name, s.State, s.Lead}
	}
	return d
}

type createRollupRequest struct {
	Name              string                   `json:"name"`
	SourceCycleIDs    []string                 `json:"source_cycle_ids"`
	DistributionGuide domain.DistributionGuide `json:"distribution_guide"`
}

func (s *Server) createRollup(c *gin.Context) {
	var req createRollupRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	v, err := s.Cycles.CreateRollup(c.Request.Context(), auth.PrincipalOf(c), calibration.NewRollup{
		Name: req.Name, SourceCycleIDs: req.SourceCycleIDs, DistributionGuide: req.DistributionGuide})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, rollupOf(v))
}

func (s *Server) listRollups(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, err := s.Cycles.ListRollups(c.Request.Context(), auth.PrincipalOf(c), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, rollupOf))
}

func (s *Server) getRollup(c *gin.Context) {
	v, err := s.Cycles.GetRollup(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rollupOf(v))
}

type rollupBoardHeadDTO struct {
	ID    string             `json:"id"`
	Name  string             `json:"name"`
	State domain.RollupState `json:"state"`
}

// rollupRowDTO is a cycle board's row with what the roll-up adds.
type rollupRowDTO struct {
	boardRowDTO
	Director         domain.Ref        `json:"director"`
	SourceCycle      domain.Ref        `json:"source_cycle"`
	DirectorDecision *domain.Readiness `json:"director_decision"`
	RollupDecision   *domain.Readiness `json:"rollup_decision"`
	RollupReason     *string           `json:"rollup_reason"`
	RollupVersion    int               `json:"rollup_version"`
	Moved            *string           `json:"moved"`
}

type directorStatsDTO struct {
	Director      domain.Ref     `json:"director"`
	EMCount       int            `json:"em_count"`
	MeanComposite *float64       `json:"mean_composite"`
	Distribution  map[string]int `json:"distribution"`
	DeltaFromMean *float64       `json:"delta_from_mean"`
}

type rollupBoardDTO struct {
	Rollup       rollupBoardHeadDTO  `json:"rollup"`
	Criteria     []domain.Criterion  `json:"criteria"`
	Rows         []rollupRowDTO      `json:"rows"`
	Directors    []directorStatsDTO  `json:"directors"`
	Distribution map[string]int      `json:"distribution"`
	Guide        *[]domain.GuideLine `json:"guide"`
}

func rollupBoardOf(b calibration.RollupBoard) rollupBoardDTO {
	d := rollupBoardDTO{Rollup: rollupBoardHeadDTO{b.Rollup.ID, b.Rollup.Name, b.Rollup.State}, Criteria: b.Criteria,
		Rows: make([]rollupRowDTO, len(b.Rows)), Directors: make([]directorStatsDTO, len(b.Directors)), Distribution: b.Distribution}
	if b.Guide != nil {
		d.Guide = &b.Guide
	}
	// The cycle board's row DTO, built by the cycle board's converter.
	rows := make([]calibration.BoardRow, len(b.Rows))
	for i, r := range b.Rows {
		rows[i] = r.BoardRow
	}
	base := boardOf(calibration.Board{Rows: rows})
	for i, r := range b.Rows {
		d.Rows[i] = rollupRowDTO{boardRowDTO: base.Rows[i], Director: r.Director, SourceCycle: r.SourceCycle,
			DirectorDecision: r.DirectorDecision, RollupDecision: r.RollupDecision, RollupReason: r.RollupReason,
			RollupVersion: r.RollupVersion, Moved: r.Moved}
	}
	for i, st := range b.Directors {
		d.Directors[i] = directorStatsDTO{st.Director, st.EMCount, st.MeanComposite, st.Distribution, st.DeltaFromMean}
	}
	return d
}

func (s *Server) rollupBoard(c *gin.Context) {
	b, err := s.Cycles.RollupBoard(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rollupBoardOf(b))
}

type rollupDecisionRequest struct {
	Readiness string  `json:"readiness"`
	Reason    *string `json:"reason"`
	Version   *int    `json:"version"`
}

type rollupDecisionDTO struct {
	EMID              string           `json:"em_id"`
	Readiness         domain.Readiness `json:"readiness"`
	DirectorReadiness domain.Readiness `json:"director_readiness"`
	Reason            *string          `json:"reason"`
	Version           int              `json:"version"`
	DecidedBy         domain.Ref       `json:"decided_by"`
	UpdatedAt         time.Time        `json:"updated_at"`
}

func (s *Server) putRollupDecision(c *gin.Context) {
	var req rollupDecisionRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, err := s.Cycles.SaveRollupDecision(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"),
		calibration.RollupDecisionInput{Readiness: domain.Readiness(req.Readiness), Reason: req.Reason, Version: req.Version})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rollupDecisionDTO{EMID: d.EMID, Readiness: d.Readiness, DirectorReadiness: d.DirectorReadiness,
		Reason: d.Reason, Version: d.Version, DecidedBy: d.DecidedBy, UpdatedAt: d.UpdatedAt})
}

type finalizeRollupRequest struct {
	OverrideReason *string `json:"override_reason"`
}

func (s *Server) finalizeRollup(c *gin.Context) {
	var req finalizeRollupRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	v, err := s.Cycles.FinalizeRollup(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"),
		calibration.FinalizeRollupInput{OverrideReason: req.OverrideReason})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, rollupOf(v))
}
