// Command load drives a running Calibrate server (bin/calibrate serve, on
// PostgreSQL, with organisations made by `calibrate seed`) and prints
// latency percentiles, throughput and the server's peak memory against the
// targets of docs/PERFORMANCE.md. .ci/bench.sh (make bench) runs it:
//
//	go run ./internal/bench/load -url http://127.0.0.1:PORT -pid PID \
//	    -orgs bench30,bench300
//
// The phases, each bounded in time and in requests:
//
//  1. setup: sign in the directors, find the cycle in calibration, add the
//     owners' pre-reads (as a board meeting finds them);
//  2. board, one at a time, for every organisation (the 30 → 300 scaling);
//  3. board, 8 concurrent clients, on the largest organisation;
//  4. assessment writes at a fixed arrival rate (100/s), latency measured
//     from the scheduled start, so a slow server cannot hide its queue;
//  5. board one at a time again, then the same while 20 clients flood the
//     login (argon2id at the server's cost);
//  6. the server's peak resident memory (VmHWM of /proc/PID/status).
//
// The server must run with CALIBRATE_RATE_LIMIT=0: the phases call the
// board as one director, far faster than a person may; a limited call
// stops the run with a message that says so.
//
// Only loopback URLs are accepted: this is a load generator for a server
// of your own.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type options struct {
	url        string
	pid        int
	orgs       []string
	password   string
	serialN    int
	serialMax  time.Duration
	clients    int
	duration   time.Duration
	writeRate  int
	writeFor   time.Duration
	flood      int
	floodFor   time.Duration
	prereads   bool
	pprofURL   string
	profileOut string
	strict     bool
	only       map[string]bool
}

// run reports whether phase is selected (-only; all by default).
func (o options) run(phase string) bool { return len(o.only) == 0 || o.only[phase] }

