package calibration

import (
	"context"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// A roll-up makes the outcomes of several finalized cycles comparable: a
// director above every owner of every source cycle (its lead) reads their
// boards side by side, per director, and may change decisions, each change
// that departs from the director's with a reason. Finalizing the roll-up
// writes the changes into the source cycles (the one change a finalized
// cycle accepts); until then the sources cannot be released.

// RollupStore is what roll-ups need of the database beyond CycleStore.
type RollupStore interface {
	CreateRollup(ctx context.Context, r *domain.Rollup) error
	Rollup(ctx context.Context, orgID, id string) (domain.Rollup, error)
	ListRollups(ctx context.Context, f domain.RollupFilter, page domain.Page) (domain.List[domain.Rollup], error)
	OpenRollupOf(ctx context.Context, orgID string, cycleIDs []string) (map[string]string, error)
	RollupDecisions(ctx context.Context, orgID, id string) ([]domain.RollupDecision, error)
	SaveRollupDecision(ctx context.Context, d *domain.RollupDecision, expect int) error
	FinalizeRollup(ctx context.Context, r *domain.Rollup, changes []domain.RollupDecision) error
	RollupChangesOf(ctx context.Context, orgID, emID string) ([]domain.RollupChange, error)
}

const maxRollupSources = 20

// RollupView is a roll-up with the names a reader needs.
type RollupView struct {
	domain.Rollup
	Lead    domain.Ref
	Sources []RollupSource
}

// RollupSource is a source cycle as a roll-up lists it.
type RollupSource struct {
	ID    string
	Name  string
	State domain.State
	Lead  domain.Ref
}

// NewRollup is the input of a roll-up creation.
type NewRollup struct {
	Name              string
	SourceCycleIDs    []string
	DistributionGuide domain.DistributionGuide
}

// CreateRollup starts an open roll-up led by the calling director over
// finalized cycles whose every owner reports to them. The refusals come in
// this order: a cycle the caller cannot see (404), one they see but are
// not above every owner of (403 not_above_owners), one not finalized (409
// cycle_not_ready), one already in an open roll-up (409 in_rollup).
func (s *Cycles) CreateRollup(ctx context.Context, p domain.Principal, in NewRollup) (RollupView, error) {
	if p.Role != domain.RoleDirector {
		return RollupView{}, domain.Forbidden(domain.CodeForbidden, "roll-ups are made by directors")
	}
	f := domain.Fields{}
	r := domain.Rollup{OrgID: p.OrgID, LeadID: p.UserID, DistributionGuide: in.DistributionGuide}
	r.Name = checkName(f, "name", in.Name)
	switch n := len(in.SourceCycleIDs); {
	case n == 0:
		f.Add("source_cycle_ids", "is required: 1 to %d finalized cycles", maxRollupSources)
	case n > maxRollupSources:
		f.Add("source_cycle_ids", "must list at most %d cycles", maxRollupSources)
	}
	seen := map[string]bool{}
	for i, id := range in.SourceCycleIDs {
		if seen[id] {
			f.Add(fmt.Sprintf("source_cycle_ids[%d]", i), "is listed twice")
		}
		seen[id] = true
	}
	in.DistributionGuide.Validate("distribution_guide", f)
	if err := f.Err(); err != nil {
		return RollupView{}, err
	}
	var sources []domain.Cycle
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		// A director above every owner of a cycle knows of it whatever its
		// state: an unfinished one is refused as not ready, not as unseen.
		sources = make([]domain.Cycle, 0, len(in.SourceCycleIDs))
		above := make([]bool, 0, len(in.SourceCycleIDs))
		for _, id := range in.SourceCycleIDs {
			c, err := s.store.Cycle(ctx, p.OrgID, id)
			if err != nil {
				return err
			}
			a, err := s.accessTo(ctx, p, c)
			if err != nil {
				return err
			}
			up, err := s.aboveAll(ctx, p.OrgID, p.UserID, c.Owners)
			if err != nil {
				return err
			}
			if a == accessNone && !up {
				return domain.NotFound("cycle")
			}
			sources, above = append(sources, c), append(above, up)
		}
		for i, c := range sources {
			if !above[i] {
				return domain.Forbidden(domain.CodeNotAboveOwners,
					fmt.Sprintf("you are not above every owner of %q: a roll-up is made from above the cycles' owners", c.Name))
			}
		}
		var notReady []string
		for _, c := range sources {
			if c.State != domain.StateFinalized {
				notReady = append(notReady, c.ID)
			}
		}
		if len(notReady) > 0 {
			e := domain.Conflict(domain.CodeCycleNotReady, "a roll-up takes finalized cycles that are not yet released")
			e.Details = map[string]any{"cycle_ids": notReady}
			return e
		}
		open, err := s.rollups.OpenRollupOf(ctx, p.OrgID, in.SourceCycleIDs)
		if err != nil {
			return err
		}
		for _, id := range in.SourceCycleIDs {
			if rid, ok := open[id]; ok {
				e := domain.Conflict(domain.CodeInRollup, "a source cycle is already in an open roll-up")
				e.Details = map[string]any{"rollup_id": rid}
				return e
			}
		}
		// An EM may take part in two finished cycles; a roll-up decides
		// once per EM, so its sources share none.
		inSource := map[string]bool{}
		for i, c := range sources {
			for _, pt := range c.Participants {
				if inSource[pt.EMID] {
					return domain.Invalid(fmt.Sprintf("source_cycle_ids[%d]", i), "shares an EM with another source cycle")
				}
				inSource[pt.EMID] = true
			}
		}
		r.SourceIDs = append([]string{}, in.SourceCycleIDs...)
		if err := s.rollups.CreateRollup(ctx, &r); err != nil {
			return err
		}
		return s.auditRollup(ctx, p, "rollup.create", r.ID, nil, map[string]any{"name": r.Name,
			"source_cycle_ids": r.SourceIDs, "distribution_guide": r.DistributionGuide})
	})
	if err != nil {
		return RollupView{}, err
	}
	// The store lists the sources in its own order (oldest cycle first).
	r, err = s.rollups.Rollup(ctx, p.OrgID, r.ID)
	if err != nil {
		return RollupView{}, err
	}
	return s.rollupView(ctx, p.OrgID, r, nil)
}

