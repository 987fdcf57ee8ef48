package main

// PostgreSQL restarted under steady traffic, on a private PostgreSQL the
// test starts itself (never the shared server): while the database is down
// the real server answers fast, with 503 on /readyz and 503 unavailable with
// Retry-After on the API, and logs the outage once; once it is back,
// everything succeeds again within a few seconds, without restarting
// Calibrate, and the log says so once.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// privatePostgres is a throwaway PostgreSQL cluster in a temporary
// directory, on a free port, run as the postgres OS user when the test
// runs as root (initdb refuses root).
type privatePostgres struct {
	t      *testing.T
	bin    string // the directory of initdb, pg_ctl, postgres
	dir    string // owns data/, the log and the socket
	port   int
	asUser string // "" to run the binaries as ourselves
}

// postgresBinDir finds the PostgreSQL server binaries: $CALIBRATE_PG_BINDIR,
// then pg_config --bindir, then the newest /usr/lib/postgresql/*/bin, then
// initdb on $PATH.
func postgresBinDir() (string, error) {
	has := func(dir string) bool {
		for _, b := range []string{"initdb", "pg_ctl", "postgres"} {
			if _, err := os.Stat(filepath.Join(dir, b)); err != nil {
				return false
			}
		}
		return true
	}
	if d := os.Getenv("CALIBRATE_PG_BINDIR"); d != "" {
		if has(d) {
			return d, nil
		}
		return "", fmt.Errorf("CALIBRATE_PG_BINDIR=%s has no initdb, pg_ctl and postgres", d)
	}
	if out, err := exec.Command("pg_config", "--bindir").Output(); err == nil && has(strings.TrimSpace(string(out))) {
		return strings.TrimSpace(string(out)), nil
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { // newest major version first
		vi, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[i])))
		vj, _ := strconv.Atoi(filepath.Base(filepath.Dir(dirs[j])))
		return vi > vj
	})
	for _, d := range dirs {
		if has(d) {
			return d, nil
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil && has(filepath.Dir(p)) {
		return filepath.Dir(p), nil
	}
	return "", errors.New("the PostgreSQL server binaries (initdb, pg_ctl, postgres) were not found: " +
		"install PostgreSQL (e.g. apt-get install postgresql) or set CALIBRATE_PG_BINDIR to their directory")
}

func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	bin, err := postgresBinDir()
	if err != nil {
		t.Fatal(err)
	}
	// Not t.TempDir: its parent is root's and private, and the postgres
	// user must reach the data directory.
	dir, err := os.MkdirTemp("", "calibrate-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &privatePostgres{t: t, bin: bin, dir: dir, port: freePort(t)}
	t.Cleanup(func() {
		_ = p.ctl("stop", "-m", "immediate")
		_ = os.RemoveAll(dir)
	})
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Fatalf("running as root, the test runs PostgreSQL as the postgres user, which does not exist: %v", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		if err := os.Chown(dir, uid, gid); err != nil {
			t.Fatal(err)
		}
		p.asUser = "postgres"
	}
	if out, err := p.command("initdb", "-D", p.data(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "-N").
		CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	if err := p.ctl("start"); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p *privatePostgres) data() string { return filepath.Join(p.dir, "data") }

// URL is the connection string of the cluster's postgres database.
func (p *privatePostgres) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
}

// command runs one of the PostgreSQL binaries, as the postgres user when
// we are root.
func (p *privatePostgres) command(name string, args ...string) *exec.Cmd {
	path := filepath.Join(p.bin, name)
	var cmd *exec.Cmd
	if p.asUser == "" {
		cmd = exec.Command(path, args...)
	} else if runuser, err := exec.LookPath("runuser"); err == nil {
		cmd = exec.Command(runuser, append([]string{"-u", p.asUser, "--", path}, args...)...)
	} else {
		quoted := []string{shellQuote(path)}
		for _, a := range args {
			quoted = append(quoted, shellQuote(a))
		}
		cmd = exec.Command("su", "-s", "/bin/sh", p.asUser, "-c", strings.Join(quoted, " "))
	}
	cmd.Dir = p.dir
	return cmd
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

// ctl runs pg_ctl start or stop and waits for it to finish.
func (p *privatePostgres) ctl(action string, extra ...string) error {
	args := []string{action, "-D", p.data(), "-w", "-t", "30"}
	if action == "start" {
		args = append(args, "-l", filepath.Join(p.dir, "postgres.log"), "-o",
			fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=off", p.port, p.dir))
	}
	out, err := p.command("pg_ctl", append(args, extra...)...).CombinedOutput()
	if err != nil {
		log, _ := os.ReadFile(filepath.Join(p.dir, "postgres.log"))
		return fmt.Errorf("pg_ctl %s: %w\n%s\nserver log:\n%s", action, err, out, log)
	}
	return nil
}

func freePort(t *testing.T) int {
	t.Helper()
	_, port, _ := strings.Cut(freeAddr(t), ":")
	n, err := strconv.Atoi(port)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// hit is one request of the steady traffic.
type hit struct {
	path   string
	start  time.Time
	took   time.Duration
	status int
	header http.Header
	body   []byte
	err    error
}

func TestPostgresRestartUnderTraffic(t *testing.T) {
	began := time.Now()
	pg := startPrivatePostgres(t)
	t.Logf("private PostgreSQL on port %d ready in %s", pg.port, time.Since(began).Round(time.Millisecond))
	env := map[string]string{"DATABASE_URL": pg.URL(), "CALIBRATE_JWT_KEY": string(bytes.Repeat([]byte("k"), 40)),
		"CALIBRATE_AUDIT_KEY": string(bytes.Repeat([]byte("a"), 40)),
		"CALIBRATE_LOG_LEVEL": "info", "CALIBRATE_DRAIN_SECONDS": "0"}
	srv := startServer(t, env)
	base, exited := srv.base, srv.exited
	token := srv.login(t)
	client := &http.Client{Timeout: 10 * time.Second}

	// Steady traffic: three clients, each alternating /readyz and an
	// authenticated /me, until told to stop (and at most 20 000 requests).
	var (
		mu   sync.Mutex
		hits []hit
		sent atomic.Int64
		stop = make(chan struct{})
		wg   sync.WaitGroup
	)
	for c := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; sent.Add(1) <= 20000; i++ {
				select {
				case <-stop:
					return
				default:
				}
				path := []string{"/readyz", "/api/v1/me"}[(i+c)%2]
				req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, base+path, nil)
				req.Header.Set("Authorization", "Bearer "+token)
				h := hit{path: path, start: time.Now()}
				res, err := client.Do(req)
				if err == nil {
					h.status, h.header = res.StatusCode, res.Header
					h.body, err = io.ReadAll(res.Body)
					res.Body.Close()
				}
				h.took, h.err = time.Since(h.start), err
				mu.Lock()
				hits = append(hits, h)
				mu.Unlock()
				time.Sleep(10 * time.Millisecond)
			}
		}()
	}
	stopTraffic := func() {
		close(stop)
		wg.Wait()
	}
	defer func() {
		select {
		case <-stop:
		default:
			stopTraffic()
		}
	}()
	since := func(t0 time.Time) []hit {
		mu.Lock()
		defer mu.Unlock()
		var out []hit
		for _, h := range hits {
			if !h.start.Before(t0) {
				out = append(out, h)
			}
		}
		return out
	}

	// Up: everything succeeds.
	tUp0 := time.Now()
	time.Sleep(time.Second)
	tStop := time.Now()
	if err := pg.ctl("stop", "-m", "fast"); err != nil {
		t.Fatal(err)
	}
	tDown := time.Now()
	time.Sleep(2 * time.Second)
	tStart := time.Now()
	if err := pg.ctl("start"); err != nil {
		t.Fatal(err)
	}
	tBack := time.Now()

	// Back: wait until both routes succeed again, then keep going a while.
	var recovered time.Time
	for deadline := tBack.Add(10 * time.Second); recovered.IsZero() && time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		ok := map[string]bool{}
		for _, h := range since(tBack) {
			ok[h.path] = h.err == nil && h.status == http.StatusOK
		}
		if ok["/readyz"] && ok["/api/v1/me"] {
			recovered = time.Now()
		}
	}
	if recovered.IsZero() {
		stopTraffic()
		t.Fatalf("the server did not recover within 10 s of PostgreSQL's restart")
	}
	time.Sleep(2 * time.Second)
	stopTraffic()
	select {
	case err := <-exited:
		t.Fatalf("the server exited: %v", err)
	default:
	}

	var up, down, back int
	for _, h := range since(tUp0) {
		what := fmt.Sprintf("%s at +%s (took %s)", h.path, h.start.Sub(tUp0).Round(time.Millisecond), h.took.Round(time.Millisecond))
		if h.err != nil {
			t.Errorf("%s: no answer: %v", what, h.err)
			continue
		}
		// Nothing hangs: a failing database fails the request fast.
		if h.took > 3*time.Second {
			t.Errorf("%s: took longer than 3 s", what)
		}
		switch {
		case h.start.Add(h.took).Before(tStop): // up
			up++
			if h.status != http.StatusOK {
				t.Errorf("%s before the stop: %d %s", what, h.status, h.body)
			}
		case h.start.After(tDown) && h.start.Add(h.took).Before(tStart): // down
			down++
			wantOutage(t, what, h)
		case h.start.After(recovered): // recovered
			back++
			if h.status != http.StatusOK {
				t.Errorf("%s, after the recovery: %d %s", what, h.status, h.body)
			}
		default: // in transition: ok or a proper outage answer
			if h.status != http.StatusOK {
				wantOutage(t, what, h)
			}
		}
	}
	if up < 10 || down < 10 || back < 10 {
		t.Errorf("too little traffic per phase: %d up, %d down, %d back", up, down, back)
	}
	t.Logf("%d requests before, %d during and %d after the outage; recovered %s after PostgreSQL was back; total %s",
		up, down, back, recovered.Sub(tBack).Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
	if recovered.Sub(tBack) > 5*time.Second {
		t.Errorf("recovery took %s, want at most 5 s", recovered.Sub(tBack))
	}
	// The outage is told once when it starts and once when it ends, not
	// once per failed request.
	if n := srv.logLines("database unavailable"); n != 1 {
		t.Errorf("%d \"database unavailable\" log lines for %d requests during the outage, want 1", n, down)
	}
	if n := srv.logLinesSoon("database available again", 1); n != 1 {
		t.Errorf("%d \"database available again\" log lines, want 1", n)
	}
	if n := srv.logLines("request failed"); n != 0 {
		t.Errorf("%d \"request failed\" log lines: an outage is not a bug", n)
	}
}

// wantOutage checks an answer given while the database is down: /readyz
// says 503 database unreachable, the API 503 unavailable with Retry-After.
func wantOutage(t *testing.T, what string, h hit) {
	t.Helper()
	if h.path == "/readyz" {
		var b struct {
			Status string `json:"status"`
		}
		if h.status != http.StatusServiceUnavailable || json.Unmarshal(h.body, &b) != nil || b.Status != "database unreachable" {
			t.Errorf("%s while PostgreSQL is down: %d %s", what, h.status, h.body)
		}
		return
	}
	outageAnswer(t, what+" while PostgreSQL is down", h.status, h.header, h.body)
}
