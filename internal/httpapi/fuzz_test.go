package httpapi_test

// Fuzzing every request body the API decodes, through the real router and
// a real database: whatever the body, the answer is a 2xx or a 4xx with the
// one error shape (and matches api/openapi.yaml), never a 500 or a panic.
// FuzzBoardCSV fuzzes what reaches the CSV export. `go test` runs the seed
// corpora; `make fuzz` explores further.

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"calibrate/internal/calibration"
	"calibrate/internal/testkit"
)

// fuzzEnv is a demo Calibrate prepared so that every body route has an
// object to write to, with the tokens of the accounts that write.
type fuzzEnv struct {
	*testkit.Env
	tok      map[string]string // e-mail → access token
	openID   string            // Omar's cycle of Erin and Finn, input open
	draftID  string            // Omar's cycle of the victim, in draft
	calibID  string            // Dana's demo cycle in calibration
	request  string            // Omar asked Pat about Erin in openID
	planItem string            // an item of Alex's plan, by Dana
	victim   string            // a user the admin edits
}

func newFuzzEnv(f *testing.F) *fuzzEnv {
	f.Helper()
	e := &fuzzEnv{Env: testkit.New(f), tok: map[string]string{}}
	for _, m := range []string{acmeAdmin, "dana@acme.test", "omar@acme.test", "erin@acme.test", "pat@acme.test", "alex@acme.test"} {
		e.tok[m] = e.Token(m)
	}
	must := func(res *testkit.Response, status int) map[string]any {
		f.Helper()
		if res.Status != status {
			f.Fatalf("fuzz setup: %d %s", res.Status, res.Body)
		}
		return res.JSON()
	}
	omar := e.tok["omar@acme.test"]
	e.openID = must(e.Post(omar, "/api/v1/cycles", map[string]any{"name": "Fuzz open",
		"em_ids": []string{e.ID("erin@acme.test"), e.ID("finn@acme.test")}}), http.StatusCreated)["id"].(string)
	must(e.Post(omar, "/api/v1/cycles/"+e.openID+"/transition", map[string]any{"to": "input_open"}), http.StatusOK)
	e.request = must(e.Post(omar, "/api/v1/cycles/"+e.openID+"/peer-requests",
		map[string]any{"em_id": e.ID("erin@acme.test"), "peer_id": e.ID("pat@acme.test")}), http.StatusCreated)["id"].(string)
	e.victim = must(e.Post(e.tok[acmeAdmin], "/api/v1/users", map[string]any{"name": "Vic Tim", "email": "victim@acme.test",
		"role": "em", "manager_id": e.ID("omar@acme.test"), "em_since": "2022-01-01", "password": demoPassword}), http.StatusCreated)["id"].(string)
	e.draftID = must(e.Post(omar, "/api/v1/cycles", map[string]any{"name": "Fuzz draft", "em_ids": []string{e.victim}}), http.StatusCreated)["id"].(string)

	dana := e.tok["dana@acme.test"]
	var cycles struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	res := e.Get(dana, "/api/v1/cycles?state=calibrating")
	must(res, http.StatusOK)
	res.Decode(f, &cycles)
	if len(cycles.Items) == 0 {
		f.Fatal("fuzz setup: Dana has no cycle in calibration")
	}
	e.calibID = cycles.Items[0].ID
	e.planItem = must(e.Post(dana, "/api/v1/ems/"+e.ID("alex@acme.test")+"/plan",
		map[string]any{"criterion": criteriaKeys[0], "action": "Run the incident review"}), http.StatusCreated)["id"].(string)
	return e
}

// bodyRoute is one route that decodes a body, and who calls it.
type bodyRoute struct {
	method, path, as string
}

// send posts body to r as it is, for the fuzz iteration t, and checks the
// answer: 2xx with a JSON body, or 4xx with the error shape; never 5xx,
// never 401 for a signed-in caller (a body cannot sign anyone out).
func (e *fuzzEnv) send(t *testing.T, r bodyRoute, body []byte) *testkit.Response {
	t.Helper()
	it := *e.Env
	it.T = t // report through this iteration, not the fuzz target
	res := it.Do(testkit.Request{Method: r.method, Path: r.path, Token: e.tok[r.as], Body: body})
	switch {
	case res.Status >= 500:
		t.Fatalf("%s %s answered %d for body %q: %s", r.method, r.path, res.Status, body, res.Body)
	case res.Status >= 400:
		checkErrorShape(t, res, "")
		if res.Status == http.StatusUnauthorized && r.as != "" {
			t.Fatalf("%s %s signed %s out for body %q: %s", r.method, r.path, r.as, body, res.Body)
		}
	case res.Status >= 200 && res.Status < 300:
		if res.Status != http.StatusNoContent && !json.Valid(res.Body) {
			t.Fatalf("%s %s answered %d with no JSON: %q", r.method, r.path, res.Status, res.Body)
		}
	default:
		t.Fatalf("%s %s answered %d", r.method, r.path, res.Status)
	}
	return res
}

