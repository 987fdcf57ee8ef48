// Package report renders what calibration computes as documents to carry
// into a room: the promotion packet and the board as PDF. It adds no rule
// of its own; what to show and to whom is decided before it is called.
package report

import (
	"bytes"
	"strconv"
	"strings"

	"codeberg.org/go-pdf/fpdf"
)

// doc wraps an fpdf document with the text translator its core fonts
// need: they speak Windows-1252, so the text goes through it once, here.
type doc struct {
	*fpdf.Fpdf
	tr func(string) string
}

// newDoc starts a document; footer is printed at the foot of every page.
func newDoc(orientation, title, footer string) *doc {
	pdf := fpdf.New(orientation, "mm", "A4", "")
	pdf.SetMargins(15, 15, 15)
	pdf.SetAutoPageBreak(true, 15)
	pdf.SetTitle(title, true)
	pdf.SetCreator("Calibrate", true)
	d := &doc{Fpdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	pdf.AliasNbPages("")
	pdf.SetFooterFunc(func() {
		pdf.SetY(-12)
		d.font("", 7)
		pdf.SetTextColor(110, 110, 110)
		pdf.CellFormat(0, 5, d.tr(footer), "", 0, "L", false, 0, "")
		pdf.CellFormat(0, 5, d.tr("page ")+strconv.Itoa(pdf.PageNo())+" / {nb}", "", 0, "R", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	return d
}

func (d *doc) font(style string, size float64) { d.SetFont("Helvetica", style, size) }

// text writes a paragraph across the page.
func (d *doc) text(style string, size float64, s string) {
	d.font(style, size)
	d.MultiCell(0, size*0.5, d.tr(oneLine(s)), "", "L", false)
}

func (d *doc) heading(s string) {
	d.Ln(3)
	d.text("B", 13, s)
	d.Ln(1)
}

// fit cuts s to what a cell of width w holds in the current font.
func (d *doc) fit(s string, w float64) string {
	s = d.tr(oneLine(s))
	if d.GetStringWidth(s) <= w-2 {
		return s
	}
	ell := d.tr("…")
	for len(s) > 0 && d.GetStringWidth(s+ell) > w-2 {
		s = s[:len(s)-1]
	}
	return s + ell
}

func (d *doc) bytes() ([]byte, error) {
	var buf bytes.Buffer
	if err := d.Output(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// oneLine keeps user text from laying out the page: line breaks and tabs
// become spaces.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ", "\t", " ").Replace(s)
}
