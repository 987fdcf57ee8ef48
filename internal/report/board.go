package report

import (
	"fmt"
	"strings"

	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

// flagLegend says what each flag code means, in the board's words.
var flagLegend = map[string]string{
	calibration.FlagIncomplete:      "some criterion has no director score",
	calibration.FlagMissingEvidence: "a director score whose evidence has under 20 characters",
	calibration.FlagSelfGap:         "director and self scores differ by 2 or more on a criterion",
	calibration.FlagPeerDivergence:  "a peer note tagged with a criterion disagrees with the director's score against the bar",
	calibration.FlagNoPeerInput:     "no peer note about the EM in this cycle",
	calibration.FlagBigMove:         "decision two or more steps away from the previous decision",
	calibration.FlagStalled:         "the same readiness, short of ready now, in three consecutive finalized cycles",
	calibration.FlagShortTenure:     "ready now with under 24 months as an EM",
	calibration.FlagLanguage:        "the evidence or a note carries language hints",
	calibration.FlagQuestioned:      "an owner questioned the director's assessment in a pre-read",
}

// BoardPDF prints the board for the room: landscape, a page per director
// in the cycle with the rows of the EMs they rate (criteria scores,
// composite, suggested readiness and decision, flags), and a legend of
// the flags on every page. The rows keep the board's order.
func BoardPDF(b calibration.Board) ([]byte, error) {
	title := "Board: " + b.Cycle.Name
	footer := title + " (" + string(b.Cycle.State) + ")"
	if b.Cycle.State != domain.StateFinalized && b.Cycle.State != domain.StateReleased {
		footer += ", " + calibration.DraftLabel
	}
	d := newDoc("L", title, footer)
	byDirector := map[string][]calibration.BoardRow{}
	for _, r := range b.Rows {
		byDirector[r.DirectorID] = append(byDirector[r.DirectorID], r)
	}
	for _, rater := range b.Raters {
		boardPage(d, b, rater.Director, byDirector[rater.Director.ID])
	}
	if len(b.Raters) == 0 {
		d.AddPage()
		d.text("B", 16, title)
	}
	return d.bytes()
}

// columns of the board table, in mm; the criteria share what is left.
const (
	colEM, colComposite, colReadiness, colFlags = 42.0, 18.0, 34.0, 52.0
	rowH                                        = 5.0
)

func boardPage(d *doc, b calibration.Board, director domain.Ref, rows []calibration.BoardRow) {
	d.AddPage()
	d.text("B", 16, "Board: "+b.Cycle.Name)
	d.text("", 11, "Director: "+director.Name+" ("+fmt.Sprint(len(rows))+" EMs; cycle "+string(b.Cycle.State)+")")
	d.Ln(2)
	pageW, _ := d.GetPageSize()
	left, _, right, _ := d.GetMargins()
	n := max(len(b.Framework.Criteria), 1)
	colCrit := (pageW - left - right - colEM - colComposite - 2*colReadiness - colFlags) / float64(n)
	header := func() {
		d.font("B", 8)
		d.SetFillColor(230, 230, 230)
		d.CellFormat(colEM, rowH+1, "EM", "1", 0, "L", true, 0, "")
		// Criteria by number: a title does not fit a column; the legend
		// under the table names them.
		for i := range b.Framework.Criteria {
			d.CellFormat(colCrit, rowH+1, fmt.Sprint(i+1), "1", 0, "C", true, 0, "")
		}
		d.CellFormat(colComposite, rowH+1, "Composite", "1", 0, "C", true, 0, "")
		d.CellFormat(colReadiness, rowH+1, "Suggested", "1", 0, "L", true, 0, "")
		d.CellFormat(colReadiness, rowH+1, "Decision", "1", 0, "L", true, 0, "")
		d.CellFormat(colFlags, rowH+1, "Flags", "1", 1, "L", true, 0, "")
	}
	header()
	if len(rows) == 0 {
		d.text("I", 9, "No participant of this cycle reports to "+director.Name+".")
	}
	for _, r := range rows {
		d.font("", 8)
		codes := make([]string, 0, len(r.Flags))
		seen := map[string]bool{}
		for _, f := range r.Flags {
			if !seen[f.Code] {
				seen[f.Code] = true
				codes = append(codes, f.Code)
			}
		}
		lines := d.SplitText(strings.Join(codes, ", "), colFlags-2)
		h := rowH * float64(max(len(lines), 1))
		if _, pageH := d.GetPageSize(); d.GetY()+h > pageH-20 {
			d.AddPage()
			header()
			d.font("", 8)
		}
		x, y := d.GetX(), d.GetY()
		d.CellFormat(colEM, h, d.fit(r.EM.Name, colEM), "1", 0, "L", false, 0, "")
		for _, c := range b.Framework.Criteria {
			d.CellFormat(colCrit, h, scoreCell(r.Scores[c.Key]), "1", 0, "C", false, 0, "")
		}
		comp := "-"
		if r.Composite != nil {
			comp = fmt.Sprintf("%.2f", *r.Composite)
		}
		d.CellFormat(colComposite, h, comp, "1", 0, "C", false, 0, "")
		d.CellFormat(colReadiness, h, d.fit(readiness(r.Suggested), colReadiness), "1", 0, "L", false, 0, "")
		d.CellFormat(colReadiness, h, d.fit(readiness(r.Decision), colReadiness), "1", 0, "L", false, 0, "")
		fx := d.GetX()
		d.Rect(fx, y, colFlags, h, "D")
		for i, l := range lines {
			d.SetXY(fx, y+rowH*float64(i))
			d.CellFormat(colFlags, rowH, l, "", 0, "L", false, 0, "")
		}
		d.SetXY(x, y+h)
	}
	d.Ln(3)
	var crit []string
	for i, c := range b.Framework.Criteria {
		crit = append(crit, fmt.Sprintf("%d %s", i+1, c.Title))
	}
	d.text("B", 8, "Criteria")
	d.text("", 7, strings.Join(crit, " · "))
	d.text("", 7, "Scores: the director's, the self-assessment's in parentheses. Composite: the weighted mean of the director's scores.")
	d.text("B", 8, "Flags")
	for _, code := range calibration.FlagCodes {
		d.text("", 7, code+": "+flagLegend[code])
	}
}

func scoreCell(s calibration.CriterionScores) string {
	out := "-"
	if s.Director != nil {
		out = fmt.Sprint(*s.Director)
	}
	if s.Self != nil {
		out += fmt.Sprintf(" (%d)", *s.Self)
	}
	return out
}

func readiness(r *domain.Readiness) string {
	if r == nil {
		return "-"
	}
	return calibration.ReadinessLabel(*r)
}
