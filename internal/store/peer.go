package store

import (
	"context"
	"encoding/json"
	"time"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

type requestRow struct {
	ID          string
	OrgID       string
	CycleID     string
	EMID        string `gorm:"column:em_id"`
	PeerID      string
	RequestedBy string
	Message     *string
	Status      string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

func (requestRow) TableName() string { return "peer_requests" }

func (r requestRow) domain() domain.PeerRequest {
	return domain.PeerRequest{ID: r.ID, OrgID: r.OrgID, CycleID: r.CycleID, EMID: r.EMID, PeerID: r.PeerID, RequestedBy: r.RequestedBy,
		Message: r.Message, Status: domain.RequestStatus(r.Status), CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

type noteRow struct {
	RequestID string `gorm:"primaryKey"`
	OrgID     string
	CycleID   string
	EMID      string `gorm:"column:em_id"`
	AuthorID  string
	Advocacy  string
	Criteria  string
	Body      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

func (noteRow) TableName() string { return "peer_notes" }

func (r noteRow) domain() domain.PeerNote {
	var crit []string
	_ = json.Unmarshal([]byte(r.Criteria), &crit)
	if crit == nil {
		crit = []string{}
	}
	return domain.PeerNote{RequestID: r.RequestID, OrgID: r.OrgID, CycleID: r.CycleID, EMID: r.EMID, AuthorID: r.AuthorID,
		Advocacy: domain.Advocacy(r.Advocacy), Criteria: crit, Body: r.Body, CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

// CreatePeerRequest inserts r; the same peer asked twice about the same EM
// in the same cycle is a duplicate.
func (s *Store) CreatePeerRequest(ctx context.Context, r *domain.PeerRequest) error {
	now := s.clock.Now()
	r.ID, r.CreatedAt, r.UpdatedAt, r.Status = domain.NewID(), now, now, domain.RequestOpen
	row := requestRow{ID: r.ID, OrgID: r.OrgID, CycleID: r.CycleID, EMID: r.EMID, PeerID: r.PeerID, RequestedBy: r.RequestedBy,
		Message: r.Message, Status: string(r.Status), CreatedAt: now, UpdatedAt: now}
	if err := s.conn(ctx).Create(&row).Error; err != nil {
		if err := translate(err); domain.IsKind(err, domain.KindConflict) {
			return domain.Duplicate("this peer has already been asked about this EM in this cycle")
		}
		return err
	}
	return nil
}

// CountPeerRequests counts the requests about emID in cycleID of orgID. On
// PostgreSQL it first locks the EM's participation row, so that within a
// transaction two requests racing for the EM's last place are counted one
// after the other (SQLite has a single writer already).
func (s *Store) CountPeerRequests(ctx context.Context, orgID, cycleID, emID string) (int64, error) {
	if s.dialect == config.Postgres {
		var locked []int
		if err := s.conn(ctx).Raw("SELECT 1 FROM cycle_participants WHERE org_id = ? AND cycle_id = ? AND em_id = ? FOR UPDATE",
			orgID, cycleID, emID).Scan(&locked).Error; err != nil {
			return 0, err
		}
	}
	var n int64
	err := s.conn(ctx).Model(&requestRow{}).Where("org_id = ? AND cycle_id = ? AND em_id = ?", orgID, cycleID, emID).Count(&n).Error
	return n, err
}

// PeerRequest returns request id if it belongs to orgID.
func (s *Store) PeerRequest(ctx context.Context, orgID, id string) (domain.PeerRequest, error) {
	var row requestRow
	err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&row).Error
	if err != nil {
		return domain.PeerRequest{}, notFound(err, "peer request")
	}
	return row.domain(), nil
}

// SetRequestStatus changes the status of request id of orgID.
func (s *Store) SetRequestStatus(ctx context.Context, orgID, id string, st domain.RequestStatus) error {
	return s.conn(ctx).Model(&requestRow{}).Where("org_id = ? AND id = ?", orgID, id).
		Updates(map[string]any{"status": string(st), "updated_at": s.clock.Now()}).Error
}

// DeleteRequestsAbout removes the requests (and notes) about emIDs in a
// cycle of orgID: what happens when a draft cycle drops a participant.
func (s *Store) DeleteRequestsAbout(ctx context.Context, orgID, cycleID string, emIDs []string) error {
	if len(emIDs) == 0 {
		return nil
	}
	db := s.conn(ctx)
	if err := db.Where("org_id = ? AND cycle_id = ? AND em_id IN ?", orgID, cycleID, emIDs).Delete(&noteRow{}).Error; err != nil {
		return err
	}
	return db.Where("org_id = ? AND cycle_id = ? AND em_id IN ?", orgID, cycleID, emIDs).Delete(&requestRow{}).Error
}

// ListPeerRequests pages the requests of orgID that match any of f's
// clauses, newest first.
func (s *Store) ListPeerRequests(ctx context.Context, f domain.RequestFilter, page domain.Page) (domain.List[domain.PeerRequest], error) {
	db := s.conn(ctx)
	q := db.Model(&requestRow{}).Where("org_id = ?", f.OrgID)
	if !f.All {
		or := db.Where("peer_id = ?", f.PeerID)
		if f.RequestedBy != "" {
			or = or.Or("requested_by = ?", f.RequestedBy)
		}
		if f.OwnerID != "" {
			or = or.Or("cycle_id IN (?)", db.Model(&ownerRow{}).Select("cycle_id").Where("org_id = ? AND user_id = ?", f.OrgID, f.OwnerID))
		}
		q = q.Where(or)
	}
	if f.CycleID != "" {
		q = q.Where("cycle_id = ?", f.CycleID)
	}
	return paginate(q, page, newestFirst, each(requestRow.domain))
}

// PeerRequestsBy returns every request userID made in orgID, newest first:
// what an EM's per-cycle counts are made of, whichever page they are on.
// An EM asks only about themself, at most eight times a cycle.
func (s *Store) PeerRequestsBy(ctx context.Context, orgID, userID string) ([]domain.PeerRequest, error) {
	db := s.conn(ctx)
	var rows []requestRow
	err := db.Where("org_id = ? AND requested_by = ?", orgID, userID).
		Order("id DESC").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]domain.PeerRequest, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// PeerRequestsAbout returns every request of orgID about emID, whoever
// made it.
func (s *Store) PeerRequestsAbout(ctx context.Context, orgID, emID string) ([]domain.PeerRequest, error) {
	var rows []requestRow
	if err := s.conn(ctx).Where("org_id = ? AND em_id = ?", orgID, emID).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.PeerRequest, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// PeerRequestsOf returns every request of the given cycles of orgID.
func (s *Store) PeerRequestsOf(ctx context.Context, orgID string, cycleIDs []string) ([]domain.PeerRequest, error) {
	if len(cycleIDs) == 0 {
		return nil, nil
	}
	var rows []requestRow
	if err := s.conn(ctx).Where("org_id = ? AND cycle_id IN ?", orgID, cycleIDs).Order("id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.PeerRequest, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// Note returns the note answering requestID of orgID, or not found.
func (s *Store) Note(ctx context.Context, orgID, requestID string) (domain.PeerNote, error) {
	var row noteRow
	if err := s.conn(ctx).Where("org_id = ? AND request_id = ?", orgID, requestID).Take(&row).Error; err != nil {
		return domain.PeerNote{}, notFound(err, "note")
	}
	return row.domain(), nil
}

// NotesByRequest returns the notes answering requestIDs of orgID, keyed by
// request.
func (s *Store) NotesByRequest(ctx context.Context, orgID string, requestIDs []string) (map[string]domain.PeerNote, error) {
	out := map[string]domain.PeerNote{}
	if len(requestIDs) == 0 {
		return out, nil
	}
	var rows []noteRow
	if err := s.conn(ctx).Where("org_id = ? AND request_id IN ?", orgID, requestIDs).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.RequestID] = r.domain()
	}
	return out, nil
}

// SaveNote creates or replaces the note answering n.RequestID and marks the
// request answered.
func (s *Store) SaveNote(ctx context.Context, n *domain.PeerNote) error {
	now := s.clock.Now()
	crit, err := json.Marshal(n.Criteria)
	if err != nil {
		return err
	}
	return s.Tx(ctx, func(ctx context.Context) error {
		db := s.conn(ctx)
		res := db.Model(&noteRow{}).Where("org_id = ? AND request_id = ?", n.OrgID, n.RequestID).Updates(map[string]any{
			"advocacy": string(n.Advocacy), "criteria": string(crit), "body": n.Body, "updated_at": now})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			n.CreatedAt = now
			row := noteRow{RequestID: n.RequestID, OrgID: n.OrgID, CycleID: n.CycleID, EMID: n.EMID, AuthorID: n.AuthorID,
				Advocacy: string(n.Advocacy), Criteria: string(crit), Body: n.Body, CreatedAt: now, UpdatedAt: now}
			if err := db.Create(&row).Error; err != nil {
				return translate(err)
			}
		}
		n.UpdatedAt = now
		return s.SetRequestStatus(ctx, n.OrgID, n.RequestID, domain.RequestAnswered)
	})
}

// NotesOf returns every note of the given cycles of orgID, oldest first.
func (s *Store) NotesOf(ctx context.Context, orgID string, cycleIDs []string) ([]domain.PeerNote, error) {
	if len(cycleIDs) == 0 {
		return nil, nil
	}
	// Hundreds of notes per cycle: scanned without GORM's reflection.
	rows, err := s.conn(ctx).Raw(`
SELECT request_id, org_id, cycle_id, em_id, author_id, advocacy, criteria, body, created_at, updated_at
FROM peer_notes WHERE org_id = ? AND cycle_id IN ? ORDER BY created_at, request_id`, orgID, cycleIDs).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []domain.PeerNote{}
	var r noteRow
	for rows.Next() {
		if err := rows.Scan(&r.RequestID, &r.OrgID, &r.CycleID, &r.EMID, &r.AuthorID, &r.Advocacy, &r.Criteria, &r.Body,
			&r.CreatedAt, &r.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, r.domain())
	}
	return out, rows.Err()
}
