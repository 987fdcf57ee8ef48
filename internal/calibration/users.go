package calibration

import (
	"context"
	"net/mail"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// UserStore is what managing people needs of the database.
type UserStore interface {
	Tx(ctx context.Context, fn func(ctx context.Context) error) error
	Audit(ctx context.Context, e domain.AuditEntry) error
	User(ctx context.Context, orgID, id string) (domain.User, error)
	// LockUser reads a user for a read-modify-write in a transaction.
	LockUser(ctx context.Context, orgID, id string) (domain.User, error)
	Org(ctx context.Context, id string) (domain.Organization, error)
	OrgByName(ctx context.Context, name string) (domain.Organization, error)
	CreateOrg(ctx context.Context, name string) (domain.Organization, error)
	UserByEmail(ctx context.Context, email string) (domain.User, error)
	CreateUser(ctx context.Context, u *domain.User) error
	UpdateUser(ctx context.Context, u *domain.User) error
	Reports(ctx context.Context, orgID, managerID string) ([]string, error)
	UsersByID(ctx context.Context, orgID string, ids []string) (map[string]domain.User, error)
	OrgUsers(ctx context.Context, orgID string) ([]domain.User, error)
	UnfinishedCyclesTouching(ctx context.Context, orgID string, ownerIDs, participantIDs []string) ([]string, error)
	ListUsers(ctx context.Context, f domain.UserFilter, page domain.Page) (domain.List[domain.User], error)
	RevokeUserSessions(ctx context.Context, orgID, userID, keep string) error
}

// PasswordHasher hashes new passwords (argon2id, in auth).
type PasswordHasher interface {
	Hash(ctx context.Context, password string) (string, error)
}

// PasswordPolicy validates a new password, naming the field on failure.
type PasswordPolicy func(field, password string) error

type Users struct {
	store  UserStore
	hasher PasswordHasher
	policy PasswordPolicy
	clock  domain.Clock
}

func NewUsers(store UserStore, hasher PasswordHasher, policy PasswordPolicy, clock domain.Clock) *Users {
	return &Users{store: store, hasher: hasher, policy: policy, clock: clock}
}

// NewUser is the input of a user creation.
type NewUser struct {
	Name      string
	Email     string
	Role      domain.Role
	Function  domain.Function
	ManagerID *string
	EMSince   *string
	Password  string
}

// UserPatch is a partial update; only the fields that are Set change.
type UserPatch struct {
	Name domain.Optional[string]
	// Email changes the login; only provisioning (SCIM userName) sets it.
	Email     domain.Optional[string]
	Role      domain.Optional[domain.Role]
	Function  domain.Optional[domain.Function]
	ManagerID domain.Optional[string]
	EMSince   domain.Optional[string]
	Active    domain.Optional[bool]
	// ReassignTo, with a deactivation, names the active director the
	// user's active reports move to, in the same transaction.
	ReassignTo *string
}

const maxNameLen = 200

// Me returns the caller's own record and organisation.
func (s *Users) Me(ctx context.Context, p domain.Principal) (domain.User, domain.Organization, error) {
	u, err := s.store.User(ctx, p.OrgID, p.UserID)
	if err != nil {
		return u, domain.Organization{}, err
	}
	org, err := s.store.Org(ctx, p.OrgID)
	return u, org, err
}

// RenameMe changes the caller's name, the one field a user edits of
// themself.
func (s *Users) RenameMe(ctx context.Context, p domain.Principal, name string) (domain.User, error) {
	f := domain.Fields{}
	name = checkName(f, "name", name)
	if err := f.Err(); err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		if u, err = s.store.LockUser(ctx, p.OrgID, p.UserID); err != nil {
			return err
		}
		before := u.Name
		u.Name = name
		if err := s.store.UpdateUser(ctx, &u); err != nil {
			return err
		}
		return s.audit(ctx, actorOf(p), "user.update", u.ID, map[string]any{"name": before}, map[string]any{"name": name})
	})
	return u, err
}

