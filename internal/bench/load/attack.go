package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	vegeta "github.com/tsenart/vegeta/v12/lib"
)

// result is one phase's figures, from vegeta's Metrics.
type result struct {
	name      string
	requests  uint64
	errors    uint64
	firstErr  string
	p50, p99  time.Duration
	rate      float64       // successful requests per second
	cpu       time.Duration // the server's CPU time over the phase, when known
	pgCPU     time.Duration // PostgreSQL's, when known
	pgGone    int           // backends that closed during the phase: their CPU is lost
	measured  bool          // cpu and pgCPU were taken over the phase
	sharesCPU bool          // another phase ran beside it: the CPU is both's
	excused   uint64        // answers the attack's excuse accepts: counted apart from failures
	excuse    string        // what they are
}

func resultOf(name string, m *vegeta.Metrics) *result {
	m.Close()
	r := &result{name: name, requests: m.Requests, p50: m.Latencies.P50, p99: m.Latencies.P99, rate: m.Throughput}
	ok := uint64(m.Success*float64(m.Requests) + 0.5)
	r.errors = m.Requests - ok
	if len(m.Errors) > 0 {
		r.firstErr = m.Errors[0]
	}
	return r
}

// attack describes one vegeta attack: its requests, how they arrive and
// how long it lasts.
type attack struct {
	name     string
	targeter vegeta.Targeter
	// rate is the open-loop arrival rate per second; 0 is a closed loop
	// of clients, each sending its next request when the last answered.
	rate     int
	clients  uint64
	duration time.Duration
	max      uint64 // at most this many requests (0: bounded by duration only)
	onResult func(*vegeta.Result)
	// excuse, when set, names answers that are the server working as
	// designed under the load (not failures): counted and reported apart.
	excuse  func(*vegeta.Result) bool
	excused string
	stop    <-chan struct{} // ends the attack early when closed
}

// count is a flag's number as vegeta's counts, negatives as none.
func count(n int) uint64 {
	if n < 0 {
		return 0
	}
	return uint64(n)
}

// bounded stops a pacer after n hits.
type bounded struct {
	vegeta.Pacer
	n uint64
}

func (b bounded) Pace(elapsed time.Duration, hits uint64) (time.Duration, bool) {
	if hits >= b.n {
		return 0, true
	}
	return b.Pacer.Pace(elapsed, hits)
}

func (c *client) run(a attack) *result {
	var pacer vegeta.Pacer = vegeta.ConstantPacer{} // zero: as fast as the clients go
	opts := []func(*vegeta.Attacker){vegeta.Client(c.http)}
	if a.rate > 0 {
		pacer = vegeta.ConstantPacer{Freq: a.rate, Per: time.Second}
		// An open loop: vegeta adds a worker whenever all are busy, so a
		// slow server cannot hide its queue in the load generator; the
		// latency runs from each request's start at its due time.
		opts = append(opts, vegeta.Workers(uint64(max(1, a.rate/10))))
	} else {
		opts = append(opts, vegeta.Workers(a.clients), vegeta.MaxWorkers(a.clients))
	}
	if a.max > 0 {
		pacer = bounded{pacer, a.max}
	}
	atk := vegeta.NewAttacker(opts...)
	if a.stop != nil {
		go func() {
			<-a.stop
			atk.Stop()
		}()
	}
	var m vegeta.Metrics
	var firstBody string // the first failure's answer, to say why
	var excused uint64
	for res := range atk.Attack(a.targeter, pacer, a.duration, a.name) {
		if res.Code == http.StatusTooManyRequests && !strings.HasSuffix(res.URL, "/auth/login") {
			fmt.Fprintf(os.Stderr, "load: %s %s answered 429: the server limits each user's calls; serve it with CALIBRATE_RATE_LIMIT=0\n", res.Method, res.URL)
			os.Exit(1)
		}
		if a.onResult != nil {
			a.onResult(res)
		}
		if a.excuse != nil && a.excuse(res) {
			excused++
			res.Code, res.Error = http.StatusOK, ""
		}
		if firstBody == "" && res.Code >= 400 {
			firstBody = string(res.Body[:min(len(res.Body), 200)])
		}
		res.Body = nil // the metrics need no bodies
		m.Add(res)
	}
	r := resultOf(a.name, &m)
	r.excused, r.excuse = excused, a.excused
	if firstBody != "" {
		r.firstErr += ": " + firstBody
	}
	return r
}

// probe measures the CPU the server and PostgreSQL spend while a phase
// runs, and gives it to each result the phase returns (phases run side by
// side share it).
type probe struct {
	pid int
	pg  *pgCPU
}

func (p probe) measure(phase func() []*result) []*result {
	ctx := context.Background()
	c0, pg0 := cpuTime(p.pid), p.pg.snapshot(ctx)
	rs := phase()
	c1, pg1 := cpuTime(p.pid), p.pg.snapshot(ctx)
	for _, r := range rs {
		r.measured, r.sharesCPU = true, len(rs) > 1
		if p.pid != 0 {
			r.cpu = c1 - c0
		}
		if pg1 != nil {
			r.pgCPU, r.pgGone = pg1.since(pg0)
		}
	}
	return rs
}

func bearer(token string) http.Header {
	return http.Header{"Authorization": {"Bearer " + token}}
}

func jsonHeader(token string) http.Header {
	h := http.Header{"Content-Type": {"application/json"}}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return h
}

