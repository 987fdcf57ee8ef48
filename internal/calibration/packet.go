package calibration

import (
	"context"
	"fmt"
	"strings"

	"calibrate/internal/domain"
)

// PacketContent is what a promotion packet shows, whatever its format:
// the EM's finished cycles as their history gives them (released ones only
// for the EM), the peer notes of the latest one, the cycle on the table
// for its owners, and the development plan.
type PacketContent struct {
	History
	// LatestNotes are the notes of the latest finished cycle, attributed as
	// that cycle says.
	LatestNotes []AttributedNote
	// Draft is the cycle being calibrated, for its owners only; nil for
	// anyone else or when the EM is in no cycle in calibration.
	Draft *DraftCycle
	Plan  []domain.PlanItem
}

// DraftCycle is the EM's place in the cycle being calibrated: nothing in
// it is final until the cycle is finalized.
type DraftCycle struct {
	Cycle     domain.Cycle
	Framework domain.Framework
	Ratings   []domain.Rating
	Composite *float64
	Suggested *domain.Readiness
	Decision  *domain.Readiness
	Rationale *string
	Flags     []Flag
	Notes     []AttributedNote
	// Changes are the meeting's changes about the EM so far, oldest first.
	Changes []ActivityItem
}

// DraftLabel marks what the cycle on the table says, in every format.
const DraftLabel = "draft — not final"

// OverrideLine is what a packet says of a cycle finalized outside its
// distribution guide, for the EM's managers and admins.
func OverrideLine(reason string) string {
	return "Finalized outside the distribution guide: " + reason
}

// PacketContent gathers the promotion packet of an EM. Private notes of
// director assessments are never part of it: a packet travels.
func (s *Cycles) PacketContent(ctx context.Context, p domain.Principal, emID string) (PacketContent, error) {
	h, err := s.History(ctx, p, emID)
	if err != nil {
		return PacketContent{}, err
	}
	pk := PacketContent{History: h, Plan: []domain.PlanItem{}}
	if n := len(h.Cycles); n > 0 {
		last := h.Cycles[n-1]
		if pk.LatestNotes, err = s.notesAbout(ctx, p, emID, last.Cycle.CycleID, last.Attribution); err != nil {
			return PacketContent{}, err
		}
	}
	if pk.Draft, err = s.draftCycle(ctx, p, emID); err != nil {
		return PacketContent{}, err
	}
	pk.Plan, err = domain.Gather(domain.MaxPageLimit, 0, func(page domain.Page) (domain.List[domain.PlanItem], error) {
		return s.plans.PlanItems(ctx, p.OrgID, emID, page)
	})
	if err != nil {
		return PacketContent{}, err
	}
	return pk, nil
}

// draftCycle returns the EM's row of the cycle in calibration when the
// caller owns that cycle: the owners bring the packet to the meeting;
// other directors above the EM, admins and the EM wait for the cycle to
// be finished.
func (s *Cycles) draftCycle(ctx context.Context, p domain.Principal, emID string) (*DraftCycle, error) {
	if p.Role != domain.RoleDirector {
		return nil, nil
	}
	open, err := s.store.OpenCycleOf(ctx, p.OrgID, []string{emID}, "")
	if err != nil {
		return nil, err
	}
	id, ok := open[emID]
	if !ok {
		return nil, nil
	}
	c, err := s.store.Cycle(ctx, p.OrgID, id)
	if err != nil {
		return nil, err
	}
	if c.State != domain.StateCalibrating || !c.IsOwner(p.UserID) {
		return nil, nil
	}
	b, err := s.boardFor(ctx, p, id, BoardQuery{}, "")
	if err != nil {
		return nil, err
	}
	d := &DraftCycle{Cycle: c, Framework: b.Framework, Ratings: []domain.Rating{}}
	for _, r := range b.Rows {
		if r.EM.ID == emID {
			d.Composite, d.Suggested, d.Decision, d.Flags = r.Composite, r.Suggested, r.Decision, r.Flags
		}
	}
	assessments, err := s.store.Assessments(ctx, p.OrgID, []string{id})
	if err != nil {
		return nil, err
	}
	for _, a := range assessments {
		if a.EMID == emID && a.Kind == domain.KindDirectorAssessment {
			d.Ratings = a.Ratings
		}
	}
	decisions, err := s.store.Decisions(ctx, p.OrgID, []string{id})
	if err != nil {
		return nil, err
	}
	for _, dec := range decisions {
		if dec.EMID == emID {
			r := dec.Rationale
			d.Rationale = &r
		}
	}
	if d.Notes, err = s.notesAbout(ctx, p, emID, id, c.PeerAttribution); err != nil {
		return nil, err
	}
	activity, err := s.cycleActivity(ctx, c)
	if err != nil {
		return nil, err
	}
	d.Changes = changesByEM(activity)[emID]
	return d, nil
}

