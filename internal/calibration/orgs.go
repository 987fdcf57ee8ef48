package calibration

import (
	"context"

	"calibrate/internal/domain"
)

// OrgStore is what an organisation's settings need of the database.
type OrgStore interface {
	Org(ctx context.Context, id string) (domain.Organization, error)
	SetPasswordLogin(ctx context.Context, orgID, actor string, on bool) (domain.Organization, error)
}

// Orgs reads and changes an organisation's settings (its admins').
type Orgs struct {
	store OrgStore
	// sso says whether single sign-on is set up on this server.
	sso bool
}

func NewOrgs(store OrgStore, sso bool) *Orgs { return &Orgs{store: store, sso: sso} }

// Get returns the caller's organisation.
func (o *Orgs) Get(ctx context.Context, p domain.Principal) (domain.Organization, error) {
	return o.store.Org(ctx, p.OrgID)
}

// SetPasswordLogin turns password sign-in on or off for the caller's
// organisation. Off needs single sign-on set up: without it nobody but the
// admins could sign in.
func (o *Orgs) SetPasswordLogin(ctx context.Context, p domain.Principal, on bool) (domain.Organization, error) {
	if !on && !o.sso {
		return domain.Organization{}, domain.Conflict(domain.CodeSSONotConfigured,
			"password sign-in cannot be turned off: single sign-on is not set up on this server, so nobody but the admins could sign in")
	}
	return o.store.SetPasswordLogin(ctx, p.OrgID, p.UserID, on)
}
