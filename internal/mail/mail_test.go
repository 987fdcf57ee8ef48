package mail_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/internal/mail"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

const (
	director = "omar@acme.test"
	erin     = "erin@acme.test" // EMs of omar's
	finn     = "finn@acme.test"
	pat      = "pat@acme.test" // peers
	dee      = "dee@acme.test"
	public   = "https://calibrate.example.test"
	// secret is what the tests' notes and ratings say: no e-mail may.
	secret = "ZEBRA-CONFIDENTIAL"
)

// quickRetry retries a failed e-mail after 200 ms more per attempt, up to
// a second, so a test sees the server come back without waiting River's
// backoff (its 25 attempts then span about 20 s).
type quickRetry struct{}

func (quickRetry) NextRetry(j *rivertype.JobRow) time.Time {
	return time.Now().Add(min(time.Duration(j.Attempt)*200*time.Millisecond, time.Second))
}

// newQueue starts a mail queue on st that sends to mp, as a server does.
func newQueue(t *testing.T, e *testkit.Env, st *store.Store, mp *mailpit) *mail.Queue {
	t.Helper()
	q, err := mail.New(st, mail.Options{
		SMTP: &config.SMTP{Host: "127.0.0.1", Port: mp.smtp}, From: "Calibrate <calibrate@calibrate.test>",
		PublicURL: public, Key: e.Cfg.JWTKey, Clock: e.Clock, Log: e.Log,
		RetryPolicy: quickRetry{}, PollInterval: 50 * time.Millisecond, SendTimeout: 5 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = q.Stop(ctx)
	})
	return q
}

type api struct {
	t *testing.T
	e *testkit.Env
}

func (a api) call(method, as, path string, body any, want int) map[string]any {
	a.t.Helper()
	tok := ""
	if as != "" {
		tok = a.e.Token(as)
	}
	res := a.e.Do(testkit.Request{Method: method, Path: path, Token: tok, Body: body})
	// On SQLite the second server's queue may hold the write lock just when
	// a request's transaction needs it: that request answers 503 with
	// nothing written, and a client tries again, as this one does.
	for try := 0; res.Status == http.StatusServiceUnavailable && want != http.StatusServiceUnavailable && try < 5; try++ {
		time.Sleep(200 * time.Millisecond)
		res = a.e.Do(testkit.Request{Method: method, Path: path, Token: tok, Body: body})
	}
	if res.Status != want {
		a.t.Fatalf("%s %s as %s: %d, want %d: %s", method, path, as, res.Status, want, res.Body)
	}
	return res.JSON()
}

func (a api) newCycle(due string) string {
	a.t.Helper()
	c := a.call(http.MethodPost, director, "/api/v1/cycles", map[string]any{"name": "H2 <Platform> & Co",
		"em_ids": []string{a.e.ID(erin), a.e.ID(finn)}, "input_due": due}, http.StatusCreated)
	return c["id"].(string)
}

func (a api) ask(cycle, em, peer string) string {
	a.t.Helper()
	r := a.call(http.MethodPost, director, "/api/v1/cycles/"+cycle+"/peer-requests",
		map[string]any{"em_id": a.e.ID(em), "peer_id": a.e.ID(peer)}, http.StatusCreated)
	return r["id"].(string)
}

func (a api) move(cycle, to string) {
	a.t.Helper()
	a.call(http.MethodPost, director, "/api/v1/cycles/"+cycle+"/transition", map[string]any{"to": to}, http.StatusOK)
}

// jobs counts the queue's jobs of kind by state.
func jobs(t *testing.T, q *mail.Queue, kind string) map[rivertype.JobState]int {
	t.Helper()
	res, err := q.Client().JobList(context.Background(), river.NewJobListParams().Kinds(kind).First(1000))
	if err != nil {
		t.Fatal(err)
	}
	out := map[rivertype.JobState]int{}
	for _, j := range res.Jobs {
		out[j.State]++
	}
	return out
}

