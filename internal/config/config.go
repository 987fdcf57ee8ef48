// Package config reads Calibrate's configuration from the environment once,
// validates it, and hands a typed value to whoever needs it. Nothing here is
// global: main builds a Config and passes it down.
package config

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Dialect is the kind of database DATABASE_URL names.
type Dialect string

const (
	SQLite   Dialect = "sqlite"
	Postgres Dialect = "postgres"
)

// DefaultDatabaseURL is the embedded default: a SQLite file under data/.
const DefaultDatabaseURL = "sqlite:data/calibrate.db"

// MinJWTKeyBytes is the shortest HMAC secret we accept.
const MinJWTKeyBytes = 32

// MaxOriginLength is the longest origin CALIBRATE_ALLOWED_ORIGINS may name:
// the API sends it back as Access-Control-Allow-Origin, and the contract
// bounds that header.
const MaxOriginLength = 2048

// MinAuditKeyBytes is the shortest audit key we accept: the key of the
// audit chain's HMAC links and of its checkpoints.
const MinAuditKeyBytes = 32

// Defaults of the database bounds and of the drain of a graceful stop.
const (
	DefaultDBStatementTimeout = 5 * time.Second
	DefaultDBAcquireTimeout   = 5 * time.Second
	DefaultDrain              = 5 * time.Second
	// maxDrain keeps a typo (300 meant as milliseconds) from holding a
	// stopping replica for an hour.
	maxDrain = 10 * time.Minute
)

// DefaultRateLimit is the calls per minute one user may make to each
// expensive route: half again what a meeting followed in ten tabs needs
// (each tab refetches the board at most once a second, 600 a minute), while
// a script's burst meets the limit after a tenth of it (see
// internal/ratelimit). MaxRateLimit is the most a setting may say; beyond
// it, turn the limits off with 0.
const (
	DefaultRateLimit = 900
	MaxRateLimit     = 100000
)

// DefaultMaxStreams is how many event streams one process serves at once.
// A stream costs a goroutine and a few KiB, and no database connection; the
// cap keeps a flood of streams (a reconnect storm, a script) from taking a
// process's memory, and makes its excess a clear 503 that a client retries,
// on this process or another.
const DefaultMaxStreams = 2000

type Config struct {
	DatabaseURL string
	Dialect     Dialect
	SQLitePath  string // set when Dialect is SQLite
	Addr        string
	JWTKey      []byte
	// AuditKey keys the audit chain's links and checkpoints. It never goes
	// into the database: whoever can write the database but does not hold
	// it cannot rewrite the log undetected.
	AuditKey       []byte
	AllowedOrigins []string
	LogLevel       slog.Level
	TrustedProxies []string

	// DBStatementTimeout bounds one statement: PostgreSQL cancels it
	// server-side (statement_timeout); on SQLite it is the busy timeout.
	// Zero means unbounded (the administration commands, the tests).
	DBStatementTimeout time.Duration
	// DBAcquireTimeout bounds the wait for a pooled connection. With the
	// statement timeout it makes the deadline of a request's database work.
	DBAcquireTimeout time.Duration
	// Drain is how long /readyz answers "draining" after SIGTERM, while
	// every route still serves, before the listener closes.
	Drain time.Duration
	// RateLimit is how many calls a minute one user may make to each route
	// the route table marks limited; 0 turns those limits off (a load test
	// of the board). The login throttle is not affected.
	RateLimit int
	// MaxStreams is how many event streams this process serves at once;
	// past it a new stream answers 503. Counted per process, not per user:
	// a room may follow a meeting on one shared account in many tabs.
	MaxStreams int
	// OIDC is single sign-on with an OpenID Connect provider; nil when it
	// is not set up.
	OIDC *OIDC
	// MetricsAddr, when set, is the host:port of a listener of its own
	// that serves Prometheus metrics at /metrics; empty serves none.
	MetricsAddr string
	// SMTP is where e-mail goes; nil means no e-mail is sent and no mail
	// job is ever queued.
	SMTP *SMTP
	// MailFrom is the From address of every e-mail (required with SMTP).
	MailFrom string
	// PublicURL is the absolute URL people reach Calibrate at, which the
	// links in e-mail start with. Unset, it is http:// and the listen
	// address.
	PublicURL string
}

