package calibration

import (
	"testing"

	"calibrate/internal/domain"
)

// The line above a released note names as much of its author as the
// cycle's attribution mode allows, in correct English.
func TestAttributionLine(t *testing.T) {
	note := domain.PeerNote{Advocacy: domain.AdvocacySupport, Criteria: []string{"autonomy"}, Body: "A note long enough."}
	for _, c := range []struct {
		mode          domain.Attribution
		function      domain.Function
		line          string
		author        bool
		showsFunction bool
	}{
		{domain.AttributionNamed, domain.FunctionProduct, "Pat Rivera (product)", true, true},
		{domain.AttributionByFunction, domain.FunctionProduct, "a product partner", false, true},
		{domain.AttributionByFunction, domain.FunctionDesign, "a design partner", false, true},
		{domain.AttributionByFunction, domain.FunctionOperations, "an operations partner", false, true},
		{domain.AttributionByFunction, domain.FunctionEngineering, "an engineering partner", false, true},
		{domain.AttributionByFunction, domain.FunctionOther, "a partner from another function", false, true},
		{domain.AttributionAnonymous, domain.FunctionProduct, "a colleague", false, false},
	} {
		a := attribute(note, domain.User{Name: "Pat Rivera", Function: c.function}, c.mode)
		if a.Attribution != c.line || (a.Author != nil) != c.author || (a.Function != nil) != c.showsFunction {
			t.Errorf("%s, %s: %q author %v function %v; want %q author %v function %v", c.mode, c.function,
				a.Attribution, a.Author != nil, a.Function != nil, c.line, c.author, c.showsFunction)
		}
		if a.Body != note.Body || a.Advocacy != note.Advocacy {
			t.Errorf("%s: the note's content changed: %+v", c.mode, a)
		}
	}
}
