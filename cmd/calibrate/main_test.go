package main

import (
	"bufio"
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
	"calibrate/migrations"
)

// result is what one run of the command printed and returned.
type result struct {
	code           int
	stdout, stderr string
}

// calibrate runs the command in-process, as main does, with env as the
// whole environment and stdin as the standard input.
func calibrate(env map[string]string, stdin string, args ...string) result {
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut, func(k string) string { return env[k] })
	return result{code, out.String(), errOut.String()}
}

// oneLine checks that a refused command exited 1 and said why in exactly
// one line on stderr, naming what is wrong.
func (r result) oneLine(t *testing.T, want string) {
	t.Helper()
	if r.code != 1 {
		t.Errorf("exit code %d, want 1 (stderr %q)", r.code, r.stderr)
	}
	if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") || !strings.HasPrefix(r.stderr, "calibrate: ") {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q does not say %q", r.stderr, want)
	}
}

// dbEnv is the environment for a fresh database of the suite's dialect
// (SQLite in a temporary directory, or a new PostgreSQL database).
func dbEnv(t *testing.T) (map[string]string, *config.Config) {
	t.Helper()
	cfg := testkit.NewConfig(t)
	return map[string]string{"DATABASE_URL": cfg.DatabaseURL, "CALIBRATE_JWT_KEY": string(testkit.JWTKey),
		"CALIBRATE_AUDIT_KEY": string(testkit.AuditKey)}, cfg
}

