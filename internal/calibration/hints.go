package calibration

import (
	"fmt"
	"unicode/utf8"

	"calibrate/internal/domain"
	"calibrate/internal/language"
)

// FieldHint is a language hint in one field of a write: which field, and
// for evidence which criterion. Hints inform; they never block a save.
type FieldHint struct {
	Field     string
	Criterion *string
	language.Hint
}

// Hints analyses a free text (for live hints while typing).
func Hints(text string) ([]language.Hint, error) {
	if utf8.RuneCountInString(text) > language.MaxText {
		return nil, domain.Invalid("text", fmt.Sprintf("must have at most %d characters", language.MaxText))
	}
	return language.Analyze(text), nil
}

// RatingHints are the hints of each rating's evidence and of a note.
func RatingHints(ratings []domain.Rating, privateNote *string) []FieldHint {
	out := []FieldHint{}
	for i, r := range ratings {
		key := r.Criterion
		for _, h := range language.Analyze(r.Evidence) {
			out = append(out, FieldHint{Field: fmt.Sprintf("ratings[%d].evidence", i), Criterion: &key, Hint: h})
		}
	}
	if privateNote != nil {
		for _, h := range language.Analyze(*privateNote) {
			out = append(out, FieldHint{Field: "private_note", Hint: h})
		}
	}
	return out
}

// NoteHints are the hints of a peer note's body.
func NoteHints(body string) []FieldHint {
	out := []FieldHint{}
	for _, h := range language.Analyze(body) {
		out = append(out, FieldHint{Field: "body", Hint: h})
	}
	return out
}
