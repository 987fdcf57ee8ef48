package calibration

import (
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"calibrate/internal/domain"
)

// The org chart from a spreadsheet: an admin sends the organisation's
// people as CSV, sees what it would change (a dry run), and applies it —
// the whole file in one transaction, or nothing. Each row goes through
// the same rules as the admin API's create and update (validation,
// reporting-line loops, session revocation, audit entries, notices to the
// cycles a change touches); the import only adds what a file needs:
// columns by name, managers named by e-mail (also a row later in the
// file), and every error reported with its line.
//
// Rules of the file:
//   - a header row names the columns, in any order: email, name and role
//     are required; function, manager_email, em_since and active are
//     optional; any other column is an error;
//   - a row is matched to a user of the organisation by e-mail; a row
//     with a new e-mail creates a user (without a password: they sign in
//     through the identity provider, or an admin sets one);
//   - for a user who exists, an empty name, role, function or active cell
//     leaves that field as it is; manager_email and em_since are taken as
//     written, so an empty cell removes the manager or the date; a column
//     the header leaves out changes nothing;
//   - active is true/false (also yes/no, 1/0); only a row saying false
//     deactivates. People missing from the file are left as they are: a
//     file of one team must not deactivate the rest of the organisation;
//   - deactivating a manager never fails on their reports: the reports
//     keep their manager and are shown as reporting to an inactive manager
//     until someone moves them.

// MaxImportRows bounds the rows of one import (the body is also bounded,
// at 1 MiB): more is refused as a whole, so split the file. Each row of an
// apply costs a few statements in one transaction; 2000 rows stay well
// within a request's database deadline (10 s by default) on PostgreSQL.
const MaxImportRows = 2000

// ImportColumns are the columns an import file may have, in the order the
// documentation lists them; importRequired are the ones it must have.
var (
	ImportColumns  = []string{"email", "name", "role", "function", "manager_email", "em_since", "active"}
	importRequired = []string{"email", "name", "role"}
)

// ImportError is one problem of the file: its line (1 is the header), the
// column at fault ("" for the whole line) and what is wrong.
type ImportError struct {
	Line    int
	Field   string
	Message string
}

// ImportedUser is a user the file creates.
type ImportedUser struct {
	Line   int
	Email  string
	Name   string
	Role   domain.Role
	Active bool
}

// FieldChange is one field of a user the file changes, as the file writes
// it: e-mails for the manager, true/false for active, nil for none.
type FieldChange struct {
	Field    string
	From, To *string
}

// ImportChange is a user the file changes (or deactivates), field by field.
type ImportChange struct {
	Line    int
	Email   string
	Name    string
	Changes []FieldChange
}

// ImportResult is what a file does (a dry run) or did.
type ImportResult struct {
	Applied     bool
	Created     []ImportedUser
	Updated     []ImportChange
	Deactivated []ImportChange
	Unchanged   int
	Errors      []ImportError
}

// importRow is one parsed row and what the plan makes of it.
type importRow struct {
	line  int
	cells map[string]string // by column, trimmed; only the header's columns
	email string
	// existing is the user the row matches, nil for a new one.
	existing *domain.User
	// created is the new user's record (new rows only).
	created domain.User
	patch   UserPatch
	changes []FieldChange
	// managerEmail is the manager the row sets ("" for none), when the
	// file has the column.
	managerEmail string
	setsManager  bool
}

// Import reads a CSV file of people and, unless dryRun, applies it in one
// transaction. A file with any error changes nothing: a dry run answers
// the errors in the result; an apply answers a validation error naming
// each as lines[N].field.
func (s *Users) Import(ctx context.Context, p domain.Principal, file io.Reader, dryRun bool) (ImportResult, error) {
	if p.Role != domain.RoleAdmin {
		return ImportResult{}, domain.Forbidden(domain.CodeForbidden, "only an admin imports people")
	}
	res := ImportResult{}
	rows, errs := parseImport(file)
	if len(errs) > 0 {
		res.Errors = errs
		return res, importFailed(res, dryRun)
	}
	users, err := s.store.OrgUsers(ctx, p.OrgID)
	if err != nil {
		return res, err
	}
	if err := s.plan(ctx, p, rows, users, &res); err != nil {
		return res, err
	}
	if len(res.Errors) > 0 || dryRun {
		return res, importFailed(res, dryRun)
	}
	err = s.store.Tx(ctx, func(ctx context.Context) error { return s.apply(ctx, p, rows, users) })
	if err != nil {
		return ImportResult{}, err
	}
	res.Applied = true
	return res, nil
}

