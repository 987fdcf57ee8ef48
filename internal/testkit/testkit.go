// Package testkit builds a real Calibrate for tests: a fresh database
// (SQLite in a temporary directory, or a new PostgreSQL database when
// DATABASE_URL names a server), migrated, wired to the real router, with a
// fixed clock. Nothing is mocked.
package testkit

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the admin connection that creates test databases

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/config"
	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/events"
	"calibrate/internal/httpapi"
	"calibrate/internal/idempotency"
	"calibrate/internal/mail"
	"calibrate/internal/ratelimit"
	"calibrate/internal/store"
)

// JWTKey is the test signing key (tests forge tokens with it and others).
var JWTKey = []byte("test-key-0123456789abcdef-0123456789abcdef")

// AuditKey is the test audit key: it links the audit chains and signs
// checkpoints (tests forge with other keys).
var AuditKey = []byte("test-audit-key-0123456789abcdef-0123456789")

// FastArgon2 keeps argon2id real but cheap, so suites with many logins run
// quickly under the race detector.
var FastArgon2 = auth.Argon2Params{MemoryKiB: 1024, Time: 1, Threads: 1}

// Clock is a settable clock shared by the server and the test.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

func NewClock(t time.Time) *Clock { return &Clock{now: t.UTC()} }

func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func (c *Clock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t.UTC()
	c.mu.Unlock()
}

// Start is the fixed time every test begins at.
var Start = time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)

// Env is one running Calibrate.
type Env struct {
	T      testing.TB
	Cfg    *config.Config
	Store  *store.Store
	Clock  *Clock
	Server *httpapi.Server
	Hasher *auth.Hasher
	Log    *slog.Logger
	// Users maps a demo e-mail to its id, when the demo was loaded.
	Users map[string]string
	// ServerConfig, when set before HTTPServer's first use, adjusts the
	// loopback server (its timeouts, say).
	ServerConfig func(*http.Server)
	http         *httpServer
}

// Options change how New builds the environment.
type Options struct {
	NoDemo bool // start with an empty database
}

// Dialect names the database the tests run on ("sqlite" or "postgres").
func Dialect() config.Dialect {
	if strings.HasPrefix(os.Getenv("DATABASE_URL"), "postgres") {
		return config.Postgres
	}
	return config.SQLite
}

// NewConfig makes a configuration for a fresh, empty database of the
// dialect the suite runs on, and removes the database when the test ends.
// Tests of the migrations start here; New starts from a migrated one.
func NewConfig(t testing.TB) *config.Config {
	t.Helper()
	return newConfig(t, false)
}

// newConfig makes the configuration of a fresh database; on PostgreSQL a
// migrated one is a copy of the schema template (schemaTemplate), which is
// several times quicker than migrating each test's database.
func newConfig(t testing.TB, migrated bool) *config.Config {
	t.Helper()
	cfg := &config.Config{JWTKey: JWTKey, AuditKey: AuditKey, Addr: "127.0.0.1:0", LogLevel: slog.LevelWarn,
		RateLimit: config.DefaultRateLimit, MaxStreams: config.DefaultMaxStreams}
	if Dialect() == config.Postgres {
		cfg.Dialect = config.Postgres
		cfg.DatabaseURL = freshPostgres(t, migrated)
	} else {
		cfg.Dialect = config.SQLite
		cfg.SQLitePath = filepath.Join(t.TempDir(), "calibrate.db")
		cfg.DatabaseURL = "sqlite:" + cfg.SQLitePath
	}
	return cfg
}

