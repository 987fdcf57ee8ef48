package mail

import (
	"bytes"
	"context"
	"fmt"
	htmltemplate "html/template"
	"log/slog"
	"net/url"
	"strconv"
	texttemplate "text/template"
	"time"

	gomail "github.com/wneessen/go-mail"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// sender turns a job into an e-mail, reading what it says at send time.
type sender struct {
	store   Store
	smtp    config.SMTP
	from    string
	public  string
	tokens  tokens
	log     *slog.Logger
	timeout time.Duration
}

// letter is what one e-mail says: names, a date and links, never a rating
// or a note.
type letter struct {
	Kind        string
	To          domain.User
	EMName      string
	CycleName   string
	Due         string // "" when the cycle has none
	Link        string
	Unsubscribe string
}

// request sends an e-mail about a peer request to its peer, if it is still
// worth sending: the request is open and the cycle takes input (for a
// reminder: the cycle is not finished). Anything else completes the job
// without e-mail.
func (s *sender) request(ctx context.Context, kind string, jobID int64, orgID, requestID string) error {
	r, err := s.store.PeerRequest(ctx, orgID, requestID)
	if domain.IsKind(err, domain.KindNotFound) {
		return nil // the request went (its EM left a draft cycle)
	}
	if err != nil {
		return err
	}
	c, err := s.store.Cycle(ctx, orgID, r.CycleID)
	if err != nil {
		return err
	}
	if r.Status != domain.RequestOpen {
		return nil
	}
	switch kind {
	case KindReminded:
		if c.State != domain.StateInputOpen && c.State != domain.StateCalibrating {
			return nil
		}
	default:
		if c.State != domain.StateInputOpen {
			return nil
		}
	}
	peer, err := s.store.User(ctx, orgID, r.PeerID)
	if err != nil {
		return err
	}
	em, err := s.store.User(ctx, orgID, r.EMID)
	if err != nil {
		return err
	}
	l := letter{Kind: kind, To: peer, EMName: em.Name, CycleName: c.Name,
		Link: s.public + "/inbox/" + url.PathEscape(r.ID)}
	if c.InputDue != nil {
		l.Due = *c.InputDue
	}
	return s.send(ctx, jobID, l)
}

// inputClosed tells one owner that input closed on their cycle.
func (s *sender) inputClosed(ctx context.Context, jobID int64, a InputClosedArgs) error {
	c, err := s.store.Cycle(ctx, a.OrgID, a.CycleID)
	if err != nil {
		return err
	}
	owner, err := s.store.User(ctx, a.OrgID, a.OwnerID)
	if err != nil {
		return err
	}
	return s.send(ctx, jobID, letter{Kind: KindInputClosed, To: owner, CycleName: c.Name,
		Link: s.public + "/cycles/" + url.PathEscape(c.ID)})
}

// send delivers l unless its addressee is inactive or opted out of its
// kind. A failure returns the error, and River tries again later.
func (s *sender) send(ctx context.Context, jobID int64, l letter) error {
	if !l.To.Active {
		return nil
	}
	out, err := s.store.OptedOut(ctx, l.To.OrgID, l.To.ID, l.Kind)
	if err != nil {
		return err
	}
	if out {
		return nil
	}
	l.Unsubscribe = s.public + "/api/v1/mail/unsubscribe?link=" + s.tokens.make(l.To.OrgID, l.To.ID, l.Kind)
	m, err := s.compose(jobID, l)
	if err != nil {
		return err
	}
	var opts []gomail.Option
	if s.smtp.ImplicitTLS {
		opts = append(opts, gomail.WithSSL())
	} else {
		// STARTTLS when the server offers it; local relays and test
		// servers often have no TLS.
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	}
	opts = append(opts, gomail.WithPort(s.smtp.Port), gomail.WithTimeout(s.timeout))
	if s.smtp.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.smtp.Username), gomail.WithPassword(s.smtp.Password))
	}
	client, err := gomail.NewClient(s.smtp.Host, opts...)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, s.timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, m); err != nil {
		s.log.Warn("sending e-mail failed; it will be tried again", "kind", l.Kind, "job", jobID, "err", err)
		return err
	}
	return nil
}

