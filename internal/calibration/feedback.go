package calibration

import (
	"context"
	"strings"
	"time"

	"calibrate/internal/domain"
)

// Feedback is what an EM reads of one released cycle: the director's
// ratings with evidence, the decision, and the peer notes attributed as the
// cycle says. Private notes and self-assessments are not part of it.
type Feedback struct {
	Cycle      domain.Ref
	ReleasedAt *time.Time
	Ratings    []FeedbackRating
	Composite  *float64
	Decision   *domain.Decision
	Notes      []AttributedNote
	// Attribution is how the cycle attributes its notes, fixed before
	// input opened; AttributionWhy says so in words.
	Attribution    domain.Attribution
	AttributionWhy string
	// PeerInput counts the partners asked about the EM, by anyone, and
	// how many answered: counts only, never who.
	PeerInput PeerInput
}

// PeerInput is how many partners were asked for input about an EM in a
// cycle and how many answered.
type PeerInput struct {
	Asked    int `json:"asked"`
	Answered int `json:"answered"`
}

// AttributionWhy explains an attribution to the EM who reads the notes.
func AttributionWhy(a domain.Attribution) string {
	switch a {
	case domain.AttributionNamed:
		return "Notes in this cycle are named: the lead chose this before input opened, and each peer wrote knowing their name and function would be shown to you."
	case domain.AttributionByFunction:
		return "Notes in this cycle show the writer's function, not their name: the lead chose this before input opened, and each peer wrote knowing you would see only their function (for example \"a product partner\")."
	}
	return "Notes in this cycle are anonymous: the lead chose this before input opened, and each peer wrote knowing you would see neither their name nor their function."
}

type FeedbackRating struct {
	Criterion string
	Title     string
	Score     int
	Evidence  string
}

// AttributedNote is a peer note as its subject may see it: Author and
// Function are nil where the cycle's attribution hides them.
type AttributedNote struct {
	// Attribution is the line to show above the note: "Pat Rivera
	// (product)", "a product partner" or "a colleague".
	Attribution string
	Author      *string
	Function    *domain.Function
	Advocacy    domain.Advocacy
	Criteria    []string
	Body        string
}

// MyFeedback returns the caller's feedback from every released cycle they
// took part in, newest first.
func (s *Cycles) MyFeedback(ctx context.Context, p domain.Principal) ([]Feedback, error) {
	cycles, err := s.store.FinishedCyclesOf(ctx, p.OrgID, p.UserID)
	if err != nil {
		return nil, err
	}
	var released []domain.Cycle
	var ids []string
	for i := len(cycles) - 1; i >= 0; i-- {
		if cycles[i].State == domain.StateReleased {
			released = append(released, cycles[i])
			ids = append(ids, cycles[i].ID)
		}
	}
	out := []Feedback{}
	if len(released) == 0 {
		return out, nil
	}
	assessments, err := s.store.Assessments(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	decisions, err := s.store.Decisions(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	notes, err := s.store.NotesOf(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	requests, err := s.store.PeerRequestsOf(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	var authorIDs []string
	for _, n := range notes {
		if n.EMID == p.UserID {
			authorIDs = append(authorIDs, n.AuthorID)
		}
	}
	authors, err := s.store.UsersByID(ctx, p.OrgID, authorIDs)
	if err != nil {
		return nil, err
	}
	frameworks := map[string]domain.Framework{}
	for _, c := range released {
		fw, ok := frameworks[c.FrameworkID]
		if !ok {
			if fw, err = s.store.Framework(ctx, p.OrgID, c.FrameworkID); err != nil {
				return nil, err
			}
			frameworks[c.FrameworkID] = fw
		}
		fb := Feedback{Cycle: domain.Ref{ID: c.ID, Name: c.Name}, ReleasedAt: c.ReleasedAt,
			Ratings: []FeedbackRating{}, Notes: []AttributedNote{},
			Attribution: c.PeerAttribution, AttributionWhy: AttributionWhy(c.PeerAttribution)}
		for _, r := range requests {
			if r.CycleID == c.ID && r.EMID == p.UserID {
				fb.PeerInput.Asked++
				if r.Status == domain.RequestAnswered {
					fb.PeerInput.Answered++
				}
			}
		}
		for _, a := range assessments {
			if a.CycleID == c.ID && a.EMID == p.UserID && a.Kind == domain.KindDirectorAssessment {
				fb.Ratings = feedbackRatings(fw, a.Ratings)
				fb.Composite = Composite(fw, a.Ratings)
			}
		}
		for i, d := range decisions {
			if d.CycleID == c.ID && d.EMID == p.UserID {
				fb.Decision = &decisions[i]
			}
		}
		for _, n := range notes {
			if n.CycleID == c.ID && n.EMID == p.UserID {
				fb.Notes = append(fb.Notes, attribute(n, authors[n.AuthorID], c.PeerAttribution))
			}
		}
		out = append(out, fb)
	}
	return out, nil
}

// feedbackRatings orders ratings as the framework lists its criteria.
func feedbackRatings(fw domain.Framework, ratings []domain.Rating) []FeedbackRating {
	by := map[string]domain.Rating{}
	for _, r := range ratings {
		by[r.Criterion] = r
	}
	out := []FeedbackRating{}
	for _, c := range fw.Criteria {
		if r, ok := by[c.Key]; ok {
			out = append(out, FeedbackRating{Criterion: c.Key, Title: c.Title, Score: r.Score, Evidence: r.Evidence})
		}
	}
	return out
}

func attribute(n domain.PeerNote, author domain.User, mode domain.Attribution) AttributedNote {
	a := AttributedNote{Advocacy: n.Advocacy, Criteria: n.Criteria, Body: n.Body}
	switch mode {
	case domain.AttributionNamed:
		name, fn := author.Name, author.Function
		a.Author, a.Function = &name, &fn
		a.Attribution = name + " (" + string(fn) + ")"
	case domain.AttributionByFunction:
		fn := author.Function
		a.Function = &fn
		a.Attribution = functionPartner(fn)
	default:
		a.Attribution = "a colleague"
	}
	return a
}

// functionPartner is the by_function attribution line: "a product
// partner", "an operations partner"; for the function "other", "a partner
// from another function".
func functionPartner(fn domain.Function) string {
	switch {
	case fn == domain.FunctionOther || fn == "":
		return "a partner from another function"
	case strings.ContainsRune("aeiou", rune(fn[0])):
		return "an " + string(fn) + " partner"
	}
	return "a " + string(fn) + " partner"
}
