package auth

import (
	"strings"

	"github.com/gin-gonic/gin"

	"calibrate/internal/domain"
)

const principalKey = "calibrate.principal"

// Middleware authenticates the bearer token; on failure it aborts through
// the error handler the router installed (c.Error), so the JSON shape is
// the one every error has.
func (s *Service) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		token := Bearer(c)
		if token == "" {
			_ = c.Error(errUnauthenticated)
			c.Abort()
			return
		}
		p, err := s.Authenticate(c.Request.Context(), token)
		if err != nil {
			_ = c.Error(err)
			c.Abort()
			return
		}
		c.Set(principalKey, p)
		c.Next()
	}
}

// Bearer is the token of the request's Authorization: Bearer header, or
// "" when it has none.
func Bearer(c *gin.Context) string {
	scheme, token, ok := strings.Cut(c.GetHeader("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return ""
	}
	return strings.TrimSpace(token)
}

// RequireRole lets only the given roles through (403 otherwise).
func RequireRole(roles ...domain.Role) gin.HandlerFunc {
	return func(c *gin.Context) {
		if !PrincipalOf(c).Is(roles...) {
			_ = c.Error(domain.Forbidden(domain.CodeForbidden, "your role may not use this"))
			c.Abort()
			return
		}
		c.Next()
	}
}

// PrincipalOf returns the caller the middleware established.
func PrincipalOf(c *gin.Context) domain.Principal {
	p, _ := c.Get(principalKey)
	pr, _ := p.(domain.Principal)
	return pr
}
