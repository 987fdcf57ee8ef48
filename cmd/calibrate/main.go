// Command calibrate is the Calibrate server and its administration tool:
// serve, migrate, user create, version. It is the only place that wires
// configuration, database, services and the HTTP server together.
package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"calibrate/frontend"
	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/config"
	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/events"
	"calibrate/internal/httpapi"
	"calibrate/internal/idempotency"
	"calibrate/internal/mail"
	"calibrate/internal/metrics"
	"calibrate/internal/ratelimit"
	"calibrate/internal/store"
)

// version is set at build time: -ldflags "-X main.version=…".
var version = "dev"

// shutdownGrace is how long requests in flight may run once the listener
// has closed on SIGTERM.
const shutdownGrace = 20 * time.Second

const usage = `usage: calibrate <command> [flags]

commands:
  serve [--addr HOST:PORT] [--demo] [--pprof 127.0.0.1:6060]
                                      run the API and the web app (--pprof: Go's
                                      profiler on a separate loopback listener)
  migrate [up|status]                 apply or list database migrations
  user create --org NAME --email E --name N --role R [--function F] [--manager EMAIL] [--em-since YYYY-MM-DD]
                                      add a user (password on stdin); creates the organisation
  scim token --org ORG_ID [--name NAME]
                                      make a SCIM token for an identity provider (Okta,
                                      Entra ID); prints only the token, once
  backup --out FILE                   write a portable backup (works across SQLite and PostgreSQL)
  restore --in FILE                   load a backup into an empty database
  audit verify [--checkpoint FILE]    check the audit log's keyed chains (and that they
                                      reach the heads of a checkpoint kept elsewhere)
  audit checkpoint                    print the signed head of every chain (JSON), to keep
                                      outside the database for audit verify --checkpoint
  seed --org NAME --ems N --cycles K [--directors D]
                                      add a synthetic organisation (tests, benchmarks)
  version                             print the version

configuration comes from the environment: DATABASE_URL, CALIBRATE_ADDR,
CALIBRATE_JWT_KEY or CALIBRATE_JWT_KEY_FILE, CALIBRATE_AUDIT_KEY or
CALIBRATE_AUDIT_KEY_FILE, CALIBRATE_ALLOWED_ORIGINS,
CALIBRATE_LOG_LEVEL, CALIBRATE_DB_STATEMENT_TIMEOUT, CALIBRATE_DB_ACQUIRE_TIMEOUT,
CALIBRATE_DRAIN_SECONDS (see README.md)
`

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr, os.Getenv))
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv config.Getenv) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	var err error
	switch args[0] {
	case "serve":
		err = serve(args[1:], stdout, stderr, getenv)
	case "migrate":
		err = migrate(args[1:], stdout, stderr, getenv)
	case "backup":
		err = backupCmd(args[1:], stdout, stderr, getenv)
	case "restore":
		err = restoreCmd(args[1:], stdout, stderr, getenv)
	case "audit":
		err = auditCmd(args[1:], stdout, stderr, getenv)
	case "seed":
		err = seedCmd(args[1:], stdout, stderr, getenv)
	case "user":
		err = userCmd(args[1:], stdin, stdout, stderr, getenv)
	case "scim":
		err = scimCmd(args[1:], stdout, stderr, getenv)
	case "version":
		fmt.Fprintln(stdout, "calibrate", version)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
	default:
		fmt.Fprintf(stderr, "calibrate: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	var ue usageError
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp): // -h: the flag set printed its usage
		return 0
	case errors.As(err, &ue): // a wrong flag, like a wrong command
		fmt.Fprintln(stderr, "calibrate:", err)
		return 2
	}
	fmt.Fprintln(stderr, "calibrate:", err)
	return 1
}

// usageError is a command line a flag set refused (it printed its usage).
type usageError struct{ err error }

func (u usageError) Error() string { return u.err.Error() }
func (u usageError) Unwrap() error { return u.err }

func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	return nil
}

// open loads the configuration and opens the database: the start of every
// administration command. Their statements are not bounded by the
// statement timeout: a backup of a large table or a migration may rightly
// take longer than a request may.
func open(getenv config.Getenv, stderr io.Writer) (*config.Config, *store.Store, *slog.Logger, error) {
	return openDB(getenv, stderr, false)
}