// List pages the users the caller may see: an admin every user of the
// organisation, a director their reporting tree.
func (s *Users) List(ctx context.Context, p domain.Principal, f domain.UserFilter, page domain.Page) (domain.List[domain.User], error) {
	if err := checkUserFilter(f.Role, f.Function, f.Query); err != nil {
		return domain.List[domain.User]{}, err
	}
	f.OrgID = p.OrgID
	switch p.Role {
	case domain.RoleAdmin:
	case domain.RoleDirector:
		f.Under = p.UserID
	default:
		return domain.List[domain.User]{}, domain.Forbidden(domain.CodeForbidden, "your role may not list users")
	}
	l, err := s.store.ListUsers(ctx, f, page)
	if err != nil {
		return l, err
	}
	return l, s.markInactiveManagers(ctx, p.OrgID, l.Items)
}

// markInactiveManagers sets ManagerInactive on each user whose manager is
// deactivated: a deactivation never moves the reports, so they keep their
// manager until an admin or the identity provider moves them.
func (s *Users) markInactiveManagers(ctx context.Context, orgID string, users []domain.User) error {
	var ids []string
	for _, u := range users {
		if u.ManagerID != nil && !slices.Contains(ids, *u.ManagerID) {
			ids = append(ids, *u.ManagerID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	managers, err := s.store.UsersByID(ctx, orgID, ids)
	if err != nil {
		return err
	}
	for i, u := range users {
		if u.ManagerID != nil {
			m, ok := managers[*u.ManagerID]
			users[i].ManagerInactive = ok && !m.Active
		}
	}
	return nil
}

func checkUserFilter(role domain.Role, fn domain.Function, q string) error {
	f := domain.Fields{}
	if role != "" && !role.Valid() {
		f.Add("role", "must be one of admin, director, em, peer")
	}
	if fn != "" && !fn.Valid() {
		f.Add("function", "must be one of product, design, operations, engineering, other")
	}
	if utf8.RuneCountInString(q) > maxNameLen {
		f.Add("q", "must have at most 200 characters")
	}
	return f.Err()
}

// Directory lists the active users of the caller's organisation with only
// name, role and function: how EMs find peers and directors find co-owners.
// q matches names only, since the directory does not show e-mails.
func (s *Users) Directory(ctx context.Context, p domain.Principal, role domain.Role, fn domain.Function, q string, page domain.Page) (domain.List[domain.User], error) {
	if err := checkUserFilter(role, fn, q); err != nil {
		return domain.List[domain.User]{}, err
	}
	active := true
	return s.store.ListUsers(ctx, domain.UserFilter{OrgID: p.OrgID, Role: role, Function: fn, Query: q, NameOnly: true, Active: &active}, page)
}

// Create adds a user to the admin's organisation. Their manager, if any,
// must be an active director or admin.
func (s *Users) Create(ctx context.Context, p domain.Principal, in NewUser) (domain.User, error) {
	return s.create(ctx, adminOf(p), in)
}

// Bootstrap adds a user from the command line, with no signed-in actor:
// how the first admin of an organisation is made. The organisation (with
// its default framework) is created when it does not exist, and the
// manager is named by e-mail.
func (s *Users) Bootstrap(ctx context.Context, orgName, managerEmail string, in NewUser) (domain.User, error) {
	f := domain.Fields{}
	orgName = checkName(f, "org", orgName)
	if err := f.Err(); err != nil {
		return domain.User{}, err
	}
	var u domain.User
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		org, err := s.store.OrgByName(ctx, orgName)
		if domain.IsKind(err, domain.KindNotFound) {
			org, err = s.store.CreateOrg(ctx, orgName)
		}
		if err != nil {
			return err
		}
		if managerEmail != "" {
			m, err := s.store.UserByEmail(ctx, managerEmail)
			if err != nil || m.OrgID != org.ID {
				return domain.Invalid("manager", "is not a user of "+orgName)
			}
			in.ManagerID = &m.ID
		}
		u, err = s.create(ctx, actor{orgID: org.ID}, in)
		return err
	})
	return u, err
}

func (s *Users) create(ctx context.Context, a actor, in NewUser) (domain.User, error) {
	orgID := a.orgID
	f := domain.Fields{}
	u := newUserRecord(f, orgID, in)
	if err := s.policy("password", in.Password); err != nil {
		return domain.User{}, mergeFields(f, err)
	}
	if err := f.Err(); err != nil {
		return domain.User{}, err
	}
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return domain.User{}, err
	}
	u.PasswordHash = hash
	err = s.store.Tx(ctx, func(ctx context.Context) error { return s.insert(ctx, &u, a, in.ManagerID) })
	if err != nil {
		return u, err
	}
	one := []domain.User{u}
	err = s.markInactiveManagers(ctx, orgID, one)
	return one[0], err
}

