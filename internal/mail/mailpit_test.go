package mail_test

// Mailpit, a real SMTP server with an HTTP API that reads what arrived, is
// built once per test binary from .ci/mailpit (its own module, so the main
// go.mod never sees it) and started by each test on free loopback ports.
// Nothing leaves the machine: Mailpit relays nothing and checks for no
// updates.

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"
)

var mailpitBin = sync.OnceValues(func() (string, error) {
	_, file, _, _ := runtime.Caller(0)
	mod := filepath.Join(filepath.Dir(file), "..", "..", ".ci", "mailpit")
	dir, err := os.MkdirTemp("", "calibrate-mailpit-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "mailpit")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/axllent/mailpit")
	cmd.Dir = mod
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("building mailpit: %w\n%s", err, out)
	}
	return bin, nil
})

func TestMain(m *testing.M) {
	code := m.Run()
	if bin, err := mailpitBin(); err == nil && bin != "" {
		_ = os.RemoveAll(filepath.Dir(bin))
	}
	os.Exit(code)
}

// freePort is a loopback port nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// mailpit is one Mailpit server; Stop and Start again keep its ports and
// its mailbox.
type mailpit struct {
	t          *testing.T
	smtp, http int
	db         string
	cmd        *exec.Cmd
}

func newMailpit(t *testing.T) *mailpit {
	t.Helper()
	m := &mailpit{t: t, smtp: freePort(t), http: freePort(t), db: filepath.Join(t.TempDir(), "mailpit.db")}
	t.Cleanup(m.Stop)
	return m
}

func (m *mailpit) Start() {
	m.t.Helper()
	bin, err := mailpitBin()
	if err != nil {
		m.t.Fatal(err)
	}
	m.cmd = exec.Command(bin, "--smtp", "127.0.0.1:"+strconv.Itoa(m.smtp), "--listen", "127.0.0.1:"+strconv.Itoa(m.http),
		"--database", m.db, "--disable-version-check", "--quiet")
	if testing.Verbose() {
		m.cmd.Stderr = os.Stderr
	}
	// It dies with the test binary, even one killed at its timeout.
	m.cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := m.cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		res, err := http.Get(m.url("/api/v1/messages"))
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				break
			}
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("mailpit did not start: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The SMTP port too.
	for {
		c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(m.smtp))
		if err == nil {
			c.Close()
			return
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("mailpit's SMTP port did not open: %v", err)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (m *mailpit) Stop() {
	if m.cmd == nil || m.cmd.Process == nil {
		return
	}
	_ = m.cmd.Process.Kill()
	_ = m.cmd.Wait()
	m.cmd = nil
}

func (m *mailpit) url(path string) string { return "http://127.0.0.1:" + strconv.Itoa(m.http) + path }

type address struct {
	Name    string
	Address string
}

type message struct {
	ID      string
	To      []address
	Subject string
	Text    string
	HTML    string
	Headers map[string][]string
}

func (m *mailpit) get(path string, v any) {
	m.t.Helper()
	res, err := http.Get(m.url(path))
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		m.t.Fatalf("mailpit %s: %s", path, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		m.t.Fatal(err)
	}
}

// Messages reads every message that arrived, oldest first, in full.
func (m *mailpit) Messages() []message {
	m.t.Helper()
	var list struct {
		Total    int `json:"total"`
		Messages []struct{ ID string }
	}
	m.get("/api/v1/messages?limit=1000", &list)
	out := make([]message, 0, len(list.Messages))
	for i := len(list.Messages) - 1; i >= 0; i-- {
		var msg message
		m.get("/api/v1/message/"+list.Messages[i].ID, &msg)
		m.get("/api/v1/message/"+list.Messages[i].ID+"/headers", &msg.Headers)
		out = append(out, msg)
	}
	return out
}

// Await waits until n messages have arrived and returns them; it fails the
// test if more arrive or they take too long.
func (m *mailpit) Await(n int) []message {
	m.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		var list struct {
			Total int `json:"total"`
		}
		m.get("/api/v1/messages?limit=1", &list)
		if list.Total > n {
			m.t.Fatalf("%d e-mails arrived, want %d: %+v", list.Total, n, subjects(m.Messages()))
		}
		if list.Total == n {
			return m.Messages()
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("%d e-mails arrived within 30 s, want %d: %+v", list.Total, n, subjects(m.Messages()))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func subjects(ms []message) []string {
	var out []string
	for _, m := range ms {
		to := ""
		if len(m.To) > 0 {
			to = m.To[0].Address
		}
		out = append(out, to+": "+m.Subject)
	}
	return out
}
