package testkit

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
)

// An event stream never ends by itself, so its answer cannot be recorded
// whole. Env.Do records a stream up to its first flush (the headers and
// `: connected`) and then ends it, which is enough for the tests that only
// look at statuses; Env.OpenStream reads a real one over HTTP, event by
// event, each checked against the contract as it arrives.

// recorder is an httptest.ResponseRecorder that a handler may still write
// to while the test waits on it. firstFlush is closed when an event stream
// first flushes.
type recorder struct {
	mu         sync.Mutex
	rec        *httptest.ResponseRecorder
	firstFlush chan struct{}
	once       sync.Once
}

func newRecorder() *recorder {
	return &recorder{rec: httptest.NewRecorder(), firstFlush: make(chan struct{})}
}

func (r *recorder) Header() http.Header { return r.rec.Header() }

func (r *recorder) Write(b []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.rec.Write(b)
}

func (r *recorder) WriteHeader(code int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rec.WriteHeader(code)
}

func (r *recorder) Flush() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.rec.Flush()
	if isEventStream(r.rec.Header()) {
		r.once.Do(func() { close(r.firstFlush) })
	}
}

func isEventStream(h http.Header) bool {
	return strings.HasPrefix(h.Get("Content-Type"), "text/event-stream")
}

// serve runs the handler on req and returns what it answered; an event
// stream is ended (its request cancelled, as a client going away would)
// once it has flushed its first line.
func serve(t testing.TB, h http.Handler, req *http.Request) *Response {
	t.Helper()
	ctx, cancel := context.WithCancel(req.Context())
	defer cancel()
	req = req.WithContext(ctx)
	w := newRecorder()
	done := make(chan struct{})
	go func() {
		defer close(done)
		h.ServeHTTP(w, req)
	}()
	select {
	case <-done:
	case <-w.firstFlush:
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatalf("%s %s: the event stream did not end within 10 s of its client going", req.Method, req.URL)
		}
	}
	return &Response{Status: w.rec.Code, Header: w.rec.Header(), Body: w.rec.Body.Bytes()}
}

// Frame is one frame of an event stream: an event (ID, Event and Data set)
// or a comment.
type Frame struct {
	Comment string
	ID      string
	Event   string
	Data    string
}

// Stream is an event stream open over real HTTP.
type Stream struct {
	t      testing.TB
	Header http.Header
	frames chan Frame
	ended  chan struct{} // closed when the stream ended
	cancel context.CancelFunc
	// closing is closed by Close, so that a reader nobody reads from
	// stops.
	closing   chan struct{}
	closeOnce sync.Once
	schema    *openapi3.Schema
}

// HTTPServer serves e's server over a real loopback HTTP listener, started
// on first use and closed when the test ends; streams need real flushes and
// real disconnects.
func (e *Env) HTTPServer() *httptest.Server {
	h := e.http
	h.once.Do(func() {
		srv := httptest.NewUnstartedServer(e.Server)
		if e.ServerConfig != nil {
			e.ServerConfig(srv.Config)
		}
		srv.Start()
		h.srv = srv
		e.T.Cleanup(srv.Close)
	})
	return h.srv
}

// httpServer is the loopback server of an Env, started on first use.
type httpServer struct {
	once sync.Once
	srv  *httptest.Server
}

// OpenStream opens the event stream at path as the bearer of token (with
// header, e.g. Last-Event-ID), expects 200 and `: connected`, and checks
// the answer's headers against the contract. A refusal fails the test: ask
// Do for those.
func (e *Env) OpenStream(token, path string, header http.Header) *Stream {
	e.T.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.HTTPServer().URL+path, nil)
	if err != nil {
		cancel()
		e.T.Fatal(err)
	}
	for k, vs := range header {
		req.Header[k] = vs
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		e.T.Fatalf("opening %s: %v", path, err)
	}
	if res.StatusCode != http.StatusOK {
		res.Body.Close()
		cancel()
		e.T.Fatalf("opening %s: %d", path, res.StatusCode)
	}
	s := &Stream{t: e.T, Header: res.Header, frames: make(chan Frame, 64), ended: make(chan struct{}), cancel: cancel,
		closing: make(chan struct{})}
	e.T.Cleanup(s.Close)
	go s.read(res)
	first := s.Next(5 * time.Second)
	if first.Comment != "connected" {
		e.T.Fatalf("%s: the first line is %+v, want the comment connected", path, first)
	}
	checkContract(e.T, http.MethodGet, path, nil, req.Header, &Response{Status: res.StatusCode, Header: res.Header,
		Body: []byte(": connected\n\n")})
	s.schema = eventSchema(e.T, req)
	return s
}

