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
	"good work", "great team player", "team player", "rockstar", "rock star", "superstar",
	"very strong", "really strong", "strong performer", "solid performer", "well done",
	"needs to be more strategic", "lacks presence", "not a leader", "not leadership material",
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