// openStore opens the database of cfg beside the command, as a second
// process would.
func openStore(t *testing.T, cfg *config.Config) *store.Store {
	t.Helper()
	st, err := store.Open(cfg, domain.SystemClock{}, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	testkit.CheckTenancy(t, st)
	return st
}

func migrationCount(t *testing.T, d config.Dialect) int {
	t.Helper()
	entries, err := fs.ReadDir(migrations.FS, string(d))
	if err != nil {
		t.Fatal(err)
	}
	return len(entries)
}

func TestVersion(t *testing.T) {
	r := calibrate(nil, "", "version")
	if r.code != 0 || r.stdout != "calibrate "+version+"\n" || r.stderr != "" {
		t.Errorf("version: %+v", r)
	}
}

func TestUsage(t *testing.T) {
	if r := calibrate(nil, ""); r.code != 2 || !strings.Contains(r.stderr, "usage: calibrate") {
		t.Errorf("no command: %+v", r)
	}
	if r := calibrate(nil, "", "frobnicate"); r.code != 2 || !strings.Contains(r.stderr, `unknown command "frobnicate"`) {
		t.Errorf("unknown command: %+v", r)
	}
	if r := calibrate(nil, "", "help"); r.code != 0 || !strings.Contains(r.stdout, "user create") {
		t.Errorf("help: %+v", r)
	}
	// Asking a command for its flags is not a failure.
	for _, args := range [][]string{{"serve", "-h"}, {"user", "create", "--help"}} {
		if r := calibrate(nil, "", args...); r.code != 0 || !strings.Contains(r.stderr, "-addr") && !strings.Contains(r.stderr, "-email") ||
			strings.Contains(r.stderr, "calibrate:") {
			t.Errorf("%v: %+v", args, r)
		}
	}
	// A wrong flag is a usage error, as for a wrong command.
	if r := calibrate(nil, "", "serve", "--port", "80"); r.code != 2 || !strings.Contains(r.stderr, "flag provided but not defined: -port") {
		t.Errorf("wrong flag: %+v", r)
	}
}

// A bad configuration stops every command at once, with exit code 1 and
// one line that names the variable to fix.
func TestBadConfiguration(t *testing.T) {
	dir := t.TempDir()
	sqlite := "sqlite:" + filepath.Join(dir, "calibrate.db")
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown scheme", map[string]string{"DATABASE_URL": "mysql://root:secret@db/calibrate"}, "DATABASE_URL: unknown scheme"},
		{"short key", map[string]string{"DATABASE_URL": sqlite, "CALIBRATE_JWT_KEY": "too-short"}, "CALIBRATE_JWT_KEY: the secret has 9 bytes; at least 32 are required"},
		{"postgres without a key", map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/x"}, "CALIBRATE_JWT_KEY (or CALIBRATE_JWT_KEY_FILE) is required with PostgreSQL"},
		{"postgres without an audit key", map[string]string{"DATABASE_URL": "postgres://postgres@127.0.0.1:1/x", "CALIBRATE_JWT_KEY": string(testkit.JWTKey)},
			"CALIBRATE_AUDIT_KEY (or CALIBRATE_AUDIT_KEY_FILE) is required with PostgreSQL"},
		{"bad log level", map[string]string{"DATABASE_URL": sqlite, "CALIBRATE_LOG_LEVEL": "chatty"}, `CALIBRATE_LOG_LEVEL: "chatty" is not one of debug, info, warn, error`},
		{"half of single sign-on", map[string]string{"DATABASE_URL": sqlite, "CALIBRATE_OIDC_ISSUER": "https://login.example.com", "CALIBRATE_OIDC_CLIENT_ID": "calibrate"},
			"CALIBRATE_OIDC_CLIENT_SECRET, CALIBRATE_PUBLIC_URL missing"},
		{"no event streams", map[string]string{"DATABASE_URL": sqlite, "CALIBRATE_MAX_STREAMS": "0"}, `CALIBRATE_MAX_STREAMS: "0" is not a whole number of event streams of at least 1`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, args := range [][]string{
				{"serve", "--addr", "127.0.0.1:0"},
				{"migrate", "up"},
				{"migrate", "status"},
				{"user", "create", "--org", "Initech", "--email", "a@initech.test", "--name", "A", "--role", "admin"},
				{"audit", "verify"},
				{"audit", "checkpoint"},
			} {
				r := calibrate(tc.env, "a long enough password\n", args...)
				r.oneLine(t, tc.want)
				if r.stdout != "" {
					t.Errorf("%v printed %q", args, r.stdout)
				}
				if strings.Contains(r.stderr, "secret@") {
					t.Errorf("%v leaked the database password: %q", args, r.stderr)
				}
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "calibrate.db")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a refused configuration created the database: %v", err)
	}
}

// The embedded default needs no key: the first command generates one beside
// the SQLite file, owner-only, and the next ones reuse it.
func TestSQLiteKeyIsGeneratedBesideTheDatabase(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	env := map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "calibrate.db")}
	if r := calibrate(env, "", "migrate", "up"); r.code != 0 {
		t.Fatalf("migrate up: %+v", r)
	}
	keyFile := filepath.Join(dir, "jwt.key")
	fi, err := os.Stat(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %v, want 0600", keyFile, perm)
	}
	key, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if len(bytes.TrimSpace(key)) < config.MinJWTKeyBytes {
		t.Errorf("generated key %q is too short", key)
	}
	if r := calibrate(env, "", "migrate", "status"); r.code != 0 {
		t.Fatalf("migrate status: %+v", r)
	}
	again, err := os.ReadFile(keyFile)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(key, again) {
		t.Error("the second command replaced the kept key")
	}
	// The audit key likewise, in its own file.
	auditKey := filepath.Join(dir, "audit.key")
	if fi, err := os.Stat(auditKey); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want mode 0600", auditKey, fi, err)
	}
}