// OIDC configures single sign-on: the provider (its issuer URL) and the
// client registered there. The provider sends people back under
// Config.PublicURL, which single sign-on requires to be set.
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// Name is what the sign-in page calls the provider
	// (CALIBRATE_OIDC_NAME, else the issuer's host).
	Name string
}

// SMTP is the mail server, from CALIBRATE_SMTP_URL: smtp:// speaks
// STARTTLS when the server offers it and plain SMTP otherwise; smtps://
// is TLS from the first byte.
type SMTP struct {
	Host        string
	Port        int
	Username    string
	Password    string
	ImplicitTLS bool
}

// Getenv is os.Getenv's shape, so tests can pass a map.
type Getenv func(string) string

// Load reads and validates the configuration. With SQLite and no keys, the
// keys are generated once and kept beside the database file (mode 0600), so
// the embedded default needs no setup, sessions survive restarts and the
// audit log verifies across them.
func Load(getenv Getenv) (*Config, error) {
	c := &Config{
		DatabaseURL: getenv("DATABASE_URL"),
		Addr:        getenv("CALIBRATE_ADDR"),
	}
	if c.DatabaseURL == "" {
		c.DatabaseURL = DefaultDatabaseURL
	}
	if c.Addr == "" {
		c.Addr = "127.0.0.1:8080"
	}
	switch {
	case strings.HasPrefix(c.DatabaseURL, "sqlite:"):
		c.Dialect = SQLite
		c.SQLitePath = strings.TrimPrefix(c.DatabaseURL, "sqlite:")
		if c.SQLitePath == "" {
			return nil, errors.New("DATABASE_URL: sqlite: needs a file path, e.g. sqlite:data/calibrate.db")
		}
	case strings.HasPrefix(c.DatabaseURL, "postgres://"), strings.HasPrefix(c.DatabaseURL, "postgresql://"):
		c.Dialect = Postgres
	default:
		return nil, fmt.Errorf("DATABASE_URL: unknown scheme in %q: use postgres://… or sqlite:PATH", redact(c.DatabaseURL))
	}

	level := strings.ToLower(getenv("CALIBRATE_LOG_LEVEL"))
	switch level {
	case "", "info":
		c.LogLevel = slog.LevelInfo
	case "debug":
		c.LogLevel = slog.LevelDebug
	case "warn", "warning":
		c.LogLevel = slog.LevelWarn
	case "error":
		c.LogLevel = slog.LevelError
	default:
		return nil, fmt.Errorf("CALIBRATE_LOG_LEVEL: %q is not one of debug, info, warn, error", level)
	}
	c.AllowedOrigins = splitList(getenv("CALIBRATE_ALLOWED_ORIGINS"))
	for _, o := range c.AllowedOrigins {
		if !strings.HasPrefix(o, "http://") && !strings.HasPrefix(o, "https://") {
			return nil, fmt.Errorf("CALIBRATE_ALLOWED_ORIGINS: %q is not an origin like https://calibrate.example.com", o)
		}
		if len(o) > MaxOriginLength {
			return nil, fmt.Errorf("CALIBRATE_ALLOWED_ORIGINS: an origin of %d characters is longer than %d", len(o), MaxOriginLength)
		}
	}
	c.TrustedProxies = splitList(getenv("CALIBRATE_TRUSTED_PROXIES"))

	var err error
	if c.DBStatementTimeout, err = positiveDuration(getenv, "CALIBRATE_DB_STATEMENT_TIMEOUT", DefaultDBStatementTimeout); err != nil {
		return nil, err
	}
	if c.DBAcquireTimeout, err = positiveDuration(getenv, "CALIBRATE_DB_ACQUIRE_TIMEOUT", DefaultDBAcquireTimeout); err != nil {
		return nil, err
	}
	if c.Drain, err = drainSeconds(getenv("CALIBRATE_DRAIN_SECONDS")); err != nil {
		return nil, err
	}
	if c.RateLimit, err = rateLimit(getenv("CALIBRATE_RATE_LIMIT")); err != nil {
		return nil, err
	}
	if c.MaxStreams, err = maxStreams(getenv("CALIBRATE_MAX_STREAMS")); err != nil {
		return nil, err
	}

	if c.PublicURL, err = publicURL(getenv, c.Addr); err != nil {
		return nil, err
	}
	if c.OIDC, err = loadOIDC(getenv); err != nil {
		return nil, err
	}
	if c.MetricsAddr, err = metricsAddr(getenv("CALIBRATE_METRICS_ADDR"), c.Addr); err != nil {
		return nil, err
	}
	if err := loadMail(getenv, c); err != nil {
		return nil, err
	}

	if c.JWTKey, err = loadKey(getenv, c, jwtKey); err != nil {
		return nil, err
	}
	if c.AuditKey, err = loadKey(getenv, c, auditKey); err != nil {
		return nil, err
	}
	// One key for both would let whoever steals the token key also forge
	// the audit log, and the other way round.
	if string(c.AuditKey) == string(c.JWTKey) {
		return nil, errors.New("CALIBRATE_AUDIT_KEY: must differ from CALIBRATE_JWT_KEY")
	}
	return c, nil
}

