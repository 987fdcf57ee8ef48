// Package httpapi is Calibrate's HTTP face: the gin router and its route
// table, middleware, thin handlers and their DTOs, and the one mapping from
// domain errors to statuses. Handlers bind, take the principal, call one
// service method and render; the rules live in calibration.
package httpapi

import (
	"context"
	"io/fs"
	"log/slog"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
	"calibrate/internal/events"
	"calibrate/internal/idempotency"
	"calibrate/internal/metrics"
	"calibrate/internal/ratelimit"
)

// Health is what /readyz asks of the database.
type Health interface {
	Ping(ctx context.Context) error
	SchemaCurrent(ctx context.Context) error
}

// Deps are the services the handlers call.
type Deps struct {
	Log        *slog.Logger
	Clock      domain.Clock
	Auth       *auth.Service
	Users      *calibration.Users
	Frameworks *calibration.Frameworks
	Audit      *calibration.AuditLog
	Cycles     *calibration.Cycles
	// Provisioning serves SCIM (/scim/v2) and the admins' SCIM tokens; nil
	// leaves /scim/v2 unrouted.
	Provisioning *calibration.Provisioning
	Orgs         *calibration.Orgs
	// OIDC is single sign-on; nil when it is not set up.
	OIDC   *auth.OIDC
	Health Health
	// Limits paces each user on the routes the route table marks limited;
	// nil lets every call through.
	Limits *ratelimit.Limiter
	// Idempotency keeps the answers of the creates the route table marks
	// idempotent, for repeats with the same Idempotency-Key; nil ignores
	// the header.
	Idempotency    *idempotency.Keeper
	AllowedOrigins []string
	TrustedProxies []string
	// DBDeadline bounds the database work of each request: the wait for a
	// pooled connection plus the statement timeout. Past it the request
	// answers 503 unavailable instead of hanging on a frozen database.
	// Zero means no deadline.
	DBDeadline time.Duration
	// Web is the built web app (index.html at its root), or nil when the
	// app was not built.
	Web fs.FS
	// Events is the cycle event bus the event streams follow; nil answers
	// them 503.
	Events *events.Bus
	// Heartbeat is how often an idle event stream sends a comment and
	// checks its session (DefaultHeartbeat when zero).
	Heartbeat time.Duration
	// MaxStreams is how many event streams this server holds open at once
	// (config.DefaultMaxStreams when zero); past it a new one answers 503.
	MaxStreams int
	// Metrics, when set, times every request by its route template (see
	// internal/metrics); the metrics are served on their own listener,
	// never under /api.
	Metrics *metrics.Metrics
	// MailOptOut answers the unsubscribe links of e-mail; nil answers them
	// 404.
	MailOptOut MailOptOut
}

// MailOptOut reads and honours unsubscribe links (see internal/mail).
type MailOptOut interface {
	Check(token string) (kind string, err error)
	OptOut(ctx context.Context, token string) (kind string, err error)
}

// Server is the HTTP handler plus the draining switch of a graceful stop.
type Server struct {
	Deps
	engine   *gin.Engine
	draining atomic.Bool
	// endStreams is closed by CloseStreams.
	endStreams chan struct{}
	endOnce    sync.Once
	// openStreams counts the event streams open now, against MaxStreams.
	openStreams atomic.Int64
}

