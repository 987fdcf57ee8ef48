package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/config"
	"calibrate/internal/domain"
	"calibrate/internal/events"
)

// DefaultHeartbeat is how often an idle event stream sends a comment: well
// inside the 20 s the contract promises and the idle timeouts of common
// proxies.
const DefaultHeartbeat = 15 * time.Second

// streamWriteWindow is how long one write to a stream may take before the
// connection counts as dead; each write extends the deadline by it, in place
// of the server's WriteTimeout, which would cut every stream.
const streamWriteWindow = 30 * time.Second

// eventData is the JSON of an event's data line.
type eventData struct {
	ID      string    `json:"id"`
	Type    string    `json:"type"`
	CycleID string    `json:"cycle_id"`
	EMID    *string   `json:"em_id"`
	ActorID *string   `json:"actor_id"`
	At      time.Time `json:"at"`
}

// cycleEvents streams the cycle's changes as Server-Sent Events until the
// access token expires, the session ends, the client goes or the server
// stops.
func (s *Server) cycleEvents(c *gin.Context) {
	p := auth.PrincipalOf(c)
	ref, err := s.Cycles.Watch(c.Request.Context(), p, c.Param("id"))
	if err != nil {
		fail(c, err)
		return
	}
	after, resume, err := lastEventID(c.GetHeader("Last-Event-ID"))
	if err != nil {
		fail(c, err)
		return
	}
	if s.Events == nil || s.streamsClosed() {
		fail(c, domain.Unavailable(time.Second))
		return
	}
	if !s.takeStream() {
		fail(c, errStreamsFull)
		return
	}
	defer s.openStreams.Add(-1)
	sub, err := s.Events.Subscribe(c.Request.Context(), ref.OrgID, ref.CycleID)
	if errors.Is(err, events.ErrClosed) {
		err = domain.Unavailable(time.Second)
	}
	if err != nil {
		fail(c, err)
		return
	}
	defer func() { sub.Close() }()

	st := &sseStream{w: c.Writer, rc: http.NewResponseController(c.Writer)}
	// The stream outlives the request deadline that bounds the checks
	// above; the connection's own context still ends it when the client
	// goes.
	ctx := streamContext(c)
	// A stream reads nothing after its request: the read deadline would
	// otherwise cancel the stream's context when it passes.
	_ = st.rc.SetReadDeadline(time.Time{})
	h := c.Writer.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-cache")
	h.Set("X-Accel-Buffering", "no") // nginx: pass each event on at once
	c.Status(http.StatusOK)
	if st.comment("connected") != nil {
		return
	}

	// last is the id of the last event the client has: the one it resumes
	// from, else the last one before it connected.
	last := sub.Head
	if resume {
		last = after
	}
	heartbeat := s.Heartbeat
	if heartbeat <= 0 {
		heartbeat = DefaultHeartbeat
	}
	ticker := time.NewTicker(heartbeat)
	defer ticker.Stop()
	expiry := time.NewTimer(max(p.ExpiresAt.Sub(s.Clock.Now()), 0))
	defer expiry.Stop()
	token := auth.Bearer(c)
	for {
		if last < sub.Head {
			// Replay what the bus had read before this subscription, one
			// read at a time; live events arrive meanwhile and wait.
			evs, next, err := s.Events.Replay(ctx, ref.OrgID, ref.CycleID, last, sub.Head)
			if err != nil {
				s.Log.Warn("event stream: replay failed", "cycle", ref.CycleID, "err", err)
				return
			}
			for _, ev := range evs {
				if st.event(ev) != nil {
					return
				}
			}
			last = next
			continue
		}
		select {
		case ev, ok := <-sub.C:
			if !ok {
				if !errors.Is(sub.Err(), events.ErrLagged) {
					return // the bus closed
				}
				// Fallen behind: follow again, replaying from the last
				// event sent.
				sub.Close()
				again, err := s.Events.Subscribe(ctx, ref.OrgID, ref.CycleID)
				if err != nil {
					return
				}
				sub = again
				continue
			}
			if ev.ID <= last {
				continue // replayed already
			}
			if st.event(ev) != nil {
				return
			}
			last = ev.ID
		case <-ticker.C:
			// The session may have been revoked, the user deactivated or
			// the token expired (on the server's clock).
			actx, cancel := context.WithTimeout(ctx, s.checkTimeout())
			_, err := s.Auth.Authenticate(actx, token)
			cancel()
			if err != nil || st.comment("ping") != nil {
				return
			}
		case <-expiry.C:
			return
		case <-s.streamsEnd():
			return
		case <-ctx.Done():
			return
		}
	}
}