func main() {
	var o options
	var orgs string
	flag.StringVar(&o.url, "url", "http://127.0.0.1:8080", "the server (loopback only)")
	flag.IntVar(&o.pid, "pid", 0, "the server's process id, for its peak memory (VmHWM)")
	flag.StringVar(&orgs, "orgs", "bench30,bench300", "seeded organisations' e-mail domains (director@DOMAIN.test …), smallest first")
	flag.StringVar(&o.password, "password", "demo-password", "the seeded accounts' password")
	flag.IntVar(&o.serialN, "serial", 300, "board requests one at a time, per organisation")
	flag.DurationVar(&o.serialMax, "serial-max", 60*time.Second, "at most this long per one-at-a-time phase")
	flag.IntVar(&o.clients, "clients", 8, "concurrent board clients")
	flag.DurationVar(&o.duration, "duration", 20*time.Second, "length of the concurrent board phase")
	flag.IntVar(&o.writeRate, "write-rate", 100, "assessment writes per second")
	flag.DurationVar(&o.writeFor, "write-duration", 15*time.Second, "length of the write phase")
	flag.IntVar(&o.flood, "flood", 20, "concurrent login clients in the flood phase")
	flag.DurationVar(&o.floodFor, "flood-duration", 20*time.Second, "length of the flood phase (and of its baseline)")
	flag.BoolVar(&o.prereads, "prereads", true, "add the owners' pre-reads before measuring")
	flag.StringVar(&o.pprofURL, "pprof", "", "the server's pprof listener (http://127.0.0.1:6060): profile the concurrent board phase")
	flag.StringVar(&o.profileOut, "profile-out", "board-concurrent.pprof", "where -pprof writes the CPU profile")
	flag.BoolVar(&o.strict, "strict", false, "exit 1 when a target is missed")
	only := flag.String("only", "", "run only these phases: serial,concurrent,write,flood (comma-separated; default all)")
	flag.Parse()
	if *only != "" {
		o.only = map[string]bool{}
		for _, p := range strings.Split(*only, ",") {
			o.only[strings.TrimSpace(p)] = true
		}
	}
	o.orgs = strings.Split(orgs, ",")
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// --- HTTP ------------------------------------------------------------------

type client struct {
	base string
	http *http.Client
}

func newClient(base string) (*client, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-url %s: only a loopback server", base)
	}
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: 90 * time.Second, DisableCompression: true}
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// do sends a request and reads the whole answer; out, when set, receives
// the decoded JSON.
func (c *client) do(method, path, token string, body any, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusTooManyRequests && path != "/api/v1/auth/login" {
		fmt.Fprintf(os.Stderr, "load: %s %s answered 429: the server limits each user's calls; serve it with CALIBRATE_RATE_LIMIT=0\n", method, path)
		os.Exit(1)
	}
	if out != nil && res.StatusCode < 300 {
		return res.StatusCode, json.NewDecoder(res.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

func (c *client) login(email, password string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	code, err := c.do(http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &out)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("login %s: HTTP %d", email, code)
	}
	return out.AccessToken, err
}

// --- Measurements ------------------------------------------------------------

type result struct {
	name     string
	lat      []time.Duration
	errors   int
	elapsed  time.Duration
	firstErr string
	cpu      time.Duration // the server's CPU time over the phase, when known
}

func (r *result) p(q int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := (len(r.lat)*q + 99) / 100
	return r.lat[min(len(r.lat)-1, max(0, i-1))]
}

func (r *result) rate() float64 { return float64(len(r.lat)) / r.elapsed.Seconds() }

func (r *result) finish(elapsed time.Duration) *result {
	r.elapsed = elapsed
	slices.Sort(r.lat)
	return r
}

func msf(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
}

// recorder collects latencies from many goroutines.
type recorder struct {
	mu  sync.Mutex
	res result
}

func (rc *recorder) add(d time.Duration, err error) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	if err != nil {
		rc.res.errors++
		if rc.res.firstErr == "" {
			rc.res.firstErr = err.Error()
		}
		return
	}
	rc.res.lat = append(rc.res.lat, d)
}

// --- The organisation under test ---------------------------------------------

type org struct {
	domain  string
	cycleID string
	token   string // the lead director's
	ems     int
	// writers: directors (token) with the EMs they rate in the cycle.
	writers []writer
}

type writer struct {
	token string
	ems   []string
}

type cycleDoc struct {
	ID     string `json:"id"`
	Owners []struct {
		ID string `json:"id"`
	} `json:"owners"`
	Participants []struct {
		ID         string `json:"id"`
		DirectorID string `json:"director_id"`
	} `json:"participants"`
}

func setupOrg(c *client, o options, domain string, writers int, prereads bool) (*org, error) {
	g := &org{domain: domain}
	var err error
	if g.token, err = c.login("director@"+domain+".test", o.password); err != nil {
		return nil, err
	}
	var list struct {
		Items []cycleDoc `json:"items"`
	}
	if _, err := c.do(http.MethodGet, "/api/v1/cycles?state=calibrating", g.token, nil, &list); err != nil {
		return nil, err
	}
	if len(list.Items) != 1 {
		return nil, fmt.Errorf("%s: %d cycles in calibration, want 1 (seed it with calibrate seed)", domain, len(list.Items))
	}
	var cy cycleDoc
	if _, err := c.do(http.MethodGet, "/api/v1/cycles/"+list.Items[0].ID, g.token, nil, &cy); err != nil {
		return nil, err
	}
	g.cycleID, g.ems = cy.ID, len(cy.Participants)
	// The first directors, each with their own EMs, write assessments; they
	// also pre-read one EM in five among the others'.
	for i := 0; i < writers && i < len(cy.Owners); i++ {
		email := "director@" + domain + ".test"
		if i > 0 {
			email = fmt.Sprintf("director%d@%s.test", i+1, domain)
		}
		tok := g.token
		if i > 0 {
			if tok, err = c.login(email, o.password); err != nil {
				return nil, err
			}
		}
		var me struct {
			ID string `json:"id"`
		}
		if _, err := c.do(http.MethodGet, "/api/v1/me", tok, nil, &me); err != nil {
			return nil, err
		}
		w := writer{token: tok}
		for k, p := range cy.Participants {
			if p.DirectorID == me.ID {
				w.ems = append(w.ems, p.ID)
				continue
			}
			if prereads && k%5 == 0 {
				stance := []string{"agree", "agree", "agree", "question", "abstain"}[(k+i)%5]
				body := map[string]any{"stance": stance}
				if stance == "question" {
					body["comment"] = "The delivery evidence reads thin next to the peer notes; worth two minutes."
				}
				code, err := c.do(http.MethodPut, "/api/v1/cycles/"+cy.ID+"/ems/"+p.ID+"/preread", tok, body, nil)
				if err == nil && code != http.StatusOK && code != http.StatusCreated {
					err = fmt.Errorf("pre-read: HTTP %d", code)
				}
				if err != nil {
					return nil, err
				}
			}
		}
		g.writers = append(g.writers, w)
	}
	return g, nil
}

func (g *org) boardPath() string { return "/api/v1/cycles/" + g.cycleID + "/board" }

// --- Phases ------------------------------------------------------------------

// boardSerial: one request at a time, n of them or until max.
func boardSerial(c *client, g *org, name string, n int, max time.Duration) *result {
	r := &result{name: name}
	start := time.Now()
	for i := 0; i < n && time.Since(start) < max; i++ {
		t0 := time.Now()
		code, err := c.do(http.MethodGet, g.boardPath(), g.token, nil, nil)
		if err == nil && code != http.StatusOK {
			err = fmt.Errorf("board: HTTP %d", code)
		}
		if err != nil {
			r.errors++
			r.firstErr = err.Error()
			continue
		}
		r.lat = append(r.lat, time.Since(t0))
	}
	return r.finish(time.Since(start))
}

// boardConcurrent: k clients in a closed loop for d.
func boardConcurrent(c *client, g *org, name string, k int, d time.Duration) *result {
	var rc recorder
	rc.res.name = name
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for time.Now().Before(deadline) {
				t0 := time.Now()
				code, err := c.do(http.MethodGet, g.boardPath(), g.token, nil, nil)
				if err == nil && code != http.StatusOK {
					err = fmt.Errorf("board: HTTP %d", code)
				}
				rc.add(time.Since(t0), err)
			}
		}()
	}
	wg.Wait()
	return rc.res.finish(time.Since(start))
}

