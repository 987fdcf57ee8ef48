package calibration

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// The thresholds of the board and readiness rules, named once.
const (
	minEvidenceChars   = 20
	selfGapThreshold   = 2
	strongNotesForFlag = 2
	shortTenureMonths  = 24
	stalledCycles      = 3
	epsilon            = 1e-9
)

// Flag codes of the board.
const (
	FlagIncomplete      = "incomplete"
	FlagMissingEvidence = "missing_evidence"
	FlagSelfGap         = "self_gap"
	FlagPeerDivergence  = "peer_divergence"
	FlagNoPeerInput     = "no_peer_input"
	FlagBigMove         = "big_move"
	FlagStalled         = "stalled"
	FlagShortTenure     = "short_tenure"
	FlagLanguage        = "language"
	FlagQuestioned      = "questioned"
)

// FlagCodes lists every code the board can raise, in agenda order.
var FlagCodes = []string{FlagQuestioned, FlagPeerDivergence, FlagBigMove, FlagSelfGap, FlagMissingEvidence,
	FlagLanguage, FlagIncomplete, FlagStalled, FlagNoPeerInput, FlagShortTenure}

// Flag is one reason a row needs attention.
type Flag struct {
	Code      string
	Criterion *string
	Message   string
}

// PeerCounts counts notes by advocacy (a struct, not a map: a board holds
// one per EM and criterion).
type PeerCounts struct {
	Strong, Support, Neutral, Concern int
}

// Add counts a note of advocacy a.
func (p *PeerCounts) Add(a domain.Advocacy) {
	switch a {
	case domain.AdvocacyStrong:
		p.Strong++
	case domain.AdvocacySupport:
		p.Support++
	case domain.AdvocacyNeutral:
		p.Neutral++
	case domain.AdvocacyConcern:
		p.Concern++
	}
}

// Of is the number of notes of advocacy a.
func (p PeerCounts) Of(a domain.Advocacy) int {
	switch a {
	case domain.AdvocacyStrong:
		return p.Strong
	case domain.AdvocacySupport:
		return p.Support
	case domain.AdvocacyNeutral:
		return p.Neutral
	case domain.AdvocacyConcern:
		return p.Concern
	}
	return 0
}

// EMFacts is everything the readiness rules look at for one EM in one
// cycle. It holds no database handle: the rules are pure functions.
type EMFacts struct {
	Framework domain.Framework
	Director  map[string]domain.Rating // by criterion
	Self      map[string]domain.Rating
	Notes     []domain.PeerNote // notes about the EM in this cycle
	Decision  *domain.Readiness
	// Past are finished cycles before this one, oldest first: at least the
	// last stalledCycles-1 of them and the latest clean one, which is all
	// that the rules read (Previous, stalled, and sustained in Suggest).
	Past     []domain.PastCycle
	EMSince  *string
	Now      time.Time
	Prereads []domain.Preread
}

// CompositeOf is the weighted mean of the director's scores.
func (f EMFacts) CompositeOf() *float64 {
	rs := make([]domain.Rating, 0, len(f.Director))
	for _, r := range f.Director {
		rs = append(rs, r)
	}
	return Composite(f.Framework, rs)
}

// exactComposite is the unrounded weighted mean, for comparisons.
func (f EMFacts) exactComposite() (float64, bool) {
	var sum, total float64
	for _, c := range f.Framework.Criteria {
		if r, ok := f.Director[c.Key]; ok {
			sum += c.Weight * float64(r.Score)
			total += c.Weight
		}
	}
	if total == 0 {
		return 0, false
	}
	return sum / total, true
}

// EvidenceCoverage is the share of all the framework's criteria that are
// rated with real evidence: an unrated criterion lowers it as much as a
// rating without evidence, so that 100% means the whole assessment is
// backed. Null until the director rated something.
func (f EMFacts) EvidenceCoverage() *float64 {
	if len(f.Director) == 0 || len(f.Framework.Criteria) == 0 {
		return nil
	}
	ok := 0
	for _, c := range f.Framework.Criteria {
		if r, rated := f.Director[c.Key]; rated && hasEvidence(r.Evidence) {
			ok++
		}
	}
	v := round2(float64(ok) / float64(len(f.Framework.Criteria)))
	return &v
}

func hasEvidence(s string) bool { return utf8.RuneCountInString(s) >= minEvidenceChars }

// Previous is the decision of the most recent finished cycle before this one.
func (f EMFacts) Previous() *domain.Readiness {
	if n := len(f.Past); n > 0 {
		return f.Past[n-1].Readiness
	}
	return nil
}

// Suggest applies the readiness suggestion rule; nil while any
// criterion is unrated.
func (f EMFacts) Suggest() *domain.Readiness {
	if len(f.Framework.Criteria) == 0 {
		return nil
	}
	below := 0
	for _, c := range f.Framework.Criteria {
		r, ok := f.Director[c.Key]
		if !ok {
			return nil
		}
		if r.Score < f.Framework.Scale.Bar {
			below++
		}
	}
	composite, _ := f.exactComposite()
	bar := float64(f.Framework.Scale.Bar)
	sustained := false
	for _, p := range f.Past {
		if p.Clean() {
			sustained = true
		}
	}
	var r domain.Readiness
	switch {
	case below == 0 && sustained:
		r = domain.ReadyNow
	case below == 0, below <= 2 && composite+epsilon >= bar:
		r = domain.Ready6to12
	case composite+epsilon >= bar-0.5:
		r = domain.Ready12to24
	default:
		r = domain.ReadinessNotYet
	}
	return &r
}