// importFailed is the error of a file with errors: none for a dry run,
// which answers them in its result.
func importFailed(res ImportResult, dryRun bool) error {
	if dryRun || len(res.Errors) == 0 {
		return nil
	}
	f := domain.Fields{}
	for _, e := range res.Errors {
		key := fmt.Sprintf("lines[%d]", e.Line)
		if e.Field != "" {
			key += "." + e.Field
		}
		f.Add(key, "%s", e.Message)
	}
	err := f.Err()
	var de *domain.Error
	if errors.As(err, &de) {
		de.Message = fmt.Sprintf("the file has %d errors; nothing was changed", len(res.Errors))
		if len(res.Errors) == 1 {
			de.Message = "the file has an error; nothing was changed"
		}
	}
	return err
}

// parseImport reads the header and the rows; a malformed file answers its
// errors by line.
func parseImport(file io.Reader) ([]*importRow, []ImportError) {
	r := csv.NewReader(file)
	r.FieldsPerRecord = 0 // every row as long as the header
	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, []ImportError{{Line: 1, Message: "the file is empty; it needs a header row: " + strings.Join(ImportColumns, ",")}}
	}
	if err != nil {
		return nil, []ImportError{csvError(err, 1)}
	}
	cols, errs := importHeader(header)
	if len(errs) > 0 {
		return nil, errs
	}
	var rows []*importRow
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			errs = append(errs, csvError(err, 0))
			var pe *csv.ParseError
			if errors.As(err, &pe) && errors.Is(pe.Err, csv.ErrFieldCount) {
				continue // the reader goes on with the next row
			}
			return nil, errs
		}
		line, _ := r.FieldPos(0)
		row := &importRow{line: line, cells: map[string]string{}}
		blank := true
		for i, c := range cols {
			v := strings.TrimSpace(rec[i])
			row.cells[c] = v
			blank = blank && v == ""
		}
		if blank {
			continue // a spreadsheet's empty row
		}
		if len(rows) == MaxImportRows {
			return nil, []ImportError{{Line: line, Message: fmt.Sprintf("the file has more than %d rows; split it", MaxImportRows)}}
		}
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return rows, nil
}

func importHeader(header []string) ([]string, []ImportError) {
	var errs []ImportError
	cols := make([]string, len(header))
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))) // a spreadsheet's byte-order mark
		cols[i] = h
		switch {
		case !slices.Contains(ImportColumns, h):
			errs = append(errs, ImportError{Line: 1, Field: truncate(h, 40),
				Message: "is not a column of an import; the columns are " + strings.Join(ImportColumns, ", ")})
		case slices.Contains(cols[:i], h):
			errs = append(errs, ImportError{Line: 1, Field: h, Message: "is named twice in the header"})
		}
	}
	for _, c := range importRequired {
		if !slices.Contains(cols, c) {
			errs = append(errs, ImportError{Line: 1, Field: c, Message: "the header needs this column"})
		}
	}
	return cols, errs
}

