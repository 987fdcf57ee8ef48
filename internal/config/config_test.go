package config

import (
	"bytes"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is a getenv over a map: tests never read the real environment. A
// test that does not name the audit key (nor its file) gets goodAuditKey, so
// the default SQLite path never has one generated in this directory.
func env(m map[string]string) Getenv {
	return func(k string) string {
		if k == "CALIBRATE_AUDIT_KEY" {
			_, named := m[k]
			_, file := m[k+"_FILE"]
			if !named && !file {
				return goodAuditKey
			}
		}
		return m[k]
	}
}

const (
	goodKey      = "0123456789abcdef0123456789abcdef" // exactly MinJWTKeyBytes
	goodAuditKey = "audit-key-0123456789abcdef-01234" // exactly MinAuditKeyBytes
)

func TestDefaults(t *testing.T) {
	// A key is given so the default SQLite path (relative to the working
	// directory) is not used to keep a generated one.
	c, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DatabaseURL != DefaultDatabaseURL || c.Dialect != SQLite || c.SQLitePath != "data/calibrate.db" {
		t.Errorf("database: %q %q %q", c.DatabaseURL, c.Dialect, c.SQLitePath)
	}
	if c.Addr != "127.0.0.1:8080" {
		t.Errorf("addr %q", c.Addr)
	}
	if c.LogLevel != slog.LevelInfo {
		t.Errorf("log level %v", c.LogLevel)
	}
	if c.AllowedOrigins != nil || c.TrustedProxies != nil {
		t.Errorf("lists: %v %v", c.AllowedOrigins, c.TrustedProxies)
	}
	if string(c.JWTKey) != goodKey {
		t.Errorf("key %q", c.JWTKey)
	}
	if c.DBStatementTimeout != 5*time.Second || c.DBAcquireTimeout != 5*time.Second || c.Drain != 5*time.Second {
		t.Errorf("timeouts: statement %s, acquire %s, drain %s", c.DBStatementTimeout, c.DBAcquireTimeout, c.Drain)
	}
	if c.RateLimit != DefaultRateLimit || DefaultRateLimit != 900 {
		t.Errorf("rate limit %d, want the documented 900", c.RateLimit)
	}
	if c.MaxStreams != DefaultMaxStreams || DefaultMaxStreams != 2000 {
		t.Errorf("max streams %d, want the documented 2000", c.MaxStreams)
	}
}

// CALIBRATE_MAX_STREAMS is a number of streams per process, at least 1.
func TestMaxStreams(t *testing.T) {
	for in, want := range map[string]int{"": DefaultMaxStreams, "1": 1, " 500 ": 500, "100000": 100000} {
		c, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_MAX_STREAMS": in}))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.MaxStreams != want {
			t.Errorf("%q: %d, want %d", in, c.MaxStreams, want)
		}
	}
}

// CALIBRATE_METRICS_ADDR is a host:port of its own; unset serves no metrics.
func TestMetricsAddr(t *testing.T) {
	for in, want := range map[string]string{"": "", "127.0.0.1:9090": "127.0.0.1:9090", " :9090 ": ":9090",
		"0.0.0.0:9091": "0.0.0.0:9091", "[::1]:9090": "[::1]:9090", "localhost:9090": "localhost:9090"} {
		c, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_METRICS_ADDR": in}))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.MetricsAddr != want {
			t.Errorf("%q: %q, want %q", in, c.MetricsAddr, want)
		}
	}
}

// CALIBRATE_RATE_LIMIT is calls per minute; 0 turns the limits off.
func TestRateLimit(t *testing.T) {
	for in, want := range map[string]int{"": DefaultRateLimit, "0": 0, " 60 ": 60, "1": 1, "100000": MaxRateLimit} {
		c, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_RATE_LIMIT": in}))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.RateLimit != want {
			t.Errorf("%q: %d, want %d", in, c.RateLimit, want)
		}
	}
}