// newUserRecord checks a new user's fields (all but the password) into f
// and returns the record they make, active.
func newUserRecord(f domain.Fields, orgID string, in NewUser) domain.User {
	u := domain.User{OrgID: orgID, Active: true}
	u.Name = checkName(f, "name", in.Name)
	u.Email = checkEmail(f, "email", in.Email)
	u.Role = in.Role
	if !u.Role.Valid() {
		f.Add("role", "must be one of admin, director, em, peer")
	}
	u.Function = in.Function
	if u.Function == "" {
		u.Function = defaultFunction(u.Role)
	} else if !u.Function.Valid() {
		f.Add("function", "must be one of product, design, operations, engineering, other")
	}
	if in.EMSince != nil && !domain.ValidDate(*in.EMSince) {
		f.Add("em_since", "must be a date like 2023-04-01")
	}
	u.EMSince = in.EMSince
	return u
}

// insert writes a checked new user with their manager (a user of the
// organisation) and the audit entry, in the caller's transaction.
func (s *Users) insert(ctx context.Context, u *domain.User, a actor, managerID *string) error {
	if managerID != nil {
		m, err := s.store.User(ctx, u.OrgID, *managerID)
		if err != nil {
			return domain.Invalid("manager_id", "is not a user of your organisation")
		}
		if a.admin && !canManage(m) {
			return domain.Invalid("manager_id", managerRule)
		}
		u.ManagerID = managerID
	}
	if err := s.store.CreateUser(ctx, u); err != nil {
		if domain.IsKind(err, domain.KindConflict) {
			return domain.Duplicate("a user with this e-mail already exists")
		}
		return err
	}
	after := auditUser(*u)
	after.Via = a.via
	return s.store.Audit(ctx, domain.AuditEntry{OrgID: u.OrgID, ActorID: a.user, Action: "user.create",
		ObjectType: "user", ObjectID: u.ID, After: after})
}

// Update changes a user of the admin's organisation. A role change or a
// deactivation ends the user's sessions at once. A change of role,
// reporting line or active flag of someone in an unfinished cycle is also
// recorded against that cycle, for its owners to see. A new manager must
// be an active director or admin; deactivating someone who manages active
// people needs ReassignTo (an active director), who takes them over in the
// same transaction (409 has_reports otherwise).
func (s *Users) Update(ctx context.Context, p domain.Principal, id string, patch UserPatch) (domain.User, error) {
	return s.update(ctx, adminOf(p), id, patch)
}

// actor is who makes a change to people: a signed-in admin (user set), or
// an identity provider over SCIM (via set, no user). admin marks a change
// made by hand through the admin API, which keeps the reporting line to
// directors and admins; provisioning (SCIM, a spreadsheet import) mirrors
// another system and keeps its own rules.
type actor struct {
	orgID string
	user  *string
	via   *domain.Via
	admin bool
}

func adminOf(p domain.Principal) actor {
	a := actorOf(p)
	a.admin = true
	return a
}

// managerRule is why the admin API refuses a manager.
const managerRule = "must be an active director or admin"

// canManage reports whether people may report to m when an admin sets
// the reporting line by hand.
func canManage(m domain.User) bool {
	return m.Active && (m.Role == domain.RoleDirector || m.Role == domain.RoleAdmin)
}

func actorOf(p domain.Principal) actor {
	id := p.UserID
	return actor{orgID: p.OrgID, user: &id}
}

