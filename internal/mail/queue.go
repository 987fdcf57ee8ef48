package mail

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"

	"calibrate/internal/config"
	"calibrate/internal/domain"
)

// Store is what the queue reads and where its jobs live.
type Store interface {
	// QueueDriver is River's driver on the store's pool.
	QueueDriver() riverdriver.Driver[*sql.Tx]
	// SQLTx is the transaction a context of Store.Tx carries.
	SQLTx(ctx context.Context) (*sql.Tx, bool)
	PeerRequest(ctx context.Context, orgID, id string) (domain.PeerRequest, error)
	Cycle(ctx context.Context, orgID, id string) (domain.Cycle, error)
	User(ctx context.Context, orgID, id string) (domain.User, error)
	OptedOut(ctx context.Context, orgID, userID, kind string) (bool, error)
	QueueCounts(ctx context.Context) (queued, failed int64, err error)
}

// Options configure a Queue.
type Options struct {
	SMTP      *config.SMTP
	From      string
	PublicURL string
	// Key signs the unsubscribe links (see NewOptOut).
	Key   []byte
	Clock domain.Clock
	Log   *slog.Logger
	// RetryPolicy, when set, replaces River's (attempt⁴ seconds: 1 s,
	// 16 s, 81 s, … over 25 attempts, about three weeks).
	RetryPolicy river.ClientRetryPolicy
	// PollInterval is how often a server looks for due jobs (default 1 s).
	PollInterval time.Duration
	// SendTimeout bounds one delivery (default 30 s).
	SendTimeout time.Duration
}

// Queue queues e-mail and, once started, sends it.
type Queue struct {
	client *river.Client[*sql.Tx]
	store  Store
	clock  domain.Clock
}

// New makes the queue of st. It inserts jobs at once; it sends only after
// Start.
func New(st Store, o Options) (*Queue, error) {
	if o.SMTP == nil || o.From == "" {
		return nil, errors.New("mail: an SMTP server and a From address are needed")
	}
	if o.Log == nil {
		o.Log = slog.Default()
	}
	if o.Clock == nil {
		o.Clock = domain.SystemClock{}
	}
	if o.SendTimeout == 0 {
		o.SendTimeout = 30 * time.Second
	}
	s := &sender{store: st, smtp: *o.SMTP, from: o.From, public: o.PublicURL, tokens: newTokens(o.Key),
		log: o.Log, timeout: o.SendTimeout}
	workers := river.NewWorkers()
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[AskedArgs]) error {
		return s.request(ctx, KindAsked, j.ID, j.Args.OrgID, j.Args.RequestID)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[RemindedArgs]) error {
		return s.request(ctx, KindReminded, j.ID, j.Args.OrgID, j.Args.RequestID)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[DueSoonArgs]) error {
		return s.request(ctx, KindDueSoon, j.ID, j.Args.OrgID, j.Args.RequestID)
	}))
	river.AddWorker(workers, river.WorkFunc(func(ctx context.Context, j *river.Job[InputClosedArgs]) error {
		return s.inputClosed(ctx, j.ID, j.Args)
	}))
	client, err := river.NewClient(st.QueueDriver(), &river.Config{
		Queues:            map[string]river.QueueConfig{queueName: {MaxWorkers: 4}},
		Workers:           workers,
		Logger:            o.Log,
		RetryPolicy:       o.RetryPolicy,
		FetchPollInterval: o.PollInterval,
		FetchCooldown:     min(o.PollInterval, river.FetchCooldownDefault),
		JobTimeout:        2 * o.SendTimeout,
	})
	if err != nil {
		return nil, fmt.Errorf("mail: the job queue: %w", err)
	}
	return &Queue{client: client, store: st, clock: o.Clock}, nil
}

// Start begins sending: this server now takes its share of the due jobs.
func (q *Queue) Start(ctx context.Context) error { return q.client.Start(ctx) }

// Stop lets the e-mail being sent finish (until ctx ends) and stops taking
// jobs; what is left waits in the database for the next server.
func (q *Queue) Stop(ctx context.Context) error { return q.client.Stop(ctx) }

// Client is the River client, for tests and tools that inspect jobs.
func (q *Queue) Client() *river.Client[*sql.Tx] { return q.client }

// insert adds a job in the transaction of the write that causes it.
func (q *Queue) insert(ctx context.Context, args river.JobArgs, opts *river.InsertOpts) error {
	tx, ok := q.store.SQLTx(ctx)
	if !ok {
		return errors.New("mail: a job is queued only inside the transaction of the write that causes it")
	}
	if _, err := q.client.InsertTx(ctx, tx, args, opts); err != nil {
		return fmt.Errorf("queuing %s: %w", args.Kind(), err)
	}
	return nil
}

// RequestAsked queues the e-mail asking r's peer for input and, when the
// cycle has a due date more than three days away, the reminder three days
// before it. Called when a request is made while input is open, and for
// each open request when input opens.
func (q *Queue) RequestAsked(ctx context.Context, c domain.Cycle, r domain.PeerRequest) error {
	if err := q.insert(ctx, AskedArgs{OrgID: c.OrgID, RequestID: r.ID}, nil); err != nil {
		return err
	}
	at, ok := DueSoonAt(c)
	if !ok || !at.After(q.clock.Now()) {
		return nil
	}
	return q.insert(ctx, DueSoonArgs{OrgID: c.OrgID, RequestID: r.ID}, &river.InsertOpts{ScheduledAt: at})
}

// RequestReminded queues a reminder to r's peer.
func (q *Queue) RequestReminded(ctx context.Context, c domain.Cycle, r domain.PeerRequest) error {
	return q.insert(ctx, RemindedArgs{OrgID: c.OrgID, RequestID: r.ID}, nil)
}

// InputClosed queues one e-mail to each owner of c.
func (q *Queue) InputClosed(ctx context.Context, c domain.Cycle) error {
	for _, id := range c.Owners {
		if err := q.insert(ctx, InputClosedArgs{OrgID: c.OrgID, CycleID: c.ID, OwnerID: id}, nil); err != nil {
			return err
		}
	}
	return nil
}

// DueSoonAt is when the due-date reminder of c's requests goes: three days
// before the due date (00:00 UTC of the date), if c has one.
func DueSoonAt(c domain.Cycle) (time.Time, bool) {
	if c.InputDue == nil {
		return time.Time{}, false
	}
	due, err := time.Parse(time.DateOnly, *c.InputDue)
	if err != nil {
		return time.Time{}, false
	}
	return due.Add(-72 * time.Hour), true
}

// QueueStats counts the e-mail jobs waiting to be sent (available,
// scheduled or retrying) and those that failed (waiting for another
// attempt, or given up after the last).
func (q *Queue) QueueStats(ctx context.Context) (queued, failed int64, err error) {
	return q.store.QueueCounts(ctx)
}
