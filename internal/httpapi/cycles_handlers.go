package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type createCycleRequest struct {
	Name            string   `json:"name"`
	FrameworkID     *string  `json:"framework_id"`
	EMIDs           []string `json:"em_ids"`
	CoOwnerIDs      []string `json:"co_owner_ids"`
	InputDue        *string  `json:"input_due"`
	PeerAttribution string   `json:"peer_attribution"`
	// DistributionGuide is null or absent for no guide.
	DistributionGuide domain.DistributionGuide `json:"distribution_guide"`
}

func (s *Server) createCycle(c *gin.Context) {
	var req createCycleRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	v, err := s.Cycles.Create(c.Request.Context(), auth.PrincipalOf(c), calibration.NewCycle{
		Name: req.Name, FrameworkID: req.FrameworkID, EMIDs: req.EMIDs, CoOwnerIDs: req.CoOwnerIDs,
		InputDue: req.InputDue, PeerAttribution: domain.Attribution(req.PeerAttribution), DistributionGuide: req.DistributionGuide})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, cycleOf(v))
}

func (s *Server) listCycles(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, err := s.Cycles.List(c.Request.Context(), auth.PrincipalOf(c), domain.State(c.Query("state")), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, listOf(c, l, cycleOf))
}

func (s *Server) getCycle(c *gin.Context) {
	v, err := s.Cycles.Get(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cycleOf(v))
}

type patchCycleRequest struct {
	Name              opt[string]   `json:"name"`
	EMIDs             opt[[]string] `json:"em_ids"`
	CoOwnerIDs        opt[[]string] `json:"co_owner_ids"`
	InputDue          opt[string]   `json:"input_due"`
	ResultsExpectedOn opt[string]   `json:"results_expected_on"`
	PeerAttribution   opt[string]   `json:"peer_attribution"`
	// DistributionGuide null removes the guide.
	DistributionGuide opt[domain.DistributionGuide] `json:"distribution_guide"`
}

func (s *Server) patchCycle(c *gin.Context) {
	var req patchCycleRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	v, err := s.Cycles.Update(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), calibration.CyclePatch{
		Name: req.Name.Optional, EMIDs: req.EMIDs.Optional, CoOwnerIDs: req.CoOwnerIDs.Optional,
		InputDue: req.InputDue.Optional, ResultsExpectedOn: req.ResultsExpectedOn.Optional, PeerAttribution: convertOpt[string, domain.Attribution](req.PeerAttribution),
		DistributionGuide: req.DistributionGuide.Optional})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cycleOf(v))
}

type transitionRequest struct {
	To string `json:"to"`
	// OverrideReason goes with finalizing outside the distribution guide.
	OverrideReason *string `json:"override_reason"`
}

func (s *Server) transitionCycle(c *gin.Context) {
	var req transitionRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	v, err := s.Cycles.TransitionOverriding(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), domain.State(req.To), req.OverrideReason)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, cycleOf(v))
}

type assessmentRequest struct {
	Ratings      []domain.Rating `json:"ratings"`
	PrivateNote  *string         `json:"private_note"`
	Version      *int            `json:"version"`
	ChangeReason *string         `json:"change_reason"`
}

func (s *Server) getAssessment(c *gin.Context) {
	a, err := s.Cycles.Assessment(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, assessmentOf(a))
}

func (s *Server) putAssessment(c *gin.Context) {
	var req assessmentRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	a, err := s.Cycles.SaveAssessment(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"),
		calibration.AssessmentInput{Ratings: req.Ratings, PrivateNote: req.PrivateNote, Version: req.Version, ChangeReason: req.ChangeReason})
	if err != nil {
		fail(c, err)
		return
	}
	out := assessmentOf(a)
	out.Hints = fieldHints(calibration.RatingHints(a.Ratings, a.PrivateNote))
	c.JSON(http.StatusOK, out)
}

type selfAssessmentRequest struct {
	Ratings []domain.Rating `json:"ratings"`
	Version *int            `json:"version"`
}

func (s *Server) getSelfAssessment(c *gin.Context) {
	a, err := s.Cycles.SelfAssessment(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, selfAssessmentOf(a))
}

func (s *Server) putSelfAssessment(c *gin.Context) {
	var req selfAssessmentRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	a, err := s.Cycles.SaveSelfAssessment(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"),
		calibration.AssessmentInput{Ratings: req.Ratings, Version: req.Version})
	if err != nil {
		fail(c, err)
		return
	}
	out := selfAssessmentOf(a)
	out.Hints = fieldHints(calibration.RatingHints(a.Ratings, nil))
	c.JSON(http.StatusOK, out)
}

func (s *Server) getSelfAssessmentOf(c *gin.Context) {
	a, err := s.Cycles.SelfAssessmentOf(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, selfAssessmentOf(a))
}

type decisionRequest struct {
	Readiness string `json:"readiness"`
	Rationale string `json:"rationale"`
	Version   *int   `json:"version"`
}

func (s *Server) getDecision(c *gin.Context) {
	d, err := s.Cycles.Decision(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, decisionOf(d))
}

func (s *Server) putDecision(c *gin.Context) {
	var req decisionRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	d, err := s.Cycles.SaveDecision(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"),
		calibration.DecisionInput{Readiness: domain.Readiness(req.Readiness), Rationale: req.Rationale, Version: req.Version})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, decisionOf(d))
}

func (s *Server) myFeedback(c *gin.Context) {
	fb, err := s.Cycles.MyFeedback(c.Request.Context(), auth.PrincipalOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]feedbackDTO, len(fb))
	for i, f := range fb {
		out[i] = feedbackOf(f)
	}
	c.JSON(http.StatusOK, gin.H{"cycles": out})
}