func New(d Deps) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Deps: d, endStreams: make(chan struct{})}
	e := gin.New()
	// Under /api/ a path is exactly one route or a JSON 404: no redirects
	// to a fixed path, and a known path asked with another method is a
	// JSON 405 with Allow.
	e.RedirectTrailingSlash = false
	e.RedirectFixedPath = false
	e.HandleMethodNotAllowed = true
	// Client addresses (login throttling) come from the connection unless a
	// proxy is explicitly trusted.
	_ = e.SetTrustedProxies(d.TrustedProxies)
	streams := map[string]bool{}
	for _, r := range s.routes() {
		if r.access.stream {
			streams[r.path] = true
		}
	}
	if d.Metrics != nil {
		// First, so its clock covers every other middleware, and it reads
		// the status the error renderer finally wrote.
		e.Use(d.Metrics.Middleware(streams))
	}
	e.Use(requestID(), accessLog(d.Log), recovery(d.Log), securityHeaders(), cors(d.AllowedOrigins),
		renderErrors(d.Log), limitBody(), s.duringDrain(), deadline(d.DBDeadline, streams))
	authn := d.Auth.Middleware()
	for _, r := range s.routes() {
		// Who may call comes first, then whether the request is one the
		// contract allows, then (on a limited route) whether the caller
		// has calls left, then (on a create) whether it repeats one already
		// answered; only then the handler.
		chain := []gin.HandlerFunc{}
		switch {
		case r.access.public:
		case len(r.access.roles) == 0:
			chain = append(chain, authn)
		default:
			chain = append(chain, authn, auth.RequireRole(r.access.roles...))
		}
		if !r.access.page {
			chain = append(chain, gate(r.method, r.path))
		} else {
			mustBePage(r.method, r.path)
		}
		if r.access.rateLimited && !r.access.public && s.Limits != nil {
			chain = append(chain, s.limit(r.method+" "+r.path))
		}
		if r.access.idempotency && !r.access.public && s.Idempotency != nil {
			chain = append(chain, s.idempotent())
		}
		e.Handle(r.method, r.path, append(chain, r.handle)...)
	}
	s.mountSCIM(e)
	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)
	s.engine = e
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Drain makes /readyz answer 503 so a load balancer stops sending traffic,
// while every other route keeps serving until the listener closes.
func (s *Server) Drain() { s.draining.Store(true) }

// duringDrain asks clients to close their keep-alive connections once the
// server drains, so a load balancer's pooled connections move to another
// replica before this one stops listening.
func (s *Server) duringDrain() gin.HandlerFunc {
	return func(c *gin.Context) {
		if s.draining.Load() {
			c.Header("Connection", "close")
		}
		c.Next()
	}
}

// deadline gives each request's context a deadline (see Deps.DBDeadline).
// A stream route's checks run under it too; the stream itself runs under
// the context from before it (streamContext).
func deadline(d time.Duration, streams map[string]bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if d <= 0 {
			c.Next()
			return
		}
		if streams[c.FullPath()] {
			c.Set(streamBaseKey, c.Request.Context())
		}
		ctx, cancel := context.WithTimeout(c.Request.Context(), d)
		defer cancel()
		c.Request = c.Request.WithContext(ctx)
		c.Next()
	}
}

// limit spends one of the caller's calls on route (rate_limited when none
// is left). It costs one database statement.
func (s *Server) limit(route string) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := s.Limits.Allow(c.Request.Context(), auth.PrincipalOf(c).UserID, route); err != nil {
			_ = c.Error(err)
			c.Abort()
			return
		}
		c.Next()
	}
}

// Routes lists the route table (for the contract and authorization tests).
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, r := range s.routes() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Public: r.access.public, Roles: r.access.roles,
			Limited: r.access.rateLimited, Idempotent: r.access.idempotency, Page: r.access.page})
	}
	return out
}

// Mounted lists every "METHOD path" the router serves: the route table's
// routes plus the SCIM service under SCIMPrefix, which is outside the
// route table and the OpenAPI document (for the contract test).
func (s *Server) Mounted() []string {
	var out []string
	for _, r := range s.engine.Routes() {
		out = append(out, r.Method+" "+r.Path)
	}
	return out
}

// RouteInfo describes one route and who may call it.
type RouteInfo struct {
	Method string
	Path   string
	Public bool
	Roles  []domain.Role // empty and not Public: any signed-in user
	// Limited: each caller may call it only CALIBRATE_RATE_LIMIT times a
	// minute (429 rate_limited beyond).
	Limited bool
	// Idempotent: it takes an Idempotency-Key, and a repeat with the key
	// gets the first answer again.
	Idempotent bool
	// Page: a browser navigates to it; it answers redirects and HTML pages,
	// and the request gate does not check it.
	Page bool
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) readyz(c *gin.Context) {
	if s.draining.Load() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "draining"})
		return
	}
	// An outage is logged by the store when it starts and ends, not here at
	// every probe.
	if err := s.Health.Ping(c.Request.Context()); err != nil {
		if !domain.IsKind(err, domain.KindUnavailable) {
			s.Log.Warn("readyz: database unreachable", "err", err)
		}
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable"})
		return
	}
	if err := s.Health.SchemaCurrent(c.Request.Context()); err != nil {
		if domain.IsKind(err, domain.KindUnavailable) {
			c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable"})
			return
		}
		s.Log.Warn("readyz: schema not current", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "migrations pending"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
