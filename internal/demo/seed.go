package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"calibrate/internal/calibration"
	"calibrate/internal/domain"
	"calibrate/internal/store"
)

// SeedOptions size a synthetic organisation.
type SeedOptions struct {
	Org       string
	EMs       int
	Cycles    int // released cycles before the one in calibration
	Directors int
	Now       time.Time
}

// SeedResult tells what was made.
type SeedResult struct {
	OrgID   string
	Users   int
	Cycles  int
	Ratings int
}

// Seed adds a synthetic organisation to any database: directors
// director@ORG.test (director2@…, …), EMs em1@ORG.test…, cross-functional
// peers, an admin, Cycles released cycles with every rating, note and
// decision, and one cycle in calibration with everything filled in. A fixed
// random seed makes runs comparable; every password is DemoPassword.
func Seed(ctx context.Context, st *store.Store, h Hasher, o SeedOptions) (SeedResult, error) {
	if o.EMs < 1 || o.EMs > 10000 || o.Cycles < 0 || o.Cycles > 50 || o.Directors < 1 || o.Directors > 100 {
		return SeedResult{}, fmt.Errorf("seed: --ems 1..10000, --cycles 0..50, --directors 1..100")
	}
	if _, err := st.OrgByName(ctx, o.Org); err == nil {
		return SeedResult{}, fmt.Errorf("seed: organisation %q exists already", o.Org)
	}
	hash, err := h.Hash(ctx, DemoPassword)
	if err != nil {
		return SeedResult{}, err
	}
	var res SeedResult
	err = st.Tx(ctx, func(ctx context.Context) error {
		org, err := st.CreateOrg(ctx, o.Org)
		if err != nil {
			return err
		}
		fw, err := st.LatestFramework(ctx, org.ID, domain.DefaultFrameworkName)
		if err != nil {
			return err
		}
		//nolint:gosec // G404: a fixed seed makes the same demo on every start; nothing secret is drawn.
		g := &generator{rng: rand.New(rand.NewPCG(42, uint64(o.EMs)*1000+uint64(o.Cycles))), o: o, fw: fw, hash: hash,
			d: store.SeedData{OrgID: org.ID}}
		g.people(org.ID)
		g.history()
		res = SeedResult{OrgID: org.ID, Users: len(g.d.Users), Cycles: len(g.d.Cycles)}
		for _, a := range g.d.Assessments {
			res.Ratings += len(a.Ratings)
		}
		return st.InsertSeed(ctx, g.d)
	})
	return res, err
}

type generator struct {
	rng       *rand.Rand
	o         SeedOptions
	fw        domain.Framework
	hash      string
	d         store.SeedData
	directors []string
	ems       []seedEM
	peers     []domain.User
}

type seedEM struct {
	user     domain.User
	director string
	level    float64 // where the EM stands now, on the scale
	growth   float64 // how much they move each cycle
	past     []domain.PastCycle
}

func (g *generator) user(orgID, email, name string, role domain.Role, fn domain.Function, manager *string) domain.User {
	u := domain.User{ID: domain.NewID(), OrgID: orgID, Email: email, Name: name, Role: role, Function: fn,
		ManagerID: manager, Active: true, PasswordHash: g.hash, CreatedAt: g.o.Now, UpdatedAt: g.o.Now}
	g.d.Users = append(g.d.Users, u)
	return u
}

var firstNames = []string{"Ada", "Ben", "Cleo", "Dev", "Eli", "Fay", "Gus", "Hana", "Ian", "Jo", "Kai", "Lena", "Max", "Nia", "Oli", "Pia", "Quin", "Rae", "Sam", "Tess", "Uma", "Vic", "Wren", "Yara", "Zed"}
var lastNames = []string{"Adler", "Brook", "Chen", "Diaz", "Evans", "Fischer", "Garcia", "Haas", "Ito", "Jensen", "Khan", "Lopez", "Mori", "Novak", "Owens", "Patel", "Quist", "Rossi", "Silva", "Tanaka"}

func (g *generator) name(i int) string {
	return firstNames[i%len(firstNames)] + " " + lastNames[(i/len(firstNames))%len(lastNames)]
}

