package store

import (
	"context"
	"database/sql"
	"time"

	"gorm.io/gorm"

	"calibrate/internal/domain"
)

type cycleRow struct {
	ID                string
	OrgID             string
	Name              string
	FrameworkID       string
	LeadID            string
	State             string
	InputDue          *string
	ResultsExpectedOn *string
	PeerAttribution   string
	DistributionGuide *string
	OverrideReason    *string
	CreatedAt         time.Time
	UpdatedAt         time.Time
	FinalizedAt       *time.Time
	ReleasedAt        *time.Time
}

func (cycleRow) TableName() string { return "cycles" }

type ownerRow struct {
	CycleID string
	OrgID   string
	UserID  string
	IsLead  bool
}

func (ownerRow) TableName() string { return "cycle_owners" }

type participantRow struct {
	CycleID    string
	OrgID      string
	EMID       string `gorm:"column:em_id"`
	DirectorID string
	Open       bool
}

func (participantRow) TableName() string { return "cycle_participants" }

func cycleRowOf(c *domain.Cycle) cycleRow {
	return cycleRow{ID: c.ID, OrgID: c.OrgID, Name: c.Name, FrameworkID: c.FrameworkID, LeadID: c.LeadID,
		State: string(c.State), InputDue: c.InputDue, ResultsExpectedOn: c.ResultsExpectedOn, PeerAttribution: string(c.PeerAttribution),
		DistributionGuide: domain.MarshalGuide(c.DistributionGuide), OverrideReason: c.OverrideReason,
		CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, FinalizedAt: c.FinalizedAt, ReleasedAt: c.ReleasedAt}
}

func (r cycleRow) domain() domain.Cycle {
	// The store writes the guide itself, so it always reads back.
	guide, _ := domain.UnmarshalGuide(r.DistributionGuide)
	return domain.Cycle{ID: r.ID, OrgID: r.OrgID, Name: r.Name, FrameworkID: r.FrameworkID, LeadID: r.LeadID,
		State: domain.State(r.State), InputDue: r.InputDue, ResultsExpectedOn: r.ResultsExpectedOn, PeerAttribution: domain.Attribution(r.PeerAttribution),
		DistributionGuide: guide, OverrideReason: r.OverrideReason,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), FinalizedAt: utcPtr(r.FinalizedAt), ReleasedAt: utcPtr(r.ReleasedAt)}
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

// CreateCycle inserts c with its owners and participants.
func (s *Store) CreateCycle(ctx context.Context, c *domain.Cycle) error {
	now := s.clock.Now()
	c.ID, c.CreatedAt, c.UpdatedAt = domain.NewID(), now, now
	return s.Tx(ctx, func(ctx context.Context) error {
		row := cycleRowOf(c)
		if err := s.conn(ctx).Create(&row).Error; err != nil {
			return translate(err)
		}
		return s.insertMembers(ctx, c)
	})
}

func (s *Store) insertMembers(ctx context.Context, c *domain.Cycle) error {
	owners := make([]ownerRow, len(c.Owners))
	for i, o := range c.Owners {
		owners[i] = ownerRow{CycleID: c.ID, OrgID: c.OrgID, UserID: o, IsLead: o == c.LeadID}
	}
	if err := s.conn(ctx).Create(&owners).Error; err != nil {
		return translate(err)
	}
	if len(c.Participants) == 0 {
		return nil
	}
	parts := make([]participantRow, len(c.Participants))
	for i, p := range c.Participants {
		parts[i] = participantRow{CycleID: c.ID, OrgID: c.OrgID, EMID: p.EMID, DirectorID: p.DirectorID, Open: !c.State.Done()}
	}
	if err := s.conn(ctx).Create(&parts).Error; err != nil {
		// Participants are distinct (the service checked), so the one key
		// that can refuse them is "one unfinished cycle per EM": a
		// concurrent cycle took the EM after the service looked.
		if err := translate(err); domain.IsKind(err, domain.KindConflict) {
			return domain.Conflict(domain.CodeEMInActiveCycle, "an EM of this cycle was just added to another cycle that is not finalized; reload and try again")
		}
		return err
	}
	return nil
}

