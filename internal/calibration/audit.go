package calibration

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strconv"
	"time"

	"calibrate/internal/domain"
)

// AuditStore is what reading the audit log needs.
type AuditStore interface {
	ListAudit(ctx context.Context, f domain.AuditFilter, page domain.Page) (domain.List[domain.AuditEntry], error)
	OwnedCycleIDs(ctx context.Context, orgID, directorID string) ([]string, error)
	Cycle(ctx context.Context, orgID, id string) (domain.Cycle, error)
	UsersByID(ctx context.Context, orgID string, ids []string) (map[string]domain.User, error)
}

type AuditLog struct{ store AuditStore }

func NewAuditLog(store AuditStore) *AuditLog { return &AuditLog{store: store} }

// AuditQuery narrows the log, as the list and its CSV take it: each field
// empty for "any". From and To are a date (YYYY-MM-DD, a whole UTC day)
// or an RFC 3339 timestamp; both bounds are inclusive: From keeps entries
// at or after it (a date: from the start of that day), To those at or
// before it (a date: up to the end of that day).
type AuditQuery struct {
	CycleID, ActorID, Action, From, To string
}

// MaxAuditCSVRows is the most entries one CSV export holds, the newest
// first; narrow the dates to export older ones.
const MaxAuditCSVRows = 50000

// List pages audit entries newest first: an admin reads the organisation's
// whole log, a director the entries of the cycles they own.
func (s *AuditLog) List(ctx context.Context, p domain.Principal, q AuditQuery, page domain.Page) (domain.List[domain.AuditEntry], error) {
	f, err := s.filter(ctx, p, q)
	if err != nil {
		return domain.List[domain.AuditEntry]{}, err
	}
	return s.store.ListAudit(ctx, f, page)
}

// filter checks the query and makes the filter of what the caller may read.
func (s *AuditLog) filter(ctx context.Context, p domain.Principal, q AuditQuery) (domain.AuditFilter, error) {
	f := domain.AuditFilter{OrgID: p.OrgID, CycleID: q.CycleID, ActorID: q.ActorID}
	bad := domain.Fields{}
	if q.Action != "" {
		f.Actions = []string{q.Action}
	}
	if q.From != "" {
		t, _, ok := parseAuditBound(q.From)
		if !ok {
			bad.Add("from", "must be a date like 2026-11-02 or a time like 2026-11-02T09:00:00Z")
		}
		f.From = t
	}
	if q.To != "" {
		t, date, ok := parseAuditBound(q.To)
		if !ok {
			bad.Add("to", "must be a date like 2026-11-02 or a time like 2026-11-02T09:00:00Z")
		}
		if date {
			f.Until = t.AddDate(0, 0, 1) // the whole day
		} else {
			// At or before: the log keeps microseconds (PostgreSQL's
			// precision), so the first instant after t is a microsecond on.
			f.Until = t.Truncate(time.Microsecond).Add(time.Microsecond)
		}
	}
	if q.From != "" && q.To != "" && len(bad) == 0 && !f.From.Before(f.Until) {
		bad.Add("to", "must not be before from")
	}
	if err := bad.Err(); err != nil {
		return f, err
	}
	if q.CycleID != "" {
		// A cycle the caller may not see is not found, as everywhere.
		c, err := s.store.Cycle(ctx, p.OrgID, q.CycleID)
		if err != nil {
			return f, err
		}
		if p.Role == domain.RoleDirector && !c.IsOwner(p.UserID) {
			return f, domain.NotFound("cycle")
		}
	}
	switch p.Role {
	case domain.RoleAdmin:
	case domain.RoleDirector:
		owned, err := s.store.OwnedCycleIDs(ctx, p.OrgID, p.UserID)
		if err != nil {
			return f, err
		}
		f.CycleIDs = owned
	default:
		return f, domain.Forbidden(domain.CodeForbidden, "your role may not read the audit log")
	}
	return f, nil
}

// parseAuditBound reads a date (its start, UTC) or an RFC 3339 timestamp.
func parseAuditBound(s string) (t time.Time, date, ok bool) {
	if domain.ValidDate(s) {
		t, _ = time.Parse(domain.DateLayout, s)
		return t.UTC(), true, true
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, false, false
	}
	return t.UTC(), false, true
}

// AuditCSVHeader is the header line of the audit log's CSV.
var AuditCSVHeader = []string{"at", "seq", "id", "actor_id", "actor_name", "action", "object_type", "object_id",
	"cycle_id", "em_id", "before", "after"}

// CSV renders the entries the list would page through, newest first, as
// one CSV file: a header line, then one line per entry with before and
// after as JSON. Cells a spreadsheet would run as a formula are escaped.
func (s *AuditLog) CSV(ctx context.Context, p domain.Principal, q AuditQuery) ([]byte, error) {
	f, err := s.filter(ctx, p, q)
	if err != nil {
		return nil, err
	}
	entries, err := domain.Gather(1000, MaxAuditCSVRows, func(page domain.Page) (domain.List[domain.AuditEntry], error) {
		return s.store.ListAudit(ctx, f, page)
	})
	if err != nil {
		return nil, err
	}
	var actorIDs []string
	seen := map[string]bool{}
	for _, e := range entries {
		if e.ActorID != nil && !seen[*e.ActorID] {
			seen[*e.ActorID] = true
			actorIDs = append(actorIDs, *e.ActorID)
		}
	}
	names := map[string]domain.User{}
	if len(actorIDs) > 0 {
		if names, err = s.store.UsersByID(ctx, p.OrgID, actorIDs); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	if err := w.Write(AuditCSVHeader); err != nil {
		return nil, err
	}
	for _, e := range entries {
		actor, name := "", ""
		if e.ActorID != nil {
			actor, name = *e.ActorID, names[*e.ActorID].Name
		}
		line := []string{e.At.UTC().Format(time.RFC3339Nano), strconv.FormatInt(e.Seq, 10), e.ID, actor, name, e.Action,
			e.ObjectType, e.ObjectID, deref(e.CycleID), deref(e.EMID), jsonCell(e.Before), jsonCell(e.After)}
		for i := range line {
			line[i] = SafeCell(line[i])
		}
		if err := w.Write(line); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// jsonCell is a before or after value as JSON text, empty when null.
func jsonCell(v any) string {
	if v == nil {
		return ""
	}
	b, err := json.Marshal(v)
	if err != nil {
		return ""
	}
	return string(b)
}
