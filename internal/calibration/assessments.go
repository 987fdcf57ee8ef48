package calibration

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

const (
	maxEvidenceLen  = 5000
	maxRationaleLen = 5000
	maxReasonLen    = 500
)

// AssessmentInput is a full write of an assessment: its ratings replace the
// stored ones. Version is the version the writer read (0 for the first).
type AssessmentInput struct {
	Ratings     []domain.Rating
	PrivateNote *string
	Version     *int
	// ChangeReason says why a director changes an assessment. Once the
	// cycle is calibrating, a change to one already written needs it: the
	// meeting's record (the audit entry of the write) keeps it.
	ChangeReason *string
}

// participantOf loads a cycle the caller owns (or an admin reads) and
// checks emID takes part in it.
func (s *Cycles) participantOf(ctx context.Context, p domain.Principal, cycleID, emID string) (domain.Cycle, domain.Participant, error) {
	c, err := s.owned(ctx, p, cycleID)
	if err != nil {
		return c, domain.Participant{}, err
	}
	pt, ok := c.Participant(emID)
	if !ok {
		return c, pt, domain.NotFound("participant")
	}
	return c, pt, nil
}

// directorFor loads what the EM's director in the cycle needs to write:
// another owner may read but not write (403 not_your_em).
func (s *Cycles) directorFor(ctx context.Context, p domain.Principal, cycleID, emID string) (domain.Cycle, error) {
	c, pt, err := s.participantOf(ctx, p, cycleID, emID)
	if err != nil {
		return c, err
	}
	if pt.DirectorID != p.UserID {
		return c, domain.Forbidden(domain.CodeNotYourEM, "only the EM's director in this cycle rates and decides for them")
	}
	return c, nil
}

// Assessment returns the director's assessment of emID (owners and admins).
func (s *Cycles) Assessment(ctx context.Context, p domain.Principal, cycleID, emID string) (domain.Assessment, error) {
	if _, _, err := s.participantOf(ctx, p, cycleID, emID); err != nil {
		return domain.Assessment{}, err
	}
	return s.store.Assessment(ctx, p.OrgID, cycleID, emID, domain.KindDirectorAssessment)
}

// SaveAssessment writes the director's assessment of emID while input is
// open or the cycle is calibrating.
func (s *Cycles) SaveAssessment(ctx context.Context, p domain.Principal, cycleID, emID string, in AssessmentInput) (domain.Assessment, error) {
	var a domain.Assessment
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		c, err := s.directorFor(ctx, p, cycleID, emID)
		if err != nil {
			return err
		}
		if c.State != domain.StateInputOpen && c.State != domain.StateCalibrating {
			return domain.Conflict(domain.CodeCycleLocked, fmt.Sprintf("ratings can be written while input is open or during calibration, not when the cycle is %s", c.State))
		}
		if in.PrivateNote != nil && utf8.RuneCountInString(*in.PrivateNote) > maxEvidenceLen {
			return domain.Invalid("private_note", "must have at most 5000 characters")
		}
		a = domain.Assessment{OrgID: p.OrgID, CycleID: cycleID, EMID: emID, Kind: domain.KindDirectorAssessment, AuthorID: p.UserID, PrivateNote: in.PrivateNote}
		return s.saveRatings(ctx, p, c, &a, in)
	})
	return a, err
}

// SelfAssessment returns the caller's own self-assessment in a cycle.
func (s *Cycles) SelfAssessment(ctx context.Context, p domain.Principal, cycleID string) (domain.Assessment, error) {
	if _, err := s.visible(ctx, p, cycleID); err != nil || p.Role != domain.RoleEM {
		if err == nil {
			err = domain.NotFound("cycle")
		}
		return domain.Assessment{}, err
	}
	return s.store.Assessment(ctx, p.OrgID, cycleID, p.UserID, domain.KindSelfAssessment)
}

// SelfAssessmentOf returns an EM's self-assessment to the owners and admins.
func (s *Cycles) SelfAssessmentOf(ctx context.Context, p domain.Principal, cycleID, emID string) (domain.Assessment, error) {
	if _, _, err := s.participantOf(ctx, p, cycleID, emID); err != nil {
		return domain.Assessment{}, err
	}
	return s.store.Assessment(ctx, p.OrgID, cycleID, emID, domain.KindSelfAssessment)
}

// SaveSelfAssessment writes the caller's self-assessment while input is open.
func (s *Cycles) SaveSelfAssessment(ctx context.Context, p domain.Principal, cycleID string, in AssessmentInput) (domain.Assessment, error) {
	var a domain.Assessment
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		c, err := s.visible(ctx, p, cycleID)
		if err != nil {
			return err
		}
		if c.State != domain.StateInputOpen {
			return domain.Conflict(domain.CodeCycleLocked, fmt.Sprintf("self-assessments can be written only while input is open; the cycle is %s", c.State))
		}
		a = domain.Assessment{OrgID: p.OrgID, CycleID: cycleID, EMID: p.UserID, Kind: domain.KindSelfAssessment, AuthorID: p.UserID}
		return s.saveRatings(ctx, p, c, &a, in)
	})
	return a, err
}