func TestDatabaseBoundsAndDrain(t *testing.T) {
	c, err := Load(env(map[string]string{
		"CALIBRATE_JWT_KEY":              goodKey,
		"CALIBRATE_DB_STATEMENT_TIMEOUT": "750ms",
		"CALIBRATE_DB_ACQUIRE_TIMEOUT":   " 1m30s ",
		"CALIBRATE_DRAIN_SECONDS":        "0",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.DBStatementTimeout != 750*time.Millisecond || c.DBAcquireTimeout != 90*time.Second || c.Drain != 0 {
		t.Errorf("statement %s, acquire %s, drain %s", c.DBStatementTimeout, c.DBAcquireTimeout, c.Drain)
	}
	c, err = Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DRAIN_SECONDS": "30"}))
	if err != nil || c.Drain != 30*time.Second {
		t.Errorf("drain 30: %v %v", c, err)
	}
}

func TestValues(t *testing.T) {
	c, err := Load(env(map[string]string{
		"DATABASE_URL":              "postgresql://u:p@db:5432/calibrate?sslmode=disable",
		"CALIBRATE_ADDR":            "0.0.0.0:9000",
		"CALIBRATE_JWT_KEY":         goodKey,
		"CALIBRATE_ALLOWED_ORIGINS": " https://a.example.com/ , http://localhost:5173,, ",
		"CALIBRATE_LOG_LEVEL":       "WARNING",
		"CALIBRATE_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.1",
	}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Dialect != Postgres || c.SQLitePath != "" || c.Addr != "0.0.0.0:9000" || c.LogLevel != slog.LevelWarn {
		t.Errorf("got %+v", c)
	}
	if got := strings.Join(c.AllowedOrigins, " "); got != "https://a.example.com http://localhost:5173" {
		t.Errorf("origins %q", got)
	}
	if got := strings.Join(c.TrustedProxies, " "); got != "10.0.0.0/8 192.168.1.1" {
		t.Errorf("proxies %q", got)
	}
}

func TestLogLevels(t *testing.T) {
	for in, want := range map[string]slog.Level{
		"": slog.LevelInfo, "info": slog.LevelInfo, "debug": slog.LevelDebug, "Debug": slog.LevelDebug,
		"warn": slog.LevelWarn, "warning": slog.LevelWarn, "error": slog.LevelError,
	} {
		c, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_LOG_LEVEL": in}))
		if err != nil {
			t.Errorf("%q: %v", in, err)
			continue
		}
		if c.LogLevel != want {
			t.Errorf("%q: %v, want %v", in, c.LogLevel, want)
		}
	}
}

// Every bad configuration stops with one sentence naming the variable.
func TestRefused(t *testing.T) {
	dir := t.TempDir()
	shortFile := filepath.Join(dir, "short.key")
	if err := os.WriteFile(shortFile, []byte("too-short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		env  map[string]string
		want string
	}{
		{"unknown scheme", map[string]string{"DATABASE_URL": "mysql://root:hunter2@db/x"}, "DATABASE_URL: unknown scheme"},
		{"sqlite without a path", map[string]string{"DATABASE_URL": "sqlite:"}, "DATABASE_URL: sqlite: needs a file path"},
		{"short key", map[string]string{"CALIBRATE_JWT_KEY": "short"}, "CALIBRATE_JWT_KEY: the secret has 5 bytes; at least 32"},
		{"short key file", map[string]string{"CALIBRATE_JWT_KEY_FILE": shortFile}, "CALIBRATE_JWT_KEY_FILE (" + shortFile + "): the secret has 9 bytes"},
		{"missing key file", map[string]string{"CALIBRATE_JWT_KEY_FILE": filepath.Join(dir, "nope")}, "CALIBRATE_JWT_KEY_FILE:"},
		{"postgres without a key", map[string]string{"DATABASE_URL": "postgres://db/x"}, "CALIBRATE_JWT_KEY (or CALIBRATE_JWT_KEY_FILE) is required with PostgreSQL"},
		{"postgres without an audit key", map[string]string{"DATABASE_URL": "postgres://db/x", "CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_AUDIT_KEY": ""},
			"CALIBRATE_AUDIT_KEY (or CALIBRATE_AUDIT_KEY_FILE) is required with PostgreSQL"},
		{"short audit key", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_AUDIT_KEY": "short"}, "CALIBRATE_AUDIT_KEY: the secret has 5 bytes; at least 32"},
		{"short audit key file", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_AUDIT_KEY_FILE": shortFile}, "CALIBRATE_AUDIT_KEY_FILE (" + shortFile + "): the secret has 9 bytes"},
		{"missing audit key file", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_AUDIT_KEY_FILE": filepath.Join(dir, "nope")}, "CALIBRATE_AUDIT_KEY_FILE:"},
		{"one key for both", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_AUDIT_KEY": goodKey}, "CALIBRATE_AUDIT_KEY: must differ from CALIBRATE_JWT_KEY"},
		{"bad log level", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_LOG_LEVEL": "loud"}, `CALIBRATE_LOG_LEVEL: "loud" is not one of`},
		{"statement timeout without a unit", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DB_STATEMENT_TIMEOUT": "5"}, `CALIBRATE_DB_STATEMENT_TIMEOUT: "5" is not a duration like 5s`},
		{"statement timeout zero", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DB_STATEMENT_TIMEOUT": "0s"}, `CALIBRATE_DB_STATEMENT_TIMEOUT: "0s" must be at least 1ms`},
		{"acquire timeout negative", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DB_ACQUIRE_TIMEOUT": "-1s"}, `CALIBRATE_DB_ACQUIRE_TIMEOUT: "-1s" must be at least 1ms`},
		{"acquire timeout garbage", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DB_ACQUIRE_TIMEOUT": "soon"}, `CALIBRATE_DB_ACQUIRE_TIMEOUT: "soon" is not a duration`},
		{"drain as a duration", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DRAIN_SECONDS": "5s"}, `CALIBRATE_DRAIN_SECONDS: "5s" is not a whole number of seconds`},
		{"drain negative", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DRAIN_SECONDS": "-1"}, `CALIBRATE_DRAIN_SECONDS: "-1" is not a whole number`},
		{"drain too long", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_DRAIN_SECONDS": "3600"}, "CALIBRATE_DRAIN_SECONDS: 3600 is more than 600"},
		{"max streams zero", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_MAX_STREAMS": "0"}, `CALIBRATE_MAX_STREAMS: "0" is not a whole number of event streams of at least 1`},
		{"max streams negative", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_MAX_STREAMS": "-5"}, `CALIBRATE_MAX_STREAMS: "-5" is not a whole number`},
		{"max streams fractional", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_MAX_STREAMS": "1.5"}, `CALIBRATE_MAX_STREAMS: "1.5" is not a whole number`},
		{"rate limit negative", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_RATE_LIMIT": "-1"}, `CALIBRATE_RATE_LIMIT: "-1" is not a whole number of calls per minute`},
		{"rate limit as a rate", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_RATE_LIMIT": "900/m"}, `CALIBRATE_RATE_LIMIT: "900/m" is not a whole number`},
		{"rate limit fractional", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_RATE_LIMIT": "1.5"}, `CALIBRATE_RATE_LIMIT: "1.5" is not a whole number`},
		{"rate limit off by word", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_RATE_LIMIT": "off"}, `CALIBRATE_RATE_LIMIT: "off" is not a whole number`},
		{"rate limit too high", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_RATE_LIMIT": "100001"}, "CALIBRATE_RATE_LIMIT: 100001 is more than 100000"},
		{"metrics without a port", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_METRICS_ADDR": "127.0.0.1"}, `CALIBRATE_METRICS_ADDR: "127.0.0.1" is not a host:port`},
		{"metrics as a URL", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_METRICS_ADDR": "http://127.0.0.1:9090/metrics"}, `CALIBRATE_METRICS_ADDR: "http://127.0.0.1:9090/metrics" is not a host:port`},
		{"metrics port out of range", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_METRICS_ADDR": ":70000"}, "has no port number from 0 to 65535"},
		{"metrics port by name", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_METRICS_ADDR": ":prometheus"}, "has no port number"},
		{"metrics host name", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_METRICS_ADDR": "metrics.internal:9090"}, "names no IP address"},
		{"metrics on the API's port", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_ADDR": "0.0.0.0:8080", "CALIBRATE_METRICS_ADDR": "0.0.0.0:8080"}, "is the API's address"},
		{"bad origin", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_ALLOWED_ORIGINS": "calibrate.example.com"}, "CALIBRATE_ALLOWED_ORIGINS:"},
		{"origin too long", map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_ALLOWED_ORIGINS": "https://" + strings.Repeat("a", MaxOriginLength)}, "is longer than 2048"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Load(env(tc.env))
			if err == nil {
				t.Fatalf("accepted: %+v", c)
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not say %q", msg, tc.want)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("error is not one line: %q", msg)
			}
		})
	}
}

// A password in DATABASE_URL never reaches an error message (and so the logs).
func TestUnknownSchemeHidesPassword(t *testing.T) {
	_, err := Load(env(map[string]string{"DATABASE_URL": "mysql://root:hunter2@db:3306/x"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), "@db:3306/x") {
		t.Fatalf("error %v", err)
	}
}

// CALIBRATE_JWT_KEY wins over the file; the file's surrounding space is
// ignored (editors and `echo` add a newline).
func TestKeyFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "jwt.key")
	if err := os.WriteFile(file, []byte("  "+goodKey+"-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://db/x", "CALIBRATE_JWT_KEY_FILE": file}))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.JWTKey) != goodKey+"-from-file" {
		t.Errorf("key from file %q", c.JWTKey)
	}
	c, err = Load(env(map[string]string{"DATABASE_URL": "postgres://db/x", "CALIBRATE_JWT_KEY_FILE": file, "CALIBRATE_JWT_KEY": goodKey}))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.JWTKey) != goodKey {
		t.Errorf("the variable should win over the file: %q", c.JWTKey)
	}
	if string(c.AuditKey) != goodAuditKey {
		t.Errorf("audit key %q", c.AuditKey)
	}
}

// CALIBRATE_AUDIT_KEY_FILE is CALIBRATE_AUDIT_KEY's twin, as for the JWT
// key, and the variable wins over it.
func TestAuditKeyFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "audit.key")
	if err := os.WriteFile(file, []byte(goodAuditKey+"-from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(env(map[string]string{"DATABASE_URL": "postgres://db/x", "CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_AUDIT_KEY_FILE": file}))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.AuditKey) != goodAuditKey+"-from-file" {
		t.Errorf("audit key from file %q", c.AuditKey)
	}
	c, err = Load(env(map[string]string{"DATABASE_URL": "postgres://db/x", "CALIBRATE_JWT_KEY": goodKey,
		"CALIBRATE_AUDIT_KEY_FILE": file, "CALIBRATE_AUDIT_KEY": goodAuditKey + "-variable"}))
	if err != nil {
		t.Fatal(err)
	}
	if string(c.AuditKey) != goodAuditKey+"-variable" {
		t.Errorf("the variable should win over the file: %q", c.AuditKey)
	}
}

// The embedded default needs no setup: the first start generates a key
// beside the database file, readable by the owner only, and later starts
// reuse it so sessions survive a restart.
func TestSQLiteKeyIsGeneratedAndKept(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	e := env(map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(dir, "calibrate.db"), "CALIBRATE_AUDIT_KEY": ""})
	first, err := Load(e)
	if err != nil {
		t.Fatal(err)
	}
	if len(first.JWTKey) < MinJWTKeyBytes {
		t.Fatalf("generated key has %d bytes", len(first.JWTKey))
	}
	path := filepath.Join(dir, "jwt.key")
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, perm)
	}
	second, err := Load(e)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.JWTKey, second.JWTKey) {
		t.Error("the second start generated a new key instead of reusing the kept one")
	}
	// The audit key likewise, in a file of its own, different from the
	// token key.
	audit := filepath.Join(dir, "audit.key")
	if fi, err := os.Stat(audit); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("%s: %v %v, want mode 0600", audit, fi, err)
	}
	if len(first.AuditKey) < MinAuditKeyBytes || !bytes.Equal(first.AuditKey, second.AuditKey) || bytes.Equal(first.AuditKey, first.JWTKey) {
		t.Errorf("audit keys %q then %q (token key %q)", first.AuditKey, second.AuditKey, first.JWTKey)
	}

	// A kept key that was truncated is refused rather than silently used.
	if err := os.WriteFile(path, []byte("short\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(e); err == nil || !strings.Contains(err.Error(), "delete it to generate a new one") {
		t.Errorf("short kept key: %v", err)
	}
}

// Two databases in different directories get different keys.
func TestSQLiteKeysDifferPerDirectory(t *testing.T) {
	a, err := Load(env(map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "a.db")}))
	if err != nil {
		t.Fatal(err)
	}
	b, err := Load(env(map[string]string{"DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "b.db")}))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.JWTKey, b.JWTKey) {
		t.Error("two generated keys are equal")
	}
}

func TestMail(t *testing.T) {
	c, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTP != nil || c.MailFrom != "" || c.PublicURL != "http://127.0.0.1:8080" {
		t.Errorf("without mail settings: SMTP %+v, from %q, public URL %q", c.SMTP, c.MailFrom, c.PublicURL)
	}
	for _, tc := range []struct {
		url  string
		want SMTP
	}{
		{"smtp://mail.example.com", SMTP{Host: "mail.example.com", Port: 587}},
		{"smtp://127.0.0.1:1025", SMTP{Host: "127.0.0.1", Port: 1025}},
		{"smtp://us%40er:p%3Ass@mail.example.com:2525", SMTP{Host: "mail.example.com", Port: 2525, Username: "us@er", Password: "p:ss"}},
		{"smtps://u:p@mail.example.com", SMTP{Host: "mail.example.com", Port: 465, Username: "u", Password: "p", ImplicitTLS: true}},
	} {
		c, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_SMTP_URL": tc.url,
			"CALIBRATE_MAIL_FROM": "Calibrate <calibrate@example.com>", "CALIBRATE_PUBLIC_URL": "https://calibrate.example.com/"}))
		if err != nil {
			t.Errorf("%s: %v", tc.url, err)
			continue
		}
		if *c.SMTP != tc.want || c.MailFrom != "Calibrate <calibrate@example.com>" || c.PublicURL != "https://calibrate.example.com" {
			t.Errorf("%s: %+v, from %q, public %q", tc.url, *c.SMTP, c.MailFrom, c.PublicURL)
		}
	}
	for _, tc := range []struct{ name, smtp, from, public, want string }{
		{"no From", "smtp://mail.example.com", "", "", "CALIBRATE_MAIL_FROM: required"},
		{"From alone", "", "calibrate@example.com", "", "CALIBRATE_MAIL_FROM: is set but CALIBRATE_SMTP_URL is not"},
		{"bad From", "smtp://mail.example.com", "not an address", "", "CALIBRATE_MAIL_FROM:"},
		{"other scheme", "http://mail.example.com", "a@example.com", "", "CALIBRATE_SMTP_URL: scheme \"http\""},
		{"no host", "smtp://:25", "a@example.com", "", "CALIBRATE_SMTP_URL: needs a host"},
		{"bad port", "smtp://mail.example.com:99999", "a@example.com", "", "CALIBRATE_SMTP_URL: port"},
		{"relative public URL", "", "", "calibrate.example.com", "CALIBRATE_PUBLIC_URL:"},
	} {
		_, err := Load(env(map[string]string{"CALIBRATE_JWT_KEY": goodKey, "CALIBRATE_SMTP_URL": tc.smtp,
			"CALIBRATE_MAIL_FROM": tc.from, "CALIBRATE_PUBLIC_URL": tc.public}))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want an error with %q", tc.name, err, tc.want)
		}
	}
}