// keySpec names one secret: its variable (and the _FILE twin), the file
// kept beside the SQLite database, and why PostgreSQL needs it given.
type keySpec struct {
	env, file, why string
	min            int
}

var (
	jwtKey   = keySpec{"CALIBRATE_JWT_KEY", "jwt.key", "every replica must share one secret of at least 32 bytes", MinJWTKeyBytes}
	auditKey = keySpec{"CALIBRATE_AUDIT_KEY", "audit.key", "a secret of at least 32 bytes, kept outside the database, keys the audit log", MinAuditKeyBytes}
)

func loadKey(getenv Getenv, c *Config, spec keySpec) ([]byte, error) {
	key, source := getenv(spec.env), spec.env
	if file := getenv(spec.env + "_FILE"); key == "" && file != "" {
		b, err := os.ReadFile(file) //nolint:gosec // G304: the operator names this file on purpose
		if err != nil {
			return nil, fmt.Errorf("%s_FILE: %w", spec.env, err)
		}
		key, source = strings.TrimSpace(string(b)), spec.env+"_FILE ("+file+")"
	}
	if key != "" {
		if len(key) < spec.min {
			return nil, fmt.Errorf("%s: the secret has %d bytes; at least %d are required", source, len(key), spec.min)
		}
		return []byte(key), nil
	}
	if c.Dialect == Postgres {
		return nil, fmt.Errorf("%s (or %s_FILE) is required with PostgreSQL: %s", spec.env, spec.env, spec.why)
	}
	return embeddedKey(filepath.Join(filepath.Dir(c.SQLitePath), spec.file), spec.min)
}

// embeddedKey reads the generated key, or makes one on first start.
func embeddedKey(path string, minBytes int) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil { //nolint:gosec // G304: the key file beside the configured SQLite database
		k := strings.TrimSpace(string(b))
		if len(k) < minBytes {
			return nil, fmt.Errorf("%s: the kept secret is shorter than %d bytes; delete it to generate a new one", path, minBytes)
		}
		return []byte(k), nil
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("reading %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating %s: %w", filepath.Dir(path), err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	k := hex.EncodeToString(raw)
	if err := os.WriteFile(path, []byte(k+"\n"), 0o600); err != nil {
		return nil, fmt.Errorf("writing %s: %w", path, err)
	}
	return []byte(k), nil
}

// positiveDuration reads a Go duration such as 5s or 750ms. Zero is refused:
// an unbounded wait on the database is what these settings exist to end.
func positiveDuration(getenv Getenv, name string, def time.Duration) (time.Duration, error) {
	v := strings.TrimSpace(getenv(name))
	if v == "" {
		return def, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil {
		return 0, fmt.Errorf("%s: %q is not a duration like 5s or 750ms", name, v)
	}
	if d < time.Millisecond {
		return 0, fmt.Errorf("%s: %q must be at least 1ms", name, v)
	}
	return d, nil
}

// drainSeconds reads a whole number of seconds, 0 included (no drain, for
// tests and local runs).
func drainSeconds(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultDrain, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("CALIBRATE_DRAIN_SECONDS: %q is not a whole number of seconds (0 or more)", v)
	}
	if d := time.Duration(n) * time.Second; d <= maxDrain {
		return d, nil
	}
	return 0, fmt.Errorf("CALIBRATE_DRAIN_SECONDS: %d is more than %d", n, int(maxDrain/time.Second))
}

// rateLimit reads calls per minute: a whole number, 0 (off) included.
func rateLimit(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultRateLimit, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("CALIBRATE_RATE_LIMIT: %q is not a whole number of calls per minute (0 turns the limits off)", v)
	}
	if n > MaxRateLimit {
		return 0, fmt.Errorf("CALIBRATE_RATE_LIMIT: %d is more than %d; 0 turns the limits off", n, MaxRateLimit)
	}
	return n, nil
}