// checkLetter checks what every e-mail must be: to the right person, text
// and HTML, an unsubscribe link in both parts and the headers, and nothing
// of any note or rating.
func checkLetter(t *testing.T, m message, to string) {
	t.Helper()
	if len(m.To) != 1 || m.To[0].Address != to {
		t.Errorf("%q went to %+v, want %s", m.Subject, m.To, to)
	}
	if m.Text == "" || m.HTML == "" {
		t.Errorf("%q: text %d bytes, HTML %d bytes; want both parts", m.Subject, len(m.Text), len(m.HTML))
	}
	for _, part := range []string{m.Subject, m.Text, m.HTML} {
		if strings.Contains(part, secret) || strings.Contains(part, "Decides with") {
			t.Errorf("%q carries note or rating content: %s", m.Subject, part)
		}
	}
	unsub := m.Headers["List-Unsubscribe"]
	if len(unsub) != 1 || !strings.HasPrefix(unsub[0], "<"+public+"/api/v1/mail/unsubscribe?link=") {
		t.Errorf("%q: List-Unsubscribe %q", m.Subject, unsub)
	}
	if got := m.Headers["List-Unsubscribe-Post"]; !slices.Equal(got, []string{"List-Unsubscribe=One-Click"}) {
		t.Errorf("%q: List-Unsubscribe-Post %q", m.Subject, got)
	}
	if !strings.Contains(m.Text, "/api/v1/mail/unsubscribe?link=") || !strings.Contains(m.HTML, "/api/v1/mail/unsubscribe?link=") {
		t.Errorf("%q: no unsubscribe link in the text or the HTML", m.Subject)
	}
}

func byRecipientAndSubject(ms []message, to, subject string) []message {
	var out []message
	for _, m := range ms {
		if len(m.To) == 1 && m.To[0].Address == to && strings.Contains(m.Subject, subject) {
			out = append(out, m)
		}
	}
	return out
}