// notesAbout returns the notes about the EM in a cycle, attributed as the
// cycle says.
func (s *Cycles) notesAbout(ctx context.Context, p domain.Principal, emID, cycleID string, mode domain.Attribution) ([]AttributedNote, error) {
	notes, err := s.store.NotesOf(ctx, p.OrgID, []string{cycleID})
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, n := range notes {
		ids = append(ids, n.AuthorID)
	}
	authors, err := s.store.UsersByID(ctx, p.OrgID, ids)
	if err != nil {
		return nil, err
	}
	out := []AttributedNote{}
	for _, n := range notes {
		if n.EMID == emID {
			out = append(out, attribute(n, authors[n.AuthorID], mode))
		}
	}
	return out, nil
}

// Packet renders the promotion packet as Markdown: the cycle on the table
// for its owners (marked draft), the latest decision, per criterion the
// score and evidence, the peer advocacy quoted as the cycle's attribution
// allows, and the history table.
func (s *Cycles) Packet(ctx context.Context, p domain.Principal, emID string) (string, error) {
	pk, err := s.PacketContent(ctx, p, emID)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Promotion packet: %s\n\n", mdEscape(pk.EM.Name))
	if pk.EM.EMSince != nil {
		fmt.Fprintf(&b, "Engineering manager since %s.\n\n", *pk.EM.EMSince)
	}
	if d := pk.Draft; d != nil {
		mdDraft(&b, d)
	}
	if len(pk.Cycles) == 0 {
		b.WriteString("No finished calibration cycle yet.\n")
		return b.String(), nil
	}
	last := pk.Cycles[len(pk.Cycles)-1]
	fmt.Fprintf(&b, "## Latest decision (%s)\n\n", mdEscape(last.Cycle.CycleName))
	if last.Decision != nil {
		fmt.Fprintf(&b, "**%s**", ReadinessLabel(*last.Decision))
		if last.Rationale != nil {
			fmt.Fprintf(&b, ": %s", mdEscape(*last.Rationale))
		}
		b.WriteString("\n\n")
		if r := last.Rollup; r != nil {
			fmt.Fprintf(&b, "%s\n\n", mdEscape(r.Line()))
		}
	}
	if last.OverrideReason != nil {
		fmt.Fprintf(&b, "%s\n\n", mdEscape(OverrideLine(*last.OverrideReason)))
	}
	if last.Composite != nil {
		fmt.Fprintf(&b, "Composite %.2f against a bar of %d.\n\n", *last.Composite, last.Framework.Scale.Bar)
	}
	b.WriteString("## Criteria\n\n")
	mdCriteria(&b, last.Framework, last.Ratings)
	b.WriteString("## Peer advocacy\n\n")
	mdNotes(&b, pk.LatestNotes)
	b.WriteString("## History\n\n| cycle | composite | decision |\n|---|---|---|\n")
	for _, c := range pk.Cycles {
		comp, dec := "—", "—"
		if c.Composite != nil {
			comp = fmt.Sprintf("%.2f", *c.Composite)
		}
		if c.Decision != nil {
			dec = ReadinessLabel(*c.Decision)
		}
		fmt.Fprintf(&b, "| %s | %s | %s |\n", mdEscape(c.Cycle.CycleName), comp, dec)
	}
	for _, c := range pk.Cycles[:len(pk.Cycles)-1] {
		if c.OverrideReason != nil {
			fmt.Fprintf(&b, "\n%s: %s\n", mdEscape(c.Cycle.CycleName), mdEscape(OverrideLine(*c.OverrideReason)))
		}
	}
	if d := pk.Draft; d != nil {
		comp, dec := "—", "—"
		if d.Composite != nil {
			comp = fmt.Sprintf("%.2f", *d.Composite)
		}
		if d.Decision != nil {
			dec = ReadinessLabel(*d.Decision)
		}
		fmt.Fprintf(&b, "| %s (%s) | %s | %s |\n", mdEscape(d.Cycle.Name), DraftLabel, comp, dec)
	}
	t := pk.Trajectory
	fmt.Fprintf(&b, "\nCycles in a row at the bar: %d.", t.AtBarStreak)
	if t.Trend != nil {
		fmt.Fprintf(&b, " Trend: %s.", *t.Trend)
	}
	if t.Stalled {
		b.WriteString(" Readiness has not moved for three cycles.")
	}
	fmt.Fprintf(&b, "\n\nProjection (not a promise): %s", t.Projection)
	b.WriteString("\n")
	return b.String(), nil
}