// freshPostgres creates a database on the server DATABASE_URL names, empty
// or copied from the schema template, and drops it at the end of the test.
func freshPostgres(t testing.TB, migrated bool) string {
	t.Helper()
	base := os.Getenv("DATABASE_URL")
	name := "calibrate_test_" + randomHex(6)
	from := "" // the server's default, an empty database
	if migrated {
		tmpl, err := schemaTemplate()
		if err != nil {
			t.Fatalf("the schema template: %v", err)
		}
		from = " TEMPLATE " + tmpl
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("connecting to PostgreSQL: %v", err)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name + from); err != nil {
		admin.Close()
		t.Fatalf("creating %s: %v", name, err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, err := databaseURL(base, name)
	if err != nil {
		t.Fatalf("DATABASE_URL: %v", err)
	}
	return u
}

// New starts a Calibrate on a fresh, migrated database with the demo
// organisations loaded (unless opts say otherwise).
func New(t testing.TB, opts ...Options) *Env {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	cfg := newConfig(t, true)
	clock := NewClock(Start)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		log = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	st, err := store.Open(cfg, clock, log)
	if err != nil {
		t.Fatalf("opening the store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	CheckTenancy(t, st)
	// A no-op on a copy of the template, which proves the copy current.
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatalf("migrating: %v", err)
	}
	e := &Env{T: t, Cfg: cfg, Store: st, Clock: clock, Log: log, Hasher: auth.NewHasher(FastArgon2), Users: map[string]string{},
		http: &httpServer{}}
	if !o.NoDemo {
		if _, err := demo.Load(context.Background(), st, e.Hasher, log); err != nil {
			t.Fatalf("loading the demo: %v", err)
		}
		e.loadUserIDs()
	}
	e.Server = httpapi.New(Deps(cfg, st, clock, e.Hasher, log))
	t.Cleanup(e.Server.Events.Close)
	return e
}

// Heartbeat is the event streams' heartbeat in tests: short, so a test
// sees pings and session checks without waiting.
var Heartbeat = 100 * time.Millisecond

// Replica is a second server on e's database, as another replica behind a
// load balancer would be: its own connection pool and hasher, the same
// configuration and clock.
func (e *Env) Replica() *Env {
	e.T.Helper()
	st, err := store.Open(e.Cfg, e.Clock, e.Log)
	if err != nil {
		e.T.Fatalf("opening the replica's store: %v", err)
	}
	e.T.Cleanup(func() { st.Close() })
	CheckTenancy(e.T, st)
	other := *e
	other.Store, other.Hasher, other.http = st, auth.NewHasher(FastArgon2), &httpServer{}
	other.Server = httpapi.New(Deps(e.Cfg, st, e.Clock, other.Hasher, e.Log))
	e.T.Cleanup(other.Server.Events.Close)
	return &other
}

// Deps wires the services the way main does. Its event bus holds a
// PostgreSQL connection only while a stream is open; Close it when the
// server goes (New and Replica do).
func Deps(cfg *config.Config, st *store.Store, clock domain.Clock, hasher *auth.Hasher, log *slog.Logger) httpapi.Deps {
	opts := events.Options{Clock: clock, Log: log}
	if cfg.Dialect == config.Postgres {
		opts.Broadcast = st
	}
	bus := events.New(st, opts)
	st.OnCommit(bus.Publish)
	authn := auth.NewService(st, hasher, auth.NewTokens(cfg.JWTKey, clock), clock, log)
	sso := httpapi.SingleSignOn(cfg, authn, st)
	return httpapi.Deps{
		OIDC:           sso,
		Orgs:           calibration.NewOrgs(st, sso != nil),
		Events:         bus,
		Heartbeat:      Heartbeat,
		MaxStreams:     cfg.MaxStreams,
		Log:            log,
		Clock:          clock,
		Auth:           authn,
		Users:          calibration.NewUsers(st, hasher, auth.ValidatePassword, clock),
		Frameworks:     calibration.NewFrameworks(st),
		Audit:          calibration.NewAuditLog(st),
		Cycles:         calibration.NewCycles(st, clock),
		Provisioning:   calibration.NewProvisioning(st, calibration.NewUsers(st, hasher, auth.ValidatePassword, clock), clock),
		Health:         st,
		Limits:         ratelimit.New(st, cfg.RateLimit),
		Idempotency:    idempotency.New(st, clock),
		AllowedOrigins: cfg.AllowedOrigins,
		MailOptOut:     mail.NewOptOut(st, cfg.JWTKey),
	}
}

func (e *Env) loadUserIDs() {
	for _, o := range demo.Orgs {
		for _, p := range o.People() {
			u, err := e.Store.UserByEmail(context.Background(), p)
			if err != nil {
				e.T.Fatalf("demo user %s: %v", p, err)
			}
			e.Users[p] = u.ID
		}
	}
}

// ID returns the id of a demo user by e-mail.
func (e *Env) ID(email string) string {
	id, ok := e.Users[email]
	if !ok {
		e.T.Fatalf("no demo user %s", email)
	}
	return id
}

// OrgOf is the id of the organisation of the user with this e-mail.
func (e *Env) OrgOf(email string) string {
	e.T.Helper()
	u, err := e.Store.UserByEmail(context.Background(), email)
	if err != nil {
		e.T.Fatalf("no user %s: %v", email, err)
	}
	return u.OrgID
}

// Response is a recorded answer.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a generic value.
func (r *Response) JSON() map[string]any {
	var m map[string]any
	_ = json.Unmarshal(r.Body, &m)
	return m
}

// Decode decodes the body into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decoding %s: %v", r.Body, err)
	}
}

// ErrorCode is the error.code of an error body ("" when there is none).
func (r *Response) ErrorCode() string {
	var b struct {
		Error struct{ Code string } `json:"error"`
	}
	_ = json.Unmarshal(r.Body, &b)
	return b.Error.Code
}

// Request is one call to the server.
type Request struct {
	Method  string
	Path    string
	Token   string
	Body    any // marshalled as JSON; a string or []byte is sent as is
	Header  http.Header
	Cookies []*http.Cookie
	// RemoteAddr sets the client address (for throttling tests).
	RemoteAddr string
}

// Do sends r through the real router and checks the answer against
// api/openapi.yaml.
func (e *Env) Do(r Request) *Response {
	e.T.Helper()
	var body io.Reader
	var raw []byte
	switch b := r.Body.(type) {
	case nil:
	case string:
		raw = []byte(b)
	case []byte:
		raw = b
	default:
		var err error
		if raw, err = json.Marshal(b); err != nil {
			e.T.Fatalf("encoding the body: %v", err)
		}
	}
	if raw != nil {
		body = bytes.NewReader(raw)
	}
	req := httptest.NewRequest(r.Method, r.Path, body)
	if raw != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	// A Content-Type in r.Header replaces the default; an empty one
	// sends none.
	if ct, ok := r.Header["Content-Type"]; ok {
		req.Header.Del("Content-Type")
		if len(ct) > 0 && ct[0] == "" {
			ct = nil
		}
		for _, v := range ct {
			req.Header.Add("Content-Type", v)
		}
	}
	for k, vs := range r.Header {
		if k == "Content-Type" {
			continue
		}
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	if r.Token != "" {
		req.Header.Set("Authorization", "Bearer "+r.Token)
	}
	for _, c := range r.Cookies {
		req.AddCookie(c)
	}
	if r.RemoteAddr != "" {
		req.RemoteAddr = r.RemoteAddr
	}
	res := serve(e.T, e.Server, req)
	checkContract(e.T, r.Method, r.Path, raw, req.Header, res)
	return res
}

// Get, Post, Put, Patch and Delete are shorthands for Do.
func (e *Env) Get(token, path string) *Response {
	e.T.Helper()
	return e.Do(Request{Method: http.MethodGet, Path: path, Token: token})
}

func (e *Env) Post(token, path string, body any) *Response {
	e.T.Helper()
	return e.Do(Request{Method: http.MethodPost, Path: path, Token: token, Body: body})
}

func (e *Env) Put(token, path string, body any) *Response {
	e.T.Helper()
	return e.Do(Request{Method: http.MethodPut, Path: path, Token: token, Body: body})
}

func (e *Env) Patch(token, path string, body any) *Response {
	e.T.Helper()
	return e.Do(Request{Method: http.MethodPatch, Path: path, Token: token, Body: body})
}

func (e *Env) Delete(token, path string) *Response {
	e.T.Helper()
	return e.Do(Request{Method: http.MethodDelete, Path: path, Token: token})
}

// Login signs in and returns the access token and the refresh cookie.
func (e *Env) Login(email, password string) (string, *http.Cookie) {
	e.T.Helper()
	res := e.Post("", "/api/v1/auth/login", map[string]string{"email": email, "password": password})
	if res.Status != http.StatusOK {
		e.T.Fatalf("login %s: %d %s", email, res.Status, res.Body)
	}
	var body struct {
		AccessToken string `json:"access_token"`
	}
	res.Decode(e.T, &body)
	return body.AccessToken, RefreshCookie(res)
}

// Token signs a demo user in with the demo password.
func (e *Env) Token(email string) string {
	e.T.Helper()
	tok, _ := e.Login(email, demo.DemoPassword)
	return tok
}

// RefreshCookie returns the refresh cookie a response set, or nil.
func RefreshCookie(res *Response) *http.Cookie {
	for _, c := range (&http.Response{Header: res.Header}).Cookies() {
		if c.Name == "calibrate_refresh" {
			return c
		}
	}
	return nil
}