// writes: assessment PUTs arriving at rate per second for d (an open loop),
// spread over the writers' EMs; each EM's writes go one after the other
// with the version the last one returned, as an editor's would.
func writes(c *client, g *org, rate int, d time.Duration) (*result, error) {
	type target struct {
		mu      sync.Mutex
		token   string
		emID    string
		version int
	}
	var targets []*target
	for _, w := range g.writers {
		for _, em := range w.ems {
			var a struct {
				Version int `json:"version"`
			}
			if _, err := c.do(http.MethodGet, "/api/v1/cycles/"+g.cycleID+"/ems/"+em+"/assessment", w.token, nil, &a); err != nil {
				return nil, err
			}
			targets = append(targets, &target{token: w.token, emID: em, version: a.Version})
		}
	}
	if len(targets) == 0 {
		return nil, errors.New("writes: no EM to rate")
	}
	var keys []string
	var rc recorder
	rc.res.name = fmt.Sprintf("assessment write, %d/s", rate)
	// The framework's criteria, from the board's header.
	var board struct {
		Criteria []struct {
			Key string `json:"key"`
		} `json:"criteria"`
	}
	if _, err := c.do(http.MethodGet, g.boardPath(), g.token, nil, &board); err != nil {
		return nil, err
	}
	for _, k := range board.Criteria {
		keys = append(keys, k.Key)
	}
	interval := time.Second / time.Duration(rate)
	total := int(d / interval)
	start := time.Now()
	var wg sync.WaitGroup
	var seq atomic.Int64
	for i := 0; i < total; i++ {
		due := start.Add(time.Duration(i) * interval)
		time.Sleep(time.Until(due))
		t := targets[i%len(targets)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			t.mu.Lock()
			defer t.mu.Unlock()
			n := seq.Add(1)
			ratings := make([]map[string]any, len(keys))
			for j, k := range keys {
				ratings[j] = map[string]any{"criterion": k, "score": 1 + (int(n)+j)%4,
					"evidence": fmt.Sprintf("Led the %s work on project %c this quarter; the review of week %d shows it.", strings.ReplaceAll(k, "_", " "), 'A'+rune(j), n%52)}
			}
			var out struct {
				Version int `json:"version"`
			}
			code, err := c.do(http.MethodPut, "/api/v1/cycles/"+g.cycleID+"/ems/"+t.emID+"/assessment", t.token,
				map[string]any{"ratings": ratings, "private_note": "Discuss the promotion timeline.", "version": t.version}, &out)
			if err == nil && code != http.StatusOK {
				err = fmt.Errorf("assessment: HTTP %d", code)
			}
			if err == nil {
				t.version = out.Version
			}
			// From the time it was due: waiting for a lock or a slot is
			// part of the latency.
			rc.add(time.Since(due), err)
		}()
	}
	wg.Wait()
	return rc.res.finish(time.Since(start)), nil
}

