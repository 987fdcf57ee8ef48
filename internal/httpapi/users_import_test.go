package httpapi_test

// The org chart from a spreadsheet: a dry run that changes nothing, an
// apply that goes through the user service's rules in one transaction, a
// file with any bad line that changes nothing, managers named later in the
// file, and a deactivated manager whose reports keep them, flagged.

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

type importAnswer struct {
	Applied bool `json:"applied"`
	Created []struct {
		Line   int    `json:"line"`
		Email  string `json:"email"`
		Name   string `json:"name"`
		Role   string `json:"role"`
		Active bool   `json:"active"`
	} `json:"created"`
	Updated     []importChanged `json:"updated"`
	Deactivated []importChanged `json:"deactivated"`
	Unchanged   int             `json:"unchanged"`
	Errors      []struct {
		Line    int     `json:"line"`
		Field   *string `json:"field"`
		Message string  `json:"message"`
	} `json:"errors"`
}

type importChanged struct {
	Line    int    `json:"line"`
	Email   string `json:"email"`
	Changes []struct {
		Field string  `json:"field"`
		From  *string `json:"from"`
		To    *string `json:"to"`
	} `json:"changes"`
}

func importCSV(e *testkit.Env, token, csv string, dryRun bool) *testkit.Response {
	e.T.Helper()
	path := "/api/v1/users/import"
	if dryRun {
		path += "?dry_run=true"
	}
	return e.Do(testkit.Request{Method: http.MethodPost, Path: path, Token: token, Body: csv,
		Header: http.Header{"Content-Type": {"text/csv"}}})
}

// listedUser is a user as GET /users lists them.
type listedUser struct {
	ID              string  `json:"id"`
	Email           string  `json:"email"`
	Name            string  `json:"name"`
	Role            string  `json:"role"`
	Function        string  `json:"function"`
	ManagerID       *string `json:"manager_id"`
	ManagerInactive bool    `json:"manager_inactive"`
	EMSince         *string `json:"em_since"`
	Active          bool    `json:"active"`
}

func usersByEmail(t *testing.T, e *testkit.Env, token string) map[string]listedUser {
	t.Helper()
	out := map[string]listedUser{}
	for _, raw := range walk(t, e, token, "/api/v1/users", 100) {
		var u listedUser
		remarshal(t, raw, &u)
		out[u.Email] = u
	}
	return out
}

// A file that creates one, changes one and deactivates one, and names a
// manager created by a later row.
const mixedImport = "Email,Name,Role,Function,Manager_Email,EM_Since,Active\n" +
	"nia@acme.test,Nia Okoye,em,engineering,gil@acme.test,2024-03-01,\n" + // manager on a later line
	"alex@acme.test,Alex Moreno-Diaz,,product,omar@acme.test,,true\n" +
	"drew@acme.test,,,,,,false\n" +
	"gil@acme.test,Gil Park,director,,dana@acme.test,,\n" +
	"pat@acme.test,,,,,,\n"

func TestImportDryRunChangesNothing(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	before := dbStateOf(t, e)
	res := importCSV(e, admin, mixedImport, true)
	wantStatus(t, res, http.StatusOK)
	var a importAnswer
	res.Decode(t, &a)
	if a.Applied || len(a.Errors) != 0 {
		t.Fatalf("dry run: applied %v, errors %+v", a.Applied, a.Errors)
	}
	var created []string
	for _, c := range a.Created {
		created = append(created, c.Email)
	}
	if strings.Join(created, ",") != "nia@acme.test,gil@acme.test" || a.Created[0].Line != 2 || a.Created[1].Role != "director" {
		t.Errorf("created %+v", a.Created)
	}
	if len(a.Updated) != 1 || a.Updated[0].Email != "alex@acme.test" || a.Updated[0].Line != 3 {
		t.Fatalf("updated %+v", a.Updated)
	}
	var fields []string
	for _, c := range a.Updated[0].Changes {
		fields = append(fields, c.Field)
		if c.Field == "em_since" && c.To != nil {
			t.Errorf("em_since change %+v", c)
		}
		if c.Field == "manager_email" && (c.From == nil || *c.From != "dana@acme.test" || *c.To != "omar@acme.test") {
			t.Errorf("manager change %+v", c)
		}
	}
	// An empty em_since cell removes the date, as documented.
	if strings.Join(fields, ",") != "name,function,em_since,manager_email" {
		t.Errorf("alex's changes %v", fields)
	}
	if len(a.Deactivated) != 1 || a.Deactivated[0].Email != "drew@acme.test" || a.Deactivated[0].Line != 4 {
		t.Errorf("deactivated %+v", a.Deactivated)
	}
	if a.Unchanged != 1 {
		t.Errorf("unchanged %d, want 1 (pat)", a.Unchanged)
	}
	if diff := before.diff(dbStateOf(t, e)); diff != "" {
		t.Fatalf("the dry run changed the database: %s", diff)
	}
}

