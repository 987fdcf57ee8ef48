package calibration

import (
	"context"
	"maps"
	"math"
	"slices"
	"sort"
	"strings"
	"time"

	"calibrate/internal/domain"
)

// BoardStore is what the board reads, in a fixed number of queries
// whatever the number of participants.
type BoardStore interface {
	CycleSnapshot(ctx context.Context, orgID, id string) (domain.Cycle, map[string]domain.User, []domain.Decision, map[string]bool, error)
	CycleRatings(ctx context.Context, orgID, cycleID string) ([]domain.RatingRow, error)
	PastCycles(ctx context.Context, orgID string, emIDs []string, except string) ([]domain.PastCycle, error)
	// RecentPastCycles may leave out any past cycle but the last `last`
	// and the latest clean one: all that the readiness rules read.
	RecentPastCycles(ctx context.Context, orgID string, emIDs []string, except string, last int) ([]domain.PastCycle, error)
	DirectorMeanSince(ctx context.Context, orgID string, since time.Time) (*float64, error)
	MemberChanges(ctx context.Context, orgID, cycleID string, limit int) ([]domain.MemberChange, error)
	// OrgHead is the seq of the organisation's latest audit entry: it moves
	// with every write (see boardcache.go).
	OrgHead(ctx context.Context, orgID string) (int64, error)
}

// Board is the calibration board of a cycle.
type Board struct {
	Cycle        domain.Cycle
	Framework    domain.Framework
	Rows         []BoardRow
	Distribution map[string]int
	Raters       []RaterStats
	OrgMean      *float64
	// Guide compares the decisions with the cycle's distribution guide,
	// out of every participant; nil when the cycle has no guide.
	Guide []domain.GuideLine
	// Notices are the admins' changes to the cycle's people while it was
	// unfinished, newest first; only Board fills them.
	Notices []Notice
}

type BoardRow struct {
	EM               domain.Ref
	DirectorID       string
	Scores           map[string]CriterionScores
	Composite        *float64
	EvidenceCoverage *float64
	Suggested        *domain.Readiness
	Decision         *domain.Readiness
	Previous         *domain.Readiness
	Flags            []Flag
	Prereads         []PrereadView
	// Discussed says the owners marked the EM discussed in the meeting.
	Discussed bool
}

// PrereadView is an owner's pre-read as the board shows it.
type PrereadView struct {
	Owner   domain.Ref
	Stance  domain.Stance
	Comment *string
}

type CriterionScores struct {
	Director *int
	Self     *int
	Peer     PeerCounts
}

type RaterStats struct {
	Director domain.Ref
	Mean     *float64
	Stdev    *float64
	Count    int
}

// BoardQuery sorts and filters the rows.
type BoardQuery struct {
	Sort      string // name, composite, -composite, flags, readiness
	Flag      string // only rows raising this flag
	Readiness string // only rows whose decision (or, undecided, suggestion) is this
}

var boardSorts = []string{"", "name", "composite", "-composite", "flags", "readiness"}

// Board builds the board for the cycle's owners, the organisation's
// admins and the cycle's guests. A board already built at the
// organisation's current audit head, today, is answered again without
// being rebuilt (see boardcache.go).
func (s *Cycles) Board(ctx context.Context, p domain.Principal, cycleID string, q BoardQuery) (Board, error) {
	return s.boardFor(ctx, p, cycleID, q, GuestViewBoard)
}

// PrintBoard is the board to print, for the owners and admins (not for
// guests, who read it on screen).
func (s *Cycles) PrintBoard(ctx context.Context, p domain.Principal, cycleID string) (Board, error) {
	return s.boardFor(ctx, p, cycleID, BoardQuery{}, "")
}

// boardFor is the board as boardReader admits p to it under view.
func (s *Cycles) boardFor(ctx context.Context, p domain.Principal, cycleID string, q BoardQuery, view string) (Board, error) {
	if err := q.validate(); err != nil {
		return Board{}, err
	}
	b, err := s.builtBoard(ctx, p.OrgID, cycleID, func(c domain.Cycle) error {
		return s.boardReader(ctx, p, c, view)
	})
	if err != nil {
		return Board{}, err
	}
	b.Rows = q.apply(b.Rows)
	return b, nil
}

// builtBoard is the board of a cycle, in the board's default order, once
// allow lets the cycle be read: from the cache when it holds it at the
// organisation's head today, else built.
func (s *Cycles) builtBoard(ctx context.Context, orgID, cycleID string, allow func(domain.Cycle) error) (Board, error) {
	head, err := s.board.OrgHead(ctx, orgID)
	if err != nil {
		return Board{}, err
	}
	today := boardDay(s.clock.Now())
	key, day := boardKey{org: orgID, cycle: cycleID}, today.Format(time.DateOnly)
	b, ok := s.boards.get(key, head, day)
	if ok {
		if err := allow(b.Cycle); err != nil {
			return Board{}, err
		}
		return b, nil
	}
	// One query gives the cycle, its members, decisions and meeting
	// marks: the board costs the same few round trips whatever the
	// number of participants. Who may see it is checked before any
	// more is read.
	c, people, decisions, discussed, err := s.board.CycleSnapshot(ctx, orgID, cycleID)
	if err != nil {
		return Board{}, err
	}
	if err := allow(c); err != nil {
		return Board{}, err
	}
	// The build is shared with the readers who miss at the same
	// moment: one of them leaving does not cancel it for the others.
	shared := context.WithoutCancel(ctx)
	return s.boards.build(key, head, day, func() (Board, error) {
		return s.buildBoard(shared, c, people, decisions, discussed, today)
	})
}

