package httpapi

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type peerRequestRequest struct {
	EMID    string  `json:"em_id"`
	PeerID  string  `json:"peer_id"`
	Message *string `json:"message"`
}

func (s *Server) createPeerRequest(c *gin.Context) {
	var req peerRequestRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	v, err := s.Cycles.RequestPeer(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"),
		calibration.NewPeerRequest{EMID: req.EMID, PeerID: req.PeerID, Message: req.Message})
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusCreated, requestOf(v))
}

// requestList is the page of requests; EMs also get per-cycle counts.
type requestList struct {
	list[requestDTO]
	Summary []calibration.RequestSummary `json:"summary,omitempty"`
}

func (s *Server) listPeerRequests(c *gin.Context) {
	page, err := pageOf(c)
	if err != nil {
		fail(c, err)
		return
	}
	l, summary, err := s.Cycles.Requests(c.Request.Context(), auth.PrincipalOf(c), page)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, requestList{list: listOf(c, l, requestOf), Summary: summary})
}

type noteRequest struct {
	Advocacy string   `json:"advocacy"`
	Criteria []string `json:"criteria"`
	Body     string   `json:"body"`
}

func (s *Server) putNote(c *gin.Context) {
	var req noteRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	n, err := s.Cycles.WriteNote(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"),
		calibration.NoteInput{Advocacy: domain.Advocacy(req.Advocacy), Criteria: req.Criteria, Body: req.Body})
	if err != nil {
		fail(c, err)
		return
	}
	out := ownNoteOf(n)
	out.Hints = fieldHints(calibration.NoteHints(n.Body))
	c.JSON(http.StatusOK, out)
}

func (s *Server) declineRequest(c *gin.Context) {
	v, err := s.Cycles.Decline(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, requestOf(v))
}

func (s *Server) cycleNotes(c *gin.Context) {
	notes, err := s.Cycles.Notes(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	out := list[noteDTO]{Items: make([]noteDTO, len(notes))}
	for i, n := range notes {
		out.Items[i] = noteOf(n)
	}
	c.JSON(http.StatusOK, out)
}

func (s *Server) remindRequest(c *gin.Context) {
	v, err := s.Cycles.Remind(c.Request.Context(), auth.PrincipalOf(c), c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, requestOf(v))
}