func TestMigrateUpAndStatus(t *testing.T) {
	env, cfg := dbEnv(t)
	n := migrationCount(t, cfg.Dialect)

	r := calibrate(env, "", "migrate", "status")
	if r.code != 0 || strings.Count(r.stdout, " pending ") != n || strings.Contains(r.stdout, "applied") {
		t.Fatalf("status before: %+v", r)
	}
	r = calibrate(env, "", "migrate") // up is the default
	if r.code != 0 || r.stdout != fmt.Sprintf("applied %d migration(s)\n", n) || r.stderr != "" {
		t.Fatalf("migrate: %+v", r)
	}
	r = calibrate(env, "", "migrate", "up")
	if r.code != 0 || r.stdout != "applied 0 migration(s)\n" {
		t.Fatalf("second migrate: %+v", r)
	}
	r = calibrate(env, "", "migrate", "status")
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if r.code != 0 || len(lines) != n {
		t.Fatalf("status after: %+v", r)
	}
	files, err := fs.ReadDir(migrations.FS, string(cfg.Dialect))
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range lines {
		// Numbers are assigned ahead of time, so the set may have gaps.
		if !strings.HasPrefix(l, files[i].Name()[:5]+"  applied  ") || !strings.HasSuffix(l, files[i].Name()) {
			t.Errorf("status line %q, want %s applied", l, files[i].Name())
		}
	}
	calibrate(env, "", "migrate", "down").oneLine(t, "usage: calibrate migrate [up|status]")
	calibrate(env, "", "migrate", "up", "extra").oneLine(t, "usage: calibrate migrate [up|status]")
}

// A database that a newer release has migrated is refused by every command
// that touches it, before anything is written.
func TestNewerDatabaseIsRefused(t *testing.T) {
	env, cfg := dbEnv(t)
	if r := calibrate(env, "", "migrate", "up"); r.code != 0 {
		t.Fatalf("migrate up: %+v", r)
	}
	st := openStore(t, cfg)
	if err := st.Gorm().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, ?)", true).Error; err != nil {
		t.Fatal(err)
	}
	files, err := fs.ReadDir(migrations.FS, string(cfg.Dialect))
	if err != nil {
		t.Fatal(err)
	}
	// Numbers are assigned ahead of time: the newest is the last file's.
	want := fmt.Sprintf("the database schema is at version 99999 but this binary knows only up to %s: run a newer calibrate",
		strings.TrimLeft(files[len(files)-1].Name()[:5], "0"))
	calibrate(env, "", "migrate", "up").oneLine(t, want)
	calibrate(env, "", "migrate", "status").oneLine(t, want)
	calibrate(env, "a long enough password\n", "user", "create", "--org", "Initech", "--email", "a@initech.test",
		"--name", "A", "--role", "admin").oneLine(t, want)

	done := make(chan result, 1)
	go func() { done <- calibrate(env, "", "serve", "--addr", "127.0.0.1:0", "--demo") }()
	select {
	case r := <-done:
		r.oneLine(t, want)
		if r.stdout != "" {
			t.Errorf("serve printed %q", r.stdout)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve started on a database newer than the binary")
	}
	if n, err := st.CountOrgs(context.Background()); err != nil || n != 0 {
		t.Errorf("organisations after the refusals: %d, %v", n, err)
	}
}