func (q BoardQuery) validate() error {
	f := domain.Fields{}
	ok := false
	for _, v := range boardSorts {
		ok = ok || v == q.Sort
	}
	if !ok {
		f.Add("sort", "must be name, composite, -composite, flags or readiness")
	}
	if q.Flag != "" && !knownFlag(q.Flag) {
		f.Add("flag", "is not a flag code")
	}
	if q.Readiness != "" && q.Readiness != "undecided" && !domain.Readiness(q.Readiness).Valid() {
		f.Add("readiness", "must be a readiness value or undecided")
	}
	return f.Err()
}

func knownFlag(code string) bool {
	for _, c := range FlagCodes {
		if c == code {
			return true
		}
	}
	return false
}

// buildBoard derives the board from the cycle's rows as of the day `now`.
func (s *Cycles) buildBoard(ctx context.Context, c domain.Cycle, people map[string]domain.User, decisions []domain.Decision,
	discussed map[string]bool, now time.Time) (Board, error) {
	fw, err := s.store.Framework(ctx, c.OrgID, c.FrameworkID)
	if err != nil {
		return Board{}, err
	}
	emIDs := make([]string, 0, len(c.Participants))
	for _, pt := range c.Participants {
		emIDs = append(emIDs, pt.EMID)
	}
	ratings, err := s.board.CycleRatings(ctx, c.OrgID, c.ID)
	if err != nil {
		return Board{}, err
	}
	notes, err := s.store.NotesOf(ctx, c.OrgID, []string{c.ID})
	if err != nil {
		return Board{}, err
	}
	// Only the recent past: a long history costs the board nothing more.
	past, err := s.board.RecentPastCycles(ctx, c.OrgID, emIDs, c.ID, stalledCycles-1)
	if err != nil {
		return Board{}, err
	}
	prereads, err := s.prereads.Prereads(ctx, c.OrgID, c.ID)
	if err != nil {
		return Board{}, err
	}
	orgMean, err := s.board.DirectorMeanSince(ctx, c.OrgID, now.AddDate(-1, 0, 0))
	if err != nil {
		return Board{}, err
	}

	facts := make(map[string]*EMFacts, len(c.Participants))
	directorOf := make(map[string]string, len(c.Participants))
	for _, pt := range c.Participants {
		u := people[pt.EMID]
		facts[pt.EMID] = &EMFacts{Framework: fw, Director: make(map[string]domain.Rating, len(fw.Criteria)),
			Self: make(map[string]domain.Rating, len(fw.Criteria)), EMSince: u.EMSince, Now: now}
		directorOf[pt.EMID] = pt.DirectorID
	}
	for _, r := range ratings {
		f, ok := facts[r.EMID]
		if !ok {
			continue
		}
		rating := domain.Rating{Criterion: r.Criterion, Score: r.Score, Evidence: r.Evidence}
		if r.Kind == domain.KindSelfAssessment {
			f.Self[r.Criterion] = rating
		} else {
			f.Director[r.Criterion] = rating
		}
	}
	// Each owner's director scores, by EM id then criterion key (the
	// ratings come in no order; the spread is summed in this one).
	byDirector := map[string][]int{}
	ids := slices.Sorted(maps.Keys(facts))
	for _, id := range ids {
		f := facts[id]
		d := directorOf[id]
		for _, key := range slices.Sorted(maps.Keys(f.Director)) {
			byDirector[d] = append(byDirector[d], f.Director[key].Score)
		}
	}
	for _, n := range notes {
		if f, ok := facts[n.EMID]; ok {
			f.Notes = append(f.Notes, n)
		}
	}
	for i := range decisions {
		if f, ok := facts[decisions[i].EMID]; ok {
			f.Decision = &decisions[i].Readiness
		}
	}
	for _, pc := range past {
		if f, ok := facts[pc.EMID]; ok {
			f.Past = append(f.Past, pc)
		}
	}
	for _, pr := range prereads {
		if f, ok := facts[pr.EMID]; ok {
			f.Prereads = append(f.Prereads, pr)
		}
	}

	b := Board{Cycle: c, Framework: fw, OrgMean: roundPtr(orgMean), Distribution: map[string]int{"undecided": 0}}
	for _, r := range domain.Readinesses {
		b.Distribution[string(r)] = 0
	}
	for _, pt := range c.Participants {
		f := facts[pt.EMID]
		row := BoardRow{EM: domain.Ref{ID: pt.EMID, Name: people[pt.EMID].Name}, DirectorID: pt.DirectorID,
			Scores: make(map[string]CriterionScores, len(fw.Criteria)), Composite: f.CompositeOf(), EvidenceCoverage: f.EvidenceCoverage(),
			Suggested: f.Suggest(), Decision: f.Decision, Previous: f.Previous(), Flags: f.Flags(), Prereads: []PrereadView{}}
		for _, pr := range f.Prereads {
			row.Prereads = append(row.Prereads, PrereadView{Owner: domain.Ref{ID: pr.OwnerID, Name: people[pr.OwnerID].Name},
				Stance: pr.Stance, Comment: pr.Comment})
		}
		for _, crit := range fw.Criteria {
			var cs CriterionScores
			if r, ok := f.Director[crit.Key]; ok {
				v := r.Score
				cs.Director = &v
			}
			if r, ok := f.Self[crit.Key]; ok {
				v := r.Score
				cs.Self = &v
			}
			for _, n := range f.Notes {
				for _, k := range n.Criteria {
					if k == crit.Key {
						cs.Peer.Add(n.Advocacy)
					}
				}
			}
			row.Scores[crit.Key] = cs
		}
		if f.Decision != nil {
			b.Distribution[string(*f.Decision)]++
		} else {
			b.Distribution["undecided"]++
		}
		row.Discussed = discussed[pt.EMID]
		b.Rows = append(b.Rows, row)
	}
	b.Guide = GuideLines(c.DistributionGuide, participantDecisions(c, decisions), len(c.Participants))
	for _, o := range c.Owners {
		b.Raters = append(b.Raters, raterStats(domain.Ref{ID: o, Name: people[o].Name}, byDirector[o]))
	}
	// One more statement, whatever the size of the cycle.
	changes, err := s.board.MemberChanges(ctx, c.OrgID, c.ID, maxNotices)
	if err != nil {
		return Board{}, err
	}
	b.Notices = noticesOf(changes)
	return b, nil
}

