package store

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"gorm.io/gorm"
)

// Tenant isolation, checked in one place.
//
// Every table holding an organisation's data carries org_id (the
// distribution key of a distributed PostgreSQL, see docs/SCALING.md), and
// every statement the store runs on such a table says which organisation
// it is about: a SELECT, UPDATE or DELETE has an org_id condition for each
// of those tables it reads, and an INSERT writes the org_id column. The
// few statements that run before the organisation is known — they are how
// it is found — are marked where they are issued with Unscoped and one of
// the named exceptions below; no other name is accepted.
//
// WatchTenancy checks each statement as it runs. The test kit turns it on
// for every store it opens, in every test of every package, on SQLite and
// on PostgreSQL, and fails the running test on a statement that breaks the
// rule: the SQL log of the whole suite is what is checked, with no list
// of queries to keep up to date. TestTenancyCheckCatches shows that the
// check can fail, and TestEveryTableHasOrgID that the schema keeps the
// column on every table but the named global ones.

// OrgTables are the tables that hold an organisation's data: each has
// org_id NOT NULL, and every statement on it filters by it.
var OrgTables = []string{
	"users", "sessions", "refresh_tokens", "idempotency_keys",
	"frameworks", "criteria",
	"cycles", "cycle_owners", "cycle_participants",
	"assessments", "ratings", "decisions",
	"peer_requests", "peer_notes", "plan_items", "prereads", "meeting_states",
	"cycle_summaries", "audit_log", "audit_rekey_pending",
	"scim_tokens", "mail_optouts",
	"rollups", "rollup_sources", "rollup_decisions", "guests",
}

// GlobalTables are the tables without org_id, each with the reason it
// holds no organisation's data; the job queue's tables (QueueTables) are
// global too: River reads and writes them with statements of its own.
var GlobalTables = map[string]string{
	"organizations":    "the organisations themselves: what org_id refers to",
	"goose_db_version": "the schema version of the whole database",
	"login_failures":   "the sign-in throttle, keyed by e-mail and client address before any organisation is known",
	"rate_limits":      "a counter of one user's calls per route: no content of the organisation, read only by its own key",
	"oidc_logins":      "a single sign-on attempt under way: whose it is, and so the organisation, is known only at its callback",
}

// Exception names a statement allowed to touch organisation data without
// an org_id condition. Only the names in exceptions exist.
type Exception string

const (
	ExceptSignInByEmail  Exception = "sign-in by e-mail"
	ExceptSession        Exception = "session lookup"
	ExceptRefreshToken   Exception = "refresh-token lookup"
	ExceptThrottle       Exception = "throttle by address"
	ExceptSCIMToken      Exception = "scim token"
	ExceptOIDCLogin      Exception = "oidc login"
	ExceptMigration      Exception = "migrations and backfill"
	ExceptBackup         Exception = "backup and restore"
	ExceptDemoSeed       Exception = "demo seed"
	ExceptPrune          Exception = "prune aged rows"
	ExceptAuditVerify    Exception = "audit verify"
	ExceptTestInspection Exception = "test inspection"
)

// exceptions are the allowed names, each with why the statement cannot
// name an organisation.
var exceptions = map[Exception]string{ //nolint:gosec // G101: reasons in words, no credential
	ExceptSignInByEmail:  "a sign-in carries an e-mail, not an organisation: the account found names it",
	ExceptSession:        "each request's session is read by its id to learn whose it is",
	ExceptRefreshToken:   "a refresh token is all its bearer presents: the token's row names the session and organisation",
	ExceptThrottle:       "failed sign-ins are counted by address and e-mail before any account is found",
	ExceptSCIMToken:      "a SCIM client presents a bearer token; the token's row names the organisation",
	ExceptOIDCLogin:      "single sign-on matches the identity provider's e-mail to an account in any organisation",
	ExceptMigration:      "schema changes and backfills run over every organisation at once",
	ExceptBackup:         "a backup copies, and a restore loads, the whole database",
	ExceptDemoSeed:       "the demo data is loaded across the organisations it creates",
	ExceptPrune:          "rows past their time are deleted for every organisation in one statement",
	ExceptAuditVerify:    "verifying and checkpointing the audit log walks every organisation's chain",
	ExceptTestInspection: "a test reads or changes the whole database directly, to check what the store did",
}

// Exceptions lists the allowed exception names with their reasons.
func Exceptions() map[Exception]string {
	out := make(map[Exception]string, len(exceptions))
	for k, v := range exceptions {
		out[k] = v
	}
	return out
}

type unscopedKey struct{}

// Unscoped marks the statements run with the returned context as the
// named exception to filtering by org_id.
func Unscoped(ctx context.Context, e Exception) context.Context {
	return context.WithValue(ctx, unscopedKey{}, e)
}

