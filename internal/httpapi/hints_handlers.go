package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
	"calibrate/internal/language"
)

type hintsRequest struct {
	Text string `json:"text"`
}

// languageHints answers the hints of any text, for live hints while typing.
func (s *Server) languageHints(c *gin.Context) {
	var req hintsRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	hints, err := calibration.Hints(req.Text)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"hints": hints})
}

type fieldHintDTO struct {
	Field     string        `json:"field"`
	Criterion *string       `json:"criterion,omitempty"`
	Kind      language.Kind `json:"kind"`
	Start     int           `json:"start"`
	End       int           `json:"end"`
	Message   string        `json:"message"`
	// Suggestion is a rewrite to start from.
	Suggestion string `json:"suggestion"`
}

// fieldHints renders the hints of a write; always a list (maybe empty), so
// a write's answer says "no hints" as plainly as it lists them. Reads
// carry no hints (nil, omitted).
func fieldHints(hs []calibration.FieldHint) *[]fieldHintDTO {
	out := make([]fieldHintDTO, len(hs))
	for i, h := range hs {
		out[i] = fieldHintDTO{h.Field, h.Criterion, h.Kind, h.Start, h.End, h.Message, h.Suggestion}
	}
	return &out
}

type prereadRequest struct {
	Stance  string  `json:"stance"`
	Comment *string `json:"comment"`
}

func (s *Server) getPreread(c *gin.Context) {
	p, err := s.Cycles.Preread(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}

func (s *Server) putPreread(c *gin.Context) {
	var req prereadRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	p, err := s.Cycles.SavePreread(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), c.Param("em_id"),
		calibration.PrereadInput{Stance: domain.Stance(req.Stance), Comment: req.Comment})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, p)
}
