package calibration

import (
	"bytes"
	"context"
	"encoding/csv"
	"sort"
	"strconv"
	"strings"

	"calibrate/internal/domain"
)

// agendaWeight is how much each reason needs discussion (the agenda's
// order: divergence and big moves first, short tenure last; a rating an
// owner questioned in a pre-read comes before all) and the minutes it is
// worth in the meeting.
var agendaWeight = map[string]struct{ weight, minutes int }{
	FlagQuestioned:      {100, 4},
	FlagPeerDivergence:  {80, 4},
	FlagBigMove:         {80, 4},
	FlagSelfGap:         {50, 3},
	FlagMissingEvidence: {40, 2},
	FlagLanguage:        {35, 2},
	FlagIncomplete:      {30, 2},
	FlagStalled:         {25, 3},
	FlagNoPeerInput:     {20, 1},
	FlagShortTenure:     {15, 2},
}

const (
	baseMinutes = 2
	maxMinutes  = 20
)

// AgendaItem is one EM to discuss, why, and for how long.
type AgendaItem struct {
	EM      domain.Ref
	Reasons []string
	Minutes int
	weight  int
}

// Agenda orders the participants by how much their flags need discussion.
func (s *Cycles) Agenda(ctx context.Context, p domain.Principal, cycleID string) ([]AgendaItem, error) {
	b, err := s.boardFor(ctx, p, cycleID, BoardQuery{}, GuestViewAgenda)
	if err != nil {
		return nil, err
	}
	items := make([]AgendaItem, 0, len(b.Rows))
	for _, r := range b.Rows {
		it := AgendaItem{EM: r.EM, Reasons: []string{}, Minutes: baseMinutes}
		seen := map[string]bool{}
		for _, code := range FlagCodes {
			if r.has(code) && !seen[code] {
				seen[code] = true
				w := agendaWeight[code]
				it.Reasons = append(it.Reasons, code)
				it.weight += w.weight
				it.Minutes += w.minutes
			}
		}
		it.Minutes = min(it.Minutes, maxMinutes)
		items = append(items, it)
	}
	sort.SliceStable(items, func(i, j int) bool {
		a, b := items[i], items[j]
		if top(a) != top(b) {
			return top(a) > top(b)
		}
		if a.weight != b.weight {
			return a.weight > b.weight
		}
		return strings.ToLower(a.EM.Name) < strings.ToLower(b.EM.Name)
	})
	return items, nil
}

// top is the weight of the most pressing reason: one divergence outranks
// any number of lesser flags.
func top(it AgendaItem) int {
	if len(it.Reasons) == 0 {
		return 0
	}
	return agendaWeight[it.Reasons[0]].weight
}

// BoardCSV renders the board as CSV: a header line, then one line per
// participant, whose last cell sums up in words the meeting's changes about
// them, oldest first. Cells a spreadsheet would run as a formula are
// escaped.
func (s *Cycles) BoardCSV(ctx context.Context, p domain.Principal, cycleID string, q BoardQuery) ([]byte, string, error) {
	b, err := s.boardFor(ctx, p, cycleID, q, GuestViewBoardCSV)
	if err != nil {
		return nil, "", err
	}
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	header := []string{"em", "composite", "evidence_coverage"}
	for _, c := range b.Framework.Criteria {
		header = append(header, c.Key)
	}
	header = append(header, "suggested", "decision", "previous", "flags", "changes")
	activity, err := s.cycleActivity(ctx, b.Cycle)
	if err != nil {
		return nil, "", err
	}
	changes := changesByEM(activity)
	rows := [][]string{header}
	for _, r := range b.Rows {
		line := []string{r.EM.Name, num(r.Composite), num(r.EvidenceCoverage)}
		for _, c := range b.Framework.Criteria {
			cell := ""
			if d := r.Scores[c.Key].Director; d != nil {
				cell = strconv.Itoa(*d)
			}
			line = append(line, cell)
		}
		codes := []string{}
		for _, f := range r.Flags {
			codes = append(codes, f.Code)
		}
		var said []string
		for _, it := range changes[r.EM.ID] {
			said = append(said, ChangeSummary(b.Framework, it))
		}
		line = append(line, str(r.Suggested), str(r.Decision), str(r.Previous), strings.Join(dedupe(codes), " "),
			strings.Join(said, "; "))
		rows = append(rows, line)
	}
	for _, line := range rows {
		for i := range line {
			line[i] = SafeCell(line[i])
		}
		if err := w.Write(line); err != nil {
			return nil, "", err
		}
	}
	w.Flush()
	return buf.Bytes(), b.Cycle.Name, w.Error()
}

// SafeCell defuses spreadsheet formulas: a cell starting with =, +, -, @
// (or a tab or carriage return) gets a leading apostrophe.
func SafeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func num(v *float64) string {
	if v == nil {
		return ""
	}
	return strconv.FormatFloat(*v, 'f', 2, 64)
}

func str(r *domain.Readiness) string {
	if r == nil {
		return ""
	}
	return string(*r)
}

func dedupe(xs []string) []string {
	seen := map[string]bool{}
	out := xs[:0]
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}