func csvError(err error, line int) ImportError {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		if errors.Is(pe.Err, csv.ErrFieldCount) {
			return ImportError{Line: pe.StartLine, Message: "has a different number of cells than the header"}
		}
		return ImportError{Line: pe.StartLine, Message: "is not valid CSV: " + pe.Err.Error()}
	}
	return ImportError{Line: max(line, 1), Message: "could not be read"}
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// plan checks every row against the organisation as it is and as the file
// would leave it, and fills res with what applying would do.
func (s *Users) plan(ctx context.Context, p domain.Principal, rows []*importRow, users []domain.User, res *ImportResult) error {
	byEmail := map[string]*domain.User{}
	emailOf := map[string]string{}
	for i := range users {
		byEmail[users[i].Email] = &users[i]
		emailOf[users[i].ID] = users[i].Email
	}
	errs := &res.Errors
	add := func(line int, field, msg string) {
		*errs = append(*errs, ImportError{Line: line, Field: field, Message: msg})
	}
	fieldErrs := func(line int, f domain.Fields) {
		keys := make([]string, 0, len(f))
		for k := range f {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			add(line, k, f[k])
		}
	}
	inFile := map[string]*importRow{}
	for _, row := range rows {
		f := domain.Fields{}
		row.email = checkEmail(f, "email", row.cells["email"])
		if len(f) > 0 {
			fieldErrs(row.line, f)
			continue
		}
		if first, dup := inFile[row.email]; dup {
			add(row.line, "email", fmt.Sprintf("is on line %d already", first.line))
			continue
		}
		inFile[row.email] = row
		if u, ok := byEmail[row.email]; ok {
			row.existing = u
			s.planUpdate(f, p, row)
		} else {
			// Unique across organisations, as the admin API's create says.
			if _, err := s.store.UserByEmail(ctx, row.email); err == nil {
				add(row.line, "email", "a user with this e-mail already exists")
				continue
			} else if !domain.IsKind(err, domain.KindNotFound) {
				return err
			}
			planCreate(f, p.OrgID, row)
		}
		fieldErrs(row.line, f)
	}
	if len(*errs) > 0 {
		return nil
	}
	// Managers, now that every row's e-mail is known, and the reporting
	// line the file would leave: it must have no loop.
	managerOf := map[string]string{} // e-mail → manager's e-mail, as the file leaves it
	for _, u := range users {
		if u.ManagerID != nil {
			managerOf[u.Email] = emailOf[*u.ManagerID]
		}
	}
	for _, row := range rows {
		if !row.setsManager {
			continue
		}
		m := row.managerEmail
		if row.existing != nil {
			var from, to *string
			if row.existing.ManagerID != nil {
				e := emailOf[*row.existing.ManagerID]
				from = &e
			}
			if m != "" {
				to = &m
			}
			if deref(from) != m {
				row.changes = append(row.changes, FieldChange{Field: "manager_email", From: from, To: to})
			}
		}
		switch {
		case m == "":
			delete(managerOf, row.email)
			continue
		case m == row.email:
			add(row.line, "manager_email", "cannot be the user themself")
			continue
		case byEmail[m] == nil && inFile[m] == nil:
			add(row.line, "manager_email", "is neither a user of your organisation nor a row of this file")
			continue
		}
		managerOf[row.email] = m
	}
	for _, row := range rows {
		if !row.setsManager || row.managerEmail == "" {
			continue
		}
		if loop := loopThrough(managerOf, row.email); loop != nil {
			add(row.line, "manager_email", "would make a loop in the reporting line: "+strings.Join(loop, " → "))
		}
	}
	if len(*errs) > 0 {
		return nil
	}
	for _, row := range rows {
		switch {
		case row.existing == nil:
			res.Created = append(res.Created, ImportedUser{Line: row.line, Email: row.email, Name: row.created.Name,
				Role: row.created.Role, Active: row.created.Active})
		case len(row.changes) == 0:
			res.Unchanged++
		default:
			ch := ImportChange{Line: row.line, Email: row.email, Name: row.existing.Name, Changes: row.changes}
			if row.patch.Active.Set && !*row.patch.Active.Value && row.existing.Active {
				res.Deactivated = append(res.Deactivated, ch)
			} else {
				res.Updated = append(res.Updated, ch)
			}
		}
	}
	return nil
}

// loopThrough returns the loop the chain above email makes, starting and
// ending at email, or nil when the chain ends.
func loopThrough(managerOf map[string]string, email string) []string {
	chain := []string{email}
	seen := map[string]bool{email: true}
	for at := managerOf[email]; at != ""; at = managerOf[at] {
		chain = append(chain, at)
		if at == email {
			return chain
		}
		if seen[at] {
			return nil // a loop above, which its own rows report
		}
		seen[at] = true
	}
	return nil
}

// planCreate checks a new user's row with the create's rules.
func planCreate(f domain.Fields, orgID string, row *importRow) {
	in := NewUser{Name: row.cells["name"], Email: row.email, Role: domain.Role(row.cells["role"]),
		Function: domain.Function(row.cells["function"])}
	if d := row.cells["em_since"]; d != "" {
		in.EMSince = &d
	}
	row.created = newUserRecord(f, orgID, in)
	if v, ok := row.cells["active"]; ok && v != "" {
		if active, ok := parseActive(f, v); ok {
			row.created.Active = active
		}
	}
	row.managerEmail, row.setsManager = managerCell(f, row)
}

