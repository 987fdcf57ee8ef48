package httpapi

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/domain"
)

const refreshCookie = "calibrate_refresh"

// sessionMarker is set and cleared with the refresh cookie and readable by
// the web app: it holds no secret, only "a session may exist", so that a
// fresh load without one asks nothing of the server (a missing session is
// the normal case, not a failed request).
const sessionMarker = "calibrate_session"

type loginRequest struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

type tokenResponse struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	User        meDTO  `json:"user"`
}

func (s *Server) login(c *gin.Context) {
	var req loginRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	f := domain.Fields{}
	if strings.TrimSpace(req.Email) == "" || len(req.Email) > 254 {
		f.Add("email", "is required (at most 254 characters)")
	}
	if req.Password == "" || len(req.Password) > 256 {
		f.Add("password", "is required (at most 256 characters)")
	}
	if err := f.Err(); err != nil {
		fail(c, err)
		return
	}
	g, err := s.Auth.Login(c.Request.Context(), req.Email, req.Password, c.ClientIP())
	if err != nil {
		fail(c, err)
		return
	}
	s.grant(c, g)
}

func (s *Server) refresh(c *gin.Context) {
	token, _ := c.Cookie(refreshCookie)
	g, err := s.Auth.Refresh(c.Request.Context(), token)
	if err != nil {
		s.clearRefresh(c)
		fail(c, err)
		return
	}
	s.grant(c, g)
}

func (s *Server) logout(c *gin.Context) {
	if err := s.Auth.Logout(c.Request.Context(), auth.PrincipalOf(c)); err != nil {
		fail(c, err)
		return
	}
	s.clearRefresh(c)
	c.Status(http.StatusNoContent)
}

// grant answers a login or refresh: the access token in the body, the
// refresh token in an HttpOnly cookie only the auth routes receive.
func (s *Server) grant(c *gin.Context, g auth.Grant) {
	s.setRefresh(c, g.RefreshToken, int(auth.SessionTTL.Seconds()))
	c.JSON(http.StatusOK, tokenResponse{AccessToken: g.AccessToken, TokenType: "Bearer", ExpiresIn: g.ExpiresIn, User: meOf(g.User, g.Org)})
}

func (s *Server) setRefresh(c *gin.Context, value string, maxAge int) {
	//nolint:gosec // G124: HttpOnly and SameSite are set; Secure follows the request's scheme (below).
	http.SetCookie(c.Writer, &http.Cookie{
		Name: refreshCookie, Value: value, Path: "/api/v1/auth", MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.overTLS(c),
	})
	marker := "1"
	if value == "" {
		marker = ""
	}
	//nolint:gosec // G124: the marker is meant for the page's script; it carries no secret.
	http.SetCookie(c.Writer, &http.Cookie{
		Name: sessionMarker, Value: marker, Path: "/", MaxAge: maxAge,
		SameSite: http.SameSiteStrictMode, Secure: s.overTLS(c),
	})
}

// overTLS tells whether the request came over TLS, directly or through a
// trusted proxy; plain http only serves local development.
func (s *Server) overTLS(c *gin.Context) bool {
	return c.Request.TLS != nil || (len(s.TrustedProxies) > 0 && c.GetHeader("X-Forwarded-Proto") == "https")
}

func (s *Server) clearRefresh(c *gin.Context) { s.setRefresh(c, "", -1) }