// TestMailOfAPeerRequestsLife follows a cycle from draft to calibrating
// with two servers working one queue: a request made in the draft is asked
// when input opens, one made while input is open at once, each with the
// due-date reminder; a reminder; and the owner's e-mail when input closes.
// Each e-mail arrives once, says who and when and links to Calibrate, and
// says nothing of notes or ratings.
func TestMailOfAPeerRequestsLife(t *testing.T) {
	e := testkit.New(t)
	mp := newMailpit(t)
	mp.Start()
	q := newQueue(t, e, e.Store, mp)
	e.Server.Cycles.SetMailer(q)
	// A second server on the same database takes jobs from the same queue.
	other, err := store.Open(e.Cfg, e.Clock, e.Log)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { other.Close() })
	newQueue(t, e, other, mp)
	a := api{t, e}

	// Due on 1 December: three days before is after the test clock's now
	// (27 November), so the reminder is scheduled, and long past on the
	// wall clock River reads, so it goes at once.
	cycle := a.newCycle("2026-12-01")
	draftReq := a.ask(cycle, erin, pat)
	time.Sleep(300 * time.Millisecond)
	if n := len(mp.Messages()); n != 0 {
		t.Fatalf("%d e-mails for a request made in a draft, want none until input opens", n)
	}
	a.move(cycle, "input_open")
	openReq := a.ask(cycle, finn, dee)
	ms := mp.Await(4)
	for _, c := range []struct{ to, subject, em, request string }{
		{pat, "is asked", "Erin", draftReq},
		{pat, "is due on 2026-12-01", "Erin", draftReq},
		{dee, "is asked", "Finn", openReq},
		{dee, "is due on 2026-12-01", "Finn", openReq},
	} {
		got := byRecipientAndSubject(ms, c.to, c.subject)
		if len(got) != 1 {
			t.Fatalf("e-mails to %s with %q: %d, want 1; all: %v", c.to, c.subject, len(got), subjects(ms))
		}
		m := got[0]
		checkLetter(t, m, c.to)
		link := public + "/inbox/" + c.request
		for _, part := range []string{m.Text, m.HTML} {
			if !strings.Contains(part, c.em) || !strings.Contains(part, "2026-12-01") || !strings.Contains(part, link) {
				t.Errorf("%q lacks the EM's name, the due date or the link %s:\n%s", m.Subject, link, part)
			}
		}
		// Names are escaped in the HTML part.
		if !strings.Contains(m.HTML, "H2 &lt;Platform&gt; &amp; Co") || strings.Contains(m.HTML, "<Platform>") {
			t.Errorf("%q: the cycle's name is not escaped in the HTML:\n%s", m.Subject, m.HTML)
		}
	}

	// Dee answers, and Omar rates: none of it is ever mailed.
	a.call(http.MethodPut, dee, "/api/v1/peer-requests/"+openReq+"/note", map[string]any{"advocacy": "support",
		"criteria": []string{}, "body": secret + " decides under pressure and explains the call."}, http.StatusOK)

	// A reminder to Pat, whose request is open.
	a.call(http.MethodPost, director, "/api/v1/peer-requests/"+draftReq+"/remind", nil, http.StatusOK)
	ms = mp.Await(5)
	if got := byRecipientAndSubject(ms, pat, "Reminder: your input on Erin"); len(got) != 1 {
		t.Fatalf("reminders to pat: %d, want 1; all: %v", len(got), subjects(ms))
	} else {
		checkLetter(t, got[0], pat)
	}

	// Input closes: the owner is told.
	a.move(cycle, "calibrating")
	ms = mp.Await(6)
	got := byRecipientAndSubject(ms, director, "Input closed for H2 <Platform> & Co")
	if len(got) != 1 {
		t.Fatalf("e-mails to the owner: %d, want 1; all: %v", len(got), subjects(ms))
	}
	checkLetter(t, got[0], director)
	if !strings.Contains(got[0].Text, public+"/cycles/"+cycle) {
		t.Errorf("the owner's e-mail does not link the cycle:\n%s", got[0].Text)
	}

	// Nothing more arrives, and every job completed once.
	time.Sleep(500 * time.Millisecond)
	mp.Await(6)
	for kind, want := range map[string]int{mail.KindAsked: 2, mail.KindDueSoon: 2, mail.KindReminded: 1, mail.KindInputClosed: 1} {
		if got := jobs(t, q, kind); got[rivertype.JobStateCompleted] != want || len(got) != 1 {
			t.Errorf("%s jobs: %v, want %d completed", kind, got, want)
		}
	}
	queued, failed, err := q.QueueStats(context.Background())
	if err != nil || queued != 0 || failed != 0 {
		t.Errorf("QueueStats: %d queued, %d failed, %v; want 0, 0", queued, failed, err)
	}
}

// TestMailDueSoonWaitsAndRechecks: the due-date reminder waits for its
// day, and when it comes goes only if the request is still open.
func TestMailDueSoonWaitsAndRechecks(t *testing.T) {
	e := testkit.New(t)
	mp := newMailpit(t)
	mp.Start()
	q := newQueue(t, e, e.Store, mp)
	e.Server.Cycles.SetMailer(q)
	a := api{t, e}

	due := time.Now().AddDate(0, 0, 30).Format(time.DateOnly)
	cycle := a.newCycle(due)
	a.move(cycle, "input_open")
	patReq := a.ask(cycle, erin, pat)
	deeReq := a.ask(cycle, finn, dee)
	mp.Await(2) // the two requests; the reminders wait
	if got := jobs(t, q, mail.KindDueSoon); got[rivertype.JobStateScheduled] != 2 {
		t.Fatalf("due-soon jobs %v, want 2 scheduled", got)
	}
	// Dee declines; then the day comes (the jobs are made due now).
	a.call(http.MethodPost, dee, "/api/v1/peer-requests/"+deeReq+"/decline", nil, http.StatusOK)
	res, err := q.Client().JobList(context.Background(), river.NewJobListParams().Kinds(mail.KindDueSoon))
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range res.Jobs {
		if want, _ := mail.DueSoonAt(domain.Cycle{InputDue: &due}); !j.ScheduledAt.Equal(want) {
			t.Errorf("due-soon job scheduled at %s, want %s", j.ScheduledAt, want)
		}
		if _, err := q.Client().JobRetry(context.Background(), j.ID); err != nil {
			t.Fatal(err)
		}
	}
	ms := mp.Await(3)
	if got := byRecipientAndSubject(ms, pat, "is due on "+due); len(got) != 1 {
		t.Fatalf("due-soon e-mails to pat: %d, want 1: %v", len(got), subjects(ms))
	}
	time.Sleep(500 * time.Millisecond)
	mp.Await(3) // none to dee, who declined
	if got := jobs(t, q, mail.KindDueSoon); got[rivertype.JobStateCompleted] != 2 {
		t.Errorf("due-soon jobs %v, want 2 completed", got)
	}
	_ = patReq
}