// mdDraft writes the cycle on the table, every heading marked draft.
func mdDraft(b *strings.Builder, d *DraftCycle) {
	fmt.Fprintf(b, "## On the table: %s (%s)\n\n", mdEscape(d.Cycle.Name), DraftLabel)
	if d.Suggested != nil {
		fmt.Fprintf(b, "Suggested readiness: %s.\n\n", ReadinessLabel(*d.Suggested))
	}
	if d.Decision != nil {
		fmt.Fprintf(b, "Decision so far: **%s**", ReadinessLabel(*d.Decision))
		if d.Rationale != nil {
			fmt.Fprintf(b, ": %s", mdEscape(*d.Rationale))
		}
		b.WriteString("\n\n")
	} else {
		b.WriteString("No decision yet.\n\n")
	}
	if d.Composite != nil {
		fmt.Fprintf(b, "Composite %.2f against a bar of %d.\n\n", *d.Composite, d.Framework.Scale.Bar)
	}
	for _, f := range d.Flags {
		fmt.Fprintf(b, "- flag `%s`: %s\n", f.Code, mdEscape(f.Message))
	}
	if len(d.Flags) > 0 {
		b.WriteString("\n")
	}
	mdCriteria(b, d.Framework, d.Ratings)
	fmt.Fprintf(b, "### Peer advocacy (%s)\n\n", DraftLabel)
	mdNotes(b, d.Notes)
	fmt.Fprintf(b, "### Meeting changes (%s)\n\n", DraftLabel)
	if len(d.Changes) == 0 {
		b.WriteString("No change in the meeting so far.\n\n")
	}
	for _, it := range d.Changes {
		fmt.Fprintf(b, "- %s — %s\n", it.At.UTC().Format("2 Jan 2006 15:04"), mdEscape(ChangeSummary(d.Framework, it)))
	}
	if len(d.Changes) > 0 {
		b.WriteString("\n")
	}
}

func mdCriteria(b *strings.Builder, fw domain.Framework, ratings []domain.Rating) {
	byKey := map[string]domain.Rating{}
	for _, r := range ratings {
		byKey[r.Criterion] = r
	}
	for _, c := range fw.Criteria {
		r, ok := byKey[c.Key]
		if !ok {
			fmt.Fprintf(b, "### %s: not rated\n\n", mdEscape(c.Title))
			continue
		}
		fmt.Fprintf(b, "### %s: %d (%s)\n\n%s\n\n", mdEscape(c.Title), r.Score, mdEscape(ScoreLabel(fw, r.Score)), mdEscape(r.Evidence))
	}
}

func mdNotes(b *strings.Builder, notes []AttributedNote) {
	if len(notes) == 0 {
		b.WriteString("No peer notes in this cycle.\n\n")
	}
	for _, n := range notes {
		// The attribution holds the peer's name in named cycles: user text.
		fmt.Fprintf(b, "> %s\n>\n> — %s, %s\n\n", mdEscape(n.Body), mdEscape(n.Attribution), n.Advocacy)
	}
}
