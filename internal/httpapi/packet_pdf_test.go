package httpapi_test

// The promotion packet and the board as PDF, read back as text from the
// documents the server sends: the cycle on the table for its owners only,
// marked draft; the EM's own packet without it nor private notes; a page
// of the board per director with their EMs.

import (
	"bytes"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"

	"calibrate/internal/testkit"
)

// pdfPages returns the text of each page of a PDF answer, after checking
// it is a PDF download.
func pdfPages(t testing.TB, res *testkit.Response, disposition *regexp.Regexp) []string {
	t.Helper()
	wantStatus(t, res, http.StatusOK)
	if ct := res.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Fatalf("Content-Type %q, want application/pdf", ct)
	}
	if cd := res.Header.Get("Content-Disposition"); !disposition.MatchString(cd) {
		t.Fatalf("Content-Disposition %q, want %s", cd, disposition)
	}
	r, err := pdf.NewReader(bytes.NewReader(res.Body), int64(len(res.Body)))
	if err != nil {
		t.Fatalf("not a PDF the reader opens: %v", err)
	}
	pages := make([]string, r.NumPage())
	for i := range pages {
		p := r.Page(i + 1)
		if p.V.IsNull() {
			continue
		}
		rows, err := p.GetTextByRow()
		if err != nil {
			t.Fatalf("page %d: %v", i+1, err)
		}
		var b strings.Builder
		for _, row := range rows {
			for _, w := range row.Content {
				b.WriteString(w.S)
			}
			b.WriteString("\n")
		}
		pages[i] = b.String()
	}
	return pages
}

var packetPDFName = regexp.MustCompile(`^attachment; filename="promotion-packet-[A-Za-z0-9._-]+\.pdf"$`)

func packetPDF(t testing.TB, e *testkit.Env, tok, emID string) string {
	t.Helper()
	return strings.Join(pdfPages(t, e.Get(tok, emPath(emID, "packet")+"?format=pdf"), packetPDFName), "\n")
}

func TestPacketPDF(t *testing.T) {
	e := testkit.New(t)
	dana, alexTok, admin := e.Token(demoDana), e.Token(demoAlex), e.Token("admin@acme.test")
	id := calibratingCycle(t, e, dana)
	alex := e.ID(demoAlex)
	const privateNote = "Discuss growth path in the 1:1 before release." // demo/cycles.go
	const h2Note = "Alex ran the joint roadmap review with product"      // a by_function note of the cycle in calibration

	// Dana owns the cycle in calibration: it is on the table, marked draft,
	// with its peer notes as its attribution says; the released cycles follow.
	p := packetPDF(t, e, dana, alex)
	for _, want := range []string{"Promotion packet: Alex Moreno", "On the table: 2026 H2 calibration (draft — not final)",
		h2Note, "a product partner", "Composite 3.33 against a bar of 3.", "Trend of the composite", "2026 H1 calibration", "Development plan"} {
		if !strings.Contains(p, want) {
			t.Errorf("Dana's PDF packet of Alex lacks %q:\n%s", want, p)
		}
	}
	if strings.Contains(p, privateNote) {
		t.Errorf("Dana's PDF packet carries a private note:\n%s", p)
	}
	// So does the Markdown.
	md := getPacket(t, e, dana, alex)
	if !strings.Contains(md, "## On the table: 2026 H2 calibration (draft — not final)") ||
		!strings.Contains(md, h2Note) || !strings.Contains(md, "| 2026 H2 calibration (draft — not final) |") {
		t.Errorf("Dana's Markdown packet lacks the cycle on the table:\n%s", md)
	}

	// The EM's own packet: released cycles only, no draft, no private note.
	p = packetPDF(t, e, alexTok, alex)
	if !strings.Contains(p, "Promotion packet: Alex Moreno") || !strings.Contains(p, "2026 H1 calibration") {
		t.Errorf("Alex's PDF packet lacks his name or his released cycle:\n%s", p)
	}
	for _, hidden := range []string{"2026 H2", "draft", h2Note, privateNote} {
		if strings.Contains(p, hidden) {
			t.Errorf("Alex's PDF packet shows %q:\n%s", hidden, p)
		}
	}
	// An admin reads the finished cycles, not the one on the table.
	for _, doc := range []string{packetPDF(t, e, admin, alex), getPacket(t, e, admin, alex)} {
		if strings.Contains(doc, "2026 H2") || strings.Contains(doc, "draft") {
			t.Errorf("the admin's packet shows the cycle in calibration:\n%s", doc)
		}
	}

	// The format is one of md and pdf; md is the Markdown.
	wantError(t, e.Get(dana, emPath(alex, "packet")+"?format=docx"), http.StatusBadRequest, "bad_request")
	res := e.Get(dana, emPath(alex, "packet")+"?format=md")
	wantStatus(t, res, http.StatusOK)
	if string(res.Body) != md {
		t.Errorf("format=md differs from the default:\n%s", res.Body)
	}

	// Finalized: no longer a draft, and the latest finished cycle.
	finishDanasCycle(t, e, dana, id)
	p = packetPDF(t, e, dana, alex)
	if strings.Contains(p, "draft") || !strings.Contains(p, "Latest finished cycle: 2026 H2 calibration") ||
		!strings.Contains(p, alexH2Rationale) {
		t.Errorf("Dana's PDF packet after finalizing:\n%s", p)
	}
	if p = packetPDF(t, e, alexTok, alex); strings.Contains(p, "2026 H2") {
		t.Errorf("Alex's PDF packet shows the finalized, unreleased cycle:\n%s", p)
	}
}