func raterStats(who domain.Ref, scores []int) RaterStats {
	st := RaterStats{Director: who, Count: len(scores)}
	if len(scores) == 0 {
		return st
	}
	var sum float64
	for _, v := range scores {
		sum += float64(v)
	}
	mean := sum / float64(len(scores))
	var sq float64
	for _, v := range scores {
		sq += (float64(v) - mean) * (float64(v) - mean)
	}
	m, sd := round2(mean), round2(math.Sqrt(sq/float64(len(scores))))
	st.Mean, st.Stdev = &m, &sd
	return st
}

func roundPtr(v *float64) *float64 {
	if v == nil {
		return nil
	}
	r := round2(*v)
	return &r
}

// apply filters and sorts rows; the default order is by name.
func (q BoardQuery) apply(rows []BoardRow) []BoardRow {
	out := rows[:0:0]
	for _, r := range rows {
		if q.Flag != "" && !r.has(q.Flag) {
			continue
		}
		if q.Readiness != "" && !r.matchesReadiness(q.Readiness) {
			continue
		}
		out = append(out, r)
	}
	// Sorted through an index, with each name lower-cased once: the rows
	// are large and a board has hundreds.
	lower := make([]string, len(out))
	order := make([]int, len(out))
	for i := range out {
		lower[i], order[i] = strings.ToLower(out[i].EM.Name), i
	}
	sort.SliceStable(order, func(x, y int) bool {
		i, j := order[x], order[y]
		a, b := &out[i], &out[j]
		switch q.Sort {
		case "composite", "-composite":
			ca, cb := compositeOr(*a, q.Sort), compositeOr(*b, q.Sort)
			if ca != cb {
				if q.Sort == "composite" {
					return ca < cb
				}
				return ca > cb
			}
		case "flags":
			if len(a.Flags) != len(b.Flags) {
				return len(a.Flags) > len(b.Flags)
			}
		case "readiness":
			ra, rb := readinessRank(*a), readinessRank(*b)
			if ra != rb {
				return ra < rb
			}
		}
		return lower[i] < lower[j]
	})
	sorted := make([]BoardRow, len(out))
	for k, i := range order {
		sorted[k] = out[i]
	}
	return sorted
}

// compositeOr puts rows without a composite last in either direction.
func compositeOr(r BoardRow, sort string) float64 {
	if r.Composite == nil {
		if sort == "composite" {
			return math.Inf(1)
		}
		return math.Inf(-1)
	}
	return *r.Composite
}

func readinessRank(r BoardRow) int {
	if r.Decision != nil {
		return r.Decision.Rank()
	}
	if r.Suggested != nil {
		return r.Suggested.Rank()
	}
	return len(domain.Readinesses)
}

// matchesReadiness: "undecided" keeps the rows without a decision, as the
// distribution counts them; a readiness value keeps the rows decided so,
// and the undecided rows whose suggestion it is.
func (r BoardRow) matchesReadiness(want string) bool {
	switch {
	case want == "undecided":
		return r.Decision == nil
	case r.Decision != nil:
		return string(*r.Decision) == want
	}
	return r.Suggested != nil && string(*r.Suggested) == want
}

func (r BoardRow) has(code string) bool {
	for _, f := range r.Flags {
		if f.Code == code {
			return true
		}
	}
	return false
}
