package httpapi

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/domain"
)

const requestIDKey = "calibrate.request_id"

var validRequestID = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// requestID takes a sane X-Request-ID from the client (or a proxy) or makes
// one, and echoes it so a person can quote it when reporting a problem.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if !validRequestID.MatchString(id) {
			b := make([]byte, 12)
			_, _ = rand.Read(b)
			id = hex.EncodeToString(b)
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

// accessLog writes one structured line per request. It logs the route
// pattern and never headers or bodies, so no token or password reaches it.
func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		attrs := []any{"method", c.Request.Method, "route", route, "status", c.Writer.Status(),
			"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "bytes", c.Writer.Size(),
			"request_id", c.GetString(requestIDKey)}
		if p := auth.PrincipalOf(c); p.UserID != "" {
			attrs = append(attrs, "user", p.UserID)
		}
		log.Info("request", attrs...)
	}
}

// recovery turns a panic into the generic 500 and logs the detail.
func recovery(log *slog.Logger) gin.HandlerFunc {
	return gin.CustomRecoveryWithWriter(nil, func(c *gin.Context, err any) {
		log.Error("panic", "err", err, "request_id", c.GetString(requestIDKey), "route", c.FullPath())
		writeError(c, log, &domain.Error{Kind: domain.KindInternal, Code: "internal",
			Message: "something went wrong on our side; please try again"})
	})
}

// contentSecurityPolicy allows only our own scripts and styles: no inline
// script can run, which blunts any script text stored in a note.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

func securityHeaders() gin.HandlerFunc {
	return func(c *gin.Context) {
		h := c.Writer.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		if isAPI(c.Request.URL.Path) || isSCIM(c.Request.URL.Path) {
			h.Set("Cache-Control", "no-store")
		}
		c.Next()
	}
}

func isAPI(path string) bool {
	return strings.HasPrefix(path, "/api/") || path == "/api" || path == "/healthz" || path == "/readyz"
}

// cors answers cross-origin requests only for the configured origins; for
// any other origin it adds nothing, so the browser refuses the response.
func cors(allowed []string) gin.HandlerFunc {
	return func(c *gin.Context) {
		origin := c.GetHeader("Origin")
		if origin == "" || !slices.Contains(allowed, origin) {
			c.Next()
			return
		}
		h := c.Writer.Header()
		h.Add("Vary", "Origin")
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Credentials", "true")
		if c.Request.Method == http.MethodOptions && c.GetHeader("Access-Control-Request-Method") != "" {
			h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE")
			h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, Last-Event-ID, X-Request-ID")
			h.Set("Access-Control-Max-Age", "600")
			c.AbortWithStatus(http.StatusNoContent)
			return
		}
		c.Next()
	}
}

// limitBody refuses bodies over MaxBodyBytes: at once when the length is
// declared, while reading when it is not.
func limitBody() gin.HandlerFunc {
	return func(c *gin.Context) {
		if c.Request.ContentLength > MaxBodyBytes {
			if isSCIM(c.Request.URL.Path) {
				writeSCIMError(c.Writer, nil, scimerrors.ScimError{Status: http.StatusRequestEntityTooLarge,
					Detail: "the request body is larger than 1 MiB"})
				c.Abort()
				return
			}
			fail(c, domain.TooLarge("the request body is larger than 1 MiB"))
			return
		}
		c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, MaxBodyBytes)
		c.Next()
	}
}