var boardPDFName = regexp.MustCompile(`^attachment; filename="board-[A-Za-z0-9._-]+\.pdf"$`)

// Two directors in one cycle: a page each, with their own EMs.
func TestBoardPDF(t *testing.T) {
	e := newCycleEnv(t)
	e.addCalibrationGroup()
	noraEMs, samEMs := []string{"nate@acme.test", "nell@acme.test"}, []string{"sage@acme.test", "skye@acme.test"}
	f := e.newCycle(noraDir, append(append([]string{}, noraEMs...), samEMs...),
		map[string]any{"co_owner_ids": []string{e.ID(samDir)}})
	f.moveTo("input_open")
	f.moveTo("calibrating")
	b := getBoard(t, e.Env, e.tok(samDir), f.id, "")
	names := map[string]string{}
	for _, r := range b.Rows {
		names[r.EM.ID] = r.EM.Name
	}
	for _, r := range b.Raters {
		names[r.Director.ID] = r.Director.Name
	}
	pages := pdfPages(t, e.Get(e.tok(samDir), cyclePath(f.id, "board.pdf")), boardPDFName)
	if len(pages) != 2 {
		t.Fatalf("%d pages, want one per director:\n%s", len(pages), strings.Join(pages, "\f"))
	}
	for i, d := range []struct {
		director string
		ems      []string
	}{{noraDir, noraEMs}, {samDir, samEMs}} {
		page := pages[i]
		dir := names[e.ID(d.director)]
		if !strings.Contains(page, "Director: "+dir) || !strings.Contains(page, "draft — not final") ||
			!strings.Contains(page, "no_peer_input") {
			t.Errorf("page %d lacks Director: %s, the draft mark or the legend:\n%s", i+1, dir, page)
		}
		for _, em := range d.ems {
			if n := names[e.ID(em)]; n == "" || !strings.Contains(page, n) {
				t.Errorf("page %d lacks %s (%q):\n%s", i+1, em, n, page)
			}
		}
	}
	// Same access as the board.
	pdfPages(t, e.Get(e.tok("admin@acme.test"), cyclePath(f.id, "board.pdf")), boardPDFName)
	wantError(t, e.Get(e.tok(tessDir), cyclePath(f.id, "board.pdf")), http.StatusNotFound, "not_found")
	wantError(t, e.Get(e.tok("nate@acme.test"), cyclePath(f.id, "board.pdf")), http.StatusForbidden, "forbidden")
}
