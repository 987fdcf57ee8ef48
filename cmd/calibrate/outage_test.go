package main

// A frozen database: a request whose statement waits on a lock another
// connection holds is stopped by the statement timeout and answers 503
// unavailable with Retry-After, neither hanging nor answering 500; the
// outage is logged once, and its end once, after the lock is gone. (On
// SQLite the write fails at once with SQLITE_BUSY: the driver begins
// deferred transactions, which cannot wait for another writer.)

import (
	"context"
	"database/sql"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"calibrate/internal/config"
)

func TestStatementTimeoutAnswersUnavailable(t *testing.T) {
	env, cfg := dbEnv(t)
	env["CALIBRATE_DB_STATEMENT_TIMEOUT"] = "300ms"
	env["CALIBRATE_LOG_LEVEL"] = "info"
	env["CALIBRATE_DRAIN_SECONDS"] = "0"
	srv := startServer(t, env)
	token := srv.login(t)

	rename := func(name string) (int, http.Header, []byte, time.Duration) {
		t.Helper()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPatch, srv.base+"/api/v1/me",
			strings.NewReader(`{"name":"`+name+`"}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		start := time.Now()
		res, err := (&http.Client{Timeout: 30 * time.Second}).Do(req)
		if err != nil {
			t.Fatalf("PATCH /api/v1/me: %v", err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, body, time.Since(start)
	}
	if status, _, body, _ := rename("Ada L."); status != http.StatusOK {
		t.Fatalf("before the lock: %d %s", status, body)
	}

	// Another connection takes the lock every write (PostgreSQL: every
	// statement on users) must wait for, and keeps it.
	release := holdWriteLock(t, cfg)
	for i := range 3 {
		status, header, body, took := rename("Ada Lovelace")
		outageAnswer(t, "a write waiting on a held lock", status, header, body)
		if took > 3*time.Second {
			t.Errorf("attempt %d took %s: the statement timeout is 300ms", i, took)
		}
		if cfg.Dialect == config.Postgres && took < 250*time.Millisecond {
			t.Errorf("attempt %d answered in %s, before PostgreSQL's statement_timeout of 300ms could fire", i, took)
		}
	}
	release()

	if status, _, body, _ := rename("Ada Lovelace"); status != http.StatusOK {
		t.Errorf("after the lock is released: %d %s", status, body)
	}
	// The end of an outage is told at the first answer a second after the
	// last failure.
	time.Sleep(1100 * time.Millisecond)
	if status, _, body, _ := rename("Ada"); status != http.StatusOK {
		t.Errorf("a second later: %d %s", status, body)
	}
	if n := srv.logLines("database unavailable"); n != 1 {
		t.Errorf("%d \"database unavailable\" log lines for three failed requests, want 1", n)
	}
	if n := srv.logLinesSoon("database available again", 1); n != 1 {
		t.Errorf("%d \"database available again\" log lines, want 1", n)
	}
	if n := srv.logLines("request failed"); n != 0 {
		t.Errorf("%d \"request failed\" lines: an outage is not a bug", n)
	}
}

// holdWriteLock opens a second connection to the database of cfg, takes a
// lock that writes to users wait on, and returns its release.
func holdWriteLock(t *testing.T, cfg *config.Config) (release func()) {
	t.Helper()
	ctx := context.Background()
	driver, dsn, lock := "sqlite", "file:"+cfg.SQLitePath+"?_pragma=busy_timeout(5000)", "BEGIN IMMEDIATE"
	if cfg.Dialect == config.Postgres {
		driver, dsn, lock = "pgx", cfg.DatabaseURL, "BEGIN; LOCK TABLE users IN ACCESS EXCLUSIVE MODE"
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, stmt := range strings.Split(lock, "; ") {
		if _, err := conn.ExecContext(ctx, stmt); err != nil {
			t.Fatalf("%s: %v", stmt, err)
		}
	}
	var once bool
	release = func() {
		if once {
			return
		}
		once = true
		if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
			t.Errorf("releasing the lock: %v", err)
		}
		conn.Close()
		db.Close()
	}
	t.Cleanup(release)
	return release
}
