package auth_test

import (
	"context"
	"sync"
	"testing"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// interleaved is the real store with one interleaving: before the first
// transaction the service opens, another request's write runs — what an
// admin can do while a password change is busy hashing.
type interleaved struct {
	*store.Store
	once   sync.Once
	before func()
}

func (s *interleaved) Tx(ctx context.Context, fn func(ctx context.Context) error) error {
	s.once.Do(s.before)
	return s.Store.Tx(ctx, fn)
}

// principal signs email in through svc and returns who the token says.
func principal(t *testing.T, svc *auth.Service, email string) domain.Principal {
	t.Helper()
	g, err := svc.Login(context.Background(), email, demo.DemoPassword, "192.0.2.1")
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	p, err := svc.Authenticate(context.Background(), g.AccessToken)
	if err != nil {
		t.Fatalf("authenticate %s: %v", email, err)
	}
	return p
}

// A password change must not write back what it read before hashing: an
// admin's deactivation or role change made meanwhile stands.
func TestPasswordChangeKeepsConcurrentAdminChanges(t *testing.T) {
	cases := []struct {
		name  string
		patch calibration.UserPatch
		check func(u domain.User) bool
	}{
		{"deactivation", calibration.UserPatch{Active: domain.Optional[bool]{Set: true, Value: ptr(false)}},
			func(u domain.User) bool { return !u.Active }},
		{"demotion", calibration.UserPatch{Role: domain.Optional[domain.Role]{Set: true, Value: ptr(domain.RolePeer)}},
			func(u domain.User) bool { return u.Role == domain.RolePeer }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := testkit.New(t)
			ctx := context.Background()
			users := calibration.NewUsers(e.Store, e.Hasher, auth.ValidatePassword, e.Clock)
			st := &interleaved{Store: e.Store}
			svc := auth.NewService(st, e.Hasher, auth.NewTokens(testkit.JWTKey, e.Clock), e.Clock, e.Log)
			admin := principal(t, svc, "admin@acme.test")
			alex := principal(t, svc, "alex@acme.test")
			st.before = func() {
				if _, err := users.Update(ctx, admin, alex.UserID, c.patch); err != nil {
					t.Errorf("the admin's change: %v", err)
				}
			}
			err := svc.ChangePassword(ctx, alex, demo.DemoPassword, "a-brand-new-passphrase", "192.0.2.1")
			if err != nil && !domain.IsKind(err, domain.KindUnauthorized) && !domain.IsKind(err, domain.KindNotFound) {
				t.Fatalf("change password: %v", err)
			}
			u, err := e.Store.User(ctx, alex.OrgID, alex.UserID)
			if err != nil {
				t.Fatal(err)
			}
			if !c.check(u) {
				t.Fatalf("the password change undid the admin's %s: %+v", c.name, u)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }
