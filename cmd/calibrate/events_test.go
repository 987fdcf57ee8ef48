package main

// The cycle event stream against the real binary: a graceful stop closes
// open streams when draining ends instead of waiting for them, and on
// PostgreSQL a stream on one process receives a write made through
// another, also after its LISTEN connection was terminated.

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"calibrate/internal/config"
)

// eventCycle adds a director with one EM to the database of env (beside
// the admin startServer makes) and has the director create a draft cycle
// through p; it returns the director's token and the cycle's id.
func eventCycle(t *testing.T, env map[string]string, p *serverProcess) (string, string) {
	t.Helper()
	const pw = "a long enough password\n"
	if r := calibrate(env, pw, "user", "create", "--org", "Initech", "--email", "dir@initech.test", "--name", "Dora",
		"--role", "director"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	if r := calibrate(env, pw, "user", "create", "--org", "Initech", "--email", "em@initech.test", "--name", "Emil",
		"--role", "em", "--manager", "dir@initech.test", "--em-since", "2022-01-01"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	tok := p.loginAs(t, "dir@initech.test")
	var dir struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	p.call(t, tok, http.MethodGet, "/api/v1/directory?role=em", "", http.StatusOK, &dir)
	if len(dir.Items) != 1 {
		t.Fatalf("directory of EMs: %+v", dir)
	}
	var c struct {
		ID string `json:"id"`
	}
	p.call(t, tok, http.MethodPost, "/api/v1/cycles", `{"name":"Spring","em_ids":["`+dir.Items[0].ID+`"]}`, http.StatusCreated, &c)
	return tok, c.ID
}

func (p *serverProcess) loginAs(t *testing.T, email string) string {
	t.Helper()
	var grant struct {
		AccessToken string `json:"access_token"`
	}
	p.call(t, "", http.MethodPost, "/api/v1/auth/login", `{"email":"`+email+`","password":"a long enough password"}`,
		http.StatusOK, &grant)
	return grant.AccessToken
}

// call sends one request and decodes its answer into out.
func (p *serverProcess) call(t *testing.T, tok, method, path, body string, status int, out any) {
	t.Helper()
	req, _ := http.NewRequest(method, p.base+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	if res.StatusCode != status {
		t.Fatalf("%s %s: %d %s, want %d", method, path, res.StatusCode, raw, status)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
}

// rename is a write to the cycle: a cycle.changed event.
func (p *serverProcess) rename(t *testing.T, tok, cycleID, name string) {
	t.Helper()
	p.call(t, tok, http.MethodPatch, "/api/v1/cycles/"+cycleID, `{"name":"`+name+`"}`, http.StatusOK, nil)
}

// sse is a stream read line by line: events' data lines arrive on data,
// and ended is closed when the server ends it.
type sse struct {
	data  chan string
	ended chan struct{}
}

func (p *serverProcess) openStream(t *testing.T, tok, cycleID string) *sse {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.base+"/api/v1/cycles/"+cycleID+"/events", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	res, err := http.DefaultClient.Do(req) //nolint:bodyclose // the reading goroutine closes it
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "text/event-stream" {
		res.Body.Close()
		t.Fatalf("the stream: %d %v", res.StatusCode, res.Header)
	}
	s := &sse{data: make(chan string, 64), ended: make(chan struct{})}
	connected := make(chan struct{})
	go func() {
		defer close(s.ended)
		defer res.Body.Close()
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			line := sc.Text()
			if line == ": connected" {
				close(connected)
			}
			if d, ok := strings.CutPrefix(line, "data: "); ok {
				select {
				case s.data <- d:
				case <-ctx.Done():
					return
				}
			}
		}
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("no `: connected` within 5 s")
	}
	return s
}

// want waits for an event of the cycle of the given type.
func (s *sse) want(t *testing.T, typ, cycleID string) {
	t.Helper()
	select {
	case d := <-s.data:
		var ev struct {
			Type    string `json:"type"`
			CycleID string `json:"cycle_id"`
		}
		if json.Unmarshal([]byte(d), &ev) != nil || ev.Type != typ || ev.CycleID != cycleID {
			t.Fatalf("event %s, want %s of %s", d, typ, cycleID)
		}
	case <-s.ended:
		t.Fatalf("the stream ended before a %s event", typ)
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s event within 10 s", typ)
	}
}

// A graceful stop closes open event streams when draining ends, and the
// process exits without waiting for them to finish on their own.
func TestGracefulStopClosesEventStreams(t *testing.T) {
	env := map[string]string{
		"DATABASE_URL":            "sqlite:" + filepath.Join(t.TempDir(), "calibrate.db"),
		"CALIBRATE_DRAIN_SECONDS": "1",
	}
	p := startServer(t, env)
	tok, cycle := eventCycle(t, env, p)
	s := p.openStream(t, tok, cycle)
	p.rename(t, tok, cycle, "Spring, renamed")
	s.want(t, "cycle.changed", cycle)

	if err := p.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	signalled := time.Now()
	select {
	case <-s.ended:
	case <-time.After(10 * time.Second):
		t.Fatal("the stream was still open 10 s after SIGTERM (drain 1 s)")
	}
	if took := time.Since(signalled); took < 900*time.Millisecond {
		t.Errorf("the stream ended %s after SIGTERM, before the drain of 1 s ended", took.Round(time.Millisecond))
	}
	select {
	case err := <-p.exited:
		if err != nil {
			t.Errorf("the server exited with %v, want status 0", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server did not exit within 10 s of its drain ending, with a stream open")
	}
	if p.logLinesSoon("shutdown: requests still running were cut", 1) != 0 {
		t.Error("the stop waited for the stream until it cut it, instead of closing it")
	}
}

// Two server processes on one PostgreSQL: a stream on one receives a write
// made through the other; when its LISTEN connection is terminated, it
// reconnects and what was written meanwhile is delivered.
func TestEventStreamAcrossProcesses(t *testing.T) {
	env, cfg := dbEnv(t)
	if cfg.Dialect != config.Postgres {
		t.Skip("fan-out across processes is PostgreSQL's LISTEN/NOTIFY; SQLite serves one process")
	}
	env["CALIBRATE_DRAIN_SECONDS"] = "0"
	env["CALIBRATE_LOG_LEVEL"] = "info"
	a := startServer(t, env)
	b := startReplica(t, env)
	tok, cycle := eventCycle(t, env, a)

	s := b.openStream(t, tok, cycle)
	a.rename(t, tok, cycle, "Written through A")
	s.want(t, "cycle.changed", cycle)

	db, err := sql.Open("pgx", cfg.DatabaseURL)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var pid int
	if err := db.QueryRow("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN %'").
		Scan(&pid); err != nil {
		t.Fatalf("the LISTEN connection: %v", err)
	}
	if _, err := db.Exec("SELECT pg_terminate_backend($1)", pid); err != nil {
		t.Fatal(err)
	}
	a.rename(t, tok, cycle, "Written while B's listener was down")
	s.want(t, "cycle.changed", cycle)
	if b.logLinesSoon("events: listening again; reading every followed cycle from its last event", 1) != 1 {
		t.Errorf("B's log does not say it listens again:\n%s", b.stderr.String())
	}
	a.rename(t, tok, cycle, "Written after")
	s.want(t, "cycle.changed", cycle)
}
