package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"gorm.io/gorm/clause"

	"calibrate/internal/domain"
)

type orgRow struct {
	ID        string
	Name      string
	CreatedAt time.Time
	// PasswordLogin: whether the organisation's people may sign in with a
	// password (its admins always may).
	PasswordLogin bool
}

func (r orgRow) domain() domain.Organization {
	return domain.Organization{ID: r.ID, Name: r.Name, PasswordLogin: r.PasswordLogin}
}

func (orgRow) TableName() string { return "organizations" }

type userRow struct {
	ID           string
	OrgID        string
	Email        string
	Name         string
	Role         string
	Function     string
	ManagerID    *string
	EMSince      *string `gorm:"column:em_since"`
	Active       bool
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

func (userRow) TableName() string { return "users" }

func (r userRow) domain() domain.User {
	return domain.User{ID: r.ID, OrgID: r.OrgID, Email: r.Email, Name: r.Name,
		Role: domain.Role(r.Role), Function: domain.Function(r.Function), ManagerID: r.ManagerID,
		EMSince: r.EMSince, Active: r.Active, PasswordHash: r.PasswordHash,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func userRowOf(u domain.User) userRow {
	return userRow{ID: u.ID, OrgID: u.OrgID, Email: u.Email, Name: u.Name, Role: string(u.Role),
		Function: string(u.Function), ManagerID: u.ManagerID, EMSince: u.EMSince, Active: u.Active,
		PasswordHash: u.PasswordHash, CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// OrgByName returns the organisation called name.
func (s *Store) OrgByName(ctx context.Context, name string) (domain.Organization, error) {
	var r orgRow
	if err := s.conn(ctx).Where("name = ?", name).Take(&r).Error; err != nil {
		return domain.Organization{}, notFound(err, "organisation")
	}
	return r.domain(), nil
}

func (s *Store) Org(ctx context.Context, id string) (domain.Organization, error) {
	var r orgRow
	if err := s.conn(ctx).Where("id = ?", id).Take(&r).Error; err != nil {
		return domain.Organization{}, notFound(err, "organisation")
	}
	return r.domain(), nil
}

// CreateOrg inserts an organisation with its default framework.
func (s *Store) CreateOrg(ctx context.Context, name string) (domain.Organization, error) {
	org := domain.Organization{ID: domain.NewID(), Name: name, PasswordLogin: true}
	err := s.Tx(ctx, func(ctx context.Context) error {
		row := orgRow{ID: org.ID, Name: name, CreatedAt: s.clock.Now(), PasswordLogin: true}
		if err := s.conn(ctx).Create(&row).Error; err != nil {
			return err
		}
		fw := domain.DefaultFramework()
		fw.OrgID = org.ID
		if _, err := s.CreateFramework(ctx, fw); err != nil {
			return err
		}
		return s.Audit(ctx, domain.AuditEntry{OrgID: org.ID, Action: "org.create",
			ObjectType: "organization", ObjectID: org.ID, After: org})
	})
	return org, err
}

// CreateUser inserts u (ID and times are set here).
func (s *Store) CreateUser(ctx context.Context, u *domain.User) error {
	now := s.clock.Now()
	u.ID, u.CreatedAt, u.UpdatedAt = domain.NewID(), now, now
	row := userRowOf(*u)
	return translate(s.conn(ctx).Create(&row).Error)
}

// UserByEmail finds an account by e-mail in any organisation (logins carry
// no organisation), with the organisation's name.
func (s *Store) UserByEmail(ctx context.Context, email string) (domain.User, error) {
	var r userRow
	if err := s.conn(Unscoped(ctx, ExceptSignInByEmail)).Where("email = ?", strings.ToLower(email)).Take(&r).Error; err != nil {
		return domain.User{}, notFound(err, "user")
	}
	return r.domain(), nil
}

// User returns the user id of organisation orgID.
func (s *Store) User(ctx context.Context, orgID, id string) (domain.User, error) {
	var r userRow
	if err := s.conn(ctx).Where("org_id = ? AND id = ?", orgID, id).Take(&r).Error; err != nil {
		return domain.User{}, notFound(err, "user")
	}
	return r.domain(), nil
}

// UsersByID returns the users of orgID among ids, keyed by id.
func (s *Store) UsersByID(ctx context.Context, orgID string, ids []string) (map[string]domain.User, error) {
	out := map[string]domain.User{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []userRow
	if err := s.conn(ctx).Where("org_id = ? AND id IN ?", orgID, ids).Find(&rows).Error; err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.ID] = r.domain()
	}
	return out, nil
}

// OrgUsers returns every user of orgID, active or not, in creation order:
// the whole reporting line, for an import that checks it at once.
func (s *Store) OrgUsers(ctx context.Context, orgID string) ([]domain.User, error) {
	var rows []userRow
	if err := s.conn(ctx).Where("org_id = ?", orgID).Order("created_at, id").Find(&rows).Error; err != nil {
		return nil, err
	}
	out := make([]domain.User, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out, nil
}

// LockUser returns the user id of organisation orgID and, on PostgreSQL,
// locks the row until the transaction of ctx ends, so a read-modify-write
// of the record (UpdateUser) cannot undo a concurrent one, such as an
// admin's deactivation. SQLite transactions already run one at a time.
func (s *Store) LockUser(ctx context.Context, orgID, id string) (domain.User, error) {
	var r userRow
	err := s.conn(ctx).Clauses(clause.Locking{Strength: "UPDATE"}).
		Where("org_id = ? AND id = ?", orgID, id).Take(&r).Error
	if err != nil {
		return domain.User{}, notFound(err, "user")
	}
	return r.domain(), nil
}

// UpdateUser writes u's editable fields. The password hash is not one of
// them (SetPassword writes it): a record read before a password change must
// not put the old hash back.
func (s *Store) UpdateUser(ctx context.Context, u *domain.User) error {
	u.UpdatedAt = s.clock.Now()
	res := s.conn(ctx).Model(&userRow{}).Where("org_id = ? AND id = ?", u.OrgID, u.ID).
		Select("name", "role", "function", "manager_id", "em_since", "active", "updated_at").
		Updates(userRowOf(*u))
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.NotFound("user")
	}
	return nil
}

// SetPassword writes a user's password hash and nothing else, so a
// password change cannot undo what an admin changed while it was hashing.
func (s *Store) SetPassword(ctx context.Context, orgID, id, hash string) error {
	res := s.conn(ctx).Model(&userRow{}).Where("org_id = ? AND id = ?", orgID, id).
		Updates(map[string]any{"password_hash": hash, "updated_at": s.clock.Now()})
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return domain.NotFound("user")
	}
	return nil
}

// treeCTE selects the ids of everyone below the manager ? in org ?, each
// step within org ? again. UNION (not UNION ALL) makes it stop even on a
// malformed loop.
const treeCTE = `WITH RECURSIVE tree(id) AS (
	SELECT id FROM users WHERE manager_id = ? AND org_id = ?
	UNION
	SELECT u.id FROM users u JOIN tree t ON u.manager_id = t.id WHERE u.org_id = ?
)`

// Reports returns the ids of every direct and indirect report of managerID.
func (s *Store) Reports(ctx context.Context, orgID, managerID string) ([]string, error) {
	var ids []string
	err := s.conn(ctx).Raw(treeCTE+" SELECT id FROM tree", managerID, orgID, orgID).Scan(&ids).Error
	return ids, err
}

// Managers returns the chain above userID, nearest first.
func (s *Store) Managers(ctx context.Context, orgID, userID string) ([]string, error) {
	var rows []struct {
		ID    string
		Depth int
	}
	err := s.conn(ctx).Raw(`WITH RECURSIVE up(id, depth) AS (
		SELECT manager_id, 1 FROM users WHERE id = ? AND org_id = ? AND manager_id IS NOT NULL
		UNION
		SELECT u.manager_id, up.depth + 1 FROM users u JOIN up ON u.id = up.id
		WHERE u.org_id = ? AND u.manager_id IS NOT NULL AND up.depth < 64
	) SELECT id, depth FROM up ORDER BY depth`, userID, orgID, orgID).Scan(&rows).Error
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	return ids, err
}

// ListUsers pages users in creation order.
func (s *Store) ListUsers(ctx context.Context, f domain.UserFilter, page domain.Page) (domain.List[domain.User], error) {
	q := s.conn(ctx).Model(&userRow{}).Where("org_id = ?", f.OrgID)
	if f.Under != "" {
		q = q.Where("id IN (?)", s.conn(ctx).Raw(treeCTE+" SELECT id FROM tree", f.Under, f.OrgID, f.OrgID))
	}
	if f.Role != "" {
		q = q.Where("role = ?", string(f.Role))
	}
	if f.Function != "" {
		q = q.Where("function = ?", string(f.Function))
	}
	if f.Active != nil {
		q = q.Where("active = ?", *f.Active)
	}
	if f.Query != "" {
		like := "%" + escapeLike(strings.ToLower(f.Query)) + "%"
		if f.NameOnly {
			q = q.Where(`LOWER(name) LIKE ? ESCAPE '\'`, like)
		} else {
			q = q.Where(`(LOWER(name) LIKE ? ESCAPE '\' OR LOWER(email) LIKE ? ESCAPE '\')`, like, like)
		}
	}
	return paginate(q, page, oldestFirst, each(userRow.domain))
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// CountOrgs counts the organisations of the database.
func (s *Store) CountOrgs(ctx context.Context) (int64, error) {
	var n int64
	err := s.conn(ctx).Model(&orgRow{}).Count(&n).Error
	return n, err
}

type frameworkRow struct {
	ID        string
	OrgID     string
	Name      string
	Version   int
	BasedOn   *string
	ScaleMin  int
	ScaleMax  int
	Bar       int
	Labels    string
	CreatedAt time.Time
}

func (frameworkRow) TableName() string { return "frameworks" }

type criterionRow struct {
	FrameworkID string
	OrgID       string
	Position    int
	Key         string
	Title       string
	Description string
	Weight      float64
}

func (criterionRow) TableName() string { return "criteria" }

// CreateFramework inserts fw with its criteria and returns it with its id.
func (s *Store) CreateFramework(ctx context.Context, fw domain.Framework) (domain.Framework, error) {
	labels, err := json.Marshal(fw.Scale.Labels)
	if err != nil {
		return fw, err
	}
	fw.ID, fw.CreatedAt = domain.NewID(), s.clock.Now().UTC()
	err = s.Tx(ctx, func(ctx context.Context) error {
		row := frameworkRow{ID: fw.ID, OrgID: fw.OrgID, Name: fw.Name, Version: fw.Version, BasedOn: fw.BasedOn,
			ScaleMin: fw.Scale.Min, ScaleMax: fw.Scale.Max, Bar: fw.Scale.Bar, Labels: string(labels), CreatedAt: fw.CreatedAt}
		if err := s.conn(ctx).Create(&row).Error; err != nil {
			return err
		}
		crit := make([]criterionRow, len(fw.Criteria))
		for i, c := range fw.Criteria {
			crit[i] = criterionRow{FrameworkID: fw.ID, OrgID: fw.OrgID, Position: i, Key: c.Key, Title: c.Title, Description: c.Description, Weight: c.Weight}
		}
		return s.conn(ctx).Create(&crit).Error
	})
	return fw, translate(err)
}

// Framework returns framework id of orgID with its criteria, in one query.
func (s *Store) Framework(ctx context.Context, orgID, id string) (domain.Framework, error) {
	var rows []struct {
		F            frameworkRow `gorm:"embedded"`
		InUse        bool
		KPosition    *int
		KKey         *string
		KTitle       *string
		KDescription *string
		KWeight      *float64
	}
	err := s.conn(ctx).Raw(`
SELECT f.*, EXISTS (SELECT 1 FROM cycles WHERE cycles.org_id = f.org_id AND cycles.framework_id = f.id) AS in_use,
  k.position AS k_position, k.key AS k_key, k.title AS k_title, k.description AS k_description, k.weight AS k_weight
FROM frameworks f LEFT JOIN criteria k ON k.org_id = f.org_id AND k.framework_id = f.id
WHERE f.org_id = ? AND f.id = ?
ORDER BY k.position`, orgID, id).Scan(&rows).Error
	if err != nil {
		return domain.Framework{}, err
	}
	if len(rows) == 0 {
		return domain.Framework{}, domain.NotFound("framework")
	}
	fw, err := rows[0].F.domain()
	if err != nil {
		return fw, err
	}
	fw.InUse = rows[0].InUse
	for _, r := range rows {
		if r.KKey != nil {
			fw.Criteria = append(fw.Criteria, domain.Criterion{Key: *r.KKey, Title: deref(r.KTitle),
				Description: deref(r.KDescription), Weight: deref(r.KWeight)})
		}
	}
	return fw, nil
}

func (r frameworkRow) domain() (domain.Framework, error) {
	var labels []string
	if err := json.Unmarshal([]byte(r.Labels), &labels); err != nil {
		return domain.Framework{}, err
	}
	return domain.Framework{ID: r.ID, OrgID: r.OrgID, Name: r.Name, Version: r.Version, BasedOn: r.BasedOn,
		Scale:    domain.Scale{Min: r.ScaleMin, Max: r.ScaleMax, Bar: r.Bar, Labels: labels},
		Criteria: []domain.Criterion{}, CreatedAt: r.CreatedAt.UTC()}, nil
}

// LatestFramework returns the newest version of the framework called name.
func (s *Store) LatestFramework(ctx context.Context, orgID, name string) (domain.Framework, error) {
	var row frameworkRow
	if err := s.conn(ctx).Where("org_id = ? AND name = ?", orgID, name).Order("version DESC").Take(&row).Error; err != nil {
		return domain.Framework{}, notFound(err, "framework")
	}
	fws, err := s.withCriteria(ctx, []frameworkRow{row})
	if err != nil {
		return domain.Framework{}, err
	}
	return fws[0], nil
}

// ListFrameworks pages the frameworks of orgID in creation order.
func (s *Store) ListFrameworks(ctx context.Context, orgID string, page domain.Page) (domain.List[domain.Framework], error) {
	q := s.conn(ctx).Where("org_id = ?", orgID)
	return paginate(q, page, oldestFirst, func(rows []frameworkRow) ([]domain.Framework, error) {
		return s.withCriteria(ctx, rows)
	})
}

// withCriteria loads the criteria of every row (all of one organisation)
// in one query.
func (s *Store) withCriteria(ctx context.Context, rows []frameworkRow) ([]domain.Framework, error) {
	out := make([]domain.Framework, 0, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	ids := make([]string, len(rows))
	for i, r := range rows {
		ids[i] = r.ID
	}
	org := rows[0].OrgID
	var crit []criterionRow
	if err := s.conn(ctx).Where("org_id = ? AND framework_id IN ?", org, ids).Order("framework_id, position").Find(&crit).Error; err != nil {
		return nil, err
	}
	byFw := map[string][]domain.Criterion{}
	for _, c := range crit {
		byFw[c.FrameworkID] = append(byFw[c.FrameworkID], domain.Criterion{Key: c.Key, Title: c.Title, Description: c.Description, Weight: c.Weight})
	}
	inUse, err := s.frameworksInUse(ctx, org, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		fw, err := r.domain()
		if err != nil {
			return nil, err
		}
		if c := byFw[r.ID]; c != nil {
			fw.Criteria = c
		}
		fw.InUse = inUse[r.ID]
		out = append(out, fw)
	}
	return out, nil
}

// frameworksInUse reports which of ids (of orgID) some cycle uses.
func (s *Store) frameworksInUse(ctx context.Context, orgID string, ids []string) (map[string]bool, error) {
	used := map[string]bool{}
	var got []string
	if err := s.conn(ctx).Model(&cycleRow{}).Where("org_id = ? AND framework_id IN ?", orgID, ids).Distinct("framework_id").Pluck("framework_id", &got).Error; err != nil {
		return nil, err
	}
	for _, id := range got {
		used[id] = true
	}
	return used, nil
}
