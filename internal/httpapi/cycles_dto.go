package httpapi

import (
	"time"

	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

type participantDTO struct {
	ID         string `json:"id"`
	Name       string `json:"name"`
	DirectorID string `json:"director_id"`
}

type cycleDTO struct {
	ID           string           `json:"id"`
	Name         string           `json:"name"`
	State        domain.State     `json:"state"`
	NextState    *domain.State    `json:"next_state"`
	FrameworkID  string           `json:"framework_id"`
	Lead         domain.Ref       `json:"lead"`
	Owners       []domain.Ref     `json:"owners"`
	Participants []participantDTO `json:"participants"`
	InputDue     *string          `json:"input_due"`
	// ResultsExpectedOn is null until the lead sets it.
	ResultsExpectedOn *string `json:"results_expected_on"`
	PeerAttribution   string  `json:"peer_attribution"`
	// DistributionGuide and OverrideReason are null when there is none.
	DistributionGuide domain.DistributionGuide `json:"distribution_guide"`
	OverrideReason    *string                  `json:"override_reason"`
	CreatedAt         time.Time                `json:"created_at"`
	UpdatedAt         time.Time                `json:"updated_at"`
	FinalizedAt       *time.Time               `json:"finalized_at"`
	ReleasedAt        *time.Time               `json:"released_at"`
}

func cycleOf(v calibration.CycleView) cycleDTO {
	d := cycleDTO{ID: v.ID, Name: v.Name, State: v.State, FrameworkID: v.FrameworkID, Lead: v.Lead, Owners: v.OwnerRefs,
		Participants: make([]participantDTO, len(v.Participants)), InputDue: v.InputDue, ResultsExpectedOn: v.ResultsExpectedOn,
		PeerAttribution: string(v.PeerAttribution), DistributionGuide: v.DistributionGuide, OverrideReason: v.OverrideReason,
		CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		FinalizedAt: v.FinalizedAt, ReleasedAt: v.ReleasedAt}
	if n := v.State.Next(); n != "" {
		d.NextState = &n
	}
	for i, p := range v.Participants {
		d.Participants[i] = participantDTO{ID: p.ID, Name: p.Name, DirectorID: p.DirectorID}
	}
	return d
}

type assessmentDTO struct {
	CycleID     string          `json:"cycle_id"`
	EMID        string          `json:"em_id"`
	Ratings     []domain.Rating `json:"ratings"`
	PrivateNote *string         `json:"private_note"`
	Version     int             `json:"version"`
	UpdatedAt   *time.Time      `json:"updated_at"`
	// Hints come with a write: language hints in what was just saved.
	Hints *[]fieldHintDTO `json:"hints,omitempty"`
}

func assessmentOf(a domain.Assessment) assessmentDTO {
	r := a.Ratings
	if r == nil {
		r = []domain.Rating{}
	}
	return assessmentDTO{CycleID: a.CycleID, EMID: a.EMID, Ratings: r, PrivateNote: a.PrivateNote, Version: a.Version, UpdatedAt: a.UpdatedAt}
}

type selfAssessmentDTO struct {
	CycleID   string          `json:"cycle_id"`
	EMID      string          `json:"em_id"`
	Ratings   []domain.Rating `json:"ratings"`
	Version   int             `json:"version"`
	UpdatedAt *time.Time      `json:"updated_at"`
	Hints     *[]fieldHintDTO `json:"hints,omitempty"`
}

func selfAssessmentOf(a domain.Assessment) selfAssessmentDTO {
	d := assessmentOf(a)
	return selfAssessmentDTO{CycleID: d.CycleID, EMID: d.EMID, Ratings: d.Ratings, Version: d.Version, UpdatedAt: d.UpdatedAt}
}

type decisionDTO struct {
	CycleID   string            `json:"cycle_id"`
	EMID      string            `json:"em_id"`
	Readiness *domain.Readiness `json:"readiness"`
	Rationale *string           `json:"rationale"`
	Version   int               `json:"version"`
	UpdatedAt *time.Time        `json:"updated_at"`
}

func decisionOf(d domain.Decision) decisionDTO {
	out := decisionDTO{CycleID: d.CycleID, EMID: d.EMID, Version: d.Version, UpdatedAt: d.UpdatedAt}
	if d.Version > 0 {
		out.Readiness, out.Rationale = &d.Readiness, &d.Rationale
	}
	return out
}

type cycleRefDTO struct {
	ID          string       `json:"id"`
	Name        string       `json:"name"`
	State       domain.State `json:"state"`
	InputDue    *string      `json:"input_due"`
	FrameworkID string       `json:"framework_id"`
	// PeerAttribution tells the peer how their note will be released.
	PeerAttribution domain.Attribution `json:"peer_attribution"`
}

type personRefDTO struct {
	ID       string          `json:"id"`
	Name     string          `json:"name"`
	Function domain.Function `json:"function"`
}

type ownNoteDTO struct {
	RequestID string          `json:"request_id"`
	Advocacy  domain.Advocacy `json:"advocacy"`
	Criteria  []string        `json:"criteria"`
	Body      string          `json:"body"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
	Hints     *[]fieldHintDTO `json:"hints,omitempty"`
}

func ownNoteOf(n domain.PeerNote) ownNoteDTO {
	return ownNoteDTO{RequestID: n.RequestID, Advocacy: n.Advocacy, Criteria: n.Criteria, Body: n.Body,
		CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
}

type requestDTO struct {
	ID          string                `json:"id"`
	Cycle       cycleRefDTO           `json:"cycle"`
	EM          domain.Ref            `json:"em"`
	Peer        personRefDTO          `json:"peer"`
	RequestedBy domain.Ref            `json:"requested_by"`
	Message     *string               `json:"message"`
	Status      *domain.RequestStatus `json:"status"`
	CreatedAt   time.Time             `json:"created_at"`
	Note        *ownNoteDTO           `json:"note,omitempty"`
}

func requestOf(v calibration.RequestView) requestDTO {
	d := requestDTO{ID: v.ID,
		Cycle: cycleRefDTO{ID: v.Cycle.ID, Name: v.Cycle.Name, State: v.Cycle.State, InputDue: v.Cycle.InputDue,
			FrameworkID: v.Cycle.FrameworkID, PeerAttribution: v.Cycle.PeerAttribution},
		EM:          v.EM,
		Peer:        personRefDTO{ID: v.Peer.ID, Name: v.Peer.Name, Function: v.Peer.Function},
		RequestedBy: v.RequestedBy, Message: v.Message, CreatedAt: v.CreatedAt}
	if v.ShowStatus {
		st := v.Status
		d.Status = &st
	}
	if v.Note != nil {
		n := ownNoteOf(*v.Note)
		d.Note = &n
	}
	return d
}

type noteDTO struct {
	RequestID string          `json:"request_id"`
	CycleID   string          `json:"cycle_id"`
	EM        domain.Ref      `json:"em"`
	Author    personRefDTO    `json:"author"`
	Advocacy  domain.Advocacy `json:"advocacy"`
	Criteria  []string        `json:"criteria"`
	Body      string          `json:"body"`
	CreatedAt time.Time       `json:"created_at"`
	UpdatedAt time.Time       `json:"updated_at"`
}

func noteOf(v calibration.NoteView) noteDTO {
	return noteDTO{RequestID: v.RequestID, CycleID: v.CycleID, EM: v.EM,
		Author:   personRefDTO{ID: v.Author.ID, Name: v.Author.Name, Function: v.Author.Function},
		Advocacy: v.Advocacy, Criteria: v.Criteria, Body: v.Body, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt}
}

type feedbackCycleRef struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	ReleasedAt *time.Time `json:"released_at"`
}

type feedbackRatingDTO struct {
	Criterion string `json:"criterion"`
	Title     string `json:"title"`
	Score     int    `json:"score"`
	Evidence  string `json:"evidence"`
}

type feedbackDecisionDTO struct {
	Readiness domain.Readiness `json:"readiness"`
	Rationale string           `json:"rationale"`
}

type feedbackNoteDTO struct {
	Attribution string           `json:"attribution"`
	Author      *string          `json:"author,omitempty"`
	Function    *domain.Function `json:"function,omitempty"`
	Advocacy    domain.Advocacy  `json:"advocacy"`
	Criteria    []string         `json:"criteria"`
	Body        string           `json:"body"`
}

type feedbackDTO struct {
	Cycle     feedbackCycleRef     `json:"cycle"`
	Ratings   []feedbackRatingDTO  `json:"ratings"`
	Composite *float64             `json:"composite"`
	Decision  *feedbackDecisionDTO `json:"decision"`
	Notes     []feedbackNoteDTO    `json:"notes"`
	// PeerAttribution is how the cycle attributes its notes and
	// PeerAttributionExplained why, in words for the EM.
	PeerAttribution          domain.Attribution    `json:"peer_attribution"`
	PeerAttributionExplained string                `json:"peer_attribution_explained"`
	PeerInput                calibration.PeerInput `json:"peer_input"`
}

func feedbackOf(f calibration.Feedback) feedbackDTO {
	d := feedbackDTO{Cycle: feedbackCycleRef{ID: f.Cycle.ID, Name: f.Cycle.Name, ReleasedAt: f.ReleasedAt},
		Ratings: make([]feedbackRatingDTO, len(f.Ratings)), Composite: f.Composite, Notes: make([]feedbackNoteDTO, len(f.Notes)),
		PeerAttribution: f.Attribution, PeerAttributionExplained: f.AttributionWhy, PeerInput: f.PeerInput}
	for i, r := range f.Ratings {
		d.Ratings[i] = feedbackRatingDTO{r.Criterion, r.Title, r.Score, r.Evidence}
	}
	if f.Decision != nil {
		d.Decision = &feedbackDecisionDTO{f.Decision.Readiness, f.Decision.Rationale}
	}
	for i, n := range f.Notes {
		d.Notes[i] = feedbackNoteDTO{n.Attribution, n.Author, n.Function, n.Advocacy, n.Criteria, n.Body}
	}
	return d
}
