package events

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"calibrate/internal/domain"
)

// Source is the audit log as the bus reads it.
type Source interface {
	CycleHead(ctx context.Context, orgID, cycleID string) (int64, error)
	CycleEntries(ctx context.Context, orgID, cycleID string, after, upTo int64, since time.Time, limit int) ([]domain.CycleEntry, error)
}

// Broadcaster carries the cycles that changed between processes:
// PostgreSQL's NOTIFY and LISTEN.
type Broadcaster interface {
	Notify(ctx context.Context, channel string, payloads []string) error
	Listen(ctx context.Context, channel string, ready func(), got func(payload string)) error
}

// Options configure a Bus.
type Options struct {
	Clock domain.Clock
	Log   *slog.Logger
	// Broadcast carries changes to every process on the database; nil fans
	// out in this process only (SQLite, one process).
	Broadcast Broadcaster
	// ReadTimeout bounds each read of the audit log and each notification
	// sent (default 5 s).
	ReadTimeout time.Duration
}

const (
	// buffer is how many events a stream may have waiting; past it the
	// stream is dropped and catches up from the log.
	buffer = 16
	// batch is how many audit entries one read takes.
	batch = 200
	// Reconnecting the LISTEN connection waits from minBackoff, doubling,
	// up to maxBackoff.
	minBackoff = 100 * time.Millisecond
	maxBackoff = 5 * time.Second
)

var (
	// ErrClosed: the bus is closed (the server is stopping).
	ErrClosed = errors.New("events: the bus is closed")
	// ErrLagged: the stream did not take its events fast enough; the
	// subscriber catches up from its last event with a new subscription.
	ErrLagged = errors.New("events: the subscriber fell behind")
)

// Bus fans out the events of cycles to their subscribers. It is safe for
// concurrent use.
type Bus struct {
	src  Source
	opts Options

	mu     sync.Mutex
	hubs   map[string]*hub // by cycle id
	closed bool
	// stopListening ends the LISTEN connection, held while any cycle has
	// a subscriber.
	stopListening context.CancelFunc
	listeners     sync.WaitGroup
	// listenedOnce is set once a LISTEN connection was ready: later
	// connections are reconnections, logged as such.
	listenedOnce bool
}

// New makes a bus reading src.
func New(src Source, opts Options) *Bus {
	if opts.Clock == nil {
		opts.Clock = domain.SystemClock{}
	}
	if opts.Log == nil {
		opts.Log = slog.New(slog.DiscardHandler)
	}
	if opts.ReadTimeout <= 0 {
		opts.ReadTimeout = 5 * time.Second
	}
	return &Bus{src: src, opts: opts, hubs: map[string]*hub{}}
}

// Publish announces that transactions touching these cycles committed. It
// is the store's after-commit hook: across processes it is one
// notification statement; in process it wakes the cycles' readers and
// returns at once.
func (b *Bus) Publish(ctx context.Context, refs []domain.CycleRef) {
	if b.opts.Broadcast == nil {
		for _, r := range refs {
			b.wake(r.CycleID)
		}
		return
	}
	ids := make([]string, len(refs))
	for i, r := range refs {
		ids[i] = r.CycleID
	}
	// The write has committed whatever happens to its request now.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), b.opts.ReadTimeout)
	defer cancel()
	if err := b.opts.Broadcast.Notify(ctx, Channel, ids); err != nil {
		// This process's streams still hear of it; others do at their
		// next wake-up for the cycle.
		b.opts.Log.Warn("events: could not notify other processes of a change", "err", err)
		for _, id := range ids {
			b.wake(id)
		}
	}
}

// Subscription is one stream's place on a cycle. Events with an id after
// Head arrive on C; C is closed when the subscription ends, and Err says
// why (ErrLagged or ErrClosed).
type Subscription struct {
	// Head is the id of the last event of the cycle the bus had read when
	// the subscription began: a resuming stream replays up to it.
	Head int64
	C    <-chan Event
	c    chan Event
	hub  *hub
	err  error // set before c is closed
}