// UpdateCycle writes c's settings and replaces its owners and participants.
func (s *Store) UpdateCycle(ctx context.Context, c *domain.Cycle) error {
	c.UpdatedAt = s.clock.Now()
	return s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		row := cycleRowOf(c)
		if err := db.Model(&cycleRow{}).Where("org_id = ? AND id = ?", c.OrgID, c.ID).
			Select("name", "input_due", "results_expected_on", "peer_attribution", "distribution_guide", "updated_at").Updates(&row).Error; err != nil {
			return err
		}
		if err := db.Where("org_id = ? AND cycle_id = ?", c.OrgID, c.ID).Delete(&ownerRow{}).Error; err != nil {
			return err
		}
		if err := db.Where("org_id = ? AND cycle_id = ?", c.OrgID, c.ID).Delete(&participantRow{}).Error; err != nil {
			return err
		}
		return s.insertMembers(ctx, c)
	})
}

// MoveCycle changes the state from `from` to c.State, only if the cycle is
// still in `from` (a concurrent move loses with a conflict). Finalizing
// writes c.OverrideReason, frees the participants for their next cycle and writes the cycle's
// summaries, in the same transaction.
func (s *Store) MoveCycle(ctx context.Context, c *domain.Cycle, from domain.State) error {
	now := s.clock.Now()
	c.UpdatedAt = now
	updates := map[string]any{"state": string(c.State), "updated_at": now}
	switch c.State {
	case domain.StateFinalized:
		c.FinalizedAt = &now
		updates["finalized_at"] = now
		// Why the decisions may fall outside the guide, or null.
		updates["override_reason"] = c.OverrideReason
	case domain.StateReleased:
		c.ReleasedAt = &now
		updates["released_at"] = now
	}
	return s.Tx(ctx, func(ctx context.Context) error {
		res := s.conn(ctx).Model(&cycleRow{}).Where("org_id = ? AND id = ? AND state = ?", c.OrgID, c.ID, string(from)).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return domain.Conflict(domain.CodeIllegalTrans, "the cycle moved on in the meantime; reload it")
		}
		if c.State == domain.StateFinalized {
			if err := s.conn(ctx).Model(&participantRow{}).Where("org_id = ? AND cycle_id = ?", c.OrgID, c.ID).Update("open", false).Error; err != nil {
				return err
			}
			return s.summarizeCycle(ctx, c.OrgID, c.ID)
		}
		return nil
	})
}

// Cycle returns cycle id of orgID with its owners and participants.
func (s *Store) Cycle(ctx context.Context, orgID, id string) (domain.Cycle, error) {
	var row cycleRow
	if err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&row).Error; err != nil {
		return domain.Cycle{}, notFound(err, "cycle")
	}
	cs, err := s.withMembers(ctx, []cycleRow{row})
	if err != nil {
		return domain.Cycle{}, err
	}
	return cs[0], nil
}

// membersSQL selects the owners (the lead included) and participants of
// the cycles in ? of the organisation ?, as one list: kind, user_id,
// director_id.
const membersSQL = `
SELECT cycle_id, 'owner' AS kind, user_id, '' AS director_id FROM cycle_owners WHERE org_id = ? AND cycle_id IN ?
UNION ALL
SELECT cycle_id, 'participant' AS kind, em_id AS user_id, director_id FROM cycle_participants WHERE org_id = ? AND cycle_id IN ?`

type memberRow struct {
	CycleID    string
	Kind       string
	UserID     string
	DirectorID string
}

