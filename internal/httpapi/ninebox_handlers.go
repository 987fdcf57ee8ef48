package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type nineBoxCellDTO struct {
	Band      string   `json:"band"`
	Readiness string   `json:"readiness"`
	Count     int      `json:"count"`
	Percent   float64  `json:"percent"`
	EMIDs     []string `json:"em_ids"`
}

type nineBoxDTO struct {
	Bar      int                `json:"bar"`
	Total    int                `json:"total"`
	Boxes    []nineBoxCellDTO   `json:"boxes"`
	Unplaced []string           `json:"unplaced_em_ids"`
	Guide    []domain.GuideLine `json:"guide"`
}

func nineBoxOf(n calibration.CycleNineBox) nineBoxDTO {
	d := nineBoxDTO{Bar: n.Bar, Total: n.Total, Boxes: make([]nineBoxCellDTO, len(n.Boxes)), Unplaced: n.Unplaced, Guide: n.Guide}
	for i, b := range n.Boxes {
		d.Boxes[i] = nineBoxCellDTO{b.Band, b.Readiness, b.Count, b.Percent, b.EMIDs}
	}
	return d
}

// nineBox answers the cycle's 9-box, to those who may read its board.
func (s *Server) nineBox(c *gin.Context) {
	n, err := s.Cycles.NineBox(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, nineBoxOf(n))
}

// rollupNineBox answers the roll-up's 9-box, to those who may read its board.
func (s *Server) rollupNineBox(c *gin.Context) {
	n, err := s.Cycles.RollupNineBox(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, nineBoxOf(n))
}