// The first admin is made from the command line: the organisation is
// created with its default framework, and later users join it.
func TestUserCreate(t *testing.T) {
	ctx := context.Background()
	env, cfg := dbEnv(t)
	r := calibrate(env, "correct horse battery\n", "user", "create", "--org", "Initech",
		"--email", "Ada@Initech.test", "--name", "Ada Lovelace", "--role", "director", "--em-since", "2016-03-01")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "created ada@initech.test (director) in Initech: id ") || r.stderr != "" {
		t.Fatalf("first user: %+v", r)
	}
	// No newline at the end of stdin (e.g. printf 'pw' | calibrate …), CRLF
	// from a Windows editor: both are the password without line ending.
	r = calibrate(env, "another good password", "user", "create", "--org", "Initech",
		"--email", "grace@initech.test", "--name", "Grace Hopper", "--role", "em", "--function", "engineering",
		"--manager", "ada@initech.test", "--em-since", "2022-01-10")
	if r.code != 0 || !strings.HasPrefix(r.stdout, "created grace@initech.test (em) in Initech: id ") {
		t.Fatalf("second user: %+v", r)
	}
	r = calibrate(env, "a third good password\r\n", "user", "create", "--org", "Initech",
		"--email", "pat@initech.test", "--name", "Pat Product", "--role", "peer")
	if r.code != 0 {
		t.Fatalf("third user: %+v", r)
	}

	st := openStore(t, cfg)
	org, err := st.OrgByName(ctx, "Initech")
	if err != nil {
		t.Fatal(err)
	}
	fws, err := st.ListFrameworks(ctx, org.ID, domain.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	if len(fws.Items) != 1 || fws.Items[0].Name != domain.DefaultFrameworkName || len(fws.Items[0].Criteria) != 9 ||
		fws.Items[0].Scale.Bar != 3 {
		t.Fatalf("frameworks of the new organisation: %+v", fws.Items)
	}

	hasher := auth.NewHasher(auth.DefaultArgon2)
	ada, err := st.UserByEmail(ctx, "ada@initech.test")
	if err != nil {
		t.Fatal(err)
	}
	if ada.OrgID != org.ID || ada.Role != domain.RoleDirector || ada.ManagerID != nil || !ada.Active ||
		ada.EMSince == nil || *ada.EMSince != "2016-03-01" || ada.Name != "Ada Lovelace" {
		t.Errorf("first user: %+v", ada)
	}
	grace, err := st.UserByEmail(ctx, "grace@initech.test")
	if err != nil {
		t.Fatal(err)
	}
	if grace.OrgID != org.ID || grace.Role != domain.RoleEM || grace.Function != domain.FunctionEngineering ||
		grace.ManagerID == nil || *grace.ManagerID != ada.ID || grace.EMSince == nil || *grace.EMSince != "2022-01-10" {
		t.Errorf("second user: %+v", grace)
	}
	for email, pw := range map[string]string{
		"ada@initech.test": "correct horse battery", "grace@initech.test": "another good password",
		"pat@initech.test": "a third good password",
	} {
		u, err := st.UserByEmail(ctx, email)
		if err != nil {
			t.Fatal(err)
		}
		if ok, err := hasher.Verify(ctx, pw, u.PasswordHash); !ok || err != nil {
			t.Errorf("%s: the password from stdin does not verify (%v)", email, err)
		}
	}

	// Each creation is audited, with no actor: it came from the console.
	audit, err := st.ListAudit(ctx, domain.AuditFilter{OrgID: org.ID}, domain.Page{Limit: 10})
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range audit.Items {
		if e.ActorID != nil {
			t.Errorf("%s has actor %s", e.Action, *e.ActorID)
		}
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, " "); got != "user.create user.create user.create org.create" {
		t.Errorf("audit, newest first: %s", got)
	}
	if broken, _, err := st.VerifyAudit(ctx); broken != "" || err != nil {
		t.Errorf("audit chain broken at %q: %v", broken, err)
	}
}

