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
	"os"
	"path/filepath"
	"strings"
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

type Config struct {
	DatabaseURL    string
	Dialect        Dialect
	SQLitePath     string // set when Dialect is SQLite
	Addr           string
	JWTKey         []byte
	AllowedOrigins []string
	LogLevel       slog.Level
	TrustedProxies []string
}

// Getenv is os.Getenv's shape, so tests can pass a map.
type Getenv func(string) string

// Load reads and validates the configuration. With SQLite and no key, a key
// is generated once and kept beside the database file (mode 0600), so the
// embedded default needs no setup and sessions survive restarts.
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
	}
	c.TrustedProxies = splitList(getenv("CALIBRATE_TRUSTED_PROXIES"))

	key, err := loadKey(getenv, c)
	if err != nil {
		return nil, err
	}
	c.JWTKey = key
	return c, nil
}

func loadKey(getenv Getenv, c *Config) ([]byte, error) {
	key, source := getenv("CALIBRATE_JWT_KEY"), "CALIBRATE_JWT_KEY"
	if file := getenv("CALIBRATE_JWT_KEY_FILE"); key == "" && file != "" {
		b, err := os.ReadFile(file) //nolint:gosec // G304: the operator names this file on purpose
		if err != nil {
			return nil, fmt.Errorf("CALIBRATE_JWT_KEY_FILE: %w", err)
		}
		key, source = strings.TrimSpace(string(b)), "CALIBRATE_JWT_KEY_FILE ("+file+")"
	}
	if key != "" {
		if len(key) < MinJWTKeyBytes {
			return nil, fmt.Errorf("%s: the secret has %d bytes; at least %d are required", source, len(key), MinJWTKeyBytes)
		}
		return []byte(key), nil
	}
	if c.Dialect == Postgres {
		return nil, errors.New("CALIBRATE_JWT_KEY (or CALIBRATE_JWT_KEY_FILE) is required with PostgreSQL: every replica must share one secret of at least 32 bytes")
	}
	return embeddedKey(filepath.Join(filepath.Dir(c.SQLitePath), "jwt.key"))
}

// embeddedKey reads the generated key, or makes one on first start.
func embeddedKey(path string) ([]byte, error) {
	if b, err := os.ReadFile(path); err == nil { //nolint:gosec // G304: the key file beside the configured SQLite database
		k := strings.TrimSpace(string(b))
		if len(k) < MinJWTKeyBytes {
			return nil, fmt.Errorf("%s: the kept secret is shorter than %d bytes; delete it to generate a new one", path, MinJWTKeyBytes)
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