// Err says why C was closed.
func (s *Subscription) Err() error {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	return s.err
}

// Subscribe follows a cycle of an organisation from now on. The caller
// has checked that the cycle is one it may follow, and closes the
// subscription when done.
func (b *Bus) Subscribe(ctx context.Context, orgID, cycleID string) (*Subscription, error) {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil, ErrClosed
	}
	h, fresh := b.hubs[cycleID], false
	if h == nil {
		b.mu.Unlock()
		rctx, cancel := context.WithTimeout(ctx, b.opts.ReadTimeout)
		head, err := b.src.CycleHead(rctx, orgID, cycleID)
		cancel()
		if err != nil {
			return nil, err
		}
		b.mu.Lock()
		if b.closed {
			b.mu.Unlock()
			return nil, ErrClosed
		}
		if h = b.hubs[cycleID]; h == nil {
			h, fresh = &hub{bus: b, orgID: orgID, cycleID: cycleID, last: head, subs: map[*Subscription]struct{}{}}, true
			b.hubs[cycleID] = h
			if b.opts.Broadcast != nil && b.stopListening == nil {
				b.startListening()
			}
		}
	}
	s := &Subscription{c: make(chan Event, buffer), hub: h}
	s.C = s.c
	h.mu.Lock()
	s.Head = h.last
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	b.mu.Unlock()
	if fresh {
		// What committed between reading the head and now had no reader
		// to wake.
		h.wake()
	}
	return s, nil
}

// Close ends the subscription. Safe to call more than once.
func (s *Subscription) Close() {
	b, h := s.hub.bus, s.hub
	b.mu.Lock()
	defer b.mu.Unlock()
	h.mu.Lock()
	delete(h.subs, s)
	empty := len(h.subs) == 0
	h.mu.Unlock()
	if empty && b.hubs[h.cycleID] == h {
		delete(b.hubs, h.cycleID)
		if len(b.hubs) == 0 && b.stopListening != nil {
			b.stopListening()
			b.stopListening = nil
		}
	}
}

// Replay reads the cycle's events with an id after `after`, up to upTo,
// from the last ReplayWindow, oldest first: at most one read's worth. next
// is where the following read starts; next >= upTo when there is no more.
func (b *Bus) Replay(ctx context.Context, orgID, cycleID string, after, upTo int64) (evs []Event, next int64, err error) {
	ctx, cancel := context.WithTimeout(ctx, b.opts.ReadTimeout)
	defer cancel()
	entries, err := b.src.CycleEntries(ctx, orgID, cycleID, after, upTo, b.opts.Clock.Now().Add(-ReplayWindow), batch)
	if err != nil {
		return nil, after, err
	}
	if len(entries) < batch {
		next = upTo
	} else {
		next = entries[len(entries)-1].Seq
	}
	for _, e := range entries {
		if ev, ok := eventOf(e); ok {
			evs = append(evs, ev)
		}
	}
	return evs, next, nil
}

// Close ends every subscription and the LISTEN connection, and refuses new
// ones.
func (b *Bus) Close() {
	b.mu.Lock()
	b.closed = true
	for id, h := range b.hubs {
		h.mu.Lock()
		for s := range h.subs {
			h.end(s, ErrClosed)
		}
		h.mu.Unlock()
		delete(b.hubs, id)
	}
	if b.stopListening != nil {
		b.stopListening()
		b.stopListening = nil
	}
	b.mu.Unlock()
	b.listeners.Wait()
}

// wake has the cycle's hub read what is new, if anyone follows the cycle.
func (b *Bus) wake(cycleID string) {
	b.mu.Lock()
	h := b.hubs[cycleID]
	b.mu.Unlock()
	if h != nil {
		h.wake()
	}
}

