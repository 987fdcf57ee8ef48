package httpapi

import (
	"bytes"
	"html/template"
	"net/http"

	"github.com/gin-gonic/gin"

	"calibrate/internal/domain"
	"calibrate/internal/mail"
)

// unsubscribePage shows what an unsubscribe link stops, with a button that
// stops it. Opening the link changes nothing: mail scanners open links.
func (s *Server) unsubscribePage(c *gin.Context) {
	if s.MailOptOut == nil {
		fail(c, domain.NotFound("unsubscribe link"))
		return
	}
	token := c.Query("link")
	kind, err := s.MailOptOut.Check(token)
	if err != nil {
		fail(c, domain.Invalid("link", "is not a valid unsubscribe link"))
		return
	}
	page(c, unsubscribeForm, map[string]string{"What": mail.Describe(kind), "Token": token})
}

// unsubscribe stops the link's kind of e-mail to its addressee: the form's
// button, or a mail client's one-click unsubscribe (RFC 8058).
func (s *Server) unsubscribe(c *gin.Context) {
	if s.MailOptOut == nil {
		fail(c, domain.NotFound("unsubscribe link"))
		return
	}
	if _, err := s.MailOptOut.Check(c.Query("link")); err != nil {
		fail(c, domain.Invalid("link", "is not a valid unsubscribe link"))
		return
	}
	kind, err := s.MailOptOut.OptOut(c.Request.Context(), c.Query("link"))
	if err != nil {
		fail(c, err)
		return
	}
	page(c, unsubscribed, map[string]string{"What": mail.Describe(kind)})
}

func page(c *gin.Context, t *template.Template, data any) {
	var b bytes.Buffer
	if err := t.Execute(&b, data); err != nil {
		fail(c, err)
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", b.Bytes())
}

const pageHead = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"><title>Calibrate e-mail</title></head><body>`

var unsubscribeForm = template.Must(template.New("form").Parse(pageHead +
	`<h1>Stop {{.What}}?</h1>
<form method="post" action="/api/v1/mail/unsubscribe?link={{.Token}}">
<input type="hidden" name="List-Unsubscribe" value="One-Click">
<button type="submit">Stop this e-mail</button>
</form></body></html>`))

var unsubscribed = template.Must(template.New("done").Parse(pageHead +
	`<h1>Done</h1><p>You will get no more {{.What}} from Calibrate. Other kinds of e-mail are not affected.</p></body></html>`))
