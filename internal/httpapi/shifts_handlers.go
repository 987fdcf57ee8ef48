package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type shiftCountsDTO struct {
	Up        int `json:"up"`
	Down      int `json:"down"`
	Unchanged int `json:"unchanged"`
}

type shiftLevelDTO struct {
	Level string `json:"level"`
	shiftCountsDTO
}

type shiftDirectorDTO struct {
	Director domain.Ref `json:"director"`
	shiftCountsDTO
}

// shiftGroupDTO leaves the counts of a small group null.
type shiftGroupDTO struct {
	Kind       string `json:"kind"`
	Group      string `json:"group"`
	FewerThan4 bool   `json:"fewer_than_4"`
	Up         *int   `json:"up"`
	Down       *int   `json:"down"`
	Unchanged  *int   `json:"unchanged"`
}

type shiftsDTO struct {
	Total     shiftCountsDTO     `json:"total"`
	Levels    []shiftLevelDTO    `json:"levels"`
	Directors []shiftDirectorDTO `json:"directors"`
	Groups    []shiftGroupDTO    `json:"groups"`
}

func countsOf(c calibration.ShiftCounts) shiftCountsDTO {
	return shiftCountsDTO{c.Up, c.Down, c.Unchanged}
}

// shiftsOf renders who moved whom; a roll-up's answer has the same shape.
func shiftsOf(s calibration.Shifts) shiftsDTO {
	d := shiftsDTO{Total: countsOf(s.Total), Levels: make([]shiftLevelDTO, len(s.Levels)),
		Directors: make([]shiftDirectorDTO, len(s.Directors)), Groups: make([]shiftGroupDTO, len(s.Groups))}
	for i, l := range s.Levels {
		d.Levels[i] = shiftLevelDTO{l.Level, countsOf(l.ShiftCounts)}
	}
	for i, r := range s.Directors {
		d.Directors[i] = shiftDirectorDTO{r.Director, countsOf(r.ShiftCounts)}
	}
	for i, g := range s.Groups {
		gd := shiftGroupDTO{Kind: g.Kind, Group: g.Group, FewerThan4: g.FewerThan4}
		if g.Counts != nil {
			gd.Up, gd.Down, gd.Unchanged = &g.Counts.Up, &g.Counts.Down, &g.Counts.Unchanged
		}
		d.Groups[i] = gd
	}
	return d
}

func (s *Server) cycleShifts(c *gin.Context) {
	sh, err := s.Cycles.Shifts(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, shiftsOf(sh))
}

func (s *Server) rollupShifts(c *gin.Context) {
	sh, err := s.Cycles.RollupShifts(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, shiftsOf(sh))
}