// openMigrated is open for the commands that write: the schema is brought
// up to date first, so a command on a fresh database just works.
func openMigrated(getenv config.Getenv, stderr io.Writer) (*store.Store, *slog.Logger, error) {
	_, st, log, err := open(getenv, stderr)
	if err != nil {
		return nil, nil, err
	}
	if _, err := st.Migrate(context.Background()); err != nil {
		st.Close()
		return nil, nil, err
	}
	return st, log, nil
}

// openDB is open; serving, it keeps the database bounds of the
// configuration.
func openDB(getenv config.Getenv, stderr io.Writer, serving bool) (*config.Config, *store.Store, *slog.Logger, error) {
	cfg, err := config.Load(getenv)
	if err != nil {
		return nil, nil, nil, err
	}
	if !serving {
		cfg.DBStatementTimeout = 0
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	st, err := store.Open(cfg, domain.SystemClock{}, log)
	if err != nil {
		return nil, nil, nil, err
	}
	return cfg, st, log, nil
}

func serve(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address (default $CALIBRATE_ADDR or 127.0.0.1:8080)")
	withDemo := fs.Bool("demo", false, "load the demo organisations into an empty database")
	pprofAddr := fs.String("pprof", "", "serve net/http/pprof on this loopback address, e.g. 127.0.0.1:6060 (off by default)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, st, log, err := openDB(getenv, stderr, true)
	if err != nil {
		return err
	}
	defer st.Close()
	if *pprofAddr != "" {
		stop, err := startPprof(*pprofAddr, log)
		if err != nil {
			return err
		}
		defer stop()
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	ctx := context.Background()
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	log.Info("database ready", "dialect", cfg.Dialect, "migrations_applied", n)

	clock := domain.SystemClock{}
	hasher := auth.NewHasher(auth.DefaultArgon2)
	if *withDemo {
		if _, err := demo.Load(ctx, st, hasher, log); err != nil {
			return fmt.Errorf("loading the demo: %w", err)
		}
	}
	// Deferred after st.Close, so it runs first: the last checkpoint is
	// taken once requests have finished.
	stopCheckpoints := logCheckpoints(st, log, checkpointEvery)
	defer stopCheckpoints()
	bus := newEventBus(cfg, st, clock, log)
	defer bus.Close()
	authn := auth.NewService(st, hasher, auth.NewTokens(cfg.JWTKey, clock), clock, log)
	sso := httpapi.SingleSignOn(cfg, authn, st)
	if sso != nil {
		log.Info("single sign-on set up", "issuer", cfg.OIDC.Issuer, "redirect_uri", cfg.PublicURL+auth.OIDCCallbackPath)
	}
	var mx *metrics.Metrics
	if cfg.MetricsAddr != "" {
		mx = metrics.New(log)
		mx.SetDBStats(st.DBStats)
	}
	cycles := calibration.NewCycles(st, clock)
	queue, stopMail, err := startMail(ctx, cfg, st, cycles, log)
	if err != nil {
		return err
	}
	// Deferred after the event bus, so it runs before: once requests have
	// finished, the e-mail being sent is given time to go.
	defer stopMail()
	srv := httpapi.New(httpapi.Deps{
		Log:            log,
		Clock:          clock,
		Auth:           authn,
		OIDC:           sso,
		Orgs:           calibration.NewOrgs(st, sso != nil),
		Users:          calibration.NewUsers(st, hasher, auth.ValidatePassword, clock),
		Frameworks:     calibration.NewFrameworks(st),
		Audit:          calibration.NewAuditLog(st),
		Cycles:         cycles,
		Provisioning:   calibration.NewProvisioning(st, calibration.NewUsers(st, hasher, auth.ValidatePassword, clock), clock),
		Health:         st,
		Limits:         ratelimit.New(st, cfg.RateLimit),
		Idempotency:    idempotency.New(st, clock),
		AllowedOrigins: cfg.AllowedOrigins,
		TrustedProxies: cfg.TrustedProxies,
		MailOptOut:     mail.NewOptOut(st, cfg.JWTKey),
		DBDeadline:     cfg.DBAcquireTimeout + cfg.DBStatementTimeout,
		Web:            frontend.Dist(),
		Events:         bus,
		MaxStreams:     cfg.MaxStreams,
		Metrics:        mx,
	})
	if mx != nil {
		mx.SetOpenStreams(srv.OpenStreams, cfg.MaxStreams)
		if queue != nil {
			mx.SetQueue(queue)
		}
		maddr, stopMetrics, err := mx.Listen(cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("CALIBRATE_METRICS_ADDR: %w", err)
		}
		// Deferred, so it closes after the API's listener: the last
		// requests are still counted while the API drains.
		defer stopMetrics()
		log.Info("metrics listening", "addr", maddr.String(), "path", "/metrics")
	}

	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           srv,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    64 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// Shutdown waits for the requests in flight, and an event stream never
	// finishes by itself: when draining ends, open streams are closed (their
	// clients resume elsewhere with Last-Event-ID) so the wait is only for
	// ordinary requests.
	hs.RegisterOnShutdown(srv.CloseStreams)
	fmt.Fprintf(stdout, "Calibrate is listening on http://%s\n", ln.Addr())
	log.Info("listening", "addr", ln.Addr().String(), "version", version)

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, syscall.SIGTERM, syscall.SIGINT)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case sig := <-stop:
		// Readiness goes first so a load balancer stops sending traffic,
		// while every route keeps serving what still arrives meanwhile.
		log.Info("draining: /readyz answers 503 while requests are still served",
			"signal", sig.String(), "drain_seconds", int(cfg.Drain/time.Second))
	}
	srv.Drain()
	drained := time.NewTimer(cfg.Drain)
	select {
	case <-drained.C:
	case sig := <-stop: // a second signal (Ctrl-C twice) skips the rest
		drained.Stop()
		log.Info("draining cut short", "signal", sig.String())
	case err := <-errc:
		return err
	}
	// Then the listener closes and requests in flight get up to 20 s to
	// finish.
	sctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	shut := make(chan error, 1)
	go func() { shut <- hs.Shutdown(sctx) }()
	// Serve returns as soon as Shutdown has closed the listener.
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("listener closed; finishing the requests in flight")
	if err := <-shut; err != nil {
		log.Warn("shutdown: requests still running were cut", "err", err)
	}
	stopCheckpoints()
	log.Info("stopped")
	return nil
}

// startMail starts sending e-mail when an SMTP server is configured: the
// cycles then queue their e-mail, and this server takes its share of the
// queue. Without one nothing is queued. It returns the queue (nil without
// e-mail, for the metrics) and a function that stops the
// sending, giving the e-mail in flight up to mailStopGrace.
func startMail(ctx context.Context, cfg *config.Config, st *store.Store, cycles *calibration.Cycles, log *slog.Logger) (queue *mail.Queue, stop func(), err error) {
	if cfg.SMTP == nil {
		log.Info("e-mail is off: CALIBRATE_SMTP_URL is not set")
		return nil, func() {}, nil
	}
	q, err := mail.New(st, mail.Options{SMTP: cfg.SMTP, From: cfg.MailFrom, PublicURL: cfg.PublicURL,
		Key: cfg.JWTKey, Log: log})
	if err != nil {
		return nil, nil, err
	}
	cycles.SetMailer(q)
	if err := q.Start(ctx); err != nil {
		return nil, nil, fmt.Errorf("starting the e-mail queue: %w", err)
	}
	log.Info("e-mail is on", "smtp_host", cfg.SMTP.Host, "smtp_port", cfg.SMTP.Port, "public_url", cfg.PublicURL)
	return q, func() {
		sctx, cancel := context.WithTimeout(context.Background(), mailStopGrace)
		defer cancel()
		if err := q.Stop(sctx); err != nil {
			log.Warn("stopping the e-mail queue", "err", err)
		}
	}, nil
}

// mailStopGrace is how long a stopping server lets e-mail in flight finish;
// what is cut is sent again by the next server (a job that did not complete
// runs again).
const mailStopGrace = 10 * time.Second

// newEventBus makes the cycle event bus and has every committed write
// publish to it: across processes through PostgreSQL's LISTEN/NOTIFY, in
// process on SQLite.
func newEventBus(cfg *config.Config, st *store.Store, clock domain.Clock, log *slog.Logger) *events.Bus {
	opts := events.Options{Clock: clock, Log: log, ReadTimeout: cfg.DBAcquireTimeout + cfg.DBStatementTimeout}
	if cfg.Dialect == config.Postgres {
		opts.Broadcast = st
	}
	bus := events.New(st, opts)
	st.OnCommit(bus.Publish)
	return bus
}

func migrate(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	cmd := "up"
	if len(args) > 0 {
		cmd = args[0]
	}
	if len(args) > 1 || (cmd != "up" && cmd != "status") {
		return fmt.Errorf("usage: calibrate migrate [up|status]")
	}
	_, st, _, err := open(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	if cmd == "up" {
		n, err := st.Migrate(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "applied %d migration(s)\n", n)
		return nil
	}
	statuses, err := st.MigrationStatuses(ctx)
	if err != nil {
		return err
	}
	for _, m := range statuses {
		state := "pending"
		if m.Applied {
			state = "applied"
		}
		fmt.Fprintf(stdout, "%05d  %-8s %s\n", m.Version, state, m.Name)
	}
	return nil
}

func userCmd(args []string, stdin io.Reader, stdout, stderr io.Writer, getenv config.Getenv) error {
	if len(args) == 0 || args[0] != "create" {
		return fmt.Errorf("usage: calibrate user create --org NAME --email E --name N --role R [--function F] [--manager EMAIL] (password on stdin)")
	}
	fs := flag.NewFlagSet("user create", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "organisation name (created when it does not exist)")
	email := fs.String("email", "", "e-mail address (the login)")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "", "admin, director, em or peer")
	function := fs.String("function", "", "product, design, operations, engineering or other")
	manager := fs.String("manager", "", "the manager's e-mail")
	emSince := fs.String("em-since", "", "the date the user became an EM (YYYY-MM-DD)")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	password, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("reading the password from stdin: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")

	st, log, err := openMigrated(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	hasher := auth.NewHasher(auth.DefaultArgon2)
	users := calibration.NewUsers(st, hasher, auth.ValidatePassword, domain.SystemClock{})
	in := calibration.NewUser{Name: *name, Email: *email, Role: domain.Role(*role), Function: domain.Function(*function), Password: password}
	if *emSince != "" {
		in.EMSince = emSince
	}
	u, err := users.Bootstrap(ctx, *org, *manager, in)
	if err != nil {
		return describe(err)
	}
	log.Debug("user created", "id", u.ID)
	fmt.Fprintf(stdout, "created %s (%s) in %s: id %s\n", u.Email, u.Role, *org, u.ID)
	return nil
}

// scimCmd makes a SCIM bearer token for an organisation and prints only
// the token, on one line, so that it can be piped into a secret store. It
// is shown this once: only its hash is kept.
func scimCmd(args []string, stdout, stderr io.Writer, getenv config.Getenv) error {
	if len(args) == 0 || args[0] != "token" {
		return fmt.Errorf("usage: calibrate scim token --org ORG_ID [--name NAME]")
	}
	fs := flag.NewFlagSet("scim token", flag.ContinueOnError)
	fs.SetOutput(stderr)
	org := fs.String("org", "", "the organisation's id")
	name := fs.String("name", calibration.DefaultScimTokenName, "what the token is for, e.g. Okta")
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if *org == "" {
		return usageError{errors.New("scim token: --org ORG_ID is required")}
	}
	st, _, err := openMigrated(getenv, stderr)
	if err != nil {
		return err
	}
	defer st.Close()
	ctx := context.Background()
	clock := domain.SystemClock{}
	users := calibration.NewUsers(st, auth.NewHasher(auth.DefaultArgon2), auth.ValidatePassword, clock)
	_, secret, err := calibration.NewProvisioning(st, users, clock).CreateToken(ctx, *org, nil, *name)
	if domain.IsKind(err, domain.KindNotFound) {
		return fmt.Errorf("no organisation has the id %q", *org)
	}
	if err != nil {
		return describe(err)
	}
	fmt.Fprintln(stdout, secret)
	return nil
}

// describe turns a validation error into one readable line.
func describe(err error) error {
	if de, ok := domain.AsError(err); ok {
		return errors.New(de.Error())
	}
	return err
}
