package httpapi_test

// Text that looks like SQL, script, a spreadsheet formula or Markdown
// structure, written into every kind of text field: stored and returned
// as written in JSON (HTML-escaped on the wire), defused in the board's
// CSV, inert in the Markdown promotion packet; and SQL-looking query
// parameters that find nothing and break nothing.

import (
	"bytes"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

const (
	sqlText     = `'; DROP TABLE users; --`
	scriptText  = `<script>alert(1)</script>`
	formulaText = `=cmd|' /C calc'!A0`
	// markdownText tries to open a heading, a link and a table cell in the
	// packet.
	markdownText = "evidence line\n# Injected heading\n[click](javascript:alert(1)) | cell | <img src=x onerror=alert(1)>"
)

var allHostileText = sqlText + " " + scriptText + " " + formulaText

func TestHostileTextRoundTrips(t *testing.T) {
	e := newCycleEnv(t)
	const admin, omar, erin, finn, pat = "admin@acme.test", "omar@acme.test", "erin@acme.test", "finn@acme.test", "pat@acme.test"

	// People: names an admin gives, and one a peer gives themself.
	wantStatus(t, e.Patch(e.tok(admin), "/api/v1/users/"+e.ID(erin), map[string]string{"name": formulaText}), http.StatusOK)
	wantStatus(t, e.Patch(e.tok(admin), "/api/v1/users/"+e.ID(finn), map[string]string{"name": sqlText}), http.StatusOK)
	wantStatus(t, e.Patch(e.tok(pat), "/api/v1/me", map[string]string{"name": scriptText}), http.StatusOK)

	// A framework whose every text is hostile.
	fw := decodeOK[struct {
		ID string `json:"id"`
	}](t, e.Post(e.tok(admin), "/api/v1/frameworks", map[string]any{
		"name":  scriptText + " rubric",
		"scale": map[string]any{"min": 1, "max": 2, "bar": 2, "labels": []string{formulaText, scriptText}},
		"criteria": []map[string]any{
			{"key": "impact", "title": scriptText, "description": sqlText},
			{"key": "reach", "title": formulaText, "description": markdownText},
		},
	}), http.StatusCreated).ID

	c := e.newCycle(omar, []string{erin, finn}, map[string]any{"name": allHostileText, "framework_id": fw, "peer_attribution": "named"})
	c.moveTo("input_open")
	req := decodeOK[requestDoc](t, c.Post(e.tok(omar), c.path("peer-requests"),
		map[string]any{"em_id": e.ID(erin), "peer_id": e.ID(pat), "message": allHostileText}), http.StatusCreated).ID
	c.note(pat, req, "strong", allHostileText, "impact")
	ratings := func(first, second string) []map[string]any {
		return []map[string]any{{"criterion": "impact", "score": 2, "evidence": first}, {"criterion": "reach", "score": 1, "evidence": second}}
	}
	wantStatus(t, c.putSelf(erin, map[string]any{"ratings": ratings(formulaText, scriptText), "version": 0}), http.StatusOK)
	wantStatus(t, c.putAssessment(omar, erin, map[string]any{"ratings": ratings(allHostileText, markdownText),
		"private_note": allHostileText, "version": 0}), http.StatusOK)
	wantStatus(t, c.putAssessment(omar, finn, map[string]any{"ratings": ratings(sqlText, scriptText), "version": 0}), http.StatusOK)
	item := decodeOK[struct {
		ID string `json:"id"`
	}](t, e.Post(e.tok(omar), emPath(e.ID(erin), "plan"), map[string]any{"criterion": "impact", "action": allHostileText}), http.StatusCreated).ID
	c.moveTo("calibrating")
	wantStatus(t, c.putDecision(omar, erin, map[string]any{"readiness": "not_yet", "rationale": allHostileText, "version": 0}), http.StatusOK)
	wantStatus(t, c.putDecision(omar, finn, map[string]any{"readiness": "not_yet", "rationale": scriptText, "version": 0}), http.StatusOK)

	t.Run("JSON returns the text as written", func(t *testing.T) {
		for _, r := range []struct {
			as, path string
			want     []string
		}{
			{admin, "/api/v1/users?limit=100", []string{formulaText, sqlText, scriptText}},
			{pat, "/api/v1/me", []string{scriptText}},
			{omar, "/api/v1/directory?limit=100", []string{formulaText, sqlText, scriptText}},
			{omar, "/api/v1/frameworks/" + fw, []string{scriptText + " rubric", formulaText, scriptText, sqlText, markdownText}},
			{omar, c.path(), []string{allHostileText, formulaText, sqlText}},
			{omar, c.emPath(erin, "assessment"), []string{allHostileText, markdownText}},
			{omar, c.emPath(erin, "self-assessment"), []string{formulaText, scriptText}},
			{omar, c.emPath(erin, "decision"), []string{allHostileText}},
			{omar, c.path("notes"), []string{allHostileText, scriptText, formulaText}},
			{omar, c.path("board"), []string{allHostileText, formulaText, sqlText, scriptText}},
			{omar, c.path("agenda"), []string{formulaText, sqlText}},
			{pat, "/api/v1/peer-requests", []string{allHostileText, formulaText, scriptText}},
			{erin, emPath(e.ID(erin), "plan"), []string{allHostileText}},
			{admin, "/api/v1/audit?cycle_id=" + c.id, []string{allHostileText, markdownText}},
		} {
			res := e.Get(e.tok(r.as), r.path)
			if res.Status != http.StatusOK {
				t.Errorf("GET %s as %s: %d %s", r.path, r.as, res.Status, snip(res.Body))
				continue
			}
			if bytes.Contains(res.Body, []byte("<script")) || bytes.Contains(res.Body, []byte("<img")) {
				t.Errorf("GET %s: markup is not escaped on the wire: %s", r.path, snip(res.Body))
			}
			var v any
			res.Decode(t, &v)
			for _, s := range r.want {
				if !containsString(v, s) {
					t.Errorf("GET %s as %s: %q is not returned as written: %s", r.path, r.as, s, snip(res.Body))
				}
			}
		}
		// The plan item, read back by id through its list.
		if !slices.Contains(pluck(walk(t, e.Env, e.tok(omar), emPath(e.ID(erin), "plan"), 100), "id"), item) {
			t.Error("the plan item is not in the plan")
		}
	})

	t.Run("the CSV defuses formulas", func(t *testing.T) {
		res := e.Get(e.tok(omar), c.path("board.csv"))
		wantStatus(t, res, http.StatusOK)
		if cd := res.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="board-[A-Za-z0-9._-]+\.csv"$`).MatchString(cd) {
			t.Errorf("Content-Disposition %q carries the cycle's name unfiltered", cd)
		}
		lines := readCSV(t, e.Env, e.tok(omar), c.id)
		var names []string
		for _, l := range lines {
			for _, cell := range l {
				if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
					t.Errorf("cell %q would run as a formula", cell)
				}
			}
		}
		for _, l := range lines[1:] {
			names = append(names, l[0])
		}
		slices.Sort(names)
		if want := []string{sqlText, "'" + formulaText}; !slices.Equal(names, want) {
			t.Errorf("names %q, want %q (the formula behind an apostrophe, the rest as written)", names, want)
		}
	})

	c.advanceTo("released")
	t.Run("the packet is inert Markdown", func(t *testing.T) {
		for _, as := range []string{omar, erin, admin} {
			md := getPacket(t, e.Env, e.tok(as), e.ID(erin))
			checkInertMarkdown(t, as, md)
			// The texts are there, escaped, not dropped.
			for _, s := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "DROP TABLE users; --", "Injected heading"} {
				if !strings.Contains(md, s) {
					t.Errorf("packet for %s lacks %q:\n%s", as, s, md)
				}
			}
			// The PDF prints the same texts as written, the name too, and
			// the line breaks of the evidence lay out nothing.
			doc := packetPDF(t, e.Env, e.tok(as), e.ID(erin))
			for _, s := range []string{formulaText, scriptText, "DROP TABLE users; --", "evidence line # Injected heading"} {
				if !strings.Contains(doc, s) {
					t.Errorf("PDF packet for %s lacks %q:\n%s", as, s, doc)
				}
			}
		}
	})

	t.Run("released feedback returns the text as written", func(t *testing.T) {
		res := e.Get(e.tok(erin), "/api/v1/me/feedback")
		wantStatus(t, res, http.StatusOK)
		var v any
		res.Decode(t, &v)
		for _, s := range []string{allHostileText, markdownText, scriptText} {
			if !containsString(v, s) {
				t.Errorf("feedback lacks %q: %s", s, snip(res.Body))
			}
		}
		if bytes.Contains(res.Body, []byte("<script")) {
			t.Errorf("markup is not escaped on the wire: %s", snip(res.Body))
		}
	})
}

var (
	packetHeading  = regexp.MustCompile(`^(# Promotion packet: |## On the table: |## Latest decision |## Criteria$|### |## Peer advocacy$|## History$)`)
	unescapedPipe  = regexp.MustCompile(`(^|[^\\])\|`)
	unescapedBrack = regexp.MustCompile(`(^|[^\\])[\[\]]`)
)

// checkInertMarkdown: no raw HTML, no heading or link or table cell that
// the packet did not make itself.
func checkInertMarkdown(t *testing.T, who, md string) {
	t.Helper()
	for _, line := range strings.Split(md, "\n") {
		switch {
		case strings.Contains(line, "<") || strings.Contains(strings.TrimPrefix(line, ">"), ">"):
			t.Errorf("packet for %s carries raw markup (only a quote may start with >): %q", who, line)
		case strings.HasPrefix(line, "#") && !packetHeading.MatchString(line):
			t.Errorf("packet for %s has a heading it did not make: %q", who, line)
		case strings.HasPrefix(line, "|") && len(unescapedPipe.FindAllString(line, -1)) != 4:
			t.Errorf("packet for %s has a table row with extra cells: %q", who, line)
		case unescapedBrack.MatchString(line):
			t.Errorf("packet for %s has a link it did not make: %q", who, line)
		}
	}
}

// SQL-looking and wildcard query parameters are data: they find what
// holds them literally, answer 4xx where invalid, and break nothing.
func TestSQLLookingQueries(t *testing.T) {
	e := newCycleEnv(t)
	admin := e.tok("admin@acme.test")
	users := rowCount(t, e.Env, "users")
	dana := e.tok("dana@acme.test")
	cycle := calibratingCycle(t, e.Env, dana)
	q := url.QueryEscape
	for _, c := range []struct {
		as, path string
		status   int
		items    int // -1: not a list
	}{
		{admin, "/api/v1/directory?q=" + q(sqlText), 200, 0},
		{admin, "/api/v1/directory?q=" + q("' OR '1'='1"), 200, 0},
		{admin, "/api/v1/directory?q=%25", 200, 0},
		{admin, "/api/v1/directory?q=_", 200, 0},
		{admin, "/api/v1/directory?q=" + q(`\`), 200, 0},
		{admin, "/api/v1/users?q=" + q(sqlText), 200, 0},
		{admin, "/api/v1/users?q=%25%25", 200, 0},
		{admin, "/api/v1/users?role=" + q("admin' OR '1'='1"), 400, -1},
		{admin, "/api/v1/cycles?state=" + q(sqlText), 400, -1},
		{admin, "/api/v1/audit?cycle_id=" + q(sqlText), 404, -1},
		{admin, "/api/v1/audit?cycle_id=" + q("' OR 1=1 --"), 404, -1},
		{dana, "/api/v1/cycles/" + q(sqlText), 404, -1},
		{dana, cyclePath(cycle, "board") + "?sort=" + q(sqlText), 400, -1},
		{dana, cyclePath(cycle, "board") + "?flag=" + q(sqlText), 400, -1},
		{dana, cyclePath(cycle, "board.csv") + "?readiness=" + q(sqlText), 400, -1},
	} {
		res := e.Get(c.as, c.path)
		if res.Status != c.status {
			t.Errorf("GET %s: %d, want %d; %s", c.path, res.Status, c.status, snip(res.Body))
			continue
		}
		if c.items >= 0 {
			var p page
			res.Decode(t, &p)
			if len(p.Items) != c.items {
				t.Errorf("GET %s: %d items, want %d", c.path, len(p.Items), c.items)
			}
		}
	}
	if got := rowCount(t, e.Env, "users"); got != users {
		t.Fatalf("%d users after the queries, was %d", got, users)
	}
	// A name holding the characters is found by them, literally.
	wantStatus(t, e.Patch(admin, "/api/v1/users/"+e.ID("otto@acme.test"), map[string]string{"name": "Otto 100% _real_ " + sqlText}), http.StatusOK)
	for _, s := range []string{"%", "_real_", sqlText, "DROP TABLE"} {
		if got := pluck(walk(t, e.Env, admin, "/api/v1/directory?q="+q(s), 100), "id"); !slices.Equal(got, []string{e.ID("otto@acme.test")}) {
			t.Errorf("directory?q=%s finds %v, want only Otto", s, got)
		}
	}
}