// planUpdate turns an existing user's row into the patch the update would
// apply, with the update's rules, and lists what changes.
func (s *Users) planUpdate(f domain.Fields, p domain.Principal, row *importRow) {
	u := row.existing
	str := func(v string) *string { return &v }
	change := func(field string, from, to *string) {
		if deref(from) != deref(to) || (from == nil) != (to == nil) {
			row.changes = append(row.changes, FieldChange{Field: field, From: from, To: to})
		}
	}
	if v := row.cells["name"]; v != "" {
		name := checkName(f, "name", v)
		if name != u.Name {
			row.patch.Name = domain.Optional[string]{Set: true, Value: &name}
			change("name", str(u.Name), str(name))
		}
	}
	if v := row.cells["role"]; v != "" {
		role := domain.Role(v)
		if !role.Valid() {
			f.Add("role", "must be one of admin, director, em, peer")
		} else if role != u.Role {
			if u.ID == p.UserID {
				f.Add("role", "you cannot demote yourself; ask another admin")
			}
			row.patch.Role = domain.Optional[domain.Role]{Set: true, Value: &role}
			change("role", str(string(u.Role)), str(string(role)))
		}
	}
	if v := row.cells["function"]; v != "" {
		fn := domain.Function(v)
		if !fn.Valid() {
			f.Add("function", "must be one of product, design, operations, engineering, other")
		} else if fn != u.Function {
			row.patch.Function = domain.Optional[domain.Function]{Set: true, Value: &fn}
			change("function", str(string(u.Function)), str(string(fn)))
		}
	}
	if v, ok := row.cells["em_since"]; ok {
		var d *string
		if v != "" {
			if !domain.ValidDate(v) {
				f.Add("em_since", "must be a date like 2023-04-01")
			}
			d = &v
		}
		if deref(d) != deref(u.EMSince) {
			row.patch.EMSince = domain.Optional[string]{Set: true, Value: d}
			change("em_since", u.EMSince, d)
		}
	}
	if v, ok := row.cells["active"]; ok && v != "" {
		if active, ok := parseActive(f, v); ok && active != u.Active {
			if u.ID == p.UserID && !active {
				f.Add("active", "you cannot deactivate yourself; ask another admin")
			}
			row.patch.Active = domain.Optional[bool]{Set: true, Value: &active}
			change("active", str(fmt.Sprint(u.Active)), str(fmt.Sprint(active)))
		}
	}
	row.managerEmail, row.setsManager = managerCell(f, row)
}

// managerCell reads manager_email: whether the file sets the manager, and
// to whom ("" for none).
func managerCell(f domain.Fields, row *importRow) (string, bool) {
	v, ok := row.cells["manager_email"]
	if !ok || v == "" {
		return "", ok
	}
	return checkEmail(f, "manager_email", v), true
}

func parseActive(f domain.Fields, v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "true", "yes", "1":
		return true, true
	case "false", "no", "0":
		return false, true
	}
	f.Add("active", "must be true or false")
	return false, false
}

// apply makes the planned changes in the caller's transaction, managers
// before their reports (as the file leaves the reporting line), so each
// create finds its manager and no update meets a loop half-way.
func (s *Users) apply(ctx context.Context, p domain.Principal, rows []*importRow, users []domain.User) error {
	idOf := map[string]string{}
	emailOf := map[string]string{}
	for _, u := range users {
		idOf[u.Email] = u.ID
		emailOf[u.ID] = u.Email
	}
	managerOf := map[string]string{}
	for _, u := range users {
		if u.ManagerID != nil {
			managerOf[u.Email] = emailOf[*u.ManagerID]
		}
	}
	for _, row := range rows {
		if row.setsManager {
			managerOf[row.email] = row.managerEmail
		}
	}
	depth := func(email string) int {
		n := 0
		for at := managerOf[email]; at != "" && n <= len(managerOf); at = managerOf[at] {
			n++
		}
		return n
	}
	order := slices.Clone(rows)
	sort.SliceStable(order, func(i, j int) bool { return depth(order[i].email) < depth(order[j].email) })
	actor := actorOf(p)
	for _, row := range order {
		var managerID *string
		if row.managerEmail != "" {
			id := idOf[row.managerEmail]
			managerID = &id
		}
		if row.existing == nil {
			u := row.created
			if err := s.insert(ctx, &u, actor, managerID); err != nil {
				return atLine(row.line, err)
			}
			idOf[u.Email] = u.ID
			continue
		}
		patch := row.patch
		if row.setsManager && deref(managerID) != deref(row.existing.ManagerID) {
			patch.ManagerID = domain.Optional[string]{Set: true, Value: managerID}
		}
		if patch == (UserPatch{}) {
			continue
		}
		if _, err := s.update(ctx, actor, row.existing.ID, patch); err != nil {
			return atLine(row.line, err)
		}
	}
	return nil
}

// atLine names the line of a validation error the plan did not foresee
// (a change made meanwhile by someone else).
func atLine(line int, err error) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindValidation {
		return err
	}
	f := domain.Fields{}
	for k, v := range de.Fields {
		k = strings.TrimSuffix(k, "_id")
		if k == "manager" {
			k = "manager_email"
		}
		f.Add(fmt.Sprintf("lines[%d].%s", line, k), "%s", v)
	}
	return f.Err()
}