// saveRatings validates ratings against the cycle's framework and writes
// them with the optimistic version check.
func (s *Cycles) saveRatings(ctx context.Context, p domain.Principal, c domain.Cycle, a *domain.Assessment, in AssessmentInput) error {
	fw, err := s.store.Framework(ctx, c.OrgID, c.FrameworkID)
	if err != nil {
		return err
	}
	f := domain.Fields{}
	a.Ratings = checkRatings(f, fw, in.Ratings)
	reason := ""
	if in.ChangeReason != nil {
		reason = strings.TrimSpace(*in.ChangeReason)
		if n := utf8.RuneCountInString(reason); n > maxReasonLen || (n == 0 && !reasonRequired(c, a.Kind)) {
			f.Add("change_reason", "must have 1 to %d characters", maxReasonLen)
		}
	}
	if in.Version == nil {
		f.Add("version", "is required: 0 for the first write, then the version you read")
	} else if *in.Version < 0 {
		f.Add("version", "must be 0 or more")
	}
	if err := f.Err(); err != nil {
		return err
	}
	before, err := s.store.Assessment(ctx, c.OrgID, c.ID, a.EMID, a.Kind)
	if err != nil {
		return err
	}
	if reason == "" && before.Version > 0 && reasonRequired(c, a.Kind) {
		return domain.ReasonRequired("change_reason",
			"the cycle is calibrating: a change to a written assessment needs change_reason, saying why")
	}
	if err := s.store.SaveAssessment(ctx, a, *in.Version); err != nil {
		return err
	}
	action := "assessment.write"
	if a.Kind == domain.KindSelfAssessment {
		action = "self_assessment.write"
	}
	after := auditAssessment(*a)
	if reason != "" {
		after["change_reason"] = reason
	}
	// A first write has no before: recorded as null, not as an empty map.
	var old any
	if m := auditAssessment(before); m != nil {
		old = m
	}
	return s.auditEM(ctx, p, c.ID, a.EMID, action, "assessment", a.ID, old, after)
}

// reasonRequired: during calibration every change to a director's
// assessment goes on the meeting's record with its reason. Before, ratings
// are still being formed and need none.
func reasonRequired(c domain.Cycle, kind domain.AssessmentKind) bool {
	return c.State == domain.StateCalibrating && kind == domain.KindDirectorAssessment
}

func checkRatings(f domain.Fields, fw domain.Framework, ratings []domain.Rating) []domain.Rating {
	out := make([]domain.Rating, 0, len(ratings))
	seen := map[string]bool{}
	for i, r := range ratings {
		at := fmt.Sprintf("ratings[%d]", i)
		if _, ok := fw.Criterion(r.Criterion); !ok {
			f.Add(at+".criterion", "is not a criterion of the cycle's framework")
		} else if seen[r.Criterion] {
			f.Add(at+".criterion", "is rated twice")
		}
		seen[r.Criterion] = true
		if r.Score < fw.Scale.Min || r.Score > fw.Scale.Max {
			f.Add(at+".score", "must be %d..%d", fw.Scale.Min, fw.Scale.Max)
		}
		r.Evidence = strings.TrimSpace(r.Evidence)
		if utf8.RuneCountInString(r.Evidence) > maxEvidenceLen {
			f.Add(at+".evidence", "must have at most %d characters", maxEvidenceLen)
		}
		out = append(out, r)
	}
	return out
}

func auditAssessment(a domain.Assessment) map[string]any {
	if a.Version == 0 {
		return nil
	}
	return map[string]any{"version": a.Version, "ratings": a.Ratings, "private_note": a.PrivateNote}
}

// DecisionInput is a readiness decision write.
type DecisionInput struct {
	Readiness domain.Readiness
	Rationale string
	Version   *int
}

// Decision returns the decision for emID (owners and admins).
func (s *Cycles) Decision(ctx context.Context, p domain.Principal, cycleID, emID string) (domain.Decision, error) {
	if _, _, err := s.participantOf(ctx, p, cycleID, emID); err != nil {
		return domain.Decision{}, err
	}
	return s.store.Decision(ctx, p.OrgID, cycleID, emID)
}

// SaveDecision records the EM's director's readiness decision while the
// cycle is calibrating.
func (s *Cycles) SaveDecision(ctx context.Context, p domain.Principal, cycleID, emID string, in DecisionInput) (domain.Decision, error) {
	var d domain.Decision
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		c, err := s.directorFor(ctx, p, cycleID, emID)
		if err != nil {
			return err
		}
		if c.State != domain.StateCalibrating {
			return domain.Conflict(domain.CodeCycleLocked, fmt.Sprintf("decisions are recorded during calibration; the cycle is %s", c.State))
		}
		f := domain.Fields{}
		if !in.Readiness.Valid() {
			f.Add("readiness", "must be ready_now, ready_6_12_months, ready_12_24_months or not_yet")
		}
		rationale := strings.TrimSpace(in.Rationale)
		switch n := utf8.RuneCountInString(rationale); {
		case n == 0:
			f.Add("rationale", "is required: say why")
		case n > maxRationaleLen:
			f.Add("rationale", "must have at most %d characters", maxRationaleLen)
		}
		if in.Version == nil || *in.Version < 0 {
			f.Add("version", "is required: 0 for the first write, then the version you read")
		}
		if err := f.Err(); err != nil {
			return err
		}
		before, err := s.store.Decision(ctx, p.OrgID, cycleID, emID)
		if err != nil {
			return err
		}
		d = domain.Decision{OrgID: p.OrgID, CycleID: cycleID, EMID: emID, DirectorID: p.UserID, Readiness: in.Readiness, Rationale: rationale}
		if err := s.store.SaveDecision(ctx, &d, *in.Version); err != nil {
			return err
		}
		var old any
		if before.Version > 0 {
			old = map[string]any{"readiness": before.Readiness, "rationale": before.Rationale, "version": before.Version}
		}
		return s.auditEM(ctx, p, c.ID, emID, "decision.write", "decision", d.ID, old,
			map[string]any{"readiness": d.Readiness, "rationale": d.Rationale, "version": d.Version})
	})
	return d, err
}