// maxStreams reads a whole number of streams, at least 1: a process that
// refused every stream would look like a broken one, not a bounded one.
func maxStreams(v string) (int, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return DefaultMaxStreams, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 {
		return 0, fmt.Errorf("CALIBRATE_MAX_STREAMS: %q is not a whole number of event streams of at least 1", v)
	}
	return n, nil
}

// MaxOIDCNameLength bounds the provider's display name.
const MaxOIDCNameLength = 60

// loadOIDC reads single sign-on's settings: the issuer, client id, client
// secret and public URL all together, or none of the first three.
func loadOIDC(getenv Getenv) (*OIDC, error) {
	names := []string{"CALIBRATE_OIDC_ISSUER", "CALIBRATE_OIDC_CLIENT_ID", "CALIBRATE_OIDC_CLIENT_SECRET", "CALIBRATE_PUBLIC_URL"}
	var set, missing []string
	vals := map[string]string{}
	for _, n := range names {
		vals[n] = strings.TrimSpace(getenv(n))
		if vals[n] != "" {
			set = append(set, n)
		} else {
			missing = append(missing, n)
		}
	}
	// The public URL alone is not single sign-on: e-mail's links use it
	// too. Any of the provider's three settings is.
	if len(set) == 0 || (len(set) == 1 && set[0] == "CALIBRATE_PUBLIC_URL") {
		if strings.TrimSpace(getenv("CALIBRATE_OIDC_NAME")) != "" {
			return nil, errors.New("CALIBRATE_OIDC_NAME: names a provider, but single sign-on is not set up (CALIBRATE_OIDC_ISSUER and the others)")
		}
		return nil, nil
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("single sign-on needs %s together: %s set, %s missing",
			strings.Join(names, ", "), strings.Join(set, ", "), strings.Join(missing, ", "))
	}
	o := &OIDC{Issuer: vals["CALIBRATE_OIDC_ISSUER"], ClientID: vals["CALIBRATE_OIDC_CLIENT_ID"],
		ClientSecret: vals["CALIBRATE_OIDC_CLIENT_SECRET"]}
	issuer, err := absoluteURL(o.Issuer)
	if err != nil {
		return nil, fmt.Errorf("CALIBRATE_OIDC_ISSUER: %q %w, such as https://login.example.com", o.Issuer, err)
	}
	o.Name = strings.TrimSpace(getenv("CALIBRATE_OIDC_NAME"))
	if o.Name == "" {
		o.Name = issuer.Hostname()
	}
	if n := len([]rune(o.Name)); n > MaxOIDCNameLength {
		return nil, fmt.Errorf("CALIBRATE_OIDC_NAME: %d characters is more than %d", n, MaxOIDCNameLength)
	}
	return o, nil
}

// absoluteURL parses an absolute http(s) URL without query or fragment.
func absoluteURL(v string) (*url.URL, error) {
	u, err := url.Parse(v)
	switch {
	case err != nil:
		return nil, errors.New("is not a URL")
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "":
		return nil, errors.New("is not an absolute http(s) URL")
	case u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return nil, errors.New("must not have a query, a fragment or a user")
	}
	return u, nil
}

