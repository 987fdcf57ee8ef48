// Package language finds language hints in what people write about each
// other: judgements of personality, vague praise or criticism, absolute
// words, remarks off the topic of the work and coded phrases that carry a
// stereotype. Every hint comes with a suggested rewrite. It is deterministic and
// explainable — word lists in words.go, documented in
// docs/language-hints.md — and it never blocks anything: it only points.
package language

import (
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Kind is what a hint is about.
type Kind string

const (
	Personality Kind = "personality"
	Vague       Kind = "vague"
	Absolute    Kind = "absolute"
	OffTopic    Kind = "off_topic"
	Coded       Kind = "coded"
)

// Kinds lists every kind, in the order the board names them.
var Kinds = []Kind{Personality, Vague, Absolute, OffTopic, Coded}

// Hint marks a span of the text. Start and End are offsets in Unicode code
// points (End exclusive), so a client can slice the same text it sent;
// in JavaScript, Array.from(text).slice(start, end).
type Hint struct {
	Kind    Kind   `json:"kind"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Message string `json:"message"`
	// Suggestion is a rewrite to start from: the phrase's own where the
	// word list gives one, else the kind's.
	Suggestion string `json:"suggestion"`
}

// MaxText is the longest text analysed; longer input is analysed up to it.
const MaxText = 20000

type phrase struct {
	words      []string
	kind       Kind
	suggestion string
}

// dictionary maps a first word to the phrases that start with it, longest
// first, so "every single time" wins over "every time".
var dictionary = build()

func build() map[string][]phrase {
	d := map[string][]phrase{}
	add := func(list []string, k Kind) {
		for _, p := range list {
			w := strings.Fields(p)
			d[w[0]] = append(d[w[0]], phrase{words: w, kind: k, suggestion: kindSuggestion[k]})
		}
	}
	add(personality, Personality)
	add(vague, Vague)
	add(absolute, Absolute)
	add(offTopic, OffTopic)
	for _, list := range [][]rewrite{flagged, codedPhrases} {
		for _, r := range list {
			w := strings.Fields(r.phrase)
			d[w[0]] = append(d[w[0]], phrase{words: w, kind: r.kind, suggestion: r.suggestion})
		}
	}
	for k := range d {
		sort.SliceStable(d[k], func(i, j int) bool { return len(d[k][i].words) > len(d[k][j].words) })
	}
	return d
}

var concreteWords = func() map[string]bool {
	m := map[string]bool{}
	for _, w := range concrete {
		m[w] = true
	}
	return m
}()

type token struct {
	word       string // lower case
	start, end int    // code points
	capital    bool   // starts with an upper-case letter
	sentence   bool   // first word of a sentence
}

// tokenize splits text into words: letters and digits, with an apostrophe
// or hyphen inside a word kept ("no-one", "team's"). Anything else is a
// boundary, so a word never matches inside another ("classic" holds no
// "ass").
func tokenize(text string) []token {
	// Words are slices of text, walked by code point without copying it
	// into runes: a board analyses thousands of texts per request.
	out := make([]token, 0, len(text)/6+1)
	sentence := true
	i := 0 // code points
	for b := 0; b < len(text) && i < MaxText; {
		r, size := utf8.DecodeRuneInString(text[b:])
		if !isWord(r) {
			if r == '.' || r == '!' || r == '?' || r == '\n' {
				sentence = true
			}
			b += size
			i++
			continue
		}
		startB, startI := b, i
		b += size
		i++
		for b < len(text) && i < MaxText {
			next, n := utf8.DecodeRuneInString(text[b:])
			if !isWord(next) {
				if !isJoiner(next) || i+1 >= MaxText || b+n >= len(text) {
					break
				}
				if after, _ := utf8.DecodeRuneInString(text[b+n:]); !isWord(after) {
					break
				}
			}
			b += n
			i++
		}
		w := strings.ReplaceAll(text[startB:b], "’", "'")
		out = append(out, token{word: strings.ToLower(w), start: startI, end: i, capital: unicode.IsUpper(r), sentence: sentence})
		sentence = false
	}
	return out
}

func isWord(r rune) bool   { return unicode.IsLetter(r) || unicode.IsDigit(r) }
func isJoiner(r rune) bool { return r == '\'' || r == '’' || r == '-' }

// Analyze returns the hints of text, in order of position.
func Analyze(text string) []Hint {
	toks := tokenize(text)
	out := []Hint{}
	var vagueHints []Hint
	for i := 0; i < len(toks); {
		m, ok := match(toks, i)
		if !ok {
			i++
			continue
		}
		h := Hint{Kind: m.kind, Start: toks[i].start, End: toks[i+len(m.words)-1].end, Suggestion: m.suggestion}
		h.Message = message(m.kind, strings.Join(m.words, " "))
		if m.kind == Vague {
			vagueHints = append(vagueHints, h)
		} else {
			out = append(out, h)
		}
		i += len(m.words)
	}
	if len(vagueHints) > 0 && !isConcrete(toks) {
		out = append(out, vagueHints...)
		sort.SliceStable(out, func(i, j int) bool { return out[i].Start < out[j].Start })
	}
	return out
}

func match(toks []token, i int) (phrase, bool) {
	for _, p := range dictionary[toks[i].word] {
		if i+len(p.words) > len(toks) {
			continue
		}
		ok := true
		for k, w := range p.words {
			if toks[i+k].word != w {
				ok = false
				break
			}
		}
		if ok {
			return p, true
		}
	}
	return phrase{}, false
}

// isConcrete: a number, a named thing (a capitalised word inside a
// sentence) or a word of work and outcome makes a text concrete.
func isConcrete(toks []token) bool {
	for _, t := range toks {
		if first, _ := utf8.DecodeRuneInString(t.word); unicode.IsDigit(first) || concreteWords[t.word] || (t.capital && !t.sentence && t.word != "i") {
			return true
		}
	}
	return false
}

func message(k Kind, w string) string {
	switch k {
	case Personality:
		return "“" + w + "” judges character; describe what the person did and its effect instead."
	case Vague:
		return "“" + w + "” says how you feel but not what happened; name a project, an event or a result."
	case Absolute:
		return "“" + w + "” makes a pattern sound like a law; say how often and give an example."
	case Coded:
		return "“" + w + "” is a coded phrase that reviewers of feedback flag: it carries a stereotype and names no work."
	default:
		return "“" + w + "” is about age, family, appearance or health, not the work; leave it out."
	}
}