// TestMailOptOut: the unsubscribe link of an e-mail stops that kind of
// e-mail to its addressee, and only that kind.
func TestMailOptOut(t *testing.T) {
	e := testkit.New(t)
	mp := newMailpit(t)
	mp.Start()
	q := newQueue(t, e, e.Store, mp)
	e.Server.Cycles.SetMailer(q)
	a := api{t, e}

	cycle := a.newCycle("2027-03-01")
	a.move(cycle, "input_open")
	req := a.ask(cycle, erin, pat)
	ms := mp.Await(1)
	// Pat follows the e-mail's link: the page changes nothing…
	link := strings.Trim(ms[0].Headers["List-Unsubscribe"][0], "<>")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	path := u.Path + "?" + u.RawQuery
	page := e.Do(testkit.Request{Method: http.MethodGet, Path: path})
	if page.Status != http.StatusOK || !strings.Contains(string(page.Body), `<form method="post"`) {
		t.Fatalf("unsubscribe page: %d %s", page.Status, page.Body)
	}
	if out, err := e.Store.OptedOut(context.Background(), e.OrgOf(pat), e.ID(pat), mail.KindAsked); err != nil || out {
		t.Fatalf("opening the link opted out: %v %v", out, err)
	}
	// …the button (a one-click POST) stops e-mail asking Pat for input.
	done := e.Do(testkit.Request{Method: http.MethodPost, Path: path, Body: "List-Unsubscribe=One-Click",
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
	if done.Status != http.StatusOK {
		t.Fatalf("one-click unsubscribe: %d %s", done.Status, done.Body)
	}
	a.ask(cycle, finn, pat)
	waitJobs(t, q, mail.KindAsked, 2)
	// A reminder is another kind, and still comes.
	a.call(http.MethodPost, director, "/api/v1/peer-requests/"+req+"/remind", nil, http.StatusOK)
	ms = mp.Await(2)
	if got := byRecipientAndSubject(ms, pat, "Reminder"); len(got) != 1 {
		t.Fatalf("reminders to pat: %d, want 1: %v", len(got), subjects(ms))
	}
	// Opting out of reminders too: the next one is not sent.
	tok := mail.Token(e.Cfg.JWTKey, e.OrgOf(pat), e.ID(pat), mail.KindReminded)
	a.call(http.MethodPost, "", "/api/v1/mail/unsubscribe?link="+tok, nil, http.StatusOK)
	a.call(http.MethodPost, director, "/api/v1/peer-requests/"+req+"/remind", nil, http.StatusOK)
	waitJobs(t, q, mail.KindReminded, 2)

	// Asking for the same request twice queues one job.
	org := e.OrgOf(pat)
	if err := e.Store.Tx(context.Background(), func(ctx context.Context) error {
		c, err := e.Store.Cycle(ctx, org, cycle)
		if err != nil {
			return err
		}
		r, err := e.Store.PeerRequest(ctx, c.OrgID, req)
		if err != nil {
			return err
		}
		return q.RequestAsked(ctx, c, r)
	}); err != nil {
		t.Fatal(err)
	}
	if got := jobs(t, q, mail.KindAsked); got[rivertype.JobStateCompleted] != 2 || len(got) != 1 {
		t.Errorf("asked jobs after asking again: %v, want the 2 completed", got)
	}
	time.Sleep(300 * time.Millisecond)
	mp.Await(2)
}

// waitJobs waits until n jobs of kind completed.
func waitJobs(t *testing.T, q *mail.Queue, kind string, n int) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for jobs(t, q, kind)[rivertype.JobStateCompleted] < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s jobs: %v, want %d completed", kind, jobs(t, q, kind), n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMailSurvivesTheServerBeingDown: while the SMTP server is down the
// job fails and is retried; once it is back the e-mail arrives, once.
func TestMailSurvivesTheServerBeingDown(t *testing.T) {
	e := testkit.New(t)
	mp := newMailpit(t) // not started: nothing listens on its port
	q := newQueue(t, e, e.Store, mp)
	e.Server.Cycles.SetMailer(q)
	a := api{t, e}

	cycle := a.newCycle("2027-03-01")
	a.move(cycle, "input_open")
	a.ask(cycle, erin, pat)
	// Wait for at least two failed attempts.
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, err := q.Client().JobList(context.Background(), river.NewJobListParams().Kinds(mail.KindAsked))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Jobs) == 1 && len(res.Jobs[0].Errors) >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job did not fail twice while the server was down: %+v", res.Jobs)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Between attempts the job counts as failed (retrying).
	for {
		_, failed, err := q.QueueStats(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if failed == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("QueueStats while down: %d failed, want 1", failed)
		}
		time.Sleep(10 * time.Millisecond)
	}
	mp.Start()
	ms := mp.Await(1)
	checkLetter(t, ms[0], pat)
	waitJobs(t, q, mail.KindAsked, 1)
	time.Sleep(500 * time.Millisecond)
	mp.Await(1)
}

// TestMailQueuedWithTheWrite: a job queued in a transaction that rolls
// back is gone with it.
func TestMailQueuedWithTheWrite(t *testing.T) {
	e := testkit.New(t)
	mp := newMailpit(t)
	q := newQueue(t, e, e.Store, mp)
	boom := errors.New("the write fails after queuing")
	// (On SQLite the store has one connection, which the transaction
	// holds: nothing inside it may use another.)
	c := domain.Cycle{ID: "c", OrgID: e.OrgOf(pat), Owners: []string{e.ID(director)}}
	err := e.Store.Tx(context.Background(), func(ctx context.Context) error {
		if err := q.InputClosed(ctx, c); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("Tx: %v", err)
	}
	if queued, _, err := q.QueueStats(context.Background()); err != nil || queued != 0 {
		t.Fatalf("after a rollback: %d jobs queued, %v; want none", queued, err)
	}
	// Outside a transaction nothing is queued: an e-mail must not outlive
	// a write that never happened, nor be lost from one that did.
	if err := q.InputClosed(context.Background(), c); err == nil {
		t.Fatal("queuing outside a transaction was accepted")
	}
}

// TestNoSMTPNoJobs: without an SMTP server the cycles queue nothing.
func TestNoSMTPNoJobs(t *testing.T) {
	e := testkit.New(t)
	a := api{t, e}
	cycle := a.newCycle("2026-12-01")
	req := a.ask(cycle, erin, pat)
	a.move(cycle, "input_open")
	a.ask(cycle, finn, dee)
	a.call(http.MethodPost, director, "/api/v1/peer-requests/"+req+"/remind", nil, http.StatusOK)
	a.move(cycle, "calibrating")
	if queued, failed, err := e.Store.QueueCounts(context.Background()); err != nil || queued != 0 || failed != 0 {
		t.Fatalf("jobs without SMTP: %d queued, %d failed, %v", queued, failed, err)
	}
	var n int64
	if err := e.Store.Gorm().Raw("SELECT COUNT(*) FROM river_job").Scan(&n).Error; err != nil || n != 0 {
		t.Fatalf("river_job rows without SMTP: %d, %v", n, err)
	}
}