func (s *Cycles) auditRollup(ctx context.Context, p domain.Principal, action, rollupID string, before, after any) error {
	actor := p.UserID
	return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: action,
		ObjectType: "rollup", ObjectID: rollupID, Before: before, After: after})
}

// canReadRollup is the one rule of who reads a roll-up (its board
// included): its lead, the owners of its source cycles and the
// organisation's admins. Every read of a roll-up goes through it (see
// readableRollup, which adds the roll-up's guests). The list
// (store.ListRollups) selects the same roll-ups.
func canReadRollup(p domain.Principal, r domain.Rollup, sources []domain.Cycle) bool {
	switch p.Role {
	case domain.RoleAdmin:
		return true
	case domain.RoleDirector:
		if r.LeadID == p.UserID {
			return true
		}
		for _, c := range sources {
			if c.IsOwner(p.UserID) {
				return true
			}
		}
	}
	return false
}

// readableRollup loads a roll-up the caller may read, with its source
// cycles: its readers (canReadRollup), and under a non-empty view its
// guests while their invitation lasts, each guest read recorded under
// view. Anything else is not found.
func (s *Cycles) readableRollup(ctx context.Context, p domain.Principal, id, view string) (domain.Rollup, []domain.Cycle, error) {
	r, err := s.rollups.Rollup(ctx, p.OrgID, id)
	if err != nil {
		return r, nil, err
	}
	sources, err := s.sourcesOf(ctx, r)
	if err != nil {
		return r, nil, err
	}
	if canReadRollup(p, r, sources) {
		return r, sources, nil
	}
	if view != "" {
		ok, err := s.guests.Read(ctx, p, rollupHost(r), view)
		if err != nil {
			return domain.Rollup{}, nil, err
		}
		if ok {
			return r, sources, nil
		}
	}
	return domain.Rollup{}, nil, domain.NotFound("roll-up")
}

