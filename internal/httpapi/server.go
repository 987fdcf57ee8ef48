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
	"sync/atomic"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/calibration"
	"calibrate/internal/domain"
)

// Health is what /readyz asks of the database.
type Health interface {
	Ping(ctx context.Context) error
	SchemaCurrent(ctx context.Context) error
}

// Deps are the services the handlers call.
type Deps struct {
	Log            *slog.Logger
	Clock          domain.Clock
	Auth           *auth.Service
	Users          *calibration.Users
	Frameworks     *calibration.Frameworks
	Audit          *calibration.AuditLog
	Cycles         *calibration.Cycles
	Health         Health
	AllowedOrigins []string
	TrustedProxies []string
	// Web is the built web app (index.html at its root), or nil when the
	// app was not built.
	Web fs.FS
}

// Server is the HTTP handler plus the draining switch of a graceful stop.
type Server struct {
	Deps
	engine   *gin.Engine
	draining atomic.Bool
}

func New(d Deps) *Server {
	gin.SetMode(gin.ReleaseMode)
	s := &Server{Deps: d}
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
	e.Use(requestID(), accessLog(d.Log), recovery(d.Log), securityHeaders(), cors(d.AllowedOrigins),
		renderErrors(d.Log), limitBody())
	authn := d.Auth.Middleware()
	for _, r := range s.routes() {
		// Who may call comes first, then whether the request is one the
		// contract allows; only then the handler.
		chain := []gin.HandlerFunc{}
		switch {
		case r.access.public:
		case len(r.access.roles) == 0:
			chain = append(chain, authn)
		default:
			chain = append(chain, authn, auth.RequireRole(r.access.roles...))
		}
		e.Handle(r.method, r.path, append(chain, gate(r.method, r.path), r.handle)...)
	}
	e.NoRoute(s.noRoute)
	e.NoMethod(s.noMethod)
	s.engine = e
	return s
}

func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.engine.ServeHTTP(w, r) }

// Drain makes /readyz answer 503 so a load balancer stops sending traffic.
func (s *Server) Drain() { s.draining.Store(true) }

// Routes lists the route table (for the contract and authorization tests).
func (s *Server) Routes() []RouteInfo {
	var out []RouteInfo
	for _, r := range s.routes() {
		out = append(out, RouteInfo{Method: r.method, Path: r.path, Public: r.access.public, Roles: r.access.roles})
	}
	return out
}

// RouteInfo describes one route and who may call it.
type RouteInfo struct {
	Method string
	Path   string
	Public bool
	Roles  []domain.Role // empty and not Public: any signed-in user
}

func (s *Server) healthz(c *gin.Context) {
	c.JSON(http.StatusOK, gin.H{"status": "ok"})
}

func (s *Server) readyz(c *gin.Context) {
	if s.draining.Load() {
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "draining"})
		return
	}
	if err := s.Health.Ping(c.Request.Context()); err != nil {
		s.Log.Warn("readyz: database unreachable", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "database unreachable"})
		return
	}
	if err := s.Health.SchemaCurrent(c.Request.Context()); err != nil {
		s.Log.Warn("readyz: schema not current", "err", err)
		c.JSON(http.StatusServiceUnavailable, gin.H{"status": "migrations pending"})
		return
	}
	c.JSON(http.StatusOK, gin.H{"status": "ready"})
}
