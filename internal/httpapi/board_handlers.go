package httpapi

import (
	"fmt"
	"net/http"
	"regexp"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
	"calibrate/internal/report"
)

type flagDTO struct {
	Code      string  `json:"code"`
	Criterion *string `json:"criterion,omitempty"`
	Message   string  `json:"message"`
}

type scoreDTO struct {
	Director *int    `json:"director"`
	Self     *int    `json:"self"`
	Peer     peerDTO `json:"peer"`
}

// peerDTO and prereadCountsDTO are fixed sets of counts: structs, with the
// fields in the order a map's keys were written (alphabetical), so the
// JSON is the same and a board of hundreds of rows encodes no small maps.
type peerDTO struct {
	Concern int `json:"concern"`
	Neutral int `json:"neutral"`
	Strong  int `json:"strong"`
	Support int `json:"support"`
}

type prereadCountsDTO struct {
	Abstain  int `json:"abstain"`
	Agree    int `json:"agree"`
	Question int `json:"question"`
}

func (p *prereadCountsDTO) add(s domain.Stance) {
	switch s {
	case domain.StanceAbstain:
		p.Abstain++
	case domain.StanceAgree:
		p.Agree++
	case domain.StanceQuestion:
		p.Question++
	}
}

type readinessDTO struct {
	Suggested *domain.Readiness `json:"suggested"`
	Decision  *domain.Readiness `json:"decision"`
	Previous  *domain.Readiness `json:"previous"`
}

type boardEMDTO struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	DirectorID string `json:"director_id"`
}

type boardRowDTO struct {
	EM               boardEMDTO          `json:"em"`
	Scores           map[string]scoreDTO `json:"scores"`
	Composite        *float64            `json:"composite"`
	EvidenceCoverage *float64            `json:"evidence_coverage"`
	Readiness        readinessDTO        `json:"readiness"`
	Flags            []flagDTO           `json:"flags"`
	Prereads         prereadCountsDTO    `json:"prereads"`
	PrereadComments  []prereadCommentDTO `json:"preread_comments"`
	Meeting          boardMeetingDTO     `json:"meeting"`
}

// boardMeetingDTO is what the board shows of a row's meeting state.
type boardMeetingDTO struct {
	Discussed bool `json:"discussed"`
}

// prereadCommentDTO is one owner's pre-read, for the owners on the board.
type prereadCommentDTO struct {
	Owner   domain.Ref    `json:"owner"`
	Stance  domain.Stance `json:"stance"`
	Comment *string       `json:"comment"`
}

type raterDTO struct {
	Director domain.Ref `json:"director"`
	Mean     *float64   `json:"mean"`
	Stdev    *float64   `json:"stdev"`
	Count    int        `json:"count"`
}

type boardCycleDTO struct {
	ID    string       `json:"id"`
	Name  string       `json:"name"`
	State domain.State `json:"state"`
}

// noticeDTO is an admin's change to one of the cycle's people.
type noticeDTO struct {
	Kind    string      `json:"kind"`
	Subject domain.Ref  `json:"subject"`
	Actor   *domain.Ref `json:"actor"`
	At      time.Time   `json:"at"`
	Before  *string     `json:"before"`
	After   *string     `json:"after"`
	Message string      `json:"message"`
}

type boardDTO struct {
	Cycle        boardCycleDTO      `json:"cycle"`
	Scale        domain.Scale       `json:"scale"`
	Criteria     []domain.Criterion `json:"criteria"`
	Rows         []boardRowDTO      `json:"rows"`
	Distribution map[string]int     `json:"distribution"`
	Raters       []raterDTO         `json:"raters"`
	OrgMean      *float64           `json:"org_mean"`
	Notices      []noticeDTO        `json:"notices"`
	// Guide is null when the cycle has no distribution guide.
	Guide []domain.GuideLine `json:"guide"`
}

func boardOf(b calibration.Board) boardDTO {
	d := boardDTO{Cycle: boardCycleDTO{b.Cycle.ID, b.Cycle.Name, b.Cycle.State}, Scale: b.Framework.Scale,
		Criteria: b.Framework.Criteria, Rows: make([]boardRowDTO, len(b.Rows)), Distribution: b.Distribution,
		Raters: make([]raterDTO, len(b.Raters)), OrgMean: b.OrgMean, Notices: make([]noticeDTO, len(b.Notices)), Guide: b.Guide}
	for i, n := range b.Notices {
		d.Notices[i] = noticeDTO{n.Kind, n.Subject, n.Actor, n.At, n.Before, n.After, n.Message}
	}
	for i, r := range b.Rows {
		row := boardRowDTO{EM: boardEMDTO{r.EM.ID, r.EM.Name, r.DirectorID}, Scores: make(map[string]scoreDTO, len(r.Scores)),
			Composite: r.Composite, EvidenceCoverage: r.EvidenceCoverage,
			Readiness: readinessDTO{r.Suggested, r.Decision, r.Previous}, Flags: make([]flagDTO, len(r.Flags)),
			Meeting: boardMeetingDTO{Discussed: r.Discussed}}
		for k, s := range r.Scores {
			p := s.Peer
			row.Scores[k] = scoreDTO{s.Director, s.Self, peerDTO{Concern: p.Concern, Neutral: p.Neutral, Strong: p.Strong, Support: p.Support}}
		}
		for j, f := range r.Flags {
			row.Flags[j] = flagDTO{f.Code, f.Criterion, f.Message}
		}
		row.PrereadComments = make([]prereadCommentDTO, len(r.Prereads))
		for j, p := range r.Prereads {
			row.Prereads.add(p.Stance)
			row.PrereadComments[j] = prereadCommentDTO{p.Owner, p.Stance, p.Comment}
		}
		d.Rows[i] = row
	}
	for i, r := range b.Raters {
		d.Raters[i] = raterDTO{r.Director, r.Mean, r.Stdev, r.Count}
	}
	return d
}

func boardQueryOf(c *gin.Context) calibration.BoardQuery {
	return calibration.BoardQuery{Sort: c.Query("sort"), Flag: c.Query("flag"), Readiness: c.Query("readiness")}
}

func (s *Server) board(c *gin.Context) {
	b, err := s.Cycles.Board(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), boardQueryOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, boardOf(b))
}

var unsafeFilename = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

func (s *Server) boardCSV(c *gin.Context) {
	data, name, err := s.Cycles.BoardCSV(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"), boardQueryOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	file := unsafeFilename.ReplaceAllString(name, "-")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="board-%s.csv"`, file))
	c.Data(http.StatusOK, "text/csv; charset=utf-8", data)
}

// boardPDF prints the whole board, in the board's default order, for the
// room.
func (s *Server) boardPDF(c *gin.Context) {
	b, err := s.Cycles.PrintBoard(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	doc, err := report.BoardPDF(b)
	if err != nil {
		fail(c, err)
		return
	}
	file := unsafeFilename.ReplaceAllString(b.Cycle.Name, "-")
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="board-%s.pdf"`, file))
	c.Data(http.StatusOK, "application/pdf", doc)
}

type agendaItemDTO struct {
	EM      domain.Ref `json:"em"`
	Reasons []string   `json:"reasons"`
	Minutes int        `json:"minutes"`
}

func (s *Server) agenda(c *gin.Context) {
	items, err := s.Cycles.Agenda(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := make([]agendaItemDTO, len(items))
	for i, it := range items {
		out[i] = agendaItemDTO{it.EM, it.Reasons, it.Minutes}
	}
	c.JSON(http.StatusOK, gin.H{"items": out})
}
