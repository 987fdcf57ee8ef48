package language

import (
	"reflect"
	"strings"
	"testing"
)

func TestAnalyze(t *testing.T) {
	tests := []struct {
		name string
		text string
		want []Hint
	}{
		{"clean and concrete", "Led the Q3 incident review and cut paging by 40% in six weeks.", []Hint{}},
		{"personality word", "She can be abrasive in planning meetings.", []Hint{
			{Kind: Personality, Start: 11, End: 19}}},
		{"case and punctuation", "Too AGGRESSIVE, honestly!", []Hint{
			{Kind: Personality, Start: 4, End: 14}}},
		{"word inside another word does not match", "A classic pass at the problem; a hyphenated cold-start is one word.", []Hint{}},
		{"no match inside a longer word", "The demandingness of the role; oldest service; healthy pipeline.", []Hint{}},
		{"absolute", "He never writes the design doc and always skips review.", []Hint{
			{Kind: Absolute, Start: 3, End: 8}, {Kind: Absolute, Start: 35, End: 41}}},
		{"multi-word absolute, longest first", "No one asked, and it happens every single time.", []Hint{
			{Kind: Absolute, Start: 0, End: 6}, {Kind: Absolute, Start: 29, End: 46}}},
		{"vague praise alone", "Great job this half, very strong.", []Hint{
			{Kind: Vague, Start: 0, End: 9}, {Kind: Vague, Start: 21, End: 32}}},
		{"vague praise with a number is concrete", "Great job: 3 launches this half.", []Hint{}},
		{"vague praise with a named project is concrete", "Great job on the Atlas rollout.", []Hint{}},
		{"vague praise with an outcome word is concrete", "Amazing, she shipped the billing rewrite.", []Hint{}},
		{"off topic", "Strong for someone so young, even with the kids at home.", []Hint{
			{Kind: OffTopic, Start: 22, End: 27}, {Kind: OffTopic, Start: 43, End: 47}}},
		{"unicode offsets are code points", "Ça reste très émotif — bossy même.", []Hint{
			{Kind: Personality, Start: 23, End: 28}}},
		{"curly apostrophe and hyphen joiners", "No-one doubts it; it’s bossy.", []Hint{
			{Kind: Absolute, Start: 0, End: 6}, {Kind: Personality, Start: 23, End: 28}}},
		{"coded phrases", "Not a culture fit; a ninja, surprisingly articulate.", []Hint{
			{Kind: Coded, Start: 6, End: 17}, {Kind: Coded, Start: 21, End: 26}, {Kind: Coded, Start: 28, End: 51}}},
		{"coded phrases are flagged even in concrete texts", "A rockstar: shipped 3 launches in Q2.", []Hint{
			{Kind: Coded, Start: 2, End: 10}}},
		{"judgements the studies single out", "Not a team player, and high-maintenance.", []Hint{
			{Kind: Personality, Start: 0, End: 17}, {Kind: Personality, Start: 23, End: 39}}},
		{"empty", "", []Hint{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Analyze(tt.text)
			for i := range got {
				if got[i].Message == "" || got[i].Suggestion == "" {
					t.Errorf("hint %d has no message or no suggestion", i)
				}
				got[i].Message, got[i].Suggestion = "", ""
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("Analyze(%q)\n got %+v\nwant %+v", tt.text, got, tt.want)
			}
			for _, h := range Analyze(tt.text) {
				r := []rune(tt.text)
				if h.Start < 0 || h.End > len(r) || h.Start >= h.End {
					t.Fatalf("offsets %d..%d out of the text", h.Start, h.End)
				}
			}
		})
	}
}

// TestOwnRewrites: a phrase listed with a rewrite answers it, not the
// kind's general one.
func TestOwnRewrites(t *testing.T) {
	h := Analyze("He is not a culture fit.")
	if len(h) != 1 || h[0].Suggestion == kindSuggestion[Coded] || !strings.Contains(h[0].Suggestion, "value or practice") {
		t.Fatalf("hints %+v", h)
	}
	if h := Analyze("She is bossy."); len(h) != 1 || h[0].Suggestion != kindSuggestion[Personality] {
		t.Fatalf("hints %+v", h)
	}
	for _, k := range Kinds {
		if kindSuggestion[k] == "" {
			t.Errorf("kind %s has no rewrite", k)
		}
	}
}

func TestSpanText(t *testing.T) {
	text := "Très émotif, toujours — and always late."
	for _, h := range Analyze(text) {
		span := string([]rune(text)[h.Start:h.End])
		if h.Kind == Absolute && span != "always" {
			t.Fatalf("span %q, want always", span)
		}
	}
}

func FuzzAnalyze(f *testing.F) {
	for _, s := range []string{"", "bossy", "no one ever", "Great job on Atlas", "ÇA—é’s", "a\u0000b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := len([]rune(s))
		last := -1
		for _, h := range Analyze(s) {
			if h.Start < 0 || h.End > n || h.Start >= h.End || h.Start < last {
				t.Fatalf("bad hint %+v for %q", h, s)
			}
			last = h.Start
		}
	})
}