// withMembers loads the owners and participants of the rows in one query.
func (s *Store) withMembers(ctx context.Context, rows []cycleRow) ([]domain.Cycle, error) {
	out := make([]domain.Cycle, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	index := map[string]int{}
	for i, r := range rows {
		ids[i] = r.ID
		index[r.ID] = i
		out[i] = r.domain()
		out[i].Owners = []string{r.LeadID}
		out[i].Participants = []domain.Participant{}
	}
	// A cycle has hundreds of members, and every write to it loads them:
	// scanned without GORM's reflection.
	// Every row is of one organisation (the callers read one's cycles).
	org := rows[0].OrgID
	members, err := s.conn(ctx).Raw(membersSQL+" ORDER BY cycle_id, kind, user_id", org, ids, org, ids).Rows()
	if err != nil {
		return nil, err
	}
	defer members.Close()
	var m memberRow
	for members.Next() {
		if err := members.Scan(&m.CycleID, &m.Kind, &m.UserID, &m.DirectorID); err != nil {
			return nil, err
		}
		c := &out[index[m.CycleID]]
		if m.Kind == "owner" {
			if m.UserID != c.LeadID {
				c.Owners = append(c.Owners, m.UserID)
			}
		} else {
			c.Participants = append(c.Participants, domain.Participant{EMID: m.UserID, DirectorID: m.DirectorID})
		}
	}
	return out, members.Err()
}

// CycleSnapshot loads, in one query, a cycle with its members' records,
// the decisions of its participants and which of them the meeting has
// discussed: the start of the board. Its hundreds of rows are scanned
// without GORM's reflection.
func (s *Store) CycleSnapshot(ctx context.Context, orgID, id string) (domain.Cycle, map[string]domain.User, []domain.Decision, map[string]bool, error) {
	rows, err := s.conn(ctx).Raw(`
SELECT c.id, c.org_id, c.name, c.framework_id, c.lead_id, c.state, c.input_due, c.results_expected_on, c.peer_attribution,
  c.distribution_guide, c.override_reason, c.created_at, c.updated_at, c.finalized_at, c.released_at,
  m.kind, m.user_id, m.director_id, u.name, u.em_since, u.function, u.role,
  d.id, d.readiness, d.rationale, d.version, d.director_id, d.updated_at, ms.discussed
FROM cycles c
LEFT JOIN (`+membersSQL+`) m ON m.cycle_id = c.id
LEFT JOIN users u ON u.org_id = c.org_id AND u.id = m.user_id
LEFT JOIN decisions d ON d.org_id = c.org_id AND d.cycle_id = c.id AND d.em_id = m.user_id AND m.kind = 'participant'
LEFT JOIN meeting_states ms ON ms.org_id = c.org_id AND ms.cycle_id = c.id AND ms.em_id = m.user_id AND m.kind = 'participant'
WHERE c.org_id = ? AND c.id = ?
ORDER BY m.kind, m.user_id`, orgID, []string{id}, orgID, []string{id}, orgID, id).Rows()
	if err != nil {
		return domain.Cycle{}, nil, nil, nil, err
	}
	defer rows.Close()
	var (
		c          domain.Cycle
		found      bool
		people     = map[string]domain.User{}
		decisions  []domain.Decision
		discussed  = map[string]bool{}
		mDiscussed sql.NullBool
		cr         cycleRow
		mKind, mUser, mDirector, uName, uFunction, uRole,
		dID, dReadiness, dRationale, dDirector sql.NullString
		uEMSince *string
		dVersion sql.NullInt64
		dUpdated sql.NullTime
	)
	for rows.Next() {
		uEMSince = nil
		if err := rows.Scan(&cr.ID, &cr.OrgID, &cr.Name, &cr.FrameworkID, &cr.LeadID, &cr.State, &cr.InputDue, &cr.ResultsExpectedOn, &cr.PeerAttribution,
			&cr.DistributionGuide, &cr.OverrideReason, &cr.CreatedAt, &cr.UpdatedAt, &cr.FinalizedAt, &cr.ReleasedAt,
			&mKind, &mUser, &mDirector, &uName, &uEMSince, &uFunction, &uRole,
			&dID, &dReadiness, &dRationale, &dVersion, &dDirector, &dUpdated, &mDiscussed); err != nil {
			return domain.Cycle{}, nil, nil, nil, err
		}
		if !found {
			found = true
			c = cr.domain()
			c.Owners, c.Participants = []string{c.LeadID}, []domain.Participant{}
		}
		if !mKind.Valid {
			continue
		}
		u := domain.User{ID: mUser.String, OrgID: orgID, Name: uName.String, EMSince: uEMSince,
			Function: domain.Function(uFunction.String), Role: domain.Role(uRole.String)}
		people[u.ID] = u
		if mKind.String == "owner" {
			if u.ID != c.LeadID {
				c.Owners = append(c.Owners, u.ID)
			}
			continue
		}
		c.Participants = append(c.Participants, domain.Participant{EMID: u.ID, DirectorID: mDirector.String})
		if mDiscussed.Valid && mDiscussed.Bool {
			discussed[u.ID] = true
		}
		if dID.Valid {
			var updated *time.Time
			if dUpdated.Valid {
				t := dUpdated.Time.UTC()
				updated = &t
			}
			decisions = append(decisions, domain.Decision{ID: dID.String, OrgID: orgID, CycleID: c.ID, EMID: u.ID, DirectorID: dDirector.String,
				Readiness: domain.Readiness(dReadiness.String), Rationale: dRationale.String, Version: int(dVersion.Int64),
				UpdatedAt: updated})
		}
	}
	if err := rows.Err(); err != nil {
		return domain.Cycle{}, nil, nil, nil, err
	}
	if !found {
		return domain.Cycle{}, nil, nil, nil, domain.NotFound("cycle")
	}
	return c, people, decisions, discussed, nil
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}

// ListCycles pages the cycles matching f, newest first.
func (s *Store) ListCycles(ctx context.Context, f domain.CycleFilter, page domain.Page) (domain.List[domain.Cycle], error) {
	db := s.conn(ctx)
	q := db.Model(&cycleRow{}).Where("org_id = ?", f.OrgID)
	done := []string{string(domain.StateFinalized), string(domain.StateReleased)}
	// cond is the caller's own cycles; a guest's unfinished guest cycles
	// are added to them.
	var cond *gorm.DB
	switch {
	case f.OwnerID != "":
		cond = db.Where("id IN (?)", db.Model(&ownerRow{}).Select("cycle_id").Where("org_id = ? AND user_id = ?", f.OrgID, f.OwnerID))
	case f.ReaderID != "":
		// The rule of calibration's accessTo: owned, or finished with no
		// owner outside the reader's reporting tree.
		owned := db.Model(&ownerRow{}).Select("cycle_id").Where("org_id = ? AND user_id = ?", f.OrgID, f.ReaderID)
		outside := db.Model(&ownerRow{}).Select("cycle_id").Where("org_id = ? AND user_id NOT IN (?)", f.OrgID,
			db.Raw(treeCTE+" SELECT id FROM tree", f.ReaderID, f.OrgID, f.OrgID))
		cond = db.Where("(id IN (?) OR (state IN ? AND id NOT IN (?)))", owned, done, outside)
	case f.ParticipantID != "":
		cond = db.Where("id IN (?)", db.Model(&participantRow{}).Select("cycle_id").Where("org_id = ? AND em_id = ?", f.OrgID, f.ParticipantID))
	case f.PeerID != "":
		cond = db.Where("id IN (?)", db.Model(&requestRow{}).Select("cycle_id").Where("org_id = ? AND peer_id = ?", f.OrgID, f.PeerID))
	}
	if f.GuestID != "" {
		guestOf := db.Model(&guestRow{}).Select("subject_id").Where("org_id = ? AND subject_type = ? AND user_id = ? AND until >= ?",
			f.OrgID, domain.GuestOfCycle, f.GuestID, f.GuestOn)
		guest := db.Where("id IN (?) AND state NOT IN ?", guestOf, done)
		if cond == nil {
			cond = guest
		} else {
			cond = cond.Or(guest)
		}
	}
	if cond != nil {
		q = q.Where(cond)
	}
	if f.State != "" {
		q = q.Where("state = ?", string(f.State))
	}
	return paginate(q, page, newestFirst, func(rows []cycleRow) ([]domain.Cycle, error) {
		return s.withMembers(ctx, rows)
	})
}

// OpenCycleOf returns, for each of emIDs (of orgID) that is a participant
// of an unfinished cycle other than except, that cycle's id.
func (s *Store) OpenCycleOf(ctx context.Context, orgID string, emIDs []string, except string) (map[string]string, error) {
	out := map[string]string{}
	if len(emIDs) == 0 {
		return out, nil
	}
	var rows []participantRow
	if err := s.conn(ctx).Where("org_id = ? AND em_id IN ? AND open = ? AND cycle_id <> ?", orgID, emIDs, true, except).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.EMID] = r.CycleID
	}
	return out, nil
}

// OwnedCycleIDs lists the cycles directorID leads or co-owns.
func (s *Store) OwnedCycleIDs(ctx context.Context, orgID, directorID string) ([]string, error) {
	ids := []string{}
	err := s.conn(ctx).Model(&ownerRow{}).
		Joins("JOIN cycles ON cycles.org_id = cycle_owners.org_id AND cycles.id = cycle_owners.cycle_id").
		Where("cycle_owners.org_id = ? AND cycle_owners.user_id = ?", orgID, directorID).
		Pluck("cycle_owners.cycle_id", &ids).Error
	return ids, err
}

// FinishedCyclesOf lists the finalized or released cycles emID took part
// in, oldest first (for history and "previous" readiness).
func (s *Store) FinishedCyclesOf(ctx context.Context, orgID, emID string) ([]domain.Cycle, error) {
	var rows []cycleRow
	err := s.conn(ctx).Where("org_id = ? AND state IN ? AND id IN (?)", orgID,
		[]string{string(domain.StateFinalized), string(domain.StateReleased)},
		s.conn(ctx).Model(&participantRow{}).Select("cycle_id").Where("org_id = ? AND em_id = ?", orgID, emID)).
		Order("finalized_at, id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]domain.Cycle, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}
