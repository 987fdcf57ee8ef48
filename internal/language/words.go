package language

// The word lists. docs/language-hints.md says where each comes from; keep
// the two in step. Entries are lower case; a phrase is words separated by
// single spaces. Inflected forms are listed explicitly so that matching
// stays whole-word and predictable.

// personality words judge character instead of describing behaviour. The
// core comes from Kieran Snyder's analysis of 248 performance reviews
// ("The abrasiveness trap", Fortune, 2014), where "abrasive", "bossy",
// "aggressive", "strident", "emotional" and "irrational" described women
// far more often than men, and from Textio's later work on review language.
var personality = []string{
	"abrasive", "aggressive", "aggressively", "arrogant", "bossy", "brash", "bubbly", "cold",
	"combative", "condescending", "demanding", "difficult", "dramatic", "emotional", "emotionally",
	"feisty", "grumpy", "harsh", "headstrong", "hysterical", "intimidating", "irrational", "lazy",
	"moody", "nagging", "obnoxious", "opinionated", "prickly", "pushy", "sassy", "shrill",
	"spunky", "strident", "stubborn", "temperamental", "too nice", "touchy", "whiny",
}

// vague phrases praise or criticise without anything checkable. Correll
// and Simard ("Vague Feedback Is Holding Women Back", Harvard Business
// Review, 2016) found such feedback less tied to outcomes and unevenly
// given. They are flagged only when the text names nothing concrete.
var vague = []string{
	"amazing", "awesome", "excellent", "fantastic", "great job", "great work", "good job",
	"good work", "great team player", "team player",
	"very strong", "really strong", "strong performer", "solid performer", "well done",
	"needs to be more strategic", "not a leader", "not leadership material",
	"could be better", "needs improvement", "not there yet", "doing fine", "good attitude",
}

// absolute words turn a pattern into a law and invite argument about the
// exception rather than the behaviour.
var absolute = []string{
	"always", "never", "everyone", "everybody", "no one", "no-one", "nobody", "constantly",
	"all the time", "every single time", "every time",
}

// offTopic words bring age, family, appearance or health into a review,
// which employment law in most places keeps out of such decisions and
// which say nothing about the criteria.
var offTopic = []string{
	// age
	"young", "younger", "old", "older", "age", "aged", "millennial", "boomer", "too junior for his age",
	// family
	"pregnant", "pregnancy", "maternity", "paternity", "kids", "children", "family", "wife", "husband",
	"mother", "father", "mom", "mum", "dad", "married", "divorce", "divorced",
	// appearance
	"attractive", "pretty", "handsome", "looks", "appearance", "dress", "dresses", "hair", "weight",
	"overweight", "outfit",
	// health
	"sick", "illness", "health", "medical", "disability", "disabled", "diagnosis", "therapy",
	"depression", "depressed", "anxiety", "anxious",
}

// concrete markers: words that tie a text to an event, a result or a
// piece of work. With a number or one of these, praise is not vague.
var concrete = []string{
	"project", "launch", "launched", "release", "released", "incident", "outage", "migration",
	"shipped", "delivered", "reduced", "increased", "cut", "grew", "hired", "saved", "improved",
	"led", "presented", "wrote", "quarter", "sprint", "roadmap", "review", "postmortem",
	"january", "february", "march", "april", "may", "june", "july", "august", "september",
	"october", "november", "december", "q1", "q2", "q3", "q4",
}

// rewrite is a listed phrase with a rewrite of its own.
type rewrite struct {
	phrase     string
	kind       Kind
	suggestion string
}

// kindSuggestion is the rewrite offered for a word without one of its own.
var kindSuggestion = map[Kind]string{
	Personality: "Describe the behaviour and its effect: “interrupted the design review twice, and the team stopped raising risks”.",
	Vague:       "Name the work and the result: “cut the release cycle from two weeks to four days”.",
	Absolute:    "Say how often, with an example: “missed three of the last five design reviews”.",
	OffTopic:    "Leave it out and write about the work, criterion by criterion.",
	Coded:       "Say what the person did and what came of it.",
}

