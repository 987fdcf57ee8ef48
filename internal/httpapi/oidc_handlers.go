package httpapi

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// oidcCookie binds a single sign-on attempt to the browser that started
// it: set with the redirect to the provider, required (and cleared) by the
// callback. SameSite=Lax, so the provider's redirect back, a top-level
// navigation from another site, carries it.
const oidcCookie = "calibrate_oidc"

const (
	oidcLoginPath = "/api/v1/auth/oidc/login"
	oidcPath      = "/api/v1/auth/oidc"
)

type providersDTO struct {
	OIDC *oidcProviderDTO `json:"oidc"`
}

type oidcProviderDTO struct {
	Name     string `json:"name"`
	LoginURL string `json:"login_url"`
}

// providers tells the sign-in page which ways to sign in there are
// besides the password.
func (s *Server) providers(c *gin.Context) {
	out := providersDTO{}
	if s.OIDC.Configured() {
		out.OIDC = &oidcProviderDTO{Name: s.OIDC.Name(), LoginURL: oidcLoginPath}
	}
	c.JSON(http.StatusOK, out)
}

var errSSONotSetUp = &auth.SSOError{Status: http.StatusNotFound,
	Message: "Single sign-on is not set up for Calibrate. Please sign in with your e-mail and password.",
	Reason:  "single sign-on is not configured"}

// oidcLogin sends the browser to the provider.
func (s *Server) oidcLogin(c *gin.Context) {
	if !s.OIDC.Configured() {
		s.ssoPage(c, errSSONotSetUp)
		return
	}
	to, browser, err := s.OIDC.Begin(c.Request.Context())
	if err != nil {
		s.ssoPage(c, err)
		return
	}
	s.setOIDCCookie(c, browser, int(auth.OIDCLoginTTL.Seconds()))
	redirect(c, to)
}

// oidcCallback finishes a sign-in the provider sent back: a session as a
// password login starts one, then the web app, which picks the session up
// from the refresh cookie as after a reload.
func (s *Server) oidcCallback(c *gin.Context) {
	if !s.OIDC.Configured() {
		s.ssoPage(c, errSSONotSetUp)
		return
	}
	browser, _ := c.Cookie(oidcCookie)
	s.setOIDCCookie(c, "", -1) // good once, whatever follows
	g, err := s.OIDC.Finish(c.Request.Context(), auth.Callback{
		State: c.Query("state"), Code: c.Query("code"),
		Error: c.Query("error"), ErrorDescription: c.Query("error_description"),
		Browser: browser,
	})
	if err != nil {
		s.ssoPage(c, err)
		return
	}
	s.Log.Info("signed in with single sign-on", "user", g.User.ID, "request_id", c.GetString(requestIDKey))
	s.setRefresh(c, g.RefreshToken, int(auth.SessionTTL.Seconds()))
	redirect(c, "/")
}

// redirect answers 302 to, with no body (the contract documents none).
func redirect(c *gin.Context, to string) {
	c.Header("Location", to)
	c.Status(http.StatusFound)
	c.Writer.WriteHeaderNow()
}

func (s *Server) setOIDCCookie(c *gin.Context, value string, maxAge int) {
	//nolint:gosec // G124: HttpOnly and SameSite are set; Secure follows the request's scheme (below).
	http.SetCookie(c.Writer, &http.Cookie{
		Name: oidcCookie, Value: value, Path: oidcPath, MaxAge: maxAge,
		HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: c.Request.TLS != nil || (len(s.TrustedProxies) > 0 && c.GetHeader("X-Forwarded-Proto") == "https"),
	})
}

// ssoPage answers a refused single sign-on with a small page a person can
// read: what happened and a link back to the sign-in page. The reason goes
// to the log; no token, code or provider message goes to the page.
func (s *Server) ssoPage(c *gin.Context, err error) {
	e, ok := auth.IsSSOError(err)
	if !ok {
		status, msg := http.StatusInternalServerError, "Something went wrong on our side. Please try again."
		if domain.IsKind(err, domain.KindUnavailable) {
			status, msg = http.StatusServiceUnavailable, "Calibrate is busy or its database is unreachable. Please try again in a moment."
			c.Header("Retry-After", "5")
		}
		s.Log.Error("single sign-on failed", "err", err, "request_id", c.GetString(requestIDKey))
		e = &auth.SSOError{Status: status, Message: msg}
	} else {
		level := "info"
		if e.Status >= 500 || e.Status == http.StatusBadRequest {
			level = "warn"
		}
		attrs := []any{"reason", e.Reason, "status", e.Status, "request_id", c.GetString(requestIDKey)}
		if level == "warn" {
			s.Log.Warn("single sign-on refused", attrs...)
		} else {
			s.Log.Info("single sign-on refused", attrs...)
		}
	}
	var b bytes.Buffer
	_ = ssoPageTemplate.Execute(&b, struct {
		Title, Message, RequestID string
	}{http.StatusText(e.Status), e.Message, c.GetString(requestIDKey)})
	c.Data(e.Status, "text/html; charset=utf-8", b.Bytes())
}

var ssoPageTemplate = template.Must(template.New("sso").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign-in refused — Calibrate</title>
</head>
<body>
<main>
<h1>You are not signed in</h1>
<p>{{.Message}}</p>
<p><a href="/sign-in">Back to the sign-in page</a></p>
<p><small>{{.Title}}. If you ask for help, quote this reference: {{.RequestID}}</small></p>
</main>
</body>
</html>
`))

type orgSettingsDTO struct {
	ID            string `json:"id"`
	Name          string `json:"name"`
	PasswordLogin bool   `json:"password_login"`
}

func orgSettingsOf(o domain.Organization) orgSettingsDTO {
	return orgSettingsDTO{ID: o.ID, Name: o.Name, PasswordLogin: o.PasswordLogin}
}

func (s *Server) getOrg(c *gin.Context) {
	org, err := s.Orgs.Get(c.Request.Context(), auth.PrincipalOf(c))
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, orgSettingsOf(org))
}

type patchOrgRequest struct {
	PasswordLogin *bool `json:"password_login"`
}

func (s *Server) patchOrg(c *gin.Context) {
	var req patchOrgRequest
	if err := bindJSON(c, &req); err != nil {
		fail(c, err)
		return
	}
	if req.PasswordLogin == nil {
		fail(c, domain.Invalid("password_login", "is required"))
		return
	}
	org, err := s.Orgs.SetPasswordLogin(c.Request.Context(), auth.PrincipalOf(c), *req.PasswordLogin)
	if err != nil {
		fail(c, err)
		return
	}
	c.JSON(http.StatusOK, orgSettingsOf(org))
}

// SingleSignOn is the configured single sign-on over authn's sessions, or
// nil when the configuration sets none up.
func SingleSignOn(cfg *config.Config, authn *auth.Service, st auth.OIDCStore) *auth.OIDC {
	if cfg.OIDC == nil {
		return nil
	}
	return auth.NewOIDC(authn, st, auth.OIDCSettings{Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID,
		ClientSecret: cfg.OIDC.ClientSecret, PublicURL: cfg.PublicURL, Name: cfg.OIDC.Name})
}
