package calibration

import (
	"context"
	"math"
	"sort"
	"strings"

	"calibrate/internal/domain"
)

// The 9-box places EMs on two axes: where their composite stands against
// the bar, and how ready they are.
//
//   - Band, from the composite as the board shows it (rounded to two
//     decimals): below (composite < bar), at (bar ≤ composite < bar + 0.5),
//     above (composite ≥ bar + 0.5).
//   - Readiness column: ready_now, ready_6_12_months, and later, which holds
//     ready_12_24_months and not_yet. The decision where there is one, else
//     the suggestion.
//
// An EM without a composite, or with neither a decision nor a suggestion,
// is left out of the grid and listed as unplaced.

// Bands of the 9-box, from the top row down.
const (
	BandAbove = "above"
	BandAt    = "at"
	BandBelow = "below"
)

// ColumnLater is the 9-box column of ready_12_24_months and not_yet.
const ColumnLater = "later"

// NineBoxBands and NineBoxColumns are the grid's rows and columns in the
// order its boxes are listed.
var (
	NineBoxBands   = []string{BandAbove, BandAt, BandBelow}
	NineBoxColumns = []string{ColumnLater, string(domain.Ready6to12), string(domain.ReadyNow)}
)

// aboveMargin is how far over the bar a composite stands "above" it.
const aboveMargin = 0.5

// NineBoxItem is one EM to place. Bar is the bar of the EM's own framework,
// so that items of groups with different frameworks can share one grid.
type NineBoxItem struct {
	EMID string
	// Name orders the EMs within a box.
	Name      string
	Composite *float64
	Bar       float64
	// Readiness is the decision where there is one, else the suggestion;
	// nil when there is neither.
	Readiness *domain.Readiness
}

// NineBoxCell is one box of the grid.
type NineBoxCell struct {
	Band      string
	Readiness string
	Count     int
	// Percent is Count over the EMs placed in the grid, rounded to one
	// decimal; 0 when none is placed.
	Percent float64
	// EMIDs are sorted by the EMs' names.
	EMIDs []string
}

// NineBoxResult is the grid: always nine boxes, bands above, at, below,
// each with columns later, ready_6_12_months, ready_now.
type NineBoxResult struct {
	// Total is the number of EMs considered, placed or not.
	Total    int
	Boxes    []NineBoxCell
	Unplaced []string
}

// Band is where a composite stands against bar.
func Band(composite, bar float64) string {
	switch {
	case composite < bar-epsilon:
		return BandBelow
	case composite < bar+aboveMargin-epsilon:
		return BandAt
	}
	return BandAbove
}

// Column is the 9-box column of a readiness value.
func Column(r domain.Readiness) string {
	switch r {
	case domain.ReadyNow, domain.Ready6to12:
		return string(r)
	}
	return ColumnLater
}

// NineBox places the items in the grid. It is a pure function of them.
func NineBox(items []NineBoxItem) NineBoxResult {
	sorted := append([]NineBoxItem(nil), items...)
	sort.SliceStable(sorted, func(i, j int) bool {
		a, b := strings.ToLower(sorted[i].Name), strings.ToLower(sorted[j].Name)
		if a != b {
			return a < b
		}
		return sorted[i].EMID < sorted[j].EMID
	})
	res := NineBoxResult{Total: len(items), Boxes: make([]NineBoxCell, 0, 9), Unplaced: []string{}}
	index := map[[2]string]int{}
	for _, band := range NineBoxBands {
		for _, col := range NineBoxColumns {
			index[[2]string{band, col}] = len(res.Boxes)
			res.Boxes = append(res.Boxes, NineBoxCell{Band: band, Readiness: col, EMIDs: []string{}})
		}
	}
	placed := 0
	for _, it := range sorted {
		if it.Composite == nil || it.Readiness == nil || !it.Readiness.Valid() {
			res.Unplaced = append(res.Unplaced, it.EMID)
			continue
		}
		box := &res.Boxes[index[[2]string{Band(*it.Composite, it.Bar), Column(*it.Readiness)}]]
		box.Count++
		box.EMIDs = append(box.EMIDs, it.EMID)
		placed++
	}
	if placed > 0 {
		for i := range res.Boxes {
			res.Boxes[i].Percent = round1(float64(res.Boxes[i].Count) * 100 / float64(placed))
		}
	}
	return res
}

// CycleNineBox is a cycle's 9-box with its bar and guide.
type CycleNineBox struct {
	NineBoxResult
	// Bar is the bar of the cycle's framework.
	Bar int
	// Guide is the board's comparison with the distribution guide; nil
	// without a guide.
	Guide []domain.GuideLine
}

// NineBox builds the 9-box of a cycle from its board, for those who may
// read the board.
func (s *Cycles) NineBox(ctx context.Context, p domain.Principal, cycleID string) (CycleNineBox, error) {
	b, err := s.boardFor(ctx, p, cycleID, BoardQuery{}, GuestViewNineBox)
	if err != nil {
		return CycleNineBox{}, err
	}
	return CycleNineBox{NineBoxResult: NineBox(BoardNineBoxItems(b)), Bar: b.Framework.Scale.Bar, Guide: b.Guide}, nil
}

// BoardNineBoxItems are the board's rows as 9-box items.
func BoardNineBoxItems(b Board) []NineBoxItem {
	items := make([]NineBoxItem, len(b.Rows))
	bar := float64(b.Framework.Scale.Bar)
	for i, r := range b.Rows {
		rd := r.Decision
		if rd == nil {
			rd = r.Suggested
		}
		items[i] = NineBoxItem{EMID: r.EM.ID, Name: r.EM.Name, Composite: r.Composite, Bar: bar, Readiness: rd}
	}
	return items
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }
