package store

import (
	"context"
	"encoding/json"

	"calibrate/internal/domain"
)

// SeedData is a whole synthetic organisation's history, written in bulk;
// every row is of OrgID.
type SeedData struct {
	OrgID       string
	Users       []domain.User
	Cycles      []domain.Cycle
	Assessments []domain.Assessment
	Decisions   []domain.Decision
	Requests    []domain.PeerRequest
	Notes       []domain.PeerNote
}

const seedBatch = 500

// InsertSeed writes d in one transaction with batched inserts, bypassing
// the per-write services: a synthetic history of thousands of ratings
// loads in seconds. One audit entry records the load.
func (s *Store) InsertSeed(ctx context.Context, d SeedData) error {
	return s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		users := make([]userRow, len(d.Users))
		for i, u := range d.Users {
			users[i] = userRowOf(u)
		}
		if err := db.CreateInBatches(users, seedBatch).Error; err != nil {
			return translate(err)
		}
		var cycles []cycleRow
		var owners []ownerRow
		var parts []participantRow
		for i := range d.Cycles {
			c := &d.Cycles[i]
			cycles = append(cycles, cycleRowOf(c))
			for _, o := range c.Owners {
				owners = append(owners, ownerRow{CycleID: c.ID, OrgID: d.OrgID, UserID: o, IsLead: o == c.LeadID})
			}
			for _, p := range c.Participants {
				parts = append(parts, participantRow{CycleID: c.ID, OrgID: d.OrgID, EMID: p.EMID, DirectorID: p.DirectorID, Open: !c.State.Done()})
			}
		}
		if err := db.CreateInBatches(cycles, seedBatch).Error; err != nil {
			return err
		}
		if err := db.CreateInBatches(owners, seedBatch).Error; err != nil {
			return err
		}
		if err := db.CreateInBatches(parts, seedBatch).Error; err != nil {
			return translate(err)
		}
		var assessments []assessmentRow
		var ratings []ratingRow
		for _, a := range d.Assessments {
			assessments = append(assessments, assessmentRow{ID: a.ID, OrgID: d.OrgID, CycleID: a.CycleID, EMID: a.EMID, Kind: string(a.Kind),
				AuthorID: a.AuthorID, PrivateNote: a.PrivateNote, Version: a.Version, CreatedAt: *a.UpdatedAt, UpdatedAt: *a.UpdatedAt})
			for _, r := range a.Ratings {
				ratings = append(ratings, ratingRow{AssessmentID: a.ID, OrgID: d.OrgID, Criterion: r.Criterion, Score: r.Score, Evidence: r.Evidence})
			}
		}
		if err := db.CreateInBatches(assessments, seedBatch).Error; err != nil {
			return err
		}
		if err := db.CreateInBatches(ratings, seedBatch).Error; err != nil {
			return err
		}
		decisions := make([]decisionRow, len(d.Decisions))
		for i, x := range d.Decisions {
			decisions[i] = decisionRow{ID: x.ID, OrgID: d.OrgID, CycleID: x.CycleID, EMID: x.EMID, DirectorID: x.DirectorID,
				Readiness: string(x.Readiness), Rationale: x.Rationale, Version: x.Version, CreatedAt: *x.UpdatedAt, UpdatedAt: *x.UpdatedAt}
		}
		if err := db.CreateInBatches(decisions, seedBatch).Error; err != nil {
			return err
		}
		requests := make([]requestRow, len(d.Requests))
		for i, r := range d.Requests {
			requests[i] = requestRow{ID: r.ID, OrgID: d.OrgID, CycleID: r.CycleID, EMID: r.EMID, PeerID: r.PeerID, RequestedBy: r.RequestedBy,
				Message: r.Message, Status: string(r.Status), CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
		}
		if err := db.CreateInBatches(requests, seedBatch).Error; err != nil {
			return err
		}
		notes := make([]noteRow, len(d.Notes))
		for i, n := range d.Notes {
			crit, err := json.Marshal(n.Criteria)
			if err != nil {
				return err
			}
			notes[i] = noteRow{RequestID: n.RequestID, OrgID: d.OrgID, CycleID: n.CycleID, EMID: n.EMID, AuthorID: n.AuthorID,
				Advocacy: string(n.Advocacy), Criteria: string(crit), Body: n.Body, CreatedAt: n.CreatedAt, UpdatedAt: n.UpdatedAt}
		}
		if err := db.CreateInBatches(notes, seedBatch).Error; err != nil {
			return err
		}
		// The loaded cycles are finished without passing through
		// finalization: their summaries are written here instead.
		if err := s.summarizeOrg(ctx, d.OrgID); err != nil {
			return err
		}
		return s.Audit(ctx, domain.AuditEntry{OrgID: d.OrgID, Action: "seed.load", ObjectType: "organization", ObjectID: d.OrgID,
			After: map[string]int{"users": len(d.Users), "cycles": len(d.Cycles), "ratings": len(ratings), "notes": len(d.Notes)}})
	})
}