// flagged are the judgements of character that the studies of review
// language found given unevenly: Textio's "Language Bias in Performance
// Feedback" (2022 and 2024; "overachiever" four times as often in
// feedback to Black women as to white men), and the phrases that
// managers' own guides to bias in reviews single out ("not a team player",
// "high-maintenance", "a chip on the shoulder").
var flagged = []rewrite{
	{"not a team player", Personality, "Name the collaboration that did not happen: “shipped the schema change without the platform team's review”."},
	{"high-maintenance", Personality, "Say what they ask for and what it costs: “needs a decision from me before each scope change”."},
	{"high maintenance", Personality, "Say what they ask for and what it costs: “needs a decision from me before each scope change”."},
	{"overachiever", Personality, "Name the result and its effect: “delivered the audit export a sprint early, which unblocked finance”."},
	{"over-achiever", Personality, "Name the result and its effect: “delivered the audit export a sprint early, which unblocked finance”."},
	{"chip on her shoulder", Personality, "Describe what happened: “pushed back on the reorg plan in three meetings without proposing another”."},
	{"chip on his shoulder", Personality, "Describe what happened: “pushed back on the reorg plan in three meetings without proposing another”."},
	{"chip on their shoulder", Personality, "Describe what happened: “pushed back on the reorg plan in three meetings without proposing another”."},
}

// codedPhrases carry a stereotype while sounding neutral or kind:
//   - "culture fit": Lauren A. Rivera, "Hiring as Cultural Matching"
//     (American Sociological Review, 2012), on fit judged by likeness to
//     the evaluator rather than by the work;
//   - "ninja", "rockstar", "guru", "genius", "brilliant": masculine-coded
//     hyperbole (Gaucher, Friesen and Kay, "Evidence That Gendered Wording
//     in Job Advertisements Exists and Sustains Gender Inequality", Journal
//     of Personality and Social Psychology, 2011; Textio's feedback study
//     found "brilliant" and "genius" seven times as often for Asian men as
//     for Latina women);
//   - "articulate", "well-spoken" said as a surprise: Lynette Clemetson,
//     "The Racial Politics of Speaking Well" (The New York Times, 2007);
//   - "executive presence": Sylvia Ann Hewlett, "Executive
//     Presence" (2014), on a standard applied unevenly and rarely defined.
var codedPhrases = []rewrite{
	{"culture fit", Coded, "Name the value or practice at stake: “skipped the incident review our teams agreed to hold”."},
	{"cultural fit", Coded, "Name the value or practice at stake: “skipped the incident review our teams agreed to hold”."},
	{"ninja", Coded, "Say what they did: “found and fixed the payment retry loop in two hours”."},
	{"rockstar", Coded, "Say what they did and its effect: “cut the build time from 20 to 6 minutes for every team”."},
	{"rock star", Coded, "Say what they did and its effect: “cut the build time from 20 to 6 minutes for every team”."},
	{"superstar", Coded, "Say what they did and its effect: “cut the build time from 20 to 6 minutes for every team”."},
	{"guru", Coded, "Name the expertise and where it showed: “designed the caching layer three teams now use”."},
	{"wizard", Coded, "Name the expertise and where it showed: “designed the caching layer three teams now use”."},
	{"genius", Coded, "Name the work that showed it: “found the design that removed the nightly batch job”."},
	{"brilliant", Coded, "Name the work that showed it: “found the design that removed the nightly batch job”."},
	{"surprisingly articulate", Coded, "Drop the surprise and say what was clear: “explained the migration's trade-offs to the VP in five minutes”."},
	{"very articulate", Coded, "Say what was clear and to whom: “explained the migration's trade-offs to the VP in five minutes”."},
	{"so articulate", Coded, "Say what was clear and to whom: “explained the migration's trade-offs to the VP in five minutes”."},
	{"well-spoken", Coded, "Say what was clear and to whom: “explained the migration's trade-offs to the VP in five minutes”."},
	{"well spoken", Coded, "Say what was clear and to whom: “explained the migration's trade-offs to the VP in five minutes”."},
	{"executive presence", Coded, "Name the moment and what leaders took from it: “the VP adopted the hiring plan they presented”."},
	{"lacks presence", Coded, "Name the moment and what was missing: “did not state a recommendation in the budget review”."},
	{"digital native", OffTopic, "Leave age out and name the skill: “set up the team's observability dashboards”."},
}