// Refused creations say why in one line and write nothing: not the user,
// and not the organisation a first user would have created.
func TestUserCreateRefused(t *testing.T) {
	ctx := context.Background()
	env, cfg := dbEnv(t)
	create := func(stdin string, args ...string) result {
		return calibrate(env, stdin, append([]string{"user", "create"}, args...)...)
	}
	base := []string{"--org", "Initech", "--email", "ada@initech.test", "--name", "Ada Lovelace"}
	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
	}{
		{"short password", "short\n", append(base, "--role", "admin"), "password must have at least 10 characters"},
		{"empty stdin", "", append(base, "--role", "admin"), "password must have at least 10 characters"},
		{"unknown role", "a long enough password\n", append(base, "--role", "boss"), "role must be one of admin, director, em, peer"},
		{"bad function", "a long enough password\n", append(base, "--role", "peer", "--function", "sales"), "function must be one of"},
		{"bad date", "a long enough password\n", append(base, "--role", "em", "--em-since", "last year"), "em_since must be a date like 2023-04-01"},
		{"unknown manager", "a long enough password\n", append(base, "--role", "em", "--manager", "nobody@initech.test"), "manager is not a user of Initech"},
		{"bad email", "a long enough password\n", []string{"--org", "Initech", "--email", "not-an-address", "--name", "Ada", "--role", "admin"}, "email must be an e-mail address like name@example.com"},
		{"no organisation", "a long enough password\n", []string{"--email", "ada@initech.test", "--name", "Ada", "--role", "admin"}, "org is required"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			create(tc.stdin, tc.args...).oneLine(t, tc.want)
		})
	}
	st := openStore(t, cfg)
	if n, err := st.CountOrgs(ctx); err != nil || n != 0 {
		t.Fatalf("refused creations left %d organisations (%v)", n, err)
	}

	// In an existing organisation: a refusal adds no user.
	if r := create("a long enough password\n", append(base, "--role", "admin")...); r.code != 0 {
		t.Fatalf("first admin: %+v", r)
	}
	create("short\n", "--org", "Initech", "--email", "bob@initech.test", "--name", "Bob", "--role", "em").
		oneLine(t, "password must have at least 10 characters")
	create("a long enough password\n", "--org", "Initech", "--email", "ADA@initech.test", "--name", "Ada Again", "--role", "em").
		oneLine(t, "a user with this e-mail already exists")
	if _, err := st.UserByEmail(ctx, "bob@initech.test"); !domain.IsKind(err, domain.KindNotFound) {
		t.Errorf("bob after a refused creation: %v", err)
	}
	org, err := st.OrgByName(ctx, "Initech")
	if err != nil {
		t.Fatal(err)
	}
	users, err := st.ListUsers(ctx, domain.UserFilter{OrgID: org.ID}, domain.Page{Limit: 10})
	if err != nil || len(users.Items) != 1 {
		t.Errorf("users: %d, %v", len(users.Items), err)
	}

	if r := calibrate(env, "", "user", "delete"); r.code != 1 || !strings.Contains(r.stderr, "usage: calibrate user create") {
		t.Errorf("user delete: %+v", r)
	}
}

// /readyz tells a load balancer to stop sending traffic when the database
// is gone or its schema is not the one the binary expects.
func TestReadyzWithoutDatabase(t *testing.T) {
	t.Run("store closed", func(t *testing.T) {
		e := testkit.New(t, testkit.Options{NoDemo: true})
		if res := e.Get("", "/readyz"); res.Status != http.StatusOK {
			t.Fatalf("readyz before: %d %s", res.Status, res.Body)
		}
		e.Store.Close()
		res := e.Get("", "/readyz")
		if res.Status != http.StatusServiceUnavailable || res.JSON()["status"] != "database unreachable" {
			t.Errorf("readyz with the store closed: %d %s", res.Status, res.Body)
		}
		if res := e.Get("", "/healthz"); res.Status != http.StatusOK {
			t.Errorf("healthz is liveness and does not depend on the database: %d", res.Status)
		}
	})
	t.Run("database dropped", func(t *testing.T) {
		if testkit.Dialect() != config.Postgres {
			t.Skip("dropping the database under the server is PostgreSQL's case")
		}
		e := testkit.New(t, testkit.Options{NoDemo: true})
		if res := e.Get("", "/readyz"); res.Status != http.StatusOK {
			t.Fatalf("readyz before: %d %s", res.Status, res.Body)
		}
		u, err := url.Parse(e.Cfg.DatabaseURL)
		if err != nil {
			t.Fatal(err)
		}
		admin, err := sql.Open("pgx", os.Getenv("DATABASE_URL"))
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close()
		if _, err := admin.Exec("DROP DATABASE " + strings.TrimPrefix(u.Path, "/") + " WITH (FORCE)"); err != nil {
			t.Fatal(err)
		}
		res := e.Get("", "/readyz")
		if res.Status != http.StatusServiceUnavailable {
			t.Errorf("readyz with the database dropped: %d %s", res.Status, res.Body)
		}
	})
	t.Run("schema newer than the binary", func(t *testing.T) {
		e := testkit.New(t, testkit.Options{NoDemo: true})
		if err := e.Store.Gorm().Exec("INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, ?)", true).Error; err != nil {
			t.Fatal(err)
		}
		res := e.Get("", "/readyz")
		if res.Status != http.StatusServiceUnavailable || res.JSON()["status"] != "migrations pending" {
			t.Errorf("readyz on a newer schema: %d %s", res.Status, res.Body)
		}
	})
}