// fuzzBodies runs the fuzz target over routes: the fuzzer picks the route
// with its first argument. Seeds are added for every route.
func fuzzBodies(f *testing.F, routes func(e *fuzzEnv) []bodyRoute, seeds func(e *fuzzEnv) []string) {
	e := newFuzzEnv(f)
	rs := routes(e)
	generic := []string{``, `{}`, `null`, `[]`, `"x"`, `0`, `{"a":1}`, `{} {}`, `{}x`, `{`, `{"`, `{"name":`,
		`{"name":"\ud800"}`, "{\"name\":\"\x00\"}", `{"version":1e400}`, `{"version":-0}`, `{"version":9223372036854775808}`,
		`{"version":"1"}`, `{"ratings":{}}`, `{"ratings":[null]}`, `{"ratings":[[]]}`, `{"criteria":[{"weight":"x"}]}`,
		`[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]`, "\xef\xbb\xbf{}", " \t\n{}\n "}
	for i := range rs {
		for _, s := range append(generic, seeds(e)...) {
			f.Add(uint8(i), []byte(s))
		}
	}
	f.Fuzz(func(t *testing.T, route uint8, body []byte) {
		e.send(t, rs[int(route)%len(rs)], body)
	})
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func FuzzLoginBody(f *testing.F) {
	fuzzBodies(f, func(e *fuzzEnv) []bodyRoute {
		return []bodyRoute{{http.MethodPost, secLoginPath, ""}}
	}, func(e *fuzzEnv) []string {
		return []string{
			jsonOf(map[string]string{"email": "pat@acme.test", "password": demoPassword}),
			jsonOf(map[string]string{"email": "PAT@ACME.TEST ", "password": "wrong password"}),
			jsonOf(map[string]string{"email": "nobody@acme.test", "password": demoPassword}),
			`{"email":"pat@acme.test","password":"` + strings.Repeat("x", 300) + `"}`,
			`{"email":"pat@acme.test","password":"` + demoPassword + `","extra":1}`,
			`{"email":["pat@acme.test"],"password":true}`,
			`{"email":"pat@acme.test","password":null}`,
			`{"EMAIL":"pat@acme.test","Password":"` + demoPassword + `"}`,
			`{"email":"pat@acme.test","email":"dana@acme.test","password":"` + demoPassword + `"}`,
		}
	})
}

func FuzzUserBodies(f *testing.F) {
	fuzzBodies(f, func(e *fuzzEnv) []bodyRoute {
		return []bodyRoute{
			{http.MethodPost, "/api/v1/users", acmeAdmin},
			{http.MethodPatch, "/api/v1/users/" + e.victim, acmeAdmin},
			{http.MethodPatch, "/api/v1/me", "pat@acme.test"},
			{http.MethodPost, "/api/v1/me/password", "pat@acme.test"},
		}
	}, func(e *fuzzEnv) []string {
		return []string{
			jsonOf(map[string]any{"name": "Nia New", "email": "nia@acme.test", "role": "em", "function": "engineering",
				"manager_id": e.ID("omar@acme.test"), "em_since": "2023-04-01", "password": "a long enough password"}),
			jsonOf(map[string]any{"name": "=cmd", "email": "x@acme.test", "role": "peer", "function": "product", "password": "a long enough password"}),
			`{"name":"A","email":"a@b","role":"boss","function":"sales","manager_id":"nope","em_since":"yesterday","password":"short"}`,
			`{"name":"Vic Again","role":"director","function":"design","manager_id":null,"em_since":null,"active":false}`,
			`{"active":true}`, `{"active":"yes"}`, `{"manager_id":"` + e.victim + `"}`, `{"role":"admin"}`, `{"em_since":"2023-02-30"}`,
			`{"name":"Pat Renamed"}`, `{"name":null}`, `{"name":"` + strings.Repeat("é", 201) + `"}`, `{"name":"a\nb"}`,
			jsonOf(map[string]string{"current_password": "wrong one here", "new_password": "another long password"}),
			jsonOf(map[string]string{"current_password": demoPassword, "new_password": "short"}),
			jsonOf(map[string]string{"current_password": demoPassword, "new_password": demoPassword}),
		}
	})
}

func FuzzFrameworkBody(f *testing.F) {
	fuzzBodies(f, func(e *fuzzEnv) []bodyRoute {
		return []bodyRoute{{http.MethodPost, "/api/v1/frameworks", acmeAdmin}}
	}, func(e *fuzzEnv) []string {
		return []string{
			jsonOf(map[string]any{"name": "Small", "scale": map[string]any{"min": 1, "max": 4, "bar": 3, "labels": []string{"a", "b", "c", "d"}},
				"criteria": []map[string]any{{"key": "delivery", "title": "Delivery", "description": "Ships", "weight": 1}}}),
			`{"name":"Bad","scale":{"min":4,"max":1,"bar":9,"labels":[]},"criteria":[{"key":"","title":"","weight":-1},{"key":"k","weight":1e308}]}`,
			`{"name":"Dup","based_on":"nope","scale":{"min":1,"max":4,"bar":3},"criteria":[{"key":"k","title":"K","weight":1},{"key":"k","title":"K","weight":1}]}`,
			`{"name":"Huge","scale":{"min":-2147483649,"max":2147483648,"bar":0},"criteria":[]}`,
			`{"name":"Keys","scale":{"min":1,"max":4,"bar":3},"criteria":[{"key":"=cmd","title":"=1+1","weight":0.5}]}`,
		}
	})
}

func FuzzCycleBodies(f *testing.F) {
	fuzzBodies(f, func(e *fuzzEnv) []bodyRoute {
		return []bodyRoute{
			{http.MethodPost, "/api/v1/cycles", "omar@acme.test"},
			{http.MethodPatch, "/api/v1/cycles/" + e.draftID, "omar@acme.test"},
			{http.MethodPost, "/api/v1/cycles/" + e.draftID + "/transition", "omar@acme.test"},
			{http.MethodPost, "/api/v1/cycles/" + e.openID + "/peer-requests", "omar@acme.test"},
		}
	}, func(e *fuzzEnv) []string {
		erin, finn, pat := e.ID("erin@acme.test"), e.ID("finn@acme.test"), e.ID("pat@acme.test")
		return []string{
			jsonOf(map[string]any{"name": "H2", "em_ids": []string{finn}, "input_due": "2026-12-15", "peer_attribution": "named"}),
			jsonOf(map[string]any{"name": "H2", "em_ids": []string{erin, erin}, "co_owner_ids": []string{e.ID("dana@acme.test")}}),
			`{"name":"","em_ids":null,"framework_id":"nope","input_due":"someday","peer_attribution":"loud"}`,
			`{"name":"Renamed","em_ids":[],"co_owner_ids":null,"input_due":null,"peer_attribution":"anonymous"}`,
			`{"name":null}`, `{"em_ids":"x"}`, `{"input_due":"2026-02-30"}`,
			`{"to":"input_open"}`, `{"to":"released"}`, `{"to":"draft"}`, `{"to":""}`, `{"to":7}`,
			jsonOf(map[string]any{"em_id": erin, "peer_id": pat, "message": "How did Erin run the migration?"}),
			jsonOf(map[string]any{"em_id": erin, "peer_id": erin}),
			jsonOf(map[string]any{"em_id": finn, "peer_id": e.ID("gwen@globex.test")}),
		}
	})
}

func FuzzAssessmentBodies(f *testing.F) {
	fuzzBodies(f, func(e *fuzzEnv) []bodyRoute {
		return []bodyRoute{
			{http.MethodPut, "/api/v1/cycles/" + e.openID + "/ems/" + e.ID("erin@acme.test") + "/assessment", "omar@acme.test"},
			{http.MethodPut, "/api/v1/cycles/" + e.openID + "/self-assessment", "erin@acme.test"},
		}
	}, func(e *fuzzEnv) []string {
		full := fullRatings(3, "fuzz")
		return []string{
			jsonOf(map[string]any{"ratings": full, "private_note": "between us", "version": 0}),
			jsonOf(map[string]any{"ratings": full, "version": 1}),
			jsonOf(map[string]any{"ratings": full[:2], "version": 0}),
			jsonOf(map[string]any{"ratings": append(full, full[0]), "version": 0}),
			`{"ratings":[{"criterion":"nope","score":9,"evidence":""}],"version":0}`,
			`{"ratings":[{"criterion":"` + criteriaKeys[0] + `","score":-2147483649}],"version":-1}`,
			`{"ratings":[],"version":null}`,
			`{"ratings":[{"criterion":"` + criteriaKeys[0] + `","score":3,"evidence":"` + strings.Repeat("x", 5001) + `"}],"version":0}`,
			`{"ratings":[{"criterion":"` + criteriaKeys[0] + `","score":3.5}],"version":0}`,
			`{"ratings":[{"criterion":"` + criteriaKeys[0] + `","score":"3"}],"version":0}`,
			`{"ratings":[{"criterion":"` + criteriaKeys[0] + `","score":3,"extra":1}],"version":0}`,
		}
	})
}

func FuzzDecisionBody(f *testing.F) {
	fuzzBodies(f, func(e *fuzzEnv) []bodyRoute {
		return []bodyRoute{{http.MethodPut, "/api/v1/cycles/" + e.calibID + "/ems/" + e.ID("alex@acme.test") + "/decision", "dana@acme.test"}}
	}, func(e *fuzzEnv) []string {
		return []string{
			`{"readiness":"ready_now","rationale":"Ran the platform migration end to end.","version":0}`,
			`{"readiness":"ready_6_12_months","rationale":"Needs one more half.","version":1}`,
			`{"readiness":"ready_12_24_months","rationale":"Growing.","version":2}`,
			`{"readiness":"not_yet","rationale":"","version":3}`,
			`{"readiness":"maybe","rationale":"x","version":0}`,
			`{"readiness":null,"rationale":null,"version":null}`,
			`{"readiness":"ready_now","rationale":"` + strings.Repeat("y", 6000) + `","version":0}`,
		}
	})
}

func FuzzNoteBodies(f *testing.F) {
	fuzzBodies(f, func(e *fuzzEnv) []bodyRoute {
		alex := e.ID("alex@acme.test")
		return []bodyRoute{
			{http.MethodPut, "/api/v1/peer-requests/" + e.request + "/note", "pat@acme.test"},
			{http.MethodPost, "/api/v1/ems/" + alex + "/plan", "dana@acme.test"},
			{http.MethodPatch, "/api/v1/ems/" + alex + "/plan/" + e.planItem, "alex@acme.test"},
		}
	}, func(e *fuzzEnv) []string {
		return []string{
			jsonOf(map[string]any{"advocacy": "strong", "criteria": criteriaKeys[:2], "body": "Erin ran the cross-team review."}),
			jsonOf(map[string]any{"advocacy": "concerns", "criteria": []string{}, "body": ""}),
			`{"advocacy":"meh","criteria":["nope","nope"],"body":"=HYPERLINK(\"x\")"}`,
			`{"advocacy":"strong","criteria":null,"body":"` + strings.Repeat("z", 5001) + `"}`,
			jsonOf(map[string]any{"criterion": criteriaKeys[1], "action": "Pair with the SRE lead", "revisit_on": "2027-01-15", "status": "open"}),
			`{"criterion":"nope","action":"","revisit_on":"soon","status":"finished"}`,
			`{"status":"done"}`, `{"status":null}`, `{"revisit_on":null}`, `{"action":7}`,
		}
	})
}

// FuzzBoardCSV names an EM with fuzzed text and exports the board: the CSV
// parses, every line has the header's width, no cell starts like a
// formula, and the name comes back as written, escaped.
func FuzzBoardCSV(f *testing.F) {
	e := newFuzzEnv(f)
	alex := e.ID("alex@acme.test")
	for _, s := range []string{"Alex Kim", "=1+1", "+SUM(A1)", "-2", "@cmd", "\t=1", "=\"a,b\"\"c\"", "a\"b", "x,y", "=cmd|' /C calc'!A0",
		" =padded", "\u00a0=nbsp", "'=quoted", "Zoë Ünïcode", "a;b", "=" + strings.Repeat("x", 199)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		res := e.send(t, bodyRoute{http.MethodPatch, "/api/v1/users/" + alex, acmeAdmin}, []byte(jsonOf(map[string]string{"name": name})))
		if res.Status != http.StatusOK {
			return // a name the API refuses never reaches the board
		}
		var u struct {
			Name string `json:"name"`
		}
		res.Decode(t, &u)
		it := *e.Env
		it.T = t
		csvRes := it.Get(e.tok["dana@acme.test"], "/api/v1/cycles/"+e.calibID+"/board.csv")
		if csvRes.Status != http.StatusOK {
			t.Fatalf("board.csv: %d %s", csvRes.Status, csvRes.Body)
		}
		if cd := csvRes.Header.Get("Content-Disposition"); strings.ContainsAny(cd, "\r\n") || strings.Count(cd, `"`) != 2 {
			t.Fatalf("Content-Disposition %q", cd)
		}
		records, err := csv.NewReader(bytes.NewReader(csvRes.Body)).ReadAll()
		if err != nil {
			t.Fatalf("board.csv does not parse: %v\n%q", err, csvRes.Body)
		}
		found := false
		for i, rec := range records {
			for j, cell := range rec {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Fatalf("line %d cell %d starts like a formula: %q", i+1, j+1, cell)
				}
			}
			if i > 0 && rec[0] == calibration.SafeCell(u.Name) {
				found = true
			}
		}
		if !found {
			t.Fatalf("no line names %q (escaped %q):\n%s", u.Name, calibration.SafeCell(u.Name), csvRes.Body)
		}
	})
}