func (s *Users) update(ctx context.Context, a actor, id string, patch UserPatch) (domain.User, error) {
	var u domain.User
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		var err error
		// Locked: UpdateUser writes the whole record back, which must not
		// undo a concurrent change (a rename racing a deactivation).
		if u, err = s.store.LockUser(ctx, a.orgID, id); err != nil {
			return err
		}
		was, before := u, auditUser(u)
		f := domain.Fields{}
		if patch.Name.Set {
			u.Name = checkName(f, "name", deref(patch.Name.Value))
		}
		if patch.Email.Set {
			u.Email = checkEmail(f, "email", deref(patch.Email.Value))
		}
		if patch.Role.Set {
			if patch.Role.Value == nil || !patch.Role.Value.Valid() {
				f.Add("role", "must be one of admin, director, em, peer")
			} else {
				u.Role = *patch.Role.Value
			}
		}
		if patch.Function.Set {
			if patch.Function.Value == nil || !patch.Function.Value.Valid() {
				f.Add("function", "must be one of product, design, operations, engineering, other")
			} else {
				u.Function = *patch.Function.Value
			}
		}
		if patch.EMSince.Set {
			if v := patch.EMSince.Value; v != nil && !domain.ValidDate(*v) {
				f.Add("em_since", "must be a date like 2023-04-01")
			}
			u.EMSince = patch.EMSince.Value
		}
		if patch.Active.Set {
			if patch.Active.Value == nil {
				f.Add("active", "must be true or false")
			} else {
				u.Active = *patch.Active.Value
			}
		}
		if patch.ManagerID.Set {
			if err := s.checkManager(ctx, f, a, u, was.ManagerID, patch.ManagerID.Value); err != nil {
				return err
			}
			u.ManagerID = patch.ManagerID.Value
		}
		deactivating := was.Active && !u.Active
		if patch.ReassignTo != nil {
			if err := s.checkReassign(ctx, f, u, deactivating, *patch.ReassignTo); err != nil {
				return err
			}
		}
		if err := f.Err(); err != nil {
			return err
		}
		if reflect.DeepEqual(before, auditUser(u)) {
			return nil // nothing changed: no write, no audit entry
		}
		if a.user != nil && u.ID == *a.user && (!u.Active || u.Role != domain.RoleAdmin) {
			return domain.Conflict("self_lockout", "you cannot deactivate or demote yourself; ask another admin")
		}
		var moved []string
		if deactivating && a.admin {
			reports, err := s.activeReports(ctx, u)
			if err != nil {
				return err
			}
			if len(reports) > 0 && patch.ReassignTo == nil {
				e := domain.Conflict(domain.CodeHasReports, u.Name+" manages active people; name the director they move to in reassign_to")
				e.Details = map[string]any{"user_ids": reports}
				return e
			}
			for _, id := range reports {
				to := *patch.ReassignTo
				if _, err := s.update(ctx, a, id, UserPatch{ManagerID: domain.Optional[string]{Set: true, Value: &to}}); err != nil {
					return err
				}
			}
			moved = reports
		}
		if err := s.store.UpdateUser(ctx, &u); err != nil {
			if domain.IsKind(err, domain.KindConflict) {
				return domain.Duplicate("a user with this e-mail already exists")
			}
			return err
		}
		if before.Role != string(u.Role) || (before.Active && !u.Active) {
			if err := s.store.RevokeUserSessions(ctx, u.OrgID, u.ID, ""); err != nil {
				return err
			}
		}
		after := auditUser(u)
		after.Via = a.via
		if len(moved) > 0 {
			after.ReportsMovedTo, after.ReportsMoved = patch.ReassignTo, moved
		}
		if err := s.audit(ctx, a, "user.update", u.ID, before, after); err != nil {
			return err
		}
		return s.recordMemberChange(ctx, a, was, u)
	})
	if err != nil {
		return u, err
	}
	one := []domain.User{u}
	err = s.markInactiveManagers(ctx, a.orgID, one)
	return one[0], err
}

// checkManager refuses a manager outside the organisation, the user
// themself, or one of their own reports (a loop in the reporting line);
// through the admin API, also a new manager who is not an active director
// or admin.
func (s *Users) checkManager(ctx context.Context, f domain.Fields, a actor, u domain.User, current, managerID *string) error {
	if managerID == nil {
		return nil
	}
	if *managerID == u.ID {
		f.Add("manager_id", "cannot be the user themself")
		return nil
	}
	m, err := s.store.User(ctx, u.OrgID, *managerID)
	if err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			f.Add("manager_id", "is not a user of your organisation")
			return nil
		}
		return err
	}
	if a.admin && *managerID != deref(current) && !canManage(m) {
		f.Add("manager_id", managerRule)
		return nil
	}
	below, err := s.store.Reports(ctx, u.OrgID, u.ID)
	if err != nil {
		return err
	}
	for _, id := range below {
		if id == *managerID {
			f.Add("manager_id", "reports to this user already; that would make a loop")
		}
	}
	return nil
}

