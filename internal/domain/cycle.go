package domain

import "time"

// State is where a calibration cycle stands.
type State string

const (
	StateDraft       State = "draft"
	StateInputOpen   State = "input_open"
	StateCalibrating State = "calibrating"
	StateFinalized   State = "finalized"
	StateReleased    State = "released"
)

// next is the one legal move from each state.
var next = map[State]State{
	StateDraft:       StateInputOpen,
	StateInputOpen:   StateCalibrating,
	StateCalibrating: StateFinalized,
	StateFinalized:   StateReleased,
}

func (s State) Valid() bool {
	switch s {
	case StateDraft, StateInputOpen, StateCalibrating, StateFinalized, StateReleased:
		return true
	}
	return false
}

// CanMoveTo reports whether to is the legal next state.
func (s State) CanMoveTo(to State) bool { return next[s] == to }

// Next is the legal next state, or "" when there is none.
func (s State) Next() State { return next[s] }

// Done reports whether the cycle is finalized or released.
func (s State) Done() bool { return s == StateFinalized || s == StateReleased }

// Attribution is how peer notes are attributed when released.
type Attribution string

const (
	AttributionNamed      Attribution = "named"
	AttributionByFunction Attribution = "by_function"
	AttributionAnonymous  Attribution = "anonymous"
)

func (a Attribution) Valid() bool {
	return a == AttributionNamed || a == AttributionByFunction || a == AttributionAnonymous
}

// Readiness for promotion, most ready first.
type Readiness string

const (
	ReadyNow        Readiness = "ready_now"
	Ready6to12      Readiness = "ready_6_12_months"
	Ready12to24     Readiness = "ready_12_24_months"
	ReadinessNotYet Readiness = "not_yet"
)

// Readinesses lists the values from most to least ready.
var Readinesses = []Readiness{ReadyNow, Ready6to12, Ready12to24, ReadinessNotYet}

// Rank is 0 for ready_now … 3 for not_yet, -1 for an unknown value.
func (r Readiness) Rank() int {
	for i, v := range Readinesses {
		if v == r {
			return i
		}
	}
	return -1
}

func (r Readiness) Valid() bool { return r.Rank() >= 0 }

// Advocacy is a peer note's stance.
type Advocacy string

const (
	AdvocacyStrong  Advocacy = "strong"
	AdvocacySupport Advocacy = "support"
	AdvocacyNeutral Advocacy = "neutral"
	AdvocacyConcern Advocacy = "concern"
)

var Advocacies = []Advocacy{AdvocacyStrong, AdvocacySupport, AdvocacyNeutral, AdvocacyConcern}

func (a Advocacy) Valid() bool {
	for _, v := range Advocacies {
		if v == a {
			return true
		}
	}
	return false
}

// Ref names a person or object in a response.
type Ref struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// Cycle is a calibration cycle with its owners and participants.
type Cycle struct {
	ID          string
	OrgID       string
	Name        string
	FrameworkID string
	LeadID      string
	State       State
	InputDue    *string
	// ResultsExpectedOn is the date the lead expects to release the
	// results, nil until set; the lead may change it until release.
	ResultsExpectedOn *string
	PeerAttribution   Attribution
	// DistributionGuide is nil when the cycle has none.
	DistributionGuide DistributionGuide
	// OverrideReason is why the cycle was finalized outside its guide.
	OverrideReason *string
	CreatedAt      time.Time
	UpdatedAt      time.Time
	FinalizedAt    *time.Time
	ReleasedAt     *time.Time
	Owners         []string      // user ids, the lead first
	Participants   []Participant // in the order they were added
}

// Participant is an EM in a cycle and their director in it.
type Participant struct {
	EMID       string `json:"em_id"`
	DirectorID string `json:"director_id"`
}

// IsOwner reports whether userID leads or co-owns the cycle.
func (c *Cycle) IsOwner(userID string) bool {
	for _, o := range c.Owners {
		if o == userID {
			return true
		}
	}
	return false
}

// Participant returns the participant emID, if they are one.
func (c *Cycle) Participant(emID string) (Participant, bool) {
	for _, p := range c.Participants {
		if p.EMID == emID {
			return p, true
		}
	}
	return Participant{}, false
}

// AssessmentKind tells a director assessment from a self-assessment.
type AssessmentKind string

const (
	KindDirectorAssessment AssessmentKind = "director"
	KindSelfAssessment     AssessmentKind = "self"
)

// Rating is one criterion's score and evidence.
type Rating struct {
	Criterion string `json:"criterion"`
	Score     int    `json:"score"`
	Evidence  string `json:"evidence"`
}

// Assessment is a director's or an EM's own ratings of one EM in one cycle.
// Version 0 means nothing was written yet.
type Assessment struct {
	// OrgID is the organisation the row belongs to; the store writes it
	// and filters by it, and it is never shown.
	OrgID       string `json:"-"`
	ID          string
	CycleID     string
	EMID        string
	Kind        AssessmentKind
	AuthorID    string
	PrivateNote *string
	Version     int
	Ratings     []Rating
	UpdatedAt   *time.Time
}

// Decision is the director's readiness call for an EM in a cycle.
type Decision struct {
	// OrgID is the organisation the row belongs to; the store writes it
	// and filters by it, and it is never shown.
	OrgID      string `json:"-"`
	ID         string
	CycleID    string
	EMID       string `json:"em_id"`
	DirectorID string `json:"director_id"`
	Readiness  Readiness
	Rationale  string
	Version    int
	UpdatedAt  *time.Time
}