// Flags raises every board flag that holds, criterion flags in the
// framework's order.
func (f EMFacts) Flags() []Flag {
	var out []Flag
	fw := f.Framework
	bar := fw.Scale.Bar
	tagged := map[string]PeerCounts{}
	for _, n := range f.Notes {
		for _, k := range n.Criteria {
			pc := tagged[k]
			pc.Add(n.Advocacy)
			tagged[k] = pc
		}
	}
	missing := 0
	for _, c := range fw.Criteria {
		key := c.Key
		d, rated := f.Director[key]
		if !rated {
			missing++
			continue
		}
		if !hasEvidence(d.Evidence) {
			out = append(out, Flag{FlagMissingEvidence, &key, c.Title + ": the evidence is under 20 characters"})
		}
		if s, ok := f.Self[key]; ok && abs(d.Score-s.Score) >= selfGapThreshold {
			out = append(out, Flag{FlagSelfGap, &key, c.Title + ": director and self scores are two or more apart"})
		}
		peers := tagged[key]
		if d.Score >= bar && peers.Concern > 0 {
			out = append(out, Flag{FlagPeerDivergence, &key, c.Title + ": rated at or above the bar, but a peer note raises a concern"})
		} else if d.Score < bar && peers.Strong >= strongNotesForFlag {
			out = append(out, Flag{FlagPeerDivergence, &key, c.Title + ": rated below the bar, but peers advocate strongly"})
		}
	}
	if missing > 0 {
		out = append(out, Flag{FlagIncomplete, nil, plural(missing, "criterion has", "criteria have") + " no director score"})
	}
	out = append(out, f.languageFlags()...)
	for _, p := range f.Prereads {
		if p.Stance == domain.StanceQuestion {
			out = append(out, Flag{FlagQuestioned, nil, "an owner questioned the director's assessment in a pre-read"})
			break
		}
	}
	if len(f.Notes) == 0 {
		out = append(out, Flag{FlagNoPeerInput, nil, "no peer note about this EM in this cycle"})
	}
	if prev := f.Previous(); prev != nil && f.Decision != nil && abs(prev.Rank()-f.Decision.Rank()) >= 2 {
		out = append(out, Flag{FlagBigMove, nil, "the decision is two or more steps from the previous one (" + ReadinessLabel(*prev) + ")"})
	}
	if f.stalled() {
		out = append(out, Flag{FlagStalled, nil, "the same readiness, short of ready now, three cycles in a row"})
	}
	suggested := f.Suggest()
	readyNow := (suggested != nil && *suggested == domain.ReadyNow) || (f.Decision != nil && *f.Decision == domain.ReadyNow)
	if readyNow && f.shortTenure() {
		out = append(out, Flag{FlagShortTenure, nil, "ready now with under 24 months as an EM"})
	}
	return out
}

// languageFlags names the criteria whose director evidence, or the notes
// that speak to them, carry language hints; a hinted note that tags no
// criterion raises one flag without a criterion.
func (f EMFacts) languageFlags() []Flag {
	kinds := map[string]hintKinds{}
	var general hintKinds
	for key, r := range f.Director {
		if k := textHintKinds(r.Evidence); k != 0 {
			kinds[key] |= k
		}
	}
	for _, n := range f.Notes {
		k := textHintKinds(n.Body)
		if k == 0 {
			continue
		}
		if len(n.Criteria) == 0 {
			general |= k
		}
		for _, c := range n.Criteria {
			if c == "" {
				general |= k
				continue
			}
			kinds[c] |= k
		}
	}
	var out []Flag
	for _, c := range f.Framework.Criteria {
		if ks, ok := kinds[c.Key]; ok {
			key := c.Key
			out = append(out, Flag{FlagLanguage, &key, c.Title + ": the evidence or a note leans on " + kindList(ks) + " language"})
		}
	}
	if general != 0 {
		out = append(out, Flag{FlagLanguage, nil, "a peer note leans on " + kindList(general) + " language"})
	}
	return out
}

func kindList(ks hintKinds) string {
	var names []string
	for _, k := range hintKindOrder {
		if ks.has(k) {
			names = append(names, strings.ReplaceAll(string(k), "_", "-"))
		}
	}
	return strings.Join(names, ", ")
}

// stalled: this cycle's decision and the two finished cycles before it
// carry the same readiness, short of ready_now.
func (f EMFacts) stalled() bool {
	if f.Decision == nil || *f.Decision == domain.ReadyNow || len(f.Past) < stalledCycles-1 {
		return false
	}
	for _, p := range f.Past[len(f.Past)-(stalledCycles-1):] {
		if p.Readiness == nil || *p.Readiness != *f.Decision {
			return false
		}
	}
	return true
}

func (f EMFacts) shortTenure() bool {
	if f.EMSince == nil {
		return false
	}
	since, err := time.Parse(domain.DateLayout, *f.EMSince)
	if err != nil {
		return false
	}
	return since.AddDate(0, shortTenureMonths, 0).After(f.Now)
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return strconv.Itoa(n) + " " + many
}
