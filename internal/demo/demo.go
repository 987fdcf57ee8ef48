// Package demo loads the demonstration organisations (the README lists
// their accounts) into an empty database, and generates synthetic organisations for tests and
// benchmarks. Every demo account's password is DemoPassword.
package demo

import (
	"context"
	"log/slog"

	"calibrate/internal/calibration"
	"calibrate/internal/domain"
	"calibrate/internal/store"
)

// DemoPassword signs in every demo account.
const DemoPassword = "demo-password"

// Hasher hashes the demo password.
type Hasher interface {
	Hash(ctx context.Context, password string) (string, error)
}

type person struct {
	email, name string
	role        domain.Role
	function    domain.Function
	manager     string // e-mail
	emSince     string
}

type org struct {
	name   string
	people []person
}

// Orgs are the two demo organisations. EMs' tenure is chosen so the board
// shows a short-tenure case (Casey) beside seasoned managers. Vera, the VP
// of engineering, is above the three directors, so she has their finalized
// cycles to roll up.
var Orgs = []org{
	{"Acme Robotics", []person{
		{"admin@acme.test", "Avery Admin", domain.RoleAdmin, domain.FunctionOperations, "", ""},
		{"vera@acme.test", "Vera Castellano", domain.RoleDirector, domain.FunctionEngineering, "", "2011-09-05"},
		{"dana@acme.test", "Dana Whitfield", domain.RoleDirector, domain.FunctionEngineering, "vera@acme.test", "2015-03-02"},
		{"alex@acme.test", "Alex Moreno", domain.RoleEM, domain.FunctionEngineering, "dana@acme.test", "2021-02-01"},
		{"blair@acme.test", "Blair Okafor", domain.RoleEM, domain.FunctionEngineering, "dana@acme.test", "2022-06-13"},
		{"casey@acme.test", "Casey Lindqvist", domain.RoleEM, domain.FunctionEngineering, "dana@acme.test", "2025-04-07"},
		{"drew@acme.test", "Drew Nakamura", domain.RoleEM, domain.FunctionEngineering, "dana@acme.test", "2023-09-04"},
		{"omar@acme.test", "Omar Haddad", domain.RoleDirector, domain.FunctionEngineering, "vera@acme.test", "2016-10-17"},
		{"erin@acme.test", "Erin Kowalski", domain.RoleEM, domain.FunctionEngineering, "omar@acme.test", "2022-01-10"},
		{"finn@acme.test", "Finn Gallagher", domain.RoleEM, domain.FunctionEngineering, "omar@acme.test", "2024-03-18"},
		{"quinn@acme.test", "Quinn Adeyemi", domain.RoleDirector, domain.FunctionEngineering, "vera@acme.test", "2017-04-03"},
		{"riley@acme.test", "Riley Marsh", domain.RoleEM, domain.FunctionEngineering, "quinn@acme.test", "2021-08-16"},
		{"sam@acme.test", "Sam Okonkwo", domain.RoleEM, domain.FunctionEngineering, "quinn@acme.test", "2023-02-06"},
		{"pat@acme.test", "Pat Rivera", domain.RolePeer, domain.FunctionProduct, "", ""},
		{"dee@acme.test", "Dee Santos", domain.RolePeer, domain.FunctionDesign, "", ""},
		{"otto@acme.test", "Otto Brandt", domain.RolePeer, domain.FunctionOperations, "", ""},
	}},
	{"Globex", []person{
		{"admin@globex.test", "Glen Admin", domain.RoleAdmin, domain.FunctionOperations, "", ""},
		{"gwen@globex.test", "Gwen Harlow", domain.RoleDirector, domain.FunctionEngineering, "", "2014-05-05"},
		{"hank@globex.test", "Hank Moreau", domain.RoleEM, domain.FunctionEngineering, "gwen@globex.test", "2020-11-02"},
		{"ivy@globex.test", "Ivy Chen", domain.RolePeer, domain.FunctionProduct, "", ""},
	}},
}

// Load puts the demo organisations into an empty database. On a database
// that has any organisation it does nothing: the demo never mixes with real
// data, and a second start with --demo keeps what the first one made.
func Load(ctx context.Context, st *store.Store, h Hasher, log *slog.Logger) (loaded bool, err error) {
	n, err := st.CountOrgs(ctx)
	if err != nil || n > 0 {
		if n > 0 {
			log.Info("demo: the database already has organisations; nothing loaded")
		}
		return false, err
	}
	// One hash for every demo account: they share the password, and one
	// argon2 run instead of sixteen keeps start-up (and tests) quick.
	hash, err := h.Hash(ctx, DemoPassword)
	if err != nil {
		return false, err
	}
	err = st.Tx(ctx, func(ctx context.Context) error {
		for _, o := range Orgs {
			org, ids, err := loadOrg(ctx, st, o, hash)
			if err != nil {
				return err
			}
			if o.name != "Acme Robotics" {
				continue
			}
			c := &clock{}
			cycles := func(cl domain.Clock) *calibration.Cycles { return calibration.NewCycles(st.WithClock(cl), cl) }
			if err := loadCycles(ctx, cycles, c, org.ID, ids); err != nil {
				return err
			}
		}
		return nil
	})
	if err == nil {
		log.Info("demo: loaded the demo organisations", "password", DemoPassword)
	}
	return err == nil, err
}

func loadOrg(ctx context.Context, st *store.Store, o org, hash string) (domain.Organization, map[string]string, error) {
	org, err := st.CreateOrg(ctx, o.name)
	if err != nil {
		return org, nil, err
	}
	ids := map[string]string{}
	for _, p := range o.people {
		u := domain.User{OrgID: org.ID, Email: p.email, Name: p.name, Role: p.role, Function: p.function,
			Active: true, PasswordHash: hash}
		if p.manager != "" {
			m := ids[p.manager]
			u.ManagerID = &m
		}
		if p.emSince != "" {
			d := p.emSince
			u.EMSince = &d
		}
		if err := st.CreateUser(ctx, &u); err != nil {
			return org, nil, err
		}
		ids[p.email] = u.ID
	}
	return org, ids, st.Audit(ctx, domain.AuditEntry{OrgID: org.ID, Action: "demo.load", ObjectType: "organization",
		ObjectID: org.ID, After: map[string]any{"users": len(o.people)}})
}

// People lists the e-mails of the organisation's demo accounts.
func (o org) People() []string {
	out := make([]string, len(o.people))
	for i, p := range o.people {
		out[i] = p.email
	}
	return out
}
