package calibration

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"unicode/utf8"

	"calibrate/internal/domain"
)

// FrameworkStore is what frameworks need of the database.
type FrameworkStore interface {
	Tx(ctx context.Context, fn func(ctx context.Context) error) error
	Audit(ctx context.Context, e domain.AuditEntry) error
	Framework(ctx context.Context, orgID, id string) (domain.Framework, error)
	LatestFramework(ctx context.Context, orgID, name string) (domain.Framework, error)
	ListFrameworks(ctx context.Context, orgID string, page domain.Page) (domain.List[domain.Framework], error)
	CreateFramework(ctx context.Context, fw domain.Framework) (domain.Framework, error)
}

type Frameworks struct{ store FrameworkStore }

func NewFrameworks(store FrameworkStore) *Frameworks { return &Frameworks{store: store} }

func (s *Frameworks) List(ctx context.Context, p domain.Principal, page domain.Page) (domain.List[domain.Framework], error) {
	return s.store.ListFrameworks(ctx, p.OrgID, page)
}

func (s *Frameworks) Get(ctx context.Context, p domain.Principal, id string) (domain.Framework, error) {
	return s.store.Framework(ctx, p.OrgID, id)
}

// NewFramework is the input of a framework creation. With BasedOn it is a
// new version of that framework (same name, next version number); a
// framework is never edited in place, so cycles that used it stay true.
type NewFramework struct {
	Name     string
	BasedOn  *string
	Scale    domain.Scale
	Criteria []domain.Criterion
}

const (
	maxCriteria   = 30
	maxScaleSteps = 10
	maxDescLen    = 2000
)

var criterionKey = regexp.MustCompile(`^[a-z][a-z0-9_]{0,39}$`)

func (s *Frameworks) Create(ctx context.Context, p domain.Principal, in NewFramework) (domain.Framework, error) {
	f := domain.Fields{}
	fw := domain.Framework{OrgID: p.OrgID, Scale: in.Scale, Version: 1, BasedOn: in.BasedOn}
	if in.BasedOn == nil || strings.TrimSpace(in.Name) != "" {
		fw.Name = checkName(f, "name", in.Name)
	}
	validateScale(f, in.Scale)
	if len(in.Criteria) == 0 || len(in.Criteria) > maxCriteria {
		f.Add("criteria", "must have 1 to %d criteria", maxCriteria)
	}
	seen := map[string]bool{}
	for i, c := range in.Criteria {
		at := fmt.Sprintf("criteria[%d]", i)
		if !criterionKey.MatchString(c.Key) {
			f.Add(at+".key", "must be lower case letters, digits and _ (up to 40), starting with a letter")
		} else if seen[c.Key] {
			f.Add(at+".key", "is used twice")
		}
		seen[c.Key] = true
		in.Criteria[i].Title = checkName(f, at+".title", c.Title)
		if utf8.RuneCountInString(c.Description) > maxDescLen {
			f.Add(at+".description", "must have at most %d characters", maxDescLen)
		}
		if c.Weight == 0 {
			in.Criteria[i].Weight = 1
		} else if c.Weight < 0 || c.Weight > 100 {
			f.Add(at+".weight", "must be above 0 and at most 100")
		}
	}
	fw.Criteria = in.Criteria
	if err := f.Err(); err != nil {
		return domain.Framework{}, err
	}
	err := s.store.Tx(ctx, func(ctx context.Context) error {
		if in.BasedOn != nil {
			base, err := s.store.Framework(ctx, p.OrgID, *in.BasedOn)
			if err != nil {
				if domain.IsKind(err, domain.KindNotFound) {
					return domain.Invalid("based_on", "is not a framework of your organisation")
				}
				return err
			}
			if fw.Name != "" && fw.Name != base.Name {
				return domain.Invalid("name", "a new version keeps the name of the framework it is based on")
			}
			fw.Name = base.Name
			latest, err := s.store.LatestFramework(ctx, p.OrgID, base.Name)
			if err != nil {
				return err
			}
			fw.Version = latest.Version + 1
		} else if _, err := s.store.LatestFramework(ctx, p.OrgID, fw.Name); err == nil {
			return domain.Duplicate("a framework with this name exists; create a new version of it with based_on")
		} else if !domain.IsKind(err, domain.KindNotFound) {
			return err
		}
		var err error
		if fw, err = s.store.CreateFramework(ctx, fw); err != nil {
			return err
		}
		actor := p.UserID
		return s.store.Audit(ctx, domain.AuditEntry{OrgID: p.OrgID, ActorID: &actor, Action: "framework.create",
			ObjectType: "framework", ObjectID: fw.ID, After: fw})
	})
	return fw, err
}

func validateScale(f domain.Fields, sc domain.Scale) {
	switch {
	case sc.Min < 0 || sc.Max <= sc.Min || sc.Max-sc.Min+1 > maxScaleSteps:
		f.Add("scale", "min must be 0 or more and below max, with at most %d steps", maxScaleSteps)
	case sc.Bar < sc.Min || sc.Bar > sc.Max:
		f.Add("scale.bar", "must lie between min and max")
	case len(sc.Labels) != sc.Max-sc.Min+1:
		f.Add("scale.labels", "must have one label per score (%d)", sc.Max-sc.Min+1)
	}
	for i, l := range sc.Labels {
		if n := utf8.RuneCountInString(strings.TrimSpace(l)); n == 0 || n > maxNameLen {
			f.Add(fmt.Sprintf("scale.labels[%d]", i), "must have 1 to 200 characters")
		}
	}
}