// read parses frames until the stream ends.
func (s *Stream) read(res *http.Response) {
	defer close(s.ended)
	defer res.Body.Close()
	sc := bufio.NewScanner(res.Body)
	var f Frame
	have := false
	for sc.Scan() {
		line := sc.Text()
		switch {
		case line == "":
			if have {
				select {
				case s.frames <- f:
				case <-s.closing:
					return
				}
			}
			f, have = Frame{}, false
			continue
		case strings.HasPrefix(line, ": "):
			f.Comment = strings.TrimPrefix(line, ": ")
		case strings.HasPrefix(line, "id: "):
			f.ID = strings.TrimPrefix(line, "id: ")
		case strings.HasPrefix(line, "event: "):
			f.Event = strings.TrimPrefix(line, "event: ")
		case strings.HasPrefix(line, "data: "):
			f.Data = strings.TrimPrefix(line, "data: ")
		default:
			f.Comment = "unparsable line: " + line
		}
		have = true
	}
}

// Next is the next frame, within timeout; the test fails if none comes or
// the stream ends.
func (s *Stream) Next(timeout time.Duration) Frame {
	s.t.Helper()
	select {
	case f := <-s.frames:
		return f
	case <-time.After(timeout):
		s.t.Fatalf("no frame of the event stream within %s", timeout)
	case <-s.ended:
		select {
		case f := <-s.frames:
			return f
		default:
		}
		s.t.Fatal("the event stream ended")
	}
	return Frame{}
}

// Event is the data of an event as the contract describes it.
type Event struct {
	ID      string  `json:"id"`
	Type    string  `json:"type"`
	CycleID string  `json:"cycle_id"`
	EMID    *string `json:"em_id"`
	ActorID *string `json:"actor_id"`
	At      string  `json:"at"`
}

// NextEvent is the next event, skipping comments, within timeout. Its
// frame is checked against the contract: data a CycleEvent whose id and
// type are the frame's.
func (s *Stream) NextEvent(timeout time.Duration) Event {
	s.t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		f := s.Next(time.Until(deadline))
		if f.Comment != "" && f.Data == "" {
			if strings.HasPrefix(f.Comment, "unparsable") {
				s.t.Errorf("event stream: %s", f.Comment)
			}
			continue
		}
		return s.check(f)
	}
}

func (s *Stream) check(f Frame) Event {
	s.t.Helper()
	var v any
	if err := json.Unmarshal([]byte(f.Data), &v); err != nil {
		s.t.Fatalf("event data is not JSON: %q", f.Data)
	}
	if err := s.schema.VisitJSON(v); err != nil {
		s.t.Errorf("contract: event data %s does not match its schema: %v", f.Data, err)
	}
	var ev Event
	_ = json.Unmarshal([]byte(f.Data), &ev)
	if ev.ID != f.ID || ev.Type != f.Event {
		s.t.Errorf("contract: event frame id %q event %q, data says id %q type %q", f.ID, f.Event, ev.ID, ev.Type)
	}
	return ev
}

// Quiet checks that no event arrives within d (comments may).
func (s *Stream) Quiet(d time.Duration) {
	s.t.Helper()
	deadline := time.After(d)
	for {
		select {
		case f := <-s.frames:
			if f.Data != "" {
				s.t.Errorf("an unexpected event: %+v", f)
			}
		case <-deadline:
			return
		case <-s.ended:
			return
		}
	}
}

// Ended waits up to timeout for the server to end the stream, and says
// whether it did.
func (s *Stream) Ended(timeout time.Duration) bool {
	select {
	case <-s.ended:
		return true
	case <-time.After(timeout):
		return false
	}
}

// Close ends the stream from the client's side.
func (s *Stream) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		close(s.closing)
	})
	<-s.ended
}

// eventSchema is the schema of an event's data, as the stream's media type
// names it in x-event-data.
func eventSchema(t testing.TB, req *http.Request) *openapi3.Schema {
	t.Helper()
	doc, router, err := loadContract()
	if err != nil {
		t.Fatalf("contract: %v", err)
	}
	route, _, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("contract: %s is not documented: %v", req.URL.Path, err)
	}
	mt := route.Operation.Responses.Status(http.StatusOK).Value.Content.Get("text/event-stream")
	if mt == nil {
		t.Fatalf("contract: %s documents no text/event-stream answer", route.Path)
	}
	ref, _ := mt.Extensions["x-event-data"].(string)
	name, ok := strings.CutPrefix(ref, "#/components/schemas/")
	if !ok || doc.Components.Schemas[name] == nil {
		t.Fatalf("contract: %s: x-event-data %q names no schema", route.Path, ref)
	}
	return doc.Components.Schemas[name].Value
}