func TestImportApplies(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	drew := e.Token("drew@acme.test")
	auditBefore := auditCount(t, e, admin)
	res := importCSV(e, admin, mixedImport, false)
	wantStatus(t, res, http.StatusOK)
	var a importAnswer
	res.Decode(t, &a)
	if !a.Applied || len(a.Created) != 2 || len(a.Updated) != 1 || len(a.Deactivated) != 1 {
		t.Fatalf("apply: %s", res.Body)
	}
	us := usersByEmail(t, e, admin)
	nia, gil, alex := us["nia@acme.test"], us["gil@acme.test"], us["alex@acme.test"]
	if gil.ID == "" || gil.Role != "director" || gil.ManagerID == nil || *gil.ManagerID != e.ID("dana@acme.test") {
		t.Errorf("gil %+v", gil)
	}
	if nia.ManagerID == nil || *nia.ManagerID != gil.ID || nia.EMSince == nil || *nia.EMSince != "2024-03-01" ||
		nia.Function != "engineering" || !nia.Active {
		t.Errorf("nia %+v (gil %s)", nia, gil.ID)
	}
	if alex.Name != "Alex Moreno-Diaz" || alex.Function != "product" || alex.Role != "em" ||
		alex.ManagerID == nil || *alex.ManagerID != e.ID("omar@acme.test") {
		t.Errorf("alex %+v", alex)
	}
	if us["drew@acme.test"].Active {
		t.Error("drew is still active")
	}
	if !us["pat@acme.test"].Active || us["pat@acme.test"].Name == "" {
		t.Errorf("pat changed: %+v", us["pat@acme.test"])
	}
	// Deactivation revokes the sessions, as PATCH does.
	wantStatus(t, e.Get(drew, "/api/v1/me"), http.StatusUnauthorized)

	// The audit log has what create and update write: two creates, two
	// updates, and the cycle notices of alex (moved) and drew (gone),
	// both in dana's calibrating cycle.
	actions := map[string]int{}
	for _, raw := range walk(t, e, admin, "/api/v1/audit", 100)[:auditCount(t, e, admin)-auditBefore] {
		var entry struct{ Action string }
		remarshal(t, raw, &entry)
		actions[entry.Action]++
	}
	if actions["user.create"] != 2 || actions["user.update"] != 2 || actions["cycle.member_change"] < 2 {
		t.Errorf("audit entries of the import: %v", actions)
	}

	// The same file again changes nothing.
	before := dbStateOf(t, e)
	res = importCSV(e, admin, mixedImport, false)
	wantStatus(t, res, http.StatusOK)
	res.Decode(t, &a)
	if len(a.Created)+len(a.Updated)+len(a.Deactivated) != 0 || a.Unchanged != 5 {
		t.Errorf("a second apply: %s", res.Body)
	}
	if diff := before.diff(dbStateOf(t, e)); diff != "" {
		t.Errorf("a second apply changed the database: %s", diff)
	}
}