// RequestStatus is where a peer request stands.
type RequestStatus string

const (
	RequestOpen     RequestStatus = "open"
	RequestAnswered RequestStatus = "answered"
	RequestDeclined RequestStatus = "declined"
)

// PeerRequest asks a peer for input about an EM in a cycle.
type PeerRequest struct {
	// OrgID is the organisation the row belongs to; the store writes it
	// and filters by it, and it is never shown.
	OrgID       string `json:"-"`
	ID          string
	CycleID     string
	EMID        string
	PeerID      string
	RequestedBy string
	Message     *string
	Status      RequestStatus
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// PeerNote answers a peer request.
type PeerNote struct {
	// OrgID is the organisation the row belongs to; the store writes it
	// and filters by it, and it is never shown.
	OrgID     string `json:"-"`
	RequestID string
	CycleID   string
	EMID      string
	AuthorID  string
	Advocacy  Advocacy
	Criteria  []string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// CycleFilter selects the cycles a caller may list: an organisation, and
// at most one of owner, reader, participant or peer. ReaderID selects the
// cycles a director reads: those they own, and the finished ones whose
// owners all report to them, directly or not. GuestID adds (to the
// owner's or reader's, or alone) the unfinished cycles GuestID is a guest
// of until GuestOn (YYYY-MM-DD) or later.
type CycleFilter struct {
	OrgID         string
	OwnerID       string
	ReaderID      string
	ParticipantID string
	PeerID        string
	GuestID       string
	GuestOn       string
	State         State
}

// RequestFilter selects peer requests of an organisation: every one (All),
// or those addressed to PeerID, made by RequestedBy, or of cycles OwnerID
// owns; optionally of one cycle.
type RequestFilter struct {
	OrgID       string
	All         bool
	PeerID      string
	RequestedBy string
	OwnerID     string
	CycleID     string
}

// RatingRow is one rating with its assessment's subject, kind and author.
type RatingRow struct {
	EMID      string `gorm:"column:em_id"`
	Kind      AssessmentKind
	AuthorID  string
	Criterion string
	Score     int
	Evidence  string
}

// PastCycle is an EM's finished cycle as readiness rules see it: the
// decision, and how many director ratings there were and how many fell
// below the bar.
type PastCycle struct {
	EMID        string `gorm:"column:em_id"`
	CycleID     string
	CycleName   string
	State       State
	FinalizedAt *time.Time
	ReleasedAt  *time.Time
	Readiness   *Readiness
	Rated       int
	Below       int
}

// Clean reports whether the director rated the EM and nothing fell below
// the bar in that cycle.
func (p PastCycle) Clean() bool { return p.Rated > 0 && p.Below == 0 }

// PlanStatus is where a development plan item stands.
type PlanStatus string

const (
	PlanOpen       PlanStatus = "open"
	PlanInProgress PlanStatus = "in_progress"
	PlanDone       PlanStatus = "done"
	PlanDropped    PlanStatus = "dropped"
)

func (s PlanStatus) Valid() bool {
	return s == PlanOpen || s == PlanInProgress || s == PlanDone || s == PlanDropped
}

// PlanItem is one step of an EM's development plan.
type PlanItem struct {
	ID        string     `json:"id"`
	OrgID     string     `json:"-"`
	EMID      string     `json:"em_id"`
	Criterion string     `json:"criterion"`
	Action    string     `json:"action"`
	RevisitOn *string    `json:"revisit_on"`
	Status    PlanStatus `json:"status"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Stance is an owner's pre-read of a director assessment.
type Stance string

const (
	StanceAgree    Stance = "agree"
	StanceQuestion Stance = "question"
	StanceAbstain  Stance = "abstain"
)

var Stances = []Stance{StanceAgree, StanceQuestion, StanceAbstain}

func (s Stance) Valid() bool { return s == StanceAgree || s == StanceQuestion || s == StanceAbstain }

// Preread is one owner's stance on one participant's director assessment.
type Preread struct {
	// OrgID is the organisation the row belongs to; the store writes it
	// and filters by it, and it is never shown.
	OrgID     string    `json:"-"`
	CycleID   string    `json:"cycle_id"`
	EMID      string    `json:"em_id"`
	OwnerID   string    `json:"owner_id"`
	Stance    Stance    `json:"stance"`
	Comment   *string   `json:"comment"`
	UpdatedAt time.Time `json:"updated_at"`
}

// MeetingState is what the owners keep of one participant during the
// calibration meeting: whether they discussed them and a shared note. It is
// the owners' working record and is never released to the EM.
type MeetingState struct {
	// OrgID is the organisation the row belongs to; the store writes it
	// and filters by it, and it is never shown.
	OrgID     string `json:"-"`
	CycleID   string
	EMID      string
	Discussed bool
	Note      string
	// Version is 0 before the first write, as for assessments.
	Version   int
	UpdatedBy *string
	UpdatedAt *time.Time
}

// ReasonRequired is the refusal of a change during calibration that does
// not say why.
func ReasonRequired(field, msg string) *Error {
	return &Error{Kind: KindValidation, Code: CodeReasonRequired, Message: msg, Fields: map[string]string{field: "is required: say why, in 1 to 500 characters"}}
}