// binDir holds the binary buildBinary made, removed when the tests end.
var binDir string

// buildBinary builds the real binary once for the process tests, with a
// version stamped the way `make build` does.
var buildBinary = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "calibrate-bin-")
	if err != nil {
		return "", err
	}
	binDir = dir
	bin := filepath.Join(dir, "calibrate")
	out, err := exec.Command("go", "build", "-ldflags", "-X main.version=test-1.2.3", "-o", bin, ".").CombinedOutput()
	if err != nil {
		return "", fmt.Errorf("go build: %w\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		os.RemoveAll(binDir)
	}
	os.Exit(code)
}

// freeAddr finds a port nobody listens on.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// syncBuffer collects a child's output while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestBuiltBinaryVersion(t *testing.T) {
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil || string(out) != "calibrate test-1.2.3\n" {
		t.Errorf("version: %q, %v", out, err)
	}
}

// SIGTERM stops the server gracefully: for CALIBRATE_DRAIN_SECONDS /readyz
// answers 503 draining while every route keeps serving, so a load balancer
// stops sending traffic before anything is refused; then the listener
// closes, a request in flight still gets its whole answer, and the process
// exits 0.
func TestGracefulShutdown(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	const drain = 2 * time.Second
	srv := startServer(t, map[string]string{
		"DATABASE_URL":            "sqlite:" + filepath.Join(t.TempDir(), "calibrate.db"),
		"CALIBRATE_DRAIN_SECONDS": strconv.Itoa(int(drain / time.Second)),
	})
	cmd, addr, exited, stdout, stderr := srv.cmd, srv.addr, srv.exited, srv.stdout, srv.stderr
	token := srv.login(t)

	// A login whose body is still arriving when the signal comes.
	body := `{"email":"ada@initech.test","password":"a long enough password"}`
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	head := "POST /api/v1/auth/login HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n\r\n", len(body))
	if _, err := io.WriteString(conn, head+body[:10]); err != nil {
		t.Fatal(err)
	}
	time.Sleep(300 * time.Millisecond) // the server reads the headers and waits for the rest
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()

	// Draining: readiness says so, everything else still serves.
	client := &http.Client{Timeout: time.Second}
	get := func(path string) (int, string) {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.base+path, nil)
		req.Header.Set("Authorization", "Bearer "+token)
		res, err := client.Do(req)
		if err != nil {
			return 0, err.Error()
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(b)
	}
	sawDraining, rounds := false, 0
	for time.Since(signalled) < drain-500*time.Millisecond {
		status, body := get("/readyz")
		switch {
		case status == http.StatusServiceUnavailable && strings.Contains(body, `"status":"draining"`):
			sawDraining = true
		case status == http.StatusOK && !sawDraining: // the signal is not handled yet
			time.Sleep(10 * time.Millisecond)
			continue
		default:
			t.Errorf("/readyz while draining: %d %s", status, body)
		}
		for _, path := range []string{"/healthz", "/api/v1/me"} {
			if status, body := get(path); status != http.StatusOK {
				t.Errorf("%s while draining (%s after SIGTERM): %d %s", path, time.Since(signalled).Round(time.Millisecond), status, body)
			}
		}
		rounds++
		time.Sleep(50 * time.Millisecond)
	}
	if !sawDraining || rounds < 5 {
		t.Errorf("/readyz never answered draining (%d rounds while draining)", rounds)
	}

	// New connections are refused while the old one is served.
	refused := false
	var dialErr error
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			continue
		}
		if dialErr = err; errors.Is(err, syscall.ECONNREFUSED) {
			refused = true
			break
		}
	}
	if !refused {
		t.Errorf("the server still accepts connections 5 s after SIGTERM (last dial error: %v)", dialErr)
	}
	if took := time.Since(signalled); took < drain-100*time.Millisecond {
		t.Errorf("the listener closed %s after SIGTERM, before the drain of %s ended", took.Round(time.Millisecond), drain)
	}
	select {
	case err := <-exited:
		t.Fatalf("the server exited with a request in flight: %v", err)
	default:
	}

	if _, err := io.WriteString(conn, body[10:]); err != nil {
		t.Fatalf("sending the rest of the body: %v", err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	raw, err := io.ReadAll(res.Body)
	res.Body.Close()
	if err != nil {
		t.Fatalf("the answer was cut: %v", err)
	}
	var grant struct {
		AccessToken string `json:"access_token"`
	}
	if res.StatusCode != http.StatusOK || json.Unmarshal(raw, &grant) != nil || grant.AccessToken == "" {
		t.Errorf("the request in flight: %d %s", res.StatusCode, raw)
	}

	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("the server exited with %v, want status 0", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the server did not exit within 5 s of its last request")
	}
	for _, msg := range []string{"draining: /readyz answers 503 while requests are still served",
		"listener closed; finishing the requests in flight", "stopped"} {
		if srv.logLines(msg) != 1 {
			t.Errorf("the log does not say %q once:\n%s", msg, stderr.String())
		}
	}
	if !strings.Contains(stdout.String(), "Calibrate is listening on http://"+addr) {
		t.Errorf("stdout: %q", stdout.String())
	}
}

func TestSCIMTokenCommand(t *testing.T) {
	ctx := context.Background()
	env, cfg := dbEnv(t)
	if r := calibrate(env, "a long enough password\n", "user", "create", "--org", "Initech",
		"--email", "ada@initech.test", "--name", "Ada Lovelace", "--role", "admin"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	st := openStore(t, cfg)
	org, err := st.OrgByName(ctx, "Initech")
	if err != nil {
		t.Fatal(err)
	}
	r := calibrate(env, "", "scim", "token", "--org", org.ID, "--name", "Okta")
	if r.code != 0 || r.stderr != "" || strings.Count(r.stdout, "\n") != 1 || !strings.HasSuffix(r.stdout, "\n") {
		t.Fatalf("scim token: %+v", r)
	}
	secret := strings.TrimSuffix(r.stdout, "\n")
	if !strings.HasPrefix(secret, "calscim_") || len(secret) < 40 || strings.ContainsAny(secret, " \t") {
		t.Fatalf("the token %q", secret)
	}
	// Only the hash is kept, and it names the organisation.
	tok, err := st.ScimTokenByHash(ctx, calibration.HashScimToken(secret))
	if err != nil || tok.OrgID != org.ID || tok.Name != "Okta" {
		t.Fatalf("stored %+v %v", tok, err)
	}
	// A second token is another one.
	if r2 := calibrate(env, "", "scim", "token", "--org", org.ID); r2.code != 0 || r2.stdout == r.stdout {
		t.Fatalf("second token: %+v", r2)
	}
	// An unknown organisation, no --org: refused, nothing printed.
	if r := calibrate(env, "", "scim", "token", "--org", "no-such-org"); r.code != 1 || r.stdout != "" ||
		!strings.Contains(r.stderr, "no organisation has the id") {
		t.Errorf("unknown org: %+v", r)
	}
	if r := calibrate(env, "", "scim", "token"); r.code != 2 || r.stdout != "" {
		t.Errorf("no --org: %+v", r)
	}
}