func (g *generator) people(orgID string) {
	slug := strings.ToLower(strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			return r
		}
		return '-'
	}, g.o.Org))
	mail := func(local string) string { return local + "@" + slug + ".test" }
	g.user(orgID, mail("admin"), "Admin of "+g.o.Org, domain.RoleAdmin, domain.FunctionOperations, nil)
	for i := 0; i < g.o.Directors; i++ {
		local := "director"
		if i > 0 {
			local = fmt.Sprintf("director%d", i+1)
		}
		d := g.user(orgID, mail(local), "Director "+g.name(i+7), domain.RoleDirector, domain.FunctionEngineering, nil)
		g.directors = append(g.directors, d.ID)
	}
	leniency := make([]float64, len(g.directors))
	for i := range leniency {
		leniency[i] = g.rng.NormFloat64() * 0.15
	}
	for i := 0; i < g.o.EMs; i++ {
		dir := g.directors[i%len(g.directors)]
		u := g.user(orgID, mail(fmt.Sprintf("em%d", i+1)), g.name(i), domain.RoleEM, domain.FunctionEngineering, &dir)
		months := 6 + g.rng.IntN(90)
		since := g.o.Now.AddDate(0, -months, 0).Format(domain.DateLayout)
		u.EMSince = &since
		g.d.Users[len(g.d.Users)-1].EMSince = &since
		start := 2.2 + g.rng.NormFloat64()*0.35 + leniency[i%len(g.directors)]
		g.ems = append(g.ems, seedEM{user: u, director: dir, level: start, growth: 0.04 + g.rng.Float64()*0.12})
	}
	fns := []domain.Function{domain.FunctionProduct, domain.FunctionDesign, domain.FunctionOperations}
	for i := 0; i < max(3, g.o.EMs/10); i++ {
		g.peers = append(g.peers, g.user(orgID, mail(fmt.Sprintf("peer%d", i+1)), "Partner "+g.name(i+11), domain.RolePeer, fns[i%3], nil))
	}
}

func (g *generator) history() {
	total := g.o.Cycles + 1
	for k := 0; k < total; k++ {
		// Cycles every six months, the last one now.
		start := g.o.Now.AddDate(0, -6*(total-1-k), -40)
		last := k == total-1
		c := domain.Cycle{ID: domain.NewID(), OrgID: g.d.OrgID, FrameworkID: g.fw.ID, LeadID: g.directors[0],
			Name: fmt.Sprintf("Cycle %d", k+1), State: domain.StateReleased, PeerAttribution: domain.AttributionByFunction,
			CreatedAt: start, UpdatedAt: start, Owners: g.directors}
		if last {
			c.State = domain.StateCalibrating
		} else {
			fin, rel := start.AddDate(0, 0, 30), start.AddDate(0, 0, 37)
			c.FinalizedAt, c.ReleasedAt = &fin, &rel
		}
		for i := range g.ems {
			em := &g.ems[i]
			c.Participants = append(c.Participants, domain.Participant{EMID: em.user.ID, DirectorID: em.director})
			g.cycleOf(c, em, start.AddDate(0, 0, 20), last)
			em.level += em.growth + g.rng.NormFloat64()*0.05
		}
		g.d.Cycles = append(g.d.Cycles, c)
	}
}