// flood: k clients signing in in a loop until stop; returns the logins.
func flood(c *client, o options, g *org, k int, stop <-chan struct{}) *result {
	var rc recorder
	rc.res.name = fmt.Sprintf("login (flood of %d clients)", k)
	start := time.Now()
	var wg sync.WaitGroup
	for i := 0; i < k; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				email := fmt.Sprintf("em%d@%s.test", 1+(i*31+n)%g.ems, g.domain)
				t0 := time.Now()
				_, err := c.login(email, o.password)
				rc.add(time.Since(t0), err)
			}
		}(i)
	}
	wg.Wait()
	return rc.res.finish(time.Since(start))
}

// --- Memory --------------------------------------------------------------------

// vm reads a VmXXX line of /proc/PID/status, in MB.
func vm(pid int, key string) float64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, key+":"); ok {
			kb, _ := strconv.Atoi(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")))
			return float64(kb) / 1024
		}
	}
	return 0
}

// cpuTime is the CPU time (user + system) process pid has used, from
// /proc/PID/stat in clock ticks of 1/100 s.
func cpuTime(pid int) time.Duration {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+2:])
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	k, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+k) * 10 * time.Millisecond
}

// --- The run -------------------------------------------------------------------

type target struct {
	what, want, got string
	ok              bool
}