// lastEventID reads the Last-Event-ID header: the id of the last event the
// client received (the gate has checked its form).
func lastEventID(v string) (after int64, resume bool, err error) {
	if v == "" {
		return 0, false, nil
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, false, &domain.Error{Kind: domain.KindBadRequest, Code: "bad_request",
			Message: "Last-Event-ID is not the id of an event", Fields: map[string]string{"Last-Event-ID": "must be an event id"}}
	}
	return n, true, nil
}

func (s *Server) checkTimeout() time.Duration {
	if s.DBDeadline > 0 {
		return s.DBDeadline
	}
	return 5 * time.Second
}

// sseStream writes Server-Sent Events, each flushed at once within its own
// write deadline.
type sseStream struct {
	w  gin.ResponseWriter
	rc *http.ResponseController
}

func (st *sseStream) comment(text string) error {
	return st.write(": " + text + "\n\n")
}

func (st *sseStream) event(ev events.Event) error {
	id := strconv.FormatInt(ev.ID, 10)
	data, err := json.Marshal(eventData{ID: id, Type: ev.Type, CycleID: ev.CycleID, EMID: ev.EMID, ActorID: ev.ActorID, At: ev.At.UTC()})
	if err != nil {
		return err
	}
	return st.write("id: " + id + "\nevent: " + ev.Type + "\ndata: " + string(data) + "\n\n")
}

func (st *sseStream) write(frame string) error {
	// A recorder in tests has no deadline to set.
	if err := st.rc.SetWriteDeadline(time.Now().Add(streamWriteWindow)); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	if _, err := st.w.WriteString(frame); err != nil {
		return err
	}
	return st.rc.Flush()
}

const streamBaseKey = "calibrate.stream_base"

// streamContext is the request's context without the deadline of ordinary
// requests: what a stream runs under once its checks are done.
func streamContext(c *gin.Context) context.Context {
	if ctx, ok := c.Value(streamBaseKey).(context.Context); ok {
		return ctx
	}
	return c.Request.Context()
}

// streamsFullRetry is the Retry-After of a stream refused at the cap: long
// enough that a room's tabs do not retry in lockstep against a full process,
// short enough that a load balancer's next pick (another process, or this
// one after streams ended) follows the meeting again soon.
const streamsFullRetry = 5 * time.Second

var errStreamsFull = &domain.Error{Kind: domain.KindUnavailable, Code: domain.CodeUnavailable,
	Message: "this server follows as many event streams as it may; try again shortly", RetryAfter: streamsFullRetry}

// takeStream counts a new stream in, unless the process already holds
// MaxStreams. The cap is the process's, not a user's: a room may follow a
// meeting on one shared account in many tabs.
func (s *Server) takeStream() bool {
	limit := int64(s.MaxStreams)
	if limit <= 0 {
		limit = config.DefaultMaxStreams
	}
	if s.openStreams.Add(1) > limit {
		s.openStreams.Add(-1)
		return false
	}
	return true
}

// OpenStreams is how many event streams are open now.
func (s *Server) OpenStreams() int { return int(s.openStreams.Load()) }

// CloseStreams ends every open event stream and refuses new ones (503): a
// graceful stop calls it when draining ends, so that waiting for the
// requests in flight never waits on a stream. Clients resume on another
// replica with Last-Event-ID.
func (s *Server) CloseStreams() {
	s.endOnce.Do(func() { close(s.endStreams) })
}

func (s *Server) streamsEnd() <-chan struct{} { return s.endStreams }

func (s *Server) streamsClosed() bool {
	select {
	case <-s.endStreams:
		return true
	default:
		return false
	}
}