func (s *sender) compose(jobID int64, l letter) (*gomail.Msg, error) {
	m := gomail.NewMsg()
	if err := m.From(s.from); err != nil {
		return nil, err
	}
	if err := m.AddToFormat(l.To.Name, l.To.Email); err != nil {
		return nil, err
	}
	t, ok := letters[l.Kind]
	if !ok {
		return nil, fmt.Errorf("no e-mail of kind %q", l.Kind)
	}
	var subject, text, html bytes.Buffer
	if err := t.subject.Execute(&subject, l); err != nil {
		return nil, err
	}
	if err := t.text.Execute(&text, l); err != nil {
		return nil, err
	}
	if err := t.html.Execute(&html, l); err != nil {
		return nil, err
	}
	m.Subject(subject.String())
	m.SetBodyString(gomail.TypeTextPlain, text.String())
	m.AddAlternativeString(gomail.TypeTextHTML, html.String())
	// One Message-ID per job: a retry after a delivery whose answer was
	// lost carries the same id, so the receiving side can tell.
	m.SetGenHeader(gomail.HeaderMessageID, "<calibrate-job-"+strconv.FormatInt(jobID, 10)+"@"+hostOf(s.from)+">")
	m.SetDate()
	m.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+l.Unsubscribe+">")
	m.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	m.SetGenHeader(gomail.Header("Auto-Submitted"), "auto-generated")
	return m, nil
}

func hostOf(from string) string {
	for i := len(from) - 1; i >= 0; i-- {
		if from[i] == '@' {
			h := from[i+1:]
			for j, ch := range h {
				if ch == '>' {
					return h[:j]
				}
			}
			return h
		}
	}
	return "calibrate"
}

type letterTemplates struct {
	subject, text *texttemplate.Template
	html          *htmltemplate.Template
}

func letterOf(subject, text, html string) letterTemplates {
	return letterTemplates{
		subject: texttemplate.Must(texttemplate.New("s").Parse(subject)),
		text:    texttemplate.Must(texttemplate.New("t").Parse(text + textFooter)),
		html:    htmltemplate.Must(htmltemplate.New("h").Parse(htmlHead + html + htmlFooter)),
	}
}

const textFooter = `
--
You get this e-mail because of your part in a calibration cycle in Calibrate.
Stop e-mail of this kind: {{.Unsubscribe}}
`

const htmlHead = `<!doctype html><html><body style="font-family:sans-serif;line-height:1.5">`

const htmlFooter = `<hr><p style="color:#666;font-size:small">You get this e-mail because of your part in a calibration cycle in Calibrate.
<a href="{{.Unsubscribe}}">Stop e-mail of this kind</a>.</p></body></html>`

// letters holds what each kind of e-mail says.
var letters = map[string]letterTemplates{
	KindAsked: letterOf(`Your input on {{.EMName}} is asked`,
		`Hello {{.To.Name}},

your input on {{.EMName}} is asked for the calibration cycle "{{.CycleName}}".
{{if .Due}}It is due on {{.Due}}.
{{end}}
Give it here: {{.Link}}
`,
		`<p>Hello {{.To.Name}},</p>
<p>your input on <strong>{{.EMName}}</strong> is asked for the calibration cycle “{{.CycleName}}”.{{if .Due}} It is due on <strong>{{.Due}}</strong>.{{end}}</p>
<p><a href="{{.Link}}">Give your input</a></p>`),
	KindReminded: letterOf(`Reminder: your input on {{.EMName}}`,
		`Hello {{.To.Name}},

a reminder: your input on {{.EMName}} is still asked for the calibration cycle "{{.CycleName}}".
{{if .Due}}It is due on {{.Due}}.
{{end}}
Give it here: {{.Link}}
`,
		`<p>Hello {{.To.Name}},</p>
<p>a reminder: your input on <strong>{{.EMName}}</strong> is still asked for the calibration cycle “{{.CycleName}}”.{{if .Due}} It is due on <strong>{{.Due}}</strong>.{{end}}</p>
<p><a href="{{.Link}}">Give your input</a></p>`),
	KindDueSoon: letterOf(`Your input on {{.EMName}} is due on {{.Due}}`,
		`Hello {{.To.Name}},

your input on {{.EMName}} for the calibration cycle "{{.CycleName}}" is due on {{.Due}}, in three days.

Give it here: {{.Link}}
`,
		`<p>Hello {{.To.Name}},</p>
<p>your input on <strong>{{.EMName}}</strong> for the calibration cycle “{{.CycleName}}” is due on <strong>{{.Due}}</strong>, in three days.</p>
<p><a href="{{.Link}}">Give your input</a></p>`),
	KindInputClosed: letterOf(`Input closed for {{.CycleName}}`,
		`Hello {{.To.Name}},

peer input for the calibration cycle "{{.CycleName}}" is closed: the cycle is now calibrating.

Open the cycle: {{.Link}}
`,
		`<p>Hello {{.To.Name}},</p>
<p>peer input for the calibration cycle “{{.CycleName}}” is closed: the cycle is now calibrating.</p>
<p><a href="{{.Link}}">Open the cycle</a></p>`),
}