// wakeAll has every followed cycle read what is new: after the LISTEN
// connection (re)connects, since notifications sent while it was down are
// lost.
func (b *Bus) wakeAll() {
	b.mu.Lock()
	hubs := make([]*hub, 0, len(b.hubs))
	for _, h := range b.hubs {
		hubs = append(hubs, h)
	}
	b.mu.Unlock()
	for _, h := range hubs {
		h.wake()
	}
}

// startListening holds a LISTEN connection until stopListening, and
// reconnects it with backoff when it drops. Called with b.mu held.
func (b *Bus) startListening() {
	ctx, cancel := context.WithCancel(context.Background())
	b.stopListening = cancel
	b.listeners.Add(1)
	go func() {
		defer b.listeners.Done()
		b.listen(ctx)
	}()
}

func (b *Bus) listen(ctx context.Context) {
	backoff := minBackoff
	for {
		var readyAt time.Time
		err := b.opts.Broadcast.Listen(ctx, Channel, func() {
			readyAt = time.Now()
			b.mu.Lock()
			again := b.listenedOnce
			b.listenedOnce = true
			b.mu.Unlock()
			if again {
				b.opts.Log.Info("events: listening again; reading every followed cycle from its last event")
			}
			b.wakeAll()
		}, b.wake)
		if ctx.Err() != nil {
			return
		}
		if !readyAt.IsZero() && time.Since(readyAt) > maxBackoff {
			backoff = minBackoff
		}
		b.opts.Log.Warn("events: the LISTEN connection failed; reconnecting", "err", err, "after", backoff.String())
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, maxBackoff)
	}
}

// hub is one followed cycle in this process: its subscribers and how far
// its reader has read.
type hub struct {
	bus     *Bus
	orgID   string
	cycleID string

	mu      sync.Mutex
	subs    map[*Subscription]struct{}
	last    int64 // the last seq read and handed out
	reading bool  // a reader runs
	again   bool  // woken while reading: read once more
}

// wake starts the reader, or has the running one read once more; wake-ups
// that arrive while it reads are one more read, not one each.
func (h *hub) wake() {
	h.mu.Lock()
	if h.reading {
		h.again = true
		h.mu.Unlock()
		return
	}
	h.reading = true
	h.mu.Unlock()
	go h.read()
}

// read hands out every new event of the cycle, then stops until the next
// wake-up.
func (h *hub) read() {
	for {
		h.mu.Lock()
		after := h.last
		h.again = false
		h.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), h.bus.opts.ReadTimeout)
		entries, err := h.bus.src.CycleEntries(ctx, h.orgID, h.cycleID, after, 0, time.Time{}, batch)
		cancel()
		if err != nil {
			h.bus.opts.Log.Warn("events: reading a cycle's events failed; trying again", "cycle", h.cycleID, "err", err)
			h.mu.Lock()
			h.reading = false
			h.mu.Unlock()
			time.AfterFunc(time.Second, func() {
				if h.followed() {
					h.wake()
				}
			})
			return
		}
		h.mu.Lock()
		for _, e := range entries {
			if ev, ok := eventOf(e); ok {
				for s := range h.subs {
					select {
					case s.c <- ev:
					default:
						h.end(s, ErrLagged)
					}
				}
			}
			h.last = e.Seq
		}
		if len(entries) < batch && !h.again {
			h.reading = false
			h.mu.Unlock()
			return
		}
		h.mu.Unlock()
	}
}

// end closes a subscription's channel. Called with h.mu held.
func (h *hub) end(s *Subscription, why error) {
	if _, ok := h.subs[s]; !ok {
		return
	}
	delete(h.subs, s)
	s.err = why
	close(s.c)
}

// followed says whether the hub still belongs to the bus.
func (h *hub) followed() bool {
	h.bus.mu.Lock()
	defer h.bus.mu.Unlock()
	return h.bus.hubs[h.cycleID] == h
}