func (s *Cycles) sourcesOf(ctx context.Context, r domain.Rollup) ([]domain.Cycle, error) {
	out := make([]domain.Cycle, 0, len(r.SourceIDs))
	for _, id := range r.SourceIDs {
		c, err := s.store.Cycle(ctx, r.OrgID, id)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// leadRollup loads a roll-up for a change only its lead makes: another
// reader is refused (403 not_lead; an admin 403 forbidden).
func (s *Cycles) leadRollup(ctx context.Context, p domain.Principal, id string) (domain.Rollup, []domain.Cycle, error) {
	r, sources, err := s.readableRollup(ctx, p, id, "")
	if err != nil {
		return r, nil, s.guestRefused(ctx, p, id, err, "a guest reads the roll-up and changes nothing")
	}
	if p.Role != domain.RoleDirector {
		return domain.Rollup{}, nil, domain.Forbidden(domain.CodeForbidden, "only the roll-up's lead changes it")
	}
	if r.LeadID != p.UserID {
		return domain.Rollup{}, nil, domain.Forbidden(domain.CodeNotLead, "only the roll-up's lead changes it")
	}
	return r, sources, nil
}

func (s *Cycles) rollupView(ctx context.Context, orgID string, r domain.Rollup, sources []domain.Cycle) (RollupView, error) {
	vs, err := s.rollupViews(ctx, orgID, []domain.Rollup{r}, map[string][]domain.Cycle{r.ID: sources})
	if err != nil {
		return RollupView{}, err
	}
	return vs[0], nil
}

// rollupViews names the roll-ups' leads and sources; sources holds the
// source cycles already loaded, by roll-up.
func (s *Cycles) rollupViews(ctx context.Context, orgID string, rs []domain.Rollup, sources map[string][]domain.Cycle) ([]RollupView, error) {
	cycles := map[string]domain.Cycle{}
	for _, cs := range sources {
		for _, c := range cs {
			cycles[c.ID] = c
		}
	}
	var ids []string
	for _, r := range rs {
		ids = append(ids, r.LeadID)
		for _, id := range r.SourceIDs {
			c, ok := cycles[id]
			if !ok {
				var err error
				if c, err = s.store.Cycle(ctx, orgID, id); err != nil {
					return nil, err
				}
				cycles[id] = c
			}
			ids = append(ids, c.LeadID)
		}
	}
	people, err := s.store.UsersByID(ctx, orgID, ids)
	if err != nil {
		return nil, err
	}
	ref := func(id string) domain.Ref { return domain.Ref{ID: id, Name: people[id].Name} }
	out := make([]RollupView, len(rs))
	for i, r := range rs {
		v := RollupView{Rollup: r, Lead: ref(r.LeadID), Sources: []RollupSource{}}
		for _, id := range r.SourceIDs {
			c := cycles[id]
			v.Sources = append(v.Sources, RollupSource{ID: c.ID, Name: c.Name, State: c.State, Lead: ref(c.LeadID)})
		}
		out[i] = v
	}
	return out, nil
}

// ListRollups pages the roll-ups the caller may read, newest first: every
// one for an admin, those a director leads or owns a source cycle of, and
// the open ones a director or peer is a guest of. EMs are refused.
func (s *Cycles) ListRollups(ctx context.Context, p domain.Principal, page domain.Page) (domain.List[RollupView], error) {
	f := domain.RollupFilter{OrgID: p.OrgID}
	today := s.guests.today()
	switch p.Role {
	case domain.RoleAdmin:
	case domain.RoleDirector:
		f.ReaderID = p.UserID
		f.GuestID, f.GuestOn = p.UserID, today
	case domain.RolePeer:
		// Peers read the roll-ups they are guests of.
		f.GuestID, f.GuestOn = p.UserID, today
	case domain.RoleEM:
		return domain.List[RollupView]{}, domain.Forbidden(domain.CodeForbidden, "roll-ups are for directors and admins")
	default:
		return domain.List[RollupView]{Items: []RollupView{}}, nil
	}
	l, err := s.rollups.ListRollups(ctx, f, page)
	if err != nil {
		return domain.List[RollupView]{}, err
	}
	views, err := s.rollupViews(ctx, p.OrgID, l.Items, nil)
	return domain.List[RollupView]{Items: views, NextCursor: l.NextCursor}, err
}

// GetRollup returns a roll-up the caller may read.
func (s *Cycles) GetRollup(ctx context.Context, p domain.Principal, id string) (RollupView, error) {
	r, sources, err := s.readableRollup(ctx, p, id, GuestViewRollup)
	if err != nil {
		return RollupView{}, err
	}
	return s.rollupView(ctx, p.OrgID, r, sources)
}

// RollupBoard is the board of a roll-up: the source cycles' rows side by
// side, each with its director's and the roll-up's decision, and figures
// per director. The 9-box, the shifts and the guests' view read it too.
type RollupBoard struct {
	Rollup domain.Rollup
	// Criteria is the union of the sources' criteria, in first-seen order.
	Criteria []domain.Criterion
	// Rows follow the sources' order, each source's rows by name.
	Rows      []RollupRow
	Directors []DirectorStats
	// Distribution counts the final decisions (and undecided rows).
	Distribution map[string]int
	// Guide is the roll-up's guide against the final decisions; nil
	// without a guide.
	Guide []domain.GuideLine
}

// RollupRow is a source board's row with what the roll-up adds.
type RollupRow struct {
	BoardRow
	// Bar is the bar of the source cycle's framework.
	Bar              int
	SourceCycle      domain.Ref
	Director         domain.Ref
	DirectorDecision *domain.Readiness
	// RollupDecision is the roll-up's decision, nil until the lead set one.
	RollupDecision *domain.Readiness
	RollupReason   *string
	// RollupVersion is the version of the roll-up's decision (0: none).
	RollupVersion int
	// Final is the roll-up's decision where set, else the director's.
	Final *domain.Readiness
	// Moved is "up" when Final is more ready than the director's decision,
	// "down" when less, nil otherwise.
	Moved *string
}

// DirectorStats compares one director's rows with the whole roll-up.
type DirectorStats struct {
	Director      domain.Ref
	EMCount       int
	MeanComposite *float64
	// Distribution counts the director's decisions.
	Distribution map[string]int
	// DeltaFromMean is MeanComposite minus the mean composite of every
	// row; nil when either is.
	DeltaFromMean *float64
}

func newDistribution() map[string]int {
	d := map[string]int{"undecided": 0}
	for _, r := range domain.Readinesses {
		d[string(r)] = 0
	}
	return d
}

func count(d map[string]int, r *domain.Readiness) {
	if r == nil {
		d["undecided"]++
		return
	}
	d[string(*r)]++
}

// RollupBoard builds the roll-up's board for its readers, from each source
// cycle's board as the cycle board builds it.
func (s *Cycles) RollupBoard(ctx context.Context, p domain.Principal, id string) (RollupBoard, error) {
	r, sources, err := s.readableRollup(ctx, p, id, GuestViewBoard)
	if err != nil {
		return RollupBoard{}, err
	}
	return s.rollupBoard(ctx, r, sources)
}

func (s *Cycles) rollupBoard(ctx context.Context, r domain.Rollup, sources []domain.Cycle) (RollupBoard, error) {
	decisions, err := s.rollups.RollupDecisions(ctx, r.OrgID, r.ID)
	if err != nil {
		return RollupBoard{}, err
	}
	byEM := map[string]domain.RollupDecision{}
	for _, d := range decisions {
		byEM[d.EMID] = d
	}
	rb := RollupBoard{Rollup: r, Criteria: []domain.Criterion{}, Rows: []RollupRow{}, Directors: []DirectorStats{},
		Distribution: newDistribution()}
	seenCriterion := map[string]bool{}
	var directorIDs []string
	for _, src := range sources {
		// Every reader of the roll-up reads its sources' rows: the access
		// to the roll-up is the check.
		b, err := s.builtBoard(ctx, r.OrgID, src.ID, func(domain.Cycle) error { return nil })
		if err != nil {
			return RollupBoard{}, err
		}
		for _, c := range b.Framework.Criteria {
			if !seenCriterion[c.Key] {
				seenCriterion[c.Key] = true
				rb.Criteria = append(rb.Criteria, c)
			}
		}
		for _, row := range (BoardQuery{}).apply(b.Rows) {
			rr := RollupRow{BoardRow: row, Bar: b.Framework.Scale.Bar, SourceCycle: domain.Ref{ID: src.ID, Name: src.Name},
				Director: domain.Ref{ID: row.DirectorID}, DirectorDecision: row.Decision, Final: row.Decision}
			if d, ok := byEM[row.EM.ID]; ok {
				// Once finalized, the source holds the roll-up's decision:
				// the director's is the one the roll-up started from.
				v, dr := d.Readiness, d.DirectorReadiness
				rr.RollupDecision, rr.RollupReason, rr.RollupVersion, rr.Final = &v, d.Reason, d.Version, &v
				rr.DirectorDecision = &dr
			}
			rr.Moved = moved(rr.DirectorDecision, rr.Final)
			directorIDs = append(directorIDs, row.DirectorID)
			rb.Rows = append(rb.Rows, rr)
		}
	}
	people, err := s.store.UsersByID(ctx, r.OrgID, directorIDs)
	if err != nil {
		return RollupBoard{}, err
	}
	index := map[string]int{}
	var sums []float64
	var counts []int
	var allSum float64
	allN := 0
	final := map[domain.Readiness]int{}
	for i := range rb.Rows {
		row := &rb.Rows[i]
		row.Director.Name = people[row.Director.ID].Name
		k, ok := index[row.Director.ID]
		if !ok {
			k = len(rb.Directors)
			index[row.Director.ID] = k
			rb.Directors = append(rb.Directors, DirectorStats{Director: row.Director, Distribution: newDistribution()})
			sums, counts = append(sums, 0), append(counts, 0)
		}
		st := &rb.Directors[k]
		st.EMCount++
		count(st.Distribution, row.DirectorDecision)
		if row.Composite != nil {
			sums[k] += *row.Composite
			counts[k]++
			allSum += *row.Composite
			allN++
		}
		count(rb.Distribution, row.Final)
		if row.Final != nil {
			final[*row.Final]++
		}
	}
	for k := range rb.Directors {
		if counts[k] == 0 {
			continue
		}
		mean := sums[k] / float64(counts[k])
		m := round2(mean)
		rb.Directors[k].MeanComposite = &m
		if allN > 0 {
			d := round2(mean - allSum/float64(allN))
			if d == 0 {
				d = math.Abs(d) // no "-0"
			}
			rb.Directors[k].DeltaFromMean = &d
		}
	}
	if r.DistributionGuide != nil {
		rb.Guide = r.DistributionGuide.Against(final, len(rb.Rows))
		if rb.Guide == nil {
			rb.Guide = []domain.GuideLine{}
		}
	}
	return rb, nil
}

// moved compares the final decision with the director's.
func moved(director, final *domain.Readiness) *string {
	if director == nil || final == nil || *director == *final {
		return nil
	}
	m := "down"
	if final.Rank() < director.Rank() {
		m = "up"
	}
	return &m
}

// RollupDecisionInput is the lead's decision for one EM.
type RollupDecisionInput struct {
	Readiness domain.Readiness
	Reason    *string
	Version   *int
}

// RollupDecisionView is a roll-up decision with its decider's name.
type RollupDecisionView struct {
	domain.RollupDecision
	DecidedBy domain.Ref
}

// SaveRollupDecision records the lead's readiness for an EM of a source
// cycle while the roll-up is open. A readiness that differs from the
// director's needs a reason; one equal to it is stored and reads as the
// roll-up's decision.
func (s *Cycles) SaveRollupDecision(ctx context.Context, p domain.Principal, id, emID string, in RollupDecisionInput) (RollupDecisionView, error) {
	var d domain.RollupDecision
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		r, sources, err := s.leadRollup(ctx, p, id)
		if err != nil {
			return err
		}
		var src *domain.Cycle
		for i := range sources {
			if _, ok := sources[i].Participant(emID); ok {
				src = &sources[i]
			}
		}
		if src == nil {
			return domain.NotFound("EM")
		}
		if r.State != domain.RollupOpen {
			return domain.Conflict(domain.CodeCycleLocked, "the roll-up is finalized; its decisions no longer change")
		}
		f := domain.Fields{}
		if !in.Readiness.Valid() {
			f.Add("readiness", "must be ready_now, ready_6_12_months, ready_12_24_months or not_yet")
		}
		var reason *string
		if in.Reason != nil {
			v := strings.TrimSpace(*in.Reason)
			if n := utf8.RuneCountInString(v); n == 0 || n > maxReasonLen {
				f.Add("reason", "must have 1 to %d characters", maxReasonLen)
			}
			reason = &v
		}
		if in.Version == nil || *in.Version < 0 {
			f.Add("version", "is required: 0 for the first write, then the version you read")
		}
		if err := f.Err(); err != nil {
			return err
		}
		director, err := s.store.Decision(ctx, p.OrgID, src.ID, emID)
		if err != nil {
			return err
		}
		if director.Version == 0 {
			return domain.Conflict(domain.CodeCycleLocked, "the EM has no decision in the source cycle")
		}
		if in.Readiness != director.Readiness && reason == nil {
			return domain.ReasonRequired("reason", "a decision that differs from the director's needs a reason")
		}
		existing, err := s.rollups.RollupDecisions(ctx, p.OrgID, r.ID)
		if err != nil {
			return err
		}
		var before any
		for _, old := range existing {
			if old.EMID == emID {
				before = map[string]any{"readiness": old.Readiness, "reason": old.Reason, "version": old.Version}
			}
		}
		d = domain.RollupDecision{OrgID: p.OrgID, RollupID: r.ID, EMID: emID, CycleID: src.ID,
			DirectorReadiness: director.Readiness, Readiness: in.Readiness, Reason: reason, DecidedBy: p.UserID}
		if err := s.rollups.SaveRollupDecision(ctx, &d, *in.Version); err != nil {
			return err
		}
		em := emID
		actor := p.UserID
		return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: "rollup.decision",
			ObjectType: "rollup", ObjectID: r.ID, EMID: &em, Before: before,
			After: map[string]any{"readiness": d.Readiness, "director_readiness": d.DirectorReadiness, "reason": d.Reason,
				"version": d.Version, "cycle_id": d.CycleID}})
	})
	if err != nil {
		return RollupDecisionView{}, err
	}
	people, err := s.store.UsersByID(ctx, p.OrgID, []string{d.DecidedBy})
	if err != nil {
		return RollupDecisionView{}, err
	}
	return RollupDecisionView{RollupDecision: d, DecidedBy: domain.Ref{ID: d.DecidedBy, Name: people[d.DecidedBy].Name}}, nil
}