func run(o options) error {
	c, err := newClient(o.url)
	if err != nil {
		return err
	}
	fmt.Printf("load: %s, organisations %s\n", o.url, strings.Join(o.orgs, ", "))
	orgs := make([]*org, len(o.orgs))
	for i, d := range o.orgs {
		writers, pre := 0, false
		if i == len(o.orgs)-1 {
			writers, pre = 4, o.prereads
		}
		if orgs[i], err = setupOrg(c, o, d, max(1, writers), pre); err != nil {
			return err
		}
		fmt.Printf("  %s: %d EMs, cycle %s\n", d, orgs[i].ems, orgs[i].cycleID)
	}
	big := orgs[len(orgs)-1]
	rssStart := vm(o.pid, "VmRSS")

	var results []*result
	// measure runs a phase and notes the server's CPU time over it.
	measure := func(phase func() *result) *result {
		c0 := cpuTime(o.pid)
		r := phase()
		r.cpu = cpuTime(o.pid) - c0
		return r
	}
	report := func(r *result) *result {
		results = append(results, r)
		line := fmt.Sprintf("  %-44s n=%-6d p50=%7s ms  p99=%7s ms  %7.1f req/s", r.name, len(r.lat), msf(r.p(50)), msf(r.p(99)), r.rate())
		if r.cpu > 0 && len(r.lat) > 0 {
			line += fmt.Sprintf("  server CPU %s ms/req", msf(r.cpu/time.Duration(len(r.lat))))
		}
		if r.errors > 0 {
			line += fmt.Sprintf("  ERRORS=%d (%s)", r.errors, r.firstErr)
		}
		fmt.Println(line)
		return r
	}

	fmt.Println("phase: warm-up")
	for _, g := range orgs {
		boardSerial(c, g, "warm-up", 30, 30*time.Second)
	}
	serial := map[string]*result{}
	if o.run("serial") {
		fmt.Println("phase: board, one at a time")
		for _, g := range orgs {
			serial[g.domain] = report(measure(func() *result {
				return boardSerial(c, g, fmt.Sprintf("board %s (%d EMs), 1 client", g.domain, g.ems), o.serialN, o.serialMax)
			}))
		}
	}

	var conc, wr, calm, stormy *result
	if o.run("concurrent") {
		fmt.Printf("phase: board, %d concurrent clients, %s\n", o.clients, o.duration)
		var profErr error
		var profWG sync.WaitGroup
		if o.pprofURL != "" {
			profWG.Add(1)
			go func() {
				defer profWG.Done()
				profErr = fetchProfile(o.pprofURL, o.duration*3/4, o.profileOut)
			}()
		}
		conc = report(measure(func() *result {
			return boardConcurrent(c, big, fmt.Sprintf("board %s, %d clients", big.domain, o.clients), o.clients, o.duration)
		}))
		profWG.Wait()
		if profErr != nil {
			fmt.Println("  (profile:", profErr, ")")
		} else if o.pprofURL != "" {
			fmt.Println("  CPU profile of the server:", o.profileOut)
		}
	}

	if o.run("write") {
		fmt.Printf("phase: assessment writes, %d/s for %s\n", o.writeRate, o.writeFor)
		var err error
		c0 := cpuTime(o.pid)
		if wr, err = writes(c, big, o.writeRate, o.writeFor); err != nil {
			return err
		}
		wr.cpu = cpuTime(o.pid) - c0
		report(wr)
	}

	if o.run("flood") {
		fmt.Printf("phase: login flood, %d clients, beside one board client (%s each)\n", o.flood, o.floodFor)
		calm = report(boardSerial(c, big, "board, 1 client, no flood", 1<<30, o.floodFor))
		stop := make(chan struct{})
		floodDone := make(chan *result)
		go func() { floodDone <- flood(c, o, big, o.flood, stop) }()
		time.Sleep(2 * time.Second) // the flood takes hold
		stormy = report(boardSerial(c, big, fmt.Sprintf("board, 1 client, %d logging in", o.flood), 1<<30, o.floodFor))
		close(stop)
		report(<-floodDone)
	}

	hwm := vm(o.pid, "VmHWM")
	if o.pid != 0 {
		fmt.Printf("server memory: VmRSS %.1f MB after setup, peak (VmHWM) %.1f MB\n", rssStart, hwm)
	}

	// The performance targets a load run measures (docs/PERFORMANCE.md).
	small, large := serial[orgs[0].domain], serial[big.domain]
	var ts []target
	add := func(what, want, got string, ok bool) { ts = append(ts, target{what, want, got, ok}) }
	if large != nil {
		add("board 1 client p99", "≤ 100 ms", msf(large.p(99))+" ms", large.p(99) <= 100*time.Millisecond && large.errors == 0)
	}
	if conc != nil {
		add(fmt.Sprintf("board %d clients", o.clients), "≥ 50 req/s, p99 ≤ 250 ms",
			fmt.Sprintf("%.1f req/s, p99 %s ms", conc.rate(), msf(conc.p(99))), conc.rate() >= 50 && conc.p(99) <= 250*time.Millisecond && conc.errors == 0)
	}
	if large != nil && len(orgs) > 1 && small.p(50) > 0 {
		ratio := float64(large.p(50)) / float64(small.p(50))
		add(fmt.Sprintf("board time %d → %d EMs (p50)", orgs[0].ems, big.ems), "≤ 12×", fmt.Sprintf("%.1f×", ratio), ratio <= 12)
	}
	if wr != nil {
		add("assessment write p99", fmt.Sprintf("≤ 25 ms at %d/s", o.writeRate),
			fmt.Sprintf("%s ms at %.1f/s", msf(wr.p(99)), wr.rate()), wr.p(99) <= 25*time.Millisecond && wr.errors == 0 && wr.rate() >= float64(o.writeRate)*0.95)
	}
	if calm != nil && calm.p(99) > 0 {
		ratio := float64(stormy.p(99)) / float64(calm.p(99))
		add("board p99 under a login flood", "≤ 1.5× without",
			fmt.Sprintf("%s ms vs %s ms (%.2f×)", msf(stormy.p(99)), msf(calm.p(99)), ratio), ratio <= 1.5 && stormy.errors == 0)
	}
	if o.pid != 0 {
		add("server peak memory (VmHWM)", "≤ 200 MB", fmt.Sprintf("%.1f MB", hwm), hwm > 0 && hwm <= 200)
	}
	fmt.Println("targets:")
	missed := 0
	for _, t := range ts {
		mark := "met"
		if !t.ok {
			mark = "MISSED"
			missed++
		}
		fmt.Printf("  %-34s %-26s %-34s %s\n", t.what, t.want, t.got, mark)
	}
	errs := 0
	for _, r := range results {
		errs += r.errors
	}
	if errs > 0 {
		return fmt.Errorf("%d requests failed", errs)
	}
	if missed > 0 && o.strict {
		return fmt.Errorf("%d target(s) missed", missed)
	}
	return nil
}

// fetchProfile saves a CPU profile of the server taken over d.
func fetchProfile(base string, d time.Duration, out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), d+30*time.Second)
	defer cancel()
	u := strings.TrimRight(base, "/") + "/debug/pprof/profile?seconds=" + strconv.Itoa(max(1, int(d.Seconds())))
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: HTTP %d", u, res.StatusCode)
	}
	f, err := os.Create(out) //nolint:gosec // G304: the operator names the output file
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, res.Body); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