// boardTargeter asks for the board, as the lead director.
func (c *client) boardTargeter(g *org) vegeta.Targeter {
	return vegeta.NewStaticTargeter(vegeta.Target{Method: http.MethodGet, URL: c.base + g.boardPath(), Header: bearer(g.token)})
}

// boardAttack: clients asking for the board in a closed loop, for at most
// d or n requests.
func (c *client) boardAttack(g *org, name string, clients int, d time.Duration, n uint64) *result {
	return c.run(attack{name: name, targeter: c.boardTargeter(g), clients: count(clients), duration: d, max: n})
}

// writeAttack: assessment PUTs arriving at rate per second for d, spread
// over the writers' EMs; each carries the version the EM's last write
// returned, as an editor's would.
func (c *client) writeAttack(g *org, rate int, d time.Duration) (attack, error) {
	type em struct {
		token string
		url   string
	}
	var ems []em
	versions := map[string]int{}
	var mu sync.Mutex
	for _, w := range g.writers {
		for _, id := range w.ems {
			path := "/api/v1/cycles/" + g.cycleID + "/ems/" + id + "/assessment"
			var a struct {
				Version int `json:"version"`
			}
			if _, err := c.do(http.MethodGet, path, w.token, nil, &a); err != nil {
				return attack{}, err
			}
			ems = append(ems, em{w.token, c.base + path})
			versions[c.base+path] = a.Version
		}
	}
	if len(ems) == 0 {
		return attack{}, fmt.Errorf("writes: no EM to rate")
	}
	// The framework's criteria, from the board's header.
	var board struct {
		Criteria []struct {
			Key string `json:"key"`
		} `json:"criteria"`
	}
	if _, err := c.do(http.MethodGet, g.boardPath(), g.token, nil, &board); err != nil {
		return attack{}, err
	}
	// One write at a time per EM, as one editor's: the next arrival takes
	// the next EM with no write in flight (the version of a write still in
	// flight is not known yet, and a stale one is a 409).
	var seq atomic.Int64
	busy := map[string]bool{}
	targeter := func(t *vegeta.Target) error {
		n := seq.Add(1)
		mu.Lock()
		e := ems[int(n)%len(ems)]
		for k := 0; k < len(ems) && busy[e.url]; k++ {
			e = ems[(int(n)+k)%len(ems)]
		}
		busy[e.url] = true
		v := versions[e.url]
		mu.Unlock()
		ratings := make([]map[string]any, len(board.Criteria))
		for j, k := range board.Criteria {
			ratings[j] = map[string]any{"criterion": k.Key, "score": 1 + (int(n)+j)%4,
				"evidence": fmt.Sprintf("Led the %s work on project %c this quarter; the review of week %d shows it.", strings.ReplaceAll(k.Key, "_", " "), 'A'+rune(j), n%52)}
		}
		body, err := json.Marshal(map[string]any{"ratings": ratings, "private_note": "Discuss the promotion timeline.", "version": v,
			// The cycle is calibrating: a change to a written assessment says why.
			"change_reason": "Re-read the peer notes in the meeting."})
		if err != nil {
			return err
		}
		*t = vegeta.Target{Method: http.MethodPut, URL: e.url, Body: body, Header: jsonHeader(e.token)}
		return nil
	}
	onResult := func(r *vegeta.Result) {
		var out struct {
			Version int `json:"version"`
		}
		mu.Lock()
		defer mu.Unlock()
		delete(busy, r.URL)
		if r.Code == http.StatusOK && json.Unmarshal(r.Body, &out) == nil {
			versions[r.URL] = out.Version
		}
	}
	// When the server falls so far behind that more writes are in flight
	// than there are EMs, two meet on one EM and the second is refused as
	// stale: the editors' rule working, and a sign of the queue the
	// latency already shows.
	stale := func(r *vegeta.Result) bool {
		return r.Code == http.StatusConflict && bytes.Contains(r.Body, []byte(`"stale_version"`))
	}
	return attack{name: fmt.Sprintf("assessment write, %d/s", rate), targeter: targeter, rate: rate, duration: d, onResult: onResult,
		excuse: stale, excused: "stale version (409), more writes in flight than EMs"}, nil
}

// loginFlood: k clients signing in as the organisation's EMs in a closed
// loop until stop.
func (c *client) loginFlood(o options, g *org, k int, stop <-chan struct{}) *result {
	var seq atomic.Int64
	targeter := func(t *vegeta.Target) error {
		n := seq.Add(1)
		body, err := json.Marshal(map[string]string{"email": fmt.Sprintf("em%d@%s.test", 1+(n*31)%int64(g.ems), g.domain), "password": o.password})
		if err != nil {
			return err
		}
		*t = vegeta.Target{Method: http.MethodPost, URL: c.base + "/api/v1/auth/login", Body: body, Header: jsonHeader("")}
		return nil
	}
	// The server hashes a few passwords at once and refuses the rest with
	// 503 and Retry-After (auth.ErrBusy): under a flood that is the design
	// working.
	return c.run(attack{name: fmt.Sprintf("login (flood of %d clients)", k), targeter: targeter, clients: count(k), stop: stop,
		excuse:  func(r *vegeta.Result) bool { return r.Code == http.StatusServiceUnavailable },
		excused: "refused busy (503)"})
}