// checkReassign checks the director a deactivated user's reports move
// to: an active director of the organisation, outside the user's own
// reporting line, named only with a deactivation.
func (s *Users) checkReassign(ctx context.Context, f domain.Fields, u domain.User, deactivating bool, to string) error {
	if !deactivating {
		f.Add("reassign_to", "is taken only when deactivating someone (active: false)")
		return nil
	}
	if to == u.ID {
		f.Add("reassign_to", "cannot be the person being deactivated")
		return nil
	}
	d, err := s.store.User(ctx, u.OrgID, to)
	if err != nil {
		if domain.IsKind(err, domain.KindNotFound) {
			f.Add("reassign_to", "is not a user of your organisation")
			return nil
		}
		return err
	}
	if !d.Active || d.Role != domain.RoleDirector {
		f.Add("reassign_to", "must be an active director")
		return nil
	}
	below, err := s.store.Reports(ctx, u.OrgID, u.ID)
	if err != nil {
		return err
	}
	if slices.Contains(below, to) {
		f.Add("reassign_to", "reports to the person being deactivated; choose a director outside their reporting line")
	}
	return nil
}

// activeReports lists the active people who report directly to u, by id.
func (s *Users) activeReports(ctx context.Context, u domain.User) ([]string, error) {
	all, err := s.store.OrgUsers(ctx, u.OrgID)
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, r := range all {
		if r.Active && r.ManagerID != nil && *r.ManagerID == u.ID {
			ids = append(ids, r.ID)
		}
	}
	slices.Sort(ids)
	return ids, nil
}

func (s *Users) audit(ctx context.Context, a actor, action, id string, before, after any) error {
	return s.store.Audit(ctx, domain.AuditEntry{OrgID: a.orgID, ActorID: a.user, Action: action,
		ObjectType: "user", ObjectID: id, Before: before, After: after})
}

// auditUser is what the audit log keeps of a user: never the password hash.
type auditUserView struct {
	Name      string  `json:"name"`
	Email     string  `json:"email"`
	Role      string  `json:"role"`
	Function  string  `json:"function"`
	ManagerID *string `json:"manager_id"`
	EMSince   *string `json:"em_since"`
	Active    bool    `json:"active"`
	// Via names the SCIM token of a change an identity provider made.
	Via *domain.Via `json:"via,omitempty"`
	// ReportsMovedTo and ReportsMoved name, on a deactivation, the
	// director who took over the user's reports and who they were.
	ReportsMovedTo *string  `json:"reports_moved_to,omitempty"`
	ReportsMoved   []string `json:"reports_moved,omitempty"`
}

func auditUser(u domain.User) auditUserView {
	return auditUserView{Name: u.Name, Email: u.Email, Role: string(u.Role), Function: string(u.Function),
		ManagerID: u.ManagerID, EMSince: u.EMSince, Active: u.Active}
}

func defaultFunction(r domain.Role) domain.Function {
	if r == domain.RolePeer {
		return domain.FunctionOther
	}
	return domain.FunctionEngineering
}

var controlChars = regexp.MustCompile(`[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]`)

func checkName(f domain.Fields, field, v string) string {
	v = strings.TrimSpace(v)
	switch n := utf8.RuneCountInString(v); {
	case n == 0:
		f.Add(field, "is required")
	case n > maxNameLen:
		f.Add(field, "must have at most 200 characters")
	case controlChars.MatchString(v) || strings.ContainsAny(v, "\n\r"):
		f.Add(field, "must be one line of text")
	}
	return v
}

func checkEmail(f domain.Fields, field, v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if v == "" {
		f.Add(field, "is required")
		return v
	}
	if !IsEmail(v) {
		f.Add(field, "must be an e-mail address like name@example.com")
	}
	return v
}

// IsEmail reports whether v, trimmed and lower-cased as accounts store
// it, is a bare e-mail address (no display name) of at most 254 bytes.
func IsEmail(v string) bool {
	v = strings.ToLower(strings.TrimSpace(v))
	a, err := mail.ParseAddress(v)
	return err == nil && a.Address == v && len(v) <= 254
}

// mergeFields adds a validation error's fields to f and returns f's error.
func mergeFields(f domain.Fields, err error) error {
	if e, ok := domain.AsError(err); ok && e.Kind == domain.KindValidation {
		for k, v := range e.Fields {
			f.Add(k, "%s", v)
		}
		return f.Err()
	}
	return err
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