// cycleOf writes one EM's ratings, self-assessment, notes and decision.
func (g *generator) cycleOf(c domain.Cycle, em *seedEM, at time.Time, last bool) {
	sc := g.fw.Scale
	score := func(shift float64) int {
		v := int(math.Round(em.level + shift + g.rng.NormFloat64()*0.45))
		return min(sc.Max, max(sc.Min, v))
	}
	dir := domain.Assessment{ID: domain.NewID(), CycleID: c.ID, EMID: em.user.ID, Kind: domain.KindDirectorAssessment,
		AuthorID: em.director, Version: 1, UpdatedAt: &at}
	self := domain.Assessment{ID: domain.NewID(), CycleID: c.ID, EMID: em.user.ID, Kind: domain.KindSelfAssessment,
		AuthorID: em.user.ID, Version: 1, UpdatedAt: &at}
	facts := calibration.EMFacts{Framework: g.fw, Director: map[string]domain.Rating{}, Self: map[string]domain.Rating{},
		Past: em.past, EMSince: em.user.EMSince, Now: at}
	below := 0
	for i, crit := range g.fw.Criteria {
		s := score(0)
		ev := evidence(crit.Key, s, fmt.Sprintf("project %s", strings.ToUpper(string(rune('A'+i)))))
		if g.rng.IntN(20) == 0 {
			ev = "See last 1:1 notes."
		}
		r := domain.Rating{Criterion: crit.Key, Score: s, Evidence: ev}
		dir.Ratings = append(dir.Ratings, r)
		facts.Director[crit.Key] = r
		if s < sc.Bar {
			below++
		}
		selfScore := min(sc.Max, max(sc.Min, s+[]int{-1, 0, 0, 0, 1, 1, 2}[g.rng.IntN(7)]))
		sr := domain.Rating{Criterion: crit.Key, Score: selfScore, Evidence: "In my view: " + ev}
		self.Ratings = append(self.Ratings, sr)
		facts.Self[crit.Key] = sr
	}
	g.d.Assessments = append(g.d.Assessments, dir, self)
	for j := 0; j < 2; j++ {
		peer := g.peers[g.rng.IntN(len(g.peers))]
		req := domain.PeerRequest{ID: domain.NewID(), CycleID: c.ID, EMID: em.user.ID, PeerID: peer.ID,
			RequestedBy: em.director, Status: domain.RequestOpen, CreatedAt: at, UpdatedAt: at}
		if j == 1 && g.rng.IntN(5) == 0 {
			continue // one request per EM some cycles
		}
		if j == 1 && peer.ID == g.d.Requests[len(g.d.Requests)-1].PeerID {
			continue // the same peer twice is not allowed
		}
		if g.rng.IntN(10) < 8 {
			req.Status = domain.RequestAnswered
			adv := domain.AdvocacyNeutral
			switch v := em.level + g.rng.NormFloat64()*0.4; {
			case v >= 3.2:
				adv = domain.AdvocacyStrong
			case v >= 2.7:
				adv = domain.AdvocacySupport
			case v < 2.1:
				adv = domain.AdvocacyConcern
			}
			crit := g.fw.Criteria[g.rng.IntN(len(g.fw.Criteria))].Key
			n := domain.PeerNote{RequestID: req.ID, CycleID: c.ID, EMID: em.user.ID, AuthorID: peer.ID, Advocacy: adv,
				Criteria: []string{crit}, Body: noteBodies[g.rng.IntN(len(noteBodies))], CreatedAt: at, UpdatedAt: at}
			g.d.Notes = append(g.d.Notes, n)
			facts.Notes = append(facts.Notes, n)
		}
		g.d.Requests = append(g.d.Requests, req)
	}
	// The director mostly follows the suggestion, sometimes one step more
	// cautious, as people do.
	r := *facts.Suggest()
	if g.rng.IntN(6) == 0 && r.Rank() < len(domain.Readinesses)-1 {
		r = domain.Readinesses[r.Rank()+1]
	}
	g.d.Decisions = append(g.d.Decisions, domain.Decision{ID: domain.NewID(), CycleID: c.ID, EMID: em.user.ID,
		DirectorID: em.director, Readiness: r, Rationale: rationale(r), Version: 1, UpdatedAt: &at})
	if !last {
		em.past = append(em.past, domain.PastCycle{EMID: em.user.ID, CycleID: c.ID, CycleName: c.Name, State: c.State,
			FinalizedAt: c.FinalizedAt, ReleasedAt: c.ReleasedAt, Readiness: &r, Rated: len(g.fw.Criteria), Below: below})
	}
}

var noteBodies = []string{
	"Reliable partner in planning; trade-offs are explained in terms of customer impact.",
	"Brings design in early and protects research time even when the roadmap is tight.",
	"Incident follow-ups from this team are thorough and shared with operations.",
	"Hand-offs with my team have been bumpy this half; priorities changed without notice.",
	"Clear, calm communication during the launch; escalations were rare and well framed.",
	"Would like to see more initiative on cross-team dependencies before they block us.",
}
