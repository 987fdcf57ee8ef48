package report

import (
	"fmt"
	"strings"

	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

// PacketPDF renders a promotion packet: the cycle on the table when the
// content has one (marked draft in its heading and in every page's footer), the trend of the
// composite, the latest finished cycle's criteria, evidence and peer notes,
// each finished cycle's decision and rationale, and the development plan.
func PacketPDF(pk calibration.PacketContent) ([]byte, error) {
	title := "Promotion packet: " + pk.EM.Name
	footer := title
	if pk.Draft != nil {
		footer += " (includes " + pk.Draft.Cycle.Name + ", " + calibration.DraftLabel + ")"
	}
	d := newDoc("P", title, footer)
	d.AddPage()
	d.text("B", 18, "Promotion packet: "+pk.EM.Name)
	if pk.EM.EMSince != nil {
		d.text("", 10, "Engineering manager since "+*pk.EM.EMSince+".")
	}
	if dr := pk.Draft; dr != nil {
		d.heading(fmt.Sprintf("On the table: %s (%s)", dr.Cycle.Name, calibration.DraftLabel))
		if dr.Suggested != nil {
			d.text("", 10, "Suggested readiness: "+calibration.ReadinessLabel(*dr.Suggested)+".")
		}
		if dr.Decision != nil {
			d.text("B", 10, "Decision so far: "+calibration.ReadinessLabel(*dr.Decision))
			if dr.Rationale != nil {
				d.text("", 10, *dr.Rationale)
			}
		} else {
			d.text("", 10, "No decision yet.")
		}
		compositeLine(d, dr.Composite, dr.Framework)
		for _, f := range dr.Flags {
			d.text("", 9, "Flag "+f.Code+": "+f.Message)
		}
		criteria(d, dr.Framework, dr.Ratings)
		notes(d, "Peer advocacy ("+calibration.DraftLabel+")", dr.Notes)
		d.heading("Meeting changes (" + calibration.DraftLabel + ")")
		if len(dr.Changes) == 0 {
			d.text("", 10, "No change in the meeting so far.")
		}
		for _, it := range dr.Changes {
			// The core fonts speak Windows-1252, which has no arrow.
			line := strings.ReplaceAll(calibration.ChangeSummary(dr.Framework, it), "→", "->")
			d.text("", 9, it.At.UTC().Format("2 Jan 2006 15:04")+" — "+line)
		}
	}
	trend(d, pk)
	if n := len(pk.Cycles); n > 0 {
		last := pk.Cycles[n-1]
		d.heading("Latest finished cycle: " + last.Cycle.CycleName)
		compositeLine(d, last.Composite, last.Framework)
		criteria(d, last.Framework, last.Ratings)
		notes(d, "Peer advocacy ("+last.Cycle.CycleName+")", pk.LatestNotes)
		d.heading("Decisions")
		for i := n - 1; i >= 0; i-- {
			c := pk.Cycles[i]
			dec := "no decision"
			if c.Decision != nil {
				dec = calibration.ReadinessLabel(*c.Decision)
			}
			d.text("B", 10, c.Cycle.CycleName+": "+dec)
			if c.Rationale != nil {
				d.text("", 10, *c.Rationale)
			}
			if c.Rollup != nil {
				d.text("I", 10, strings.ReplaceAll(c.Rollup.Line(), "→", "->"))
			}
			if c.OverrideReason != nil {
				d.text("I", 10, calibration.OverrideLine(*c.OverrideReason))
			}
			d.Ln(1)
		}
	} else {
		d.heading("Finished cycles")
		d.text("", 10, "No finished calibration cycle yet.")
	}
	t := pk.Trajectory
	line := fmt.Sprintf("Cycles in a row at the bar: %d.", t.AtBarStreak)
	if t.Trend != nil {
		line += " Trend: " + *t.Trend + "."
	}
	if t.Stalled {
		line += " Readiness has not moved for three cycles."
	}
	d.Ln(1)
	d.text("", 10, line)
	d.text("I", 10, "Projection (not a promise): "+t.Projection)
	plan(d, pk.Plan)
	return d.bytes()
}

func compositeLine(d *doc, composite *float64, fw domain.Framework) {
	if composite != nil {
		d.text("", 10, fmt.Sprintf("Composite %.2f against a bar of %d.", *composite, fw.Scale.Bar))
	}
}

func criteria(d *doc, fw domain.Framework, ratings []domain.Rating) {
	byKey := map[string]domain.Rating{}
	for _, r := range ratings {
		byKey[r.Criterion] = r
	}
	d.Ln(1)
	for _, c := range fw.Criteria {
		r, ok := byKey[c.Key]
		if !ok {
			d.text("B", 10, c.Title+": not rated")
			continue
		}
		d.text("B", 10, fmt.Sprintf("%s: %d (%s)", c.Title, r.Score, calibration.ScoreLabel(fw, r.Score)))
		d.text("", 9, r.Evidence)
		d.Ln(1)
	}
}

func notes(d *doc, title string, ns []calibration.AttributedNote) {
	d.Ln(1)
	d.text("B", 11, title)
	if len(ns) == 0 {
		d.text("", 9, "No peer notes in this cycle.")
	}
	for _, n := range ns {
		d.text("I", 9, "\u201c"+n.Body+"\u201d")
		d.text("", 9, "— "+n.Attribution+", "+string(n.Advocacy))
		d.Ln(1)
	}
}

func plan(d *doc, items []domain.PlanItem) {
	d.heading("Development plan")
	if len(items) == 0 {
		d.text("", 10, "No development plan item yet.")
	}
	for _, it := range items {
		line := it.Criterion + " (" + string(it.Status) + ")"
		if it.RevisitOn != nil {
			line += ", revisit on " + *it.RevisitOn
		}
		d.text("B", 10, line)
		d.text("", 10, it.Action)
		d.Ln(1)
	}
}

// trend draws the composite over the cycles as a line chart with fpdf
// lines: the finished cycles solid, the step to the cycle on the table
// dashed, the bar as a grey line.
func trend(d *doc, pk calibration.PacketContent) {
	type point struct {
		name  string
		value *float64
		draft bool
	}
	var pts []point
	var fw domain.Framework
	for _, c := range pk.Cycles {
		pts = append(pts, point{c.Cycle.CycleName, c.Composite, false})
		fw = c.Framework
	}
	if dr := pk.Draft; dr != nil {
		pts = append(pts, point{dr.Cycle.Name + " (draft)", dr.Composite, true})
		fw = dr.Framework
	}
	d.heading("Trend of the composite")
	if len(pts) == 0 {
		d.text("", 10, "No cycle to chart yet.")
		return
	}
	const h, w = 45.0, 150.0
	if _, pageH := d.GetPageSize(); d.GetY()+h+15 > pageH-15 {
		d.AddPage()
	}
	x0, y0 := 30.0, d.GetY()+2
	lo, hi := float64(fw.Scale.Min), float64(fw.Scale.Max)
	if hi <= lo {
		hi = lo + 1
	}
	yOf := func(v float64) float64 { return y0 + h - (v-lo)/(hi-lo)*h }
	d.font("", 7)
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	d.Line(x0, y0, x0, y0+h)
	d.Line(x0, y0+h, x0+w, y0+h)
	for v := fw.Scale.Min; v <= fw.Scale.Max; v++ {
		d.SetXY(x0-8, yOf(float64(v))-2)
		d.CellFormat(6, 4, fmt.Sprint(v), "", 0, "R", false, 0, "")
	}
	d.SetDrawColor(160, 160, 160)
	d.SetDashPattern([]float64{1, 1}, 0)
	d.Line(x0, yOf(float64(fw.Scale.Bar)), x0+w, yOf(float64(fw.Scale.Bar)))
	d.SetXY(x0+w+1, yOf(float64(fw.Scale.Bar))-2)
	d.CellFormat(10, 4, "bar", "", 0, "L", false, 0, "")
	d.SetDashPattern(nil, 0)
	step := w / float64(len(pts))
	var prevX, prevY float64
	havePrev := false
	for i, p := range pts {
		x := x0 + step*(float64(i)+0.5)
		d.SetXY(x-step/2, y0+h+1)
		d.CellFormat(step, 4, d.fit(p.name, step), "", 0, "C", false, 0, "")
		if p.value == nil {
			havePrev = false
			continue
		}
		y := yOf(*p.value)
		d.SetDrawColor(30, 80, 160)
		d.SetLineWidth(0.6)
		if p.draft {
			d.SetDashPattern([]float64{2, 1.5}, 0)
		}
		if havePrev {
			d.Line(prevX, prevY, x, y)
		}
		d.SetDashPattern(nil, 0)
		d.SetFillColor(30, 80, 160)
		style := "F"
		if p.draft {
			style = "D"
		}
		d.Circle(x, y, 1.2, style)
		d.SetXY(x-10, y-6)
		d.CellFormat(20, 4, fmt.Sprintf("%.2f", *p.value), "", 0, "C", false, 0, "")
		prevX, prevY, havePrev = x, y, true
	}
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	d.SetXY(15, y0+h+7)
}
