package calibration

import (
	"context"
	"slices"
	"strings"
	"time"

	"calibrate/internal/domain"
)

// Who moved whom: how the decisions of a calibration moved between each
// EM's first recorded decision and the final one, in total, per level
// (the directors' session, then a roll-up above it), per director and per
// group of EMs. Counting is a pure function of one ShiftItem per EM, so a
// roll-up counts its own sources with the same rules.

// Shift levels.
const (
	ShiftLevelDirectorSession = "director_session"
	ShiftLevelRollup          = "rollup"
)

// Group kinds. A kind is a way to split the EMs into groups; an
// organisation's own user attributes can be added as further kinds.
const (
	ShiftKindAdvocateFunction = "advocate_function"
	ShiftKindTenure           = "tenure"
)

// ShiftGroupNone is the advocate_function group of EMs without a note.
const ShiftGroupNone = "none"

// Tenure groups, from em_since to the as-of date.
const (
	TenureUnder1    = "under_1_year"
	Tenure1To2      = "1_to_2_years"
	Tenure2To4      = "2_to_4_years"
	Tenure4OrMore   = "4_years_or_more"
	TenureUnknown   = "unknown"
	minShiftedGroup = 4
)

// shiftKinds lists every kind with its groups, in the order they are
// shown.
var shiftKinds = []struct {
	kind   string
	groups []string
}{
	{ShiftKindAdvocateFunction, []string{string(domain.FunctionProduct), string(domain.FunctionDesign),
		string(domain.FunctionOperations), string(domain.FunctionEngineering), string(domain.FunctionOther), ShiftGroupNone}},
	{ShiftKindTenure, []string{TenureUnder1, Tenure1To2, Tenure2To4, Tenure4OrMore, TenureUnknown}},
}

// ShiftItem is one decided EM: their director, the readiness of their
// first recorded decision, the director's final one (before any roll-up
// changed it) and the final one; the function of their strongest
// advocate ("" or ShiftGroupNone without a note) and when they became an
// EM.
type ShiftItem struct {
	EMID             string
	Director         domain.Ref
	First            domain.Readiness
	DirectorFinal    domain.Readiness
	Final            domain.Readiness
	AdvocateFunction string
	EMSince          *string
}

// ShiftCounts counts EMs moved up (more ready), down and unchanged.
type ShiftCounts struct {
	Up, Down, Unchanged int
}

func (c *ShiftCounts) add(from, to domain.Readiness) {
	switch a, b := from.Rank(), to.Rank(); {
	case b < a:
		c.Up++
	case b > a:
		c.Down++
	default:
		c.Unchanged++
	}
}

type LevelShifts struct {
	Level string
	ShiftCounts
}

type DirectorShifts struct {
	Director domain.Ref
	ShiftCounts
}

// GroupShifts is one group's moves; a group of fewer than four EMs has no
// counts (Counts nil), so that nobody in it is identified.
type GroupShifts struct {
	Kind       string
	Group      string
	FewerThan4 bool
	Counts     *ShiftCounts
}

// Shifts is who moved whom.
type Shifts struct {
	Total     ShiftCounts
	Levels    []LevelShifts
	Directors []DirectorShifts
	Groups    []GroupShifts
}