// FinalizeRollupInput is the lead's finalization; OverrideReason says why
// the decisions may fall outside the guide.
type FinalizeRollupInput struct {
	OverrideReason *string
}

// FinalizeRollup closes the roll-up (its lead only). Outside its guide it
// needs an override reason. In one transaction it writes every decision
// the roll-up changed into its source cycle (the readiness; the director's
// rationale stays), rewrites those cycles' summaries, records each change
// on the source cycle's record, frees the sources for release and marks
// the roll-up finalized.
func (s *Cycles) FinalizeRollup(ctx context.Context, p domain.Principal, id string, in FinalizeRollupInput) (RollupView, error) {
	var r domain.Rollup
	var sources []domain.Cycle
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		if r, sources, err = s.leadRollup(ctx, p, id); err != nil {
			return err
		}
		if r.State != domain.RollupOpen {
			return domain.Conflict(domain.CodeCycleLocked, "the roll-up is finalized already")
		}
		var override *string
		if in.OverrideReason != nil {
			v := strings.TrimSpace(*in.OverrideReason)
			if n := utf8.RuneCountInString(v); n == 0 || n > maxReasonLen {
				return domain.Invalid("override_reason", fmt.Sprintf("must have 1 to %d characters", maxReasonLen))
			}
			override = &v
		}
		decisions, err := s.rollups.RollupDecisions(ctx, p.OrgID, r.ID)
		if err != nil {
			return err
		}
		source, err := s.store.Decisions(ctx, p.OrgID, r.SourceIDs)
		if err != nil {
			return err
		}
		sourceOf := map[string]domain.Decision{}
		for _, d := range source {
			sourceOf[d.EMID] = d
		}
		if r.DistributionGuide != nil {
			// The final decisions, as the board counts them.
			final := map[domain.Readiness]int{}
			rows := 0
			for _, c := range sources {
				for _, pt := range c.Participants {
					rows++
					if d, ok := sourceOf[pt.EMID]; ok {
						final[d.Readiness]++
					}
				}
			}
			for _, d := range decisions {
				if sd, ok := sourceOf[d.EMID]; ok {
					final[sd.Readiness]--
					final[d.Readiness]++
				}
			}
			if out := domain.Outside(r.DistributionGuide.Against(final, rows)); len(out) > 0 && override == nil {
				e := domain.Conflict(domain.CodeOutsideGuide, "the decisions fall outside the roll-up's distribution guide; give an override_reason to finalize anyway")
				e.Details = map[string]any{"outside": out}
				return e
			}
		}
		var changes []domain.RollupDecision
		var ids []string
		for _, d := range decisions {
			if sd, ok := sourceOf[d.EMID]; ok && sd.Readiness != d.Readiness {
				changes = append(changes, d)
				ids = append(ids, sd.DirectorID)
			}
		}
		r.OverrideReason = override
		if err := s.rollups.FinalizeRollup(ctx, &r, changes); err != nil {
			return err
		}
		people, err := s.store.UsersByID(ctx, p.OrgID, append(ids, p.UserID))
		if err != nil {
			return err
		}
		ref := func(id string) domain.Ref { return domain.Ref{ID: id, Name: people[id].Name} }
		for _, d := range changes {
			sd := sourceOf[d.EMID]
			if err := s.auditEM(ctx, p, d.CycleID, d.EMID, ActionRollupDecision, "decision", sd.ID,
				map[string]any{"readiness": sd.Readiness},
				rollupAuditAfter{Readiness: d.Readiness, Reason: d.Reason, Level: 2,
					Rollup: domain.Ref{ID: r.ID, Name: r.Name}, ProposedBy: ref(sd.DirectorID)}); err != nil {
				return err
			}
		}
		return s.auditRollup(ctx, p, "rollup.finalize", r.ID, map[string]any{"state": domain.RollupOpen},
			map[string]any{"state": domain.RollupFinalized, "override_reason": override, "changed": len(changes)})
	})
	if err != nil {
		return RollupView{}, err
	}
	return s.rollupView(ctx, p.OrgID, r, nil)
}

// ActionRollupDecision is the audit action of a roll-up's change written
// into a source cycle's decision.
const ActionRollupDecision = "decision.rollup"

// rollupAuditAfter is what the source cycle's record keeps of a roll-up's
// change: level 2 is the roll-up above the cycle.
type rollupAuditAfter struct {
	Readiness  domain.Readiness `json:"readiness"`
	Reason     *string          `json:"reason"`
	Level      int              `json:"level"`
	Rollup     domain.Ref       `json:"rollup"`
	ProposedBy domain.Ref       `json:"proposed_by"`
}

// notInOpenRollup refuses to release a cycle that is a source of an open
// roll-up.
func (s *Cycles) notInOpenRollup(ctx context.Context, c domain.Cycle) error {
	open, err := s.rollups.OpenRollupOf(ctx, c.OrgID, []string{c.ID})
	if err != nil {
		return err
	}
	if rid, ok := open[c.ID]; ok {
		e := domain.Conflict(domain.CodeInRollup, "the cycle is a source of an open roll-up; it can be released once the roll-up is finalized")
		e.Details = map[string]any{"rollup_id": rid}
		return e
	}
	return nil
}

// RollupLine says a roll-up's change in words, for directors and admins:
// "proposed by Omar Haddad: Not yet → decided in roll-up by Vera Lindqvist:
// Ready in 6–12 months — <reason>".
func RollupLine(proposedBy string, from domain.Readiness, lead string, to domain.Readiness, reason string) string {
	out := fmt.Sprintf("proposed by %s: %s → decided in roll-up by %s: %s", proposedBy, ReadinessLabel(from), lead, ReadinessLabel(to))
	if reason != "" {
		out += " — " + reason
	}
	return out
}

// guestRefused turns readableRollup's "not found" into a 403 with why
// when p is an active guest of the roll-up: a guest sees it, and may not
// do what the reader's rule refused. Any other error is returned as is.
func (s *Cycles) guestRefused(ctx context.Context, p domain.Principal, id string, err error, why string) error {
	if !domain.IsKind(err, domain.KindNotFound) {
		return err
	}
	r, gerr := s.rollups.Rollup(ctx, p.OrgID, id)
	if gerr != nil {
		return err
	}
	ok, gerr := s.guests.Active(ctx, p, rollupHost(r))
	switch {
	case gerr != nil:
		return gerr
	case ok:
		return domain.Forbidden(domain.CodeForbidden, why)
	}
	return err
}