func TestImportBadFileChangesNothing(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	good := "email,name,role,manager_email\nnia@acme.test,Nia Okoye,em,dana@acme.test\n"
	cases := []struct {
		name, csv string
		fields    []string
	}{
		{"an unknown role", good + "kai@acme.test,Kai,boss,\n", []string{"lines[3].role"}},
		{"a new user without a name", good + "kai@acme.test,,em,\n", []string{"lines[3].name"}},
		{"a bad e-mail", good + "kai-at-acme,Kai,em,\n", []string{"lines[3].email"}},
		{"an unknown manager", good + "kai@acme.test,Kai,em,nobody@acme.test\n", []string{"lines[3].manager_email"}},
		{"a manager of another organisation", good + "kai@acme.test,Kai,em,gwen@globex.test\n", []string{"lines[3].manager_email"}},
		{"the user as their own manager", good + "kai@acme.test,Kai,em,kai@acme.test\n", []string{"lines[3].manager_email"}},
		{"a loop in the file", "email,name,role,manager_email\n" +
			"dana@acme.test,,,alex@acme.test\nalex@acme.test,,,dana@acme.test\n",
			[]string{"lines[2].manager_email", "lines[3].manager_email"}},
		{"a loop through a new user", good + "dana@acme.test,,,nia@acme.test\n",
			[]string{"lines[2].manager_email", "lines[3].manager_email"}},
		{"a loop through the organisation", "email,name,role,manager_email\ndana@acme.test,,,alex@acme.test\n",
			[]string{"lines[2].manager_email"}},
		{"an e-mail twice", good + "NIA@acme.test,Nia,em,\n", []string{"lines[3].email"}},
		{"an e-mail of another organisation", good + "hank@globex.test,Hank,em,\n", []string{"lines[3].email"}},
		{"a bad date", "email,name,role,em_since\nalex@acme.test,,,2024-02-30\n", []string{"lines[2].em_since"}},
		{"a bad active", "email,name,role,active\nalex@acme.test,,,maybe\n", []string{"lines[2].active"}},
		{"deactivating oneself", "email,name,role,active\nadmin@acme.test,,,false\n", []string{"lines[2].active"}},
		{"demoting oneself", "email,name,role\nadmin@acme.test,,director\n", []string{"lines[2].role"}},
		{"an unknown column", "email,name,role,salary\n", []string{"lines[1].salary"}},
		{"a missing column", "email,name\nalex@acme.test,Alex\n", []string{"lines[1].role"}},
		{"a short row", good + "kai@acme.test,Kai\n", []string{"lines[3]"}},
		{"two short rows", good + "kai@acme.test,Kai\nlou@acme.test\n", []string{"lines[3]", "lines[4]"}},
		{"a stray quote", good + "kai@acme.test,Kai \"K\" Lee,em,\n", []string{"lines[3]"}},
		{"an unclosed quote", good + "kai@acme.test,\"Kai,em,\n", []string{"lines[3]"}},
		{"an empty file", "\n", []string{"lines[1]"}},
		{"too many rows", "email,name,role\n" + strings.Repeat("kai@acme.test,Kai,em\n", 2001), []string{"lines[2002]"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			before := dbStateOf(t, e)
			res := importCSV(e, admin, c.csv, false)
			wantFields(t, res, c.fields...)
			if strings.Contains(string(res.Body), "Gwen") || strings.Contains(string(res.Body), "Hank") {
				t.Errorf("the refusal names the other organisation's people: %s", res.Body)
			}
			if diff := before.diff(dbStateOf(t, e)); diff != "" {
				t.Fatalf("a refused file changed the database: %s", diff)
			}
			// The dry run answers the same errors in its result.
			res = importCSV(e, admin, c.csv, true)
			wantStatus(t, res, http.StatusOK)
			var a importAnswer
			res.Decode(t, &a)
			var got []string
			for _, er := range a.Errors {
				f := "lines[" + strconv.Itoa(er.Line) + "]"
				if er.Field != nil {
					f += "." + *er.Field
				}
				got = append(got, f)
			}
			slices.Sort(got)
			if strings.Join(got, ",") != strings.Join(c.fields, ",") || a.Applied {
				t.Errorf("dry run errors %v, want %v", got, c.fields)
			}
		})
	}
}

// Deactivating a manager never fails on their reports: they keep their
// manager, flagged for admins until someone moves them.
func TestImportDeactivatesAManagerWithReports(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	res := importCSV(e, admin, "email,name,role,active\nomar@acme.test,,,no\n", false)
	wantStatus(t, res, http.StatusOK)
	us := usersByEmail(t, e, admin)
	omar := e.ID("omar@acme.test")
	for _, report := range []string{"erin@acme.test", "finn@acme.test"} {
		u := us[report]
		if u.ManagerID == nil || *u.ManagerID != omar || !u.ManagerInactive {
			t.Errorf("%s after omar's deactivation: %+v", report, u)
		}
	}
	if u := us["alex@acme.test"]; u.ManagerInactive {
		t.Errorf("alex's manager is active: %+v", u)
	}
	// Moving a report clears the flag.
	res = importCSV(e, admin, "email,name,role,manager_email\nerin@acme.test,,,dana@acme.test\n", false)
	wantStatus(t, res, http.StatusOK)
	if u := usersByEmail(t, e, admin)["erin@acme.test"]; u.ManagerInactive || *u.ManagerID != e.ID("dana@acme.test") {
		t.Errorf("erin after the move: %+v", u)
	}
}

// Only admins import; the route table refuses other roles before the body
// is read, and the other organisation's people are never matched.
func TestImportIsForAdmins(t *testing.T) {
	e := testkit.New(t)
	csv := "email,name,role,active\nalex@acme.test,,,false\n"
	for _, who := range []string{"dana@acme.test", "alex@acme.test", "pat@acme.test"} {
		wantError(t, importCSV(e, e.Token(who), csv, false), http.StatusForbidden, "forbidden")
	}
	wantStatus(t, importCSV(e, "", csv, false), http.StatusUnauthorized)
	// Globex's admin naming an Acme e-mail creates nothing and changes
	// nothing of Acme: the e-mail is taken.
	globex := e.Token("admin@globex.test")
	before := dbStateOf(t, e)
	wantFields(t, importCSV(e, globex, "email,name,role\nalex@acme.test,Alex,em\n", false), "lines[2].email")
	if diff := before.diff(dbStateOf(t, e)); diff != "" {
		t.Fatalf("another organisation's import changed the database: %s", diff)
	}
}

func remarshal(t *testing.T, from any, to any) {
	t.Helper()
	b, err := json.Marshal(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, to); err != nil {
		t.Fatal(err)
	}
}

// A file may turn a reporting line around: applied row by row in file
// order it would meet a loop half-way (dana under alex while alex is still
// under dana); the import applies managers before their reports, as the
// file leaves the line, and a new manager before the people under them.
func TestImportReordersTheReportingLine(t *testing.T) {
	e := testkit.New(t)
	admin := e.Token(acmeAdmin)
	csv := "email,name,role,manager_email\n" +
		"dana@acme.test,,,alex@acme.test\n" +
		"blair@acme.test,,,kim@acme.test\n" +
		"alex@acme.test,,director,kim@acme.test\n" +
		"kim@acme.test,Kim Lee,director,omar@acme.test\n"
	res := importCSV(e, admin, csv, false)
	wantStatus(t, res, http.StatusOK)
	us := usersByEmail(t, e, admin)
	want := map[string]string{"dana@acme.test": "alex@acme.test", "alex@acme.test": "kim@acme.test",
		"blair@acme.test": "kim@acme.test", "kim@acme.test": "omar@acme.test"}
	for who, manager := range want {
		if u := us[who]; u.ManagerID == nil || *u.ManagerID != us[manager].ID {
			t.Errorf("%s reports to %v, want %s", who, u.ManagerID, manager)
		}
	}
}