// CountShifts counts the moves of items: the total, the directors' and
// groups' from first to final; the levels director_session (first →
// director's final) and rollup (director's final → final). Tenure is
// taken as of asOf. Directors are listed by name, groups in a fixed order,
// every group shown even when empty.
func CountShifts(items []ShiftItem, asOf time.Time) Shifts {
	out := Shifts{Directors: []DirectorShifts{}, Groups: []GroupShifts{}}
	session, rollup := ShiftCounts{}, ShiftCounts{}
	byDirector := map[string]*DirectorShifts{}
	groups := map[[2]string]*ShiftCounts{}
	members := map[[2]string]int{}
	for _, it := range items {
		out.Total.add(it.First, it.Final)
		session.add(it.First, it.DirectorFinal)
		rollup.add(it.DirectorFinal, it.Final)
		d, ok := byDirector[it.Director.ID]
		if !ok {
			d = &DirectorShifts{Director: it.Director}
			byDirector[it.Director.ID] = d
		}
		d.add(it.First, it.Final)
		advocate := it.AdvocateFunction
		if advocate == "" {
			advocate = ShiftGroupNone
		}
		for _, k := range [][2]string{{ShiftKindAdvocateFunction, advocate}, {ShiftKindTenure, TenureBand(it.EMSince, asOf)}} {
			c, ok := groups[k]
			if !ok {
				c = &ShiftCounts{}
				groups[k] = c
			}
			c.add(it.First, it.Final)
			members[k]++
		}
	}
	out.Levels = []LevelShifts{{ShiftLevelDirectorSession, session}, {ShiftLevelRollup, rollup}}
	for _, d := range byDirector {
		out.Directors = append(out.Directors, *d)
	}
	slices.SortFunc(out.Directors, func(a, b DirectorShifts) int {
		if c := strings.Compare(strings.ToLower(a.Director.Name), strings.ToLower(b.Director.Name)); c != 0 {
			return c
		}
		return strings.Compare(a.Director.ID, b.Director.ID)
	})
	for _, k := range shiftKinds {
		for _, g := range k.groups {
			key := [2]string{k.kind, g}
			gs := GroupShifts{Kind: k.kind, Group: g, FewerThan4: members[key] < minShiftedGroup}
			if !gs.FewerThan4 {
				c := *groups[key]
				gs.Counts = &c
			}
			out.Groups = append(out.Groups, gs)
		}
	}
	return out
}

// TenureBand is the tenure group of an EM who became one on emSince
// (YYYY-MM-DD), as of asOf: under a year (a date after asOf included),
// one to two, two to four, four or more; unknown without a date.
func TenureBand(emSince *string, asOf time.Time) string {
	if emSince == nil {
		return TenureUnknown
	}
	since, err := time.Parse(time.DateOnly, *emSince)
	if err != nil {
		return TenureUnknown
	}
	day := boardDay(asOf)
	switch {
	case since.AddDate(1, 0, 0).After(day):
		return TenureUnder1
	case since.AddDate(2, 0, 0).After(day):
		return Tenure1To2
	case since.AddDate(4, 0, 0).After(day):
		return Tenure2To4
	}
	return Tenure4OrMore
}

// advocacyStrength orders the advocacy of notes, strongest first.
func advocacyStrength(a domain.Advocacy) int {
	for i, v := range domain.Advocacies {
		if v == a {
			return len(domain.Advocacies) - i
		}
	}
	return 0
}

// AdvocateFunctions is, per EM, the function of the author of the note
// about them with the strongest advocacy (strong, support, neutral,
// concern; between equals, the earliest note). An author without a
// function counts as other; an EM without a note is not in the map.
func AdvocateFunctions(notes []domain.PeerNote, people map[string]domain.User) map[string]string {
	best := map[string]domain.PeerNote{}
	for _, n := range notes {
		b, ok := best[n.EMID]
		if !ok || advocacyStrength(n.Advocacy) > advocacyStrength(b.Advocacy) ||
			advocacyStrength(n.Advocacy) == advocacyStrength(b.Advocacy) && n.CreatedAt.Before(b.CreatedAt) {
			best[n.EMID] = n
		}
	}
	out := make(map[string]string, len(best))
	for em, n := range best {
		f := people[n.AuthorID].Function
		if !f.Valid() {
			f = domain.FunctionOther
		}
		out[em] = string(f)
	}
	return out
}

// DecisionHistory reads, from a cycle's decision.write and decision.rollup
// audit entries (in any order), each EM's first recorded readiness (the
// first decision.write's) and, when a roll-up changed the decision, the
// director's final one (the readiness before the first decision.rollup).
func DecisionHistory(entries []domain.AuditEntry) (first, directorFinal map[string]domain.Readiness) {
	sorted := slices.Clone(entries)
	slices.SortFunc(sorted, func(a, b domain.AuditEntry) int {
		switch {
		case a.Seq < b.Seq:
			return -1
		case a.Seq > b.Seq:
			return 1
		}
		return 0
	})
	first, directorFinal = map[string]domain.Readiness{}, map[string]domain.Readiness{}
	for _, e := range sorted {
		if e.EMID == nil {
			continue
		}
		em := *e.EMID
		var v struct {
			Readiness domain.Readiness `json:"readiness"`
		}
		switch e.Action {
		case ActionDecisionWrite:
			if _, ok := first[em]; !ok && decode(e.After, &v) && v.Readiness.Valid() {
				first[em] = v.Readiness
			}
		case ActionDecisionRollup:
			if _, ok := directorFinal[em]; !ok && decode(e.Before, &v) && v.Readiness.Valid() {
				directorFinal[em] = v.Readiness
			}
		}
	}
	return first, directorFinal
}

// Audit actions of decisions: a director's write, a roll-up's change.
const (
	ActionDecisionWrite  = "decision.write"
	ActionDecisionRollup = "decision.rollup"
)

// Shifts counts who moved whom in the cycle, for its owners and the
// organisation's admins. EMs without a decision are left out; an EM whose
// decision has no recorded write (written before the record began) counts
// as unchanged in the session. Tenure is as of the cycle's finalization,
// or today while it is not finalized.
func (s *Cycles) Shifts(ctx context.Context, p domain.Principal, cycleID string) (Shifts, error) {
	c, err := s.owned(ctx, p, cycleID)
	if err != nil {
		return Shifts{}, err
	}
	items, err := s.shiftItems(ctx, c)
	if err != nil {
		return Shifts{}, err
	}
	asOf := s.clock.Now()
	if c.FinalizedAt != nil {
		asOf = *c.FinalizedAt
	}
	return CountShifts(items, asOf), nil
}

// shiftItems are the cycle's decided participants as shifts count them.
func (s *Cycles) shiftItems(ctx context.Context, c domain.Cycle) ([]ShiftItem, error) {
	decisions, err := s.store.Decisions(ctx, c.OrgID, []string{c.ID})
	if err != nil {
		return nil, err
	}
	f := domain.AuditFilter{OrgID: c.OrgID, CycleID: c.ID, Actions: []string{ActionDecisionWrite, ActionDecisionRollup}}
	entries, err := domain.Gather(domain.MaxPageLimit, 0, func(page domain.Page) (domain.List[domain.AuditEntry], error) {
		return s.activity.ListAudit(ctx, f, page)
	})
	if err != nil {
		return nil, err
	}
	notes, err := s.store.NotesOf(ctx, c.OrgID, []string{c.ID})
	if err != nil {
		return nil, err
	}
	ids := []string{}
	for _, pt := range c.Participants {
		ids = append(ids, pt.EMID, pt.DirectorID)
	}
	for _, n := range notes {
		ids = append(ids, n.AuthorID)
	}
	people, err := s.store.UsersByID(ctx, c.OrgID, ids)
	if err != nil {
		return nil, err
	}
	first, directorFinal := DecisionHistory(entries)
	advocates := AdvocateFunctions(notes, people)
	final := make(map[string]domain.Readiness, len(decisions))
	for _, d := range decisions {
		if d.Version > 0 && d.Readiness.Valid() {
			final[d.EMID] = d.Readiness
		}
	}
	items := make([]ShiftItem, 0, len(c.Participants))
	for _, pt := range c.Participants {
		fin, ok := final[pt.EMID]
		if !ok {
			continue
		}
		it := ShiftItem{EMID: pt.EMID, Director: domain.Ref{ID: pt.DirectorID, Name: people[pt.DirectorID].Name},
			Final: fin, DirectorFinal: fin, AdvocateFunction: advocates[pt.EMID], EMSince: people[pt.EMID].EMSince}
		if df, ok := directorFinal[pt.EMID]; ok {
			it.DirectorFinal = df
		}
		it.First = it.DirectorFinal
		if f, ok := first[pt.EMID]; ok {
			it.First = f
		}
		items = append(items, it)
	}
	return items, nil
}