// The analysis is deliberately simple, on the SQL text the store builds
// (string literals removed, quotes dropped, lower-cased):
//   - a table reference is the name after FROM, JOIN, UPDATE or INTO, with
//     the alias that may follow it;
//   - an INSERT INTO an organisation table must list org_id among its
//     columns;
//   - every other reference to one must be filtered: its alias (or, with
//     none, its name) followed by .org_id must be compared with = or IN —
//     to a parameter or to another table's org_id, as joins do — or, for a
//     reference without alias, a bare org_id must be;
//   - and the statement as a whole must compare some org_id with a
//     parameter, so joins cannot only vouch for each other.
//
// A bare org_id thus covers every unaliased table of the statement; the
// store aliases tables whenever a statement joins several.
var (
	sqlStrings  = regexp.MustCompile(`'(?:[^']|'')*'`)
	sqlSpaces   = regexp.MustCompile(`\s+`)
	sqlTableRef = regexp.MustCompile(`\b(from|join|update|into)\s+([a-z_][a-z0-9_]*)(?:\s+(?:as\s+)?([a-z_][a-z0-9_]*))?`)
	sqlInsert   = regexp.MustCompile(`^\s*insert\s+into\s+([a-z_][a-z0-9_]*)\s*\(([^)]*)\)`)
	sqlParamOrg = regexp.MustCompile(`(^|[^a-z0-9_])org_id\s*(=\s*(\?|\$\d+)|in\s*\(\s*(\?|\$\d+))`)
	bareOrgCond = regexp.MustCompile(`(^|[^a-z0-9_.])org_id\s*(=|in\b)|=\s*org_id\b`)
)

// notAlias are the words that may follow a table name without being its
// alias.
var notAlias = map[string]bool{
	"where": true, "join": true, "left": true, "right": true, "inner": true, "outer": true, "cross": true,
	"full": true, "on": true, "set": true, "order": true, "group": true, "limit": true, "values": true,
	"union": true, "using": true, "for": true, "returning": true, "having": true, "offset": true,
	"default": true, "select": true, "natural": true, "as": true, "do": true, "window": true,
}

// CheckStatement reports why sql, run with ctx, breaks the tenancy rule,
// or nil when it keeps it.
func CheckStatement(ctx context.Context, sql string) error {
	if e, ok := ctx.Value(unscopedKey{}).(Exception); ok {
		if _, known := exceptions[e]; !known {
			return fmt.Errorf("unknown tenancy exception %q (the allowed ones are listed in internal/store/tenancy.go)", e)
		}
		return nil
	}
	s := strings.ToLower(sql)
	s = sqlStrings.ReplaceAllString(s, "''")
	s = strings.NewReplacer(`"`, "", "`", "").Replace(s)
	s = sqlSpaces.ReplaceAllString(s, " ")

	var problems []string
	inserted := ""
	if m := sqlInsert.FindStringSubmatch(s); m != nil && slices.Contains(OrgTables, m[1]) {
		inserted = m[1]
		cols := strings.Split(m[2], ",")
		if !slices.ContainsFunc(cols, func(c string) bool { return strings.TrimSpace(c) == "org_id" }) {
			problems = append(problems, "inserts into "+m[1]+" without org_id")
		}
	}
	filtered := false
	for i, m := range sqlTableRef.FindAllStringSubmatch(s, -1) {
		kw, table, alias := m[1], m[2], m[3]
		if !slices.Contains(OrgTables, table) || (i == 0 && kw == "into" && table == inserted) {
			continue
		}
		filtered = true
		if notAlias[alias] {
			alias = ""
		}
		q := table
		if alias != "" {
			q = alias
		}
		qualified := regexp.MustCompile(`\b` + regexp.QuoteMeta(q) + `\.org_id\s*(=|in\b)|=\s*` + regexp.QuoteMeta(q) + `\.org_id\b`)
		if qualified.MatchString(s) || (alias == "" && bareOrgCond.MatchString(s)) {
			continue
		}
		if alias != "" {
			problems = append(problems, fmt.Sprintf("reads or writes %s (as %s) without %s.org_id in a condition", table, alias, alias))
		} else {
			problems = append(problems, fmt.Sprintf("reads or writes %s without an org_id condition", table))
		}
	}
	if filtered && len(problems) == 0 && !sqlParamOrg.MatchString(s) {
		problems = append(problems, "compares no org_id with a parameter")
	}
	if len(problems) == 0 {
		return nil
	}
	return fmt.Errorf("tenancy: %s", strings.Join(problems, "; "))
}

// WatchTenancy checks every statement the store runs from now on with
// CheckStatement and tells report of each that breaks the rule, with its
// SQL. The test kit reports to the running test.
func (s *Store) WatchTenancy(report func(sql string, err error)) error {
	check := func(db *gorm.DB) {
		if db.Statement == nil || db.Statement.SQL.Len() == 0 {
			return
		}
		ctx := db.Statement.Context
		if ctx == nil {
			ctx = context.Background()
		}
		sql := db.Statement.SQL.String()
		if err := CheckStatement(ctx, sql); err != nil {
			report(sql, err)
		}
	}
	cb := s.db.Callback()
	for _, err := range []error{
		cb.Query().After("gorm:query").Register("store:tenancy_query", check),
		cb.Row().After("gorm:row").Register("store:tenancy_row", check),
		cb.Raw().After("gorm:raw").Register("store:tenancy_raw", check),
		cb.Create().After("gorm:create").Register("store:tenancy_create", check),
		cb.Update().After("gorm:update").Register("store:tenancy_update", check),
		cb.Delete().After("gorm:delete").Register("store:tenancy_delete", check),
	} {
		if err != nil {
			return err
		}
	}
	return nil
}