// metricsAddr reads the metrics listener's host:port. It must differ from
// the API's address: the metrics are not part of the API and are never
// served on its port.
func metricsAddr(v, apiAddr string) (string, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return "", nil
	}
	host, port, err := net.SplitHostPort(v)
	if err != nil {
		return "", fmt.Errorf("CALIBRATE_METRICS_ADDR: %q is not a host:port like 127.0.0.1:9090 or :9090", v)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		return "", fmt.Errorf("CALIBRATE_METRICS_ADDR: %q has no port number from 0 to 65535", v)
	}
	if host != "" && host != "localhost" && net.ParseIP(host) == nil {
		return "", fmt.Errorf("CALIBRATE_METRICS_ADDR: %q names no IP address (or localhost) to listen on", v)
	}
	if port != "0" && v == apiAddr {
		return "", fmt.Errorf("CALIBRATE_METRICS_ADDR: %q is the API's address (CALIBRATE_ADDR); the metrics need a port of their own", v)
	}
	return v, nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, strings.TrimRight(p, "/"))
		}
	}
	return out
}

// redact hides a password in a URL for error messages.
func redact(u string) string {
	if at := strings.LastIndex(u, "@"); at > 0 {
		if s := strings.Index(u, "://"); s > 0 && s < at {
			return u[:s+3] + "…" + u[at:]
		}
	}
	return u
}

// publicURL reads the address people reach Calibrate at (without a
// trailing slash): CALIBRATE_PUBLIC_URL, else http:// and the listen
// address.
func publicURL(getenv Getenv, addr string) (string, error) {
	pub := strings.TrimSpace(getenv("CALIBRATE_PUBLIC_URL"))
	if pub == "" {
		return "http://" + addr, nil
	}
	if _, err := absoluteURL(pub); err != nil {
		return "", fmt.Errorf("CALIBRATE_PUBLIC_URL: %q %w, such as https://calibrate.example.com", pub, err)
	}
	return strings.TrimRight(pub, "/"), nil
}

// loadMail reads the SMTP server and the From address.
func loadMail(getenv Getenv, c *Config) error {
	raw := strings.TrimSpace(getenv("CALIBRATE_SMTP_URL"))
	from := strings.TrimSpace(getenv("CALIBRATE_MAIL_FROM"))
	if raw == "" {
		if from != "" {
			return errors.New("CALIBRATE_MAIL_FROM: is set but CALIBRATE_SMTP_URL is not; set both to send e-mail")
		}
		return nil
	}
	smtp, err := ParseSMTPURL(raw)
	if err != nil {
		return err
	}
	if from == "" {
		return errors.New("CALIBRATE_MAIL_FROM: required when CALIBRATE_SMTP_URL is set, e.g. Calibrate <calibrate@example.com>")
	}
	if _, err := mail.ParseAddress(from); err != nil {
		return fmt.Errorf("CALIBRATE_MAIL_FROM: %q is not an e-mail address: %w", from, err)
	}
	c.SMTP, c.MailFrom = smtp, from
	return nil
}

// ParseSMTPURL reads smtp://[user:pass@]host[:port] (port 587 unless
// given) or smtps://[user:pass@]host[:port] (port 465).
func ParseSMTPURL(raw string) (*SMTP, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("CALIBRATE_SMTP_URL: not a URL like smtp://user:pass@mail.example.com:587")
	}
	s := &SMTP{Host: u.Hostname()}
	switch u.Scheme {
	case "smtp":
		s.Port = 587
	case "smtps":
		s.Port, s.ImplicitTLS = 465, true
	default:
		return nil, fmt.Errorf("CALIBRATE_SMTP_URL: scheme %q is not smtp or smtps", u.Scheme)
	}
	if s.Host == "" {
		return nil, errors.New("CALIBRATE_SMTP_URL: needs a host, e.g. smtp://mail.example.com:587")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return nil, fmt.Errorf("CALIBRATE_SMTP_URL: port %q is not 1 to 65535", p)
		}
		s.Port = n
	}
	if u.Path != "" && u.Path != "/" {
		return nil, errors.New("CALIBRATE_SMTP_URL: takes no path")
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	return s, nil
}
