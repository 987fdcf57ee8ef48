package main

// The real binary as a child process: what the tests of outages, restarts
// and graceful stops talk to over real sockets, with a plain HTTP client
// (the answers they provoke, 503 among them, are the server's own).

import (
	"encoding/json"
	"net/http"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// serverProcess is `calibrate serve` running on a free loopback port.
type serverProcess struct {
	cmd            *exec.Cmd
	addr, base     string
	stdout, stderr *syncBuffer
	exited         chan error // receives the process's exit once
}

// startServer builds the binary (once), creates the admin ada@initech.test
// with the in-process command, then runs serve with env as its whole
// environment and waits until /readyz answers 200.
func startServer(t *testing.T, env map[string]string) *serverProcess {
	t.Helper()
	if r := calibrate(env, "a long enough password\n", "user", "create", "--org", "Initech", "--email", "ada@initech.test",
		"--name", "Ada", "--role", "admin"); r.code != 0 {
		t.Fatalf("user create: %+v", r)
	}
	return startReplica(t, env)
}

// startReplica runs another serve on the same database, ready like
// startServer's.
func startReplica(t *testing.T, env map[string]string) *serverProcess {
	t.Helper()
	bin, err := buildBinary()
	if err != nil {
		t.Fatal(err)
	}
	p := &serverProcess{addr: freeAddr(t), stdout: &syncBuffer{}, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	p.base = "http://" + p.addr
	p.cmd = exec.Command(bin, "serve", "--addr", p.addr)
	for k, v := range env {
		p.cmd.Env = append(p.cmd.Env, k+"="+v)
	}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() {
		_ = p.cmd.Process.Kill()
		if t.Failed() {
			t.Logf("server stdout:\n%s\nserver stderr:\n%s", p.stdout.String(), p.stderr.String())
		}
	})
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if res, err := client.Get(p.base + "/readyz"); err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return p
			}
		}
		select {
		case err := <-p.exited:
			t.Fatalf("the server exited before it was ready: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the server did not become ready")
		}
	}
}

// login signs ada in and returns her access token.
func (p *serverProcess) login(t *testing.T) string {
	t.Helper()
	res, err := http.Post(p.base+"/api/v1/auth/login", "application/json",
		strings.NewReader(`{"email":"ada@initech.test","password":"a long enough password"}`))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var grant struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(res.Body).Decode(&grant); err != nil || res.StatusCode != http.StatusOK || grant.AccessToken == "" {
		t.Fatalf("login: %d %v", res.StatusCode, err)
	}
	return grant.AccessToken
}

// logLines counts the server's JSON log lines with the given message.
func (p *serverProcess) logLines(msg string) int {
	n := 0
	for _, line := range strings.Split(p.stderr.String(), "\n") {
		var rec struct {
			Msg string `json:"msg"`
		}
		if json.Unmarshal([]byte(line), &rec) == nil && rec.Msg == msg {
			n++
		}
	}
	return n
}

// logLinesSoon is logLines once the server's log has had up to five seconds
// to reach the test: stderr is copied from a pipe, behind the answers.
func (p *serverProcess) logLinesSoon(msg string, want int) int {
	deadline := time.Now().Add(5 * time.Second)
	for {
		n := p.logLines(msg)
		if n >= want || time.Now().After(deadline) {
			return n
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// outageAnswer checks an API answer given while the database is unavailable:
// 503, Retry-After, the error shape with code unavailable, and nothing of
// the cause.
func outageAnswer(t *testing.T, what string, status int, header http.Header, body []byte) {
	t.Helper()
	var e struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if status != http.StatusServiceUnavailable || json.Unmarshal(body, &e) != nil ||
		e.Error.Code != "unavailable" || e.Error.Message == "" {
		t.Errorf("%s: %d %s, want 503 unavailable", what, status, body)
	}
	if got := header.Get("Retry-After"); got != "5" {
		t.Errorf("%s: Retry-After %q, want 5", what, got)
	}
	for _, leak := range []string{"SQLSTATE", "dial", "connect", "127.0.0.1", "locked", "timeout"} {
		if strings.Contains(string(body), leak) {
			t.Errorf("%s: the answer leaks %q: %s", what, leak, body)
		}
	}
}
