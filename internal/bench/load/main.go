// Command load drives a running Calibrate server (bin/calibrate serve, on
// PostgreSQL, with organisations made by `calibrate seed`) and prints
// latency percentiles, throughput and the server's peak memory against the
// targets of docs/PERFORMANCE.md. .ci/bench.sh (make bench) runs it:
//
//	go run ./internal/bench/load -url http://127.0.0.1:PORT -pid PID \
//	    -orgs bench30,bench300
//
// The requests go through vegeta (github.com/tsenart/vegeta/v12, as a
// library): a kept load generator whose pacing, worker model and latency
// accounting are known, rather than a loop of our own. The phases, each
// bounded in time and in requests:
//
//  1. setup: sign in the directors, find the cycle in calibration, add the
//     owners' pre-reads (as a board meeting finds them);
//  2. board, one at a time, for every organisation (the 30 → 300 scaling);
//  3. board, 8 concurrent clients, on the largest organisation;
//  4. assessment writes at a fixed arrival rate (100/s), alone, then while
//     the 8 clients read the board; an open loop, so a slow server cannot
//     hide its queue;
//  5. board one at a time again, then the same while 20 clients flood the
//     login (argon2id at the server's cost);
//  6. 500 event streams open on the cycle, one change, the time until each
//     has it, and the server's memory per stream;
//  7. the server's peak resident memory (VmHWM of /proc/PID/status).
//
// Each phase reports the server's CPU time per request (utime + stime of
// /proc/PID/stat before and after) and PostgreSQL's, from the backends of
// the server's database (-db): PostgreSQL must run on this machine.
//
// The server must run with CALIBRATE_RATE_LIMIT=0: the phases call the
// board as one director, far faster than a person may; a limited call
// stops the run with a message that says so.
//
// Only loopback URLs are accepted: this is a load generator for a server
// of your own.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
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
	db         string
	streams    int
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
	flag.StringVar(&o.db, "db", os.Getenv("DATABASE_URL"), "the server's database, to find its PostgreSQL backends and measure their CPU (default $DATABASE_URL)")
	flag.IntVar(&o.streams, "streams", 500, "event streams to open for the streams phase")
	flag.BoolVar(&o.strict, "strict", false, "exit 1 when a target is missed")
	only := flag.String("only", "", "run only these phases: serial,concurrent,write,mixed,flood,streams (comma-separated; default all)")
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

// --- The run -------------------------------------------------------------------

type target struct {
	what, want, got string
	ok              bool
}

func msf(d time.Duration) string {
	return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64)
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
			writers, pre = 16, o.prereads
		}
		if orgs[i], err = setupOrg(c, o, d, max(1, writers), pre); err != nil {
			return err
		}
		fmt.Printf("  %s: %d EMs, cycle %s\n", d, orgs[i].ems, orgs[i].cycleID)
	}
	big := orgs[len(orgs)-1]
	rssStart := vm(o.pid, "VmRSS")

	pr := probe{pid: o.pid}
	if o.db != "" {
		if pr.pg, err = newPGCPU(context.Background(), o.db); err != nil {
			return fmt.Errorf("-db: %w", err)
		}
		defer pr.pg.close()
	}

	var results []*result
	perReq := func(d time.Duration, r *result) time.Duration {
		if r == nil || r.requests == 0 {
			return 0
		}
		return time.Duration(float64(d) / float64(r.requests))
	}
	report := func(rs []*result) []*result {
		for _, r := range rs {
			results = append(results, r)
			line := fmt.Sprintf("  %-44s n=%-6d p50=%7s ms  p99=%7s ms  %7.1f req/s", r.name, r.requests, msf(r.p50), msf(r.p99), r.rate)
			if r.excused > 0 {
				line += fmt.Sprintf("  (%d %s, in the rate)", r.excused, r.excuse)
			}
			if r.measured && r.cpu > 0 && !r.sharesCPU {
				line += fmt.Sprintf("  server CPU %s ms/req", msf(perReq(r.cpu, r)))
			}
			if r.measured && pr.pg != nil && !r.sharesCPU {
				line += fmt.Sprintf("  PostgreSQL CPU %s ms/req", msf(perReq(r.pgCPU, r)))
				if r.pgGone > 0 {
					line += fmt.Sprintf(" (%d backends closed during the phase: their CPU is uncounted)", r.pgGone)
				}
			}
			if r.errors > 0 {
				line += fmt.Sprintf("  ERRORS=%d (%s)", r.errors, r.firstErr)
			}
			fmt.Println(line)
		}
		if len(rs) > 1 && rs[0].measured {
			fmt.Printf("  %-44s CPU: server %.1f s, PostgreSQL %.1f s\n", "(the phases side by side)", rs[0].cpu.Seconds(), rs[0].pgCPU.Seconds())
		}
		return rs
	}
	one := func(r *result) []*result { return []*result{r} }

	fmt.Println("phase: warm-up")
	for _, g := range orgs {
		c.boardAttack(g, "warm-up", 1, 30*time.Second, 30)
	}
	if pr.pg != nil {
		if pr.pg.snapshot(context.Background()); pr.pg.fallback {
			fmt.Printf("  PostgreSQL CPU: a backend's /proc is not readable (%s): counting every postgres process on this machine\n", pr.pg.why)
		} else {
			fmt.Println("  PostgreSQL CPU: the backends serving the server's database (pg_stat_activity → /proc/PID/stat)")
		}
	}

	var st *streamResult
	if o.run("streams") && o.streams > 0 {
		// First, while the server's heap holds little beyond the warm-up,
		// so that its growth is the streams'.
		fmt.Printf("phase: %d event streams on the cycle, one change\n", o.streams)
		a, err := c.writeAttack(big, 1, time.Second)
		if err != nil {
			return err
		}
		r := c.streams(big, o.pid, o.streams, func() error {
			w := c.run(attack{name: "the change", targeter: a.targeter, clients: 1, max: 1})
			if w.errors > 0 {
				return fmt.Errorf("the change: %s", w.firstErr)
			}
			return nil
		})
		st = &r
		fmt.Printf("  %d open, %d received the change: p50 %s ms, p99 %s ms, slowest %s ms; server memory %.1f KiB per stream (VmRSS delta / %d)\n",
			r.open, r.received, msf(r.p50), msf(r.p99), msf(r.worst), r.perStreamKB, o.streams)
		if r.err != nil {
			fmt.Println("  ERROR:", r.err)
		}
	}

	serial := map[string]*result{}
	if o.run("serial") {
		fmt.Println("phase: board, one at a time")
		for _, g := range orgs {
			name := fmt.Sprintf("board %s (%d EMs), 1 client", g.domain, g.ems)
			serial[g.domain] = report(pr.measure(func() []*result {
				return one(c.boardAttack(g, name, 1, o.serialMax, count(o.serialN)))
			}))[0]
		}
	}

	var conc, wr, mixedW, mixedR, calm, stormy *result
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
		conc = report(pr.measure(func() []*result {
			return one(c.boardAttack(big, fmt.Sprintf("board %s, %d clients", big.domain, o.clients), o.clients, o.duration, 0))
		}))[0]
		profWG.Wait()
		if profErr != nil {
			fmt.Println("  (profile:", profErr, ")")
		} else if o.pprofURL != "" {
			fmt.Println("  CPU profile of the server:", o.profileOut)
		}
	}

	if o.run("write") {
		fmt.Printf("phase: assessment writes, %d/s for %s, alone\n", o.writeRate, o.writeFor)
		a, err := c.writeAttack(big, o.writeRate, o.writeFor)
		if err != nil {
			return err
		}
		wr = report(pr.measure(func() []*result { return one(c.run(a)) }))[0]
	}

	if o.run("mixed") {
		fmt.Printf("phase: assessment writes, %d/s for %s, while %d clients read the board\n", o.writeRate, o.writeFor, o.clients)
		a, err := c.writeAttack(big, o.writeRate, o.writeFor)
		if err != nil {
			return err
		}
		a.name += fmt.Sprintf(", %d board readers", o.clients)
		rs := report(pr.measure(func() []*result {
			stop := make(chan struct{})
			readers := make(chan *result)
			go func() {
				readers <- c.run(attack{name: fmt.Sprintf("board %s, %d clients, beside the writes", big.domain, o.clients),
					targeter: c.boardTargeter(big), clients: count(o.clients), stop: stop})
			}()
			time.Sleep(2 * time.Second) // the readers take hold
			w := c.run(a)
			close(stop)
			return []*result{w, <-readers}
		}))
		mixedW, mixedR = rs[0], rs[1]
	}

	if o.run("flood") {
		fmt.Printf("phase: login flood, %d clients, beside one board client (%s each)\n", o.flood, o.floodFor)
		calm = report(one(c.boardAttack(big, "board, 1 client, no flood", 1, o.floodFor, 0)))[0]
		stop := make(chan struct{})
		floodDone := make(chan *result)
		go func() { floodDone <- c.loginFlood(o, big, o.flood, stop) }()
		time.Sleep(2 * time.Second) // the flood takes hold
		stormy = report(one(c.boardAttack(big, fmt.Sprintf("board, 1 client, %d logging in", o.flood), 1, o.floodFor, 0)))[0]
		close(stop)
		report(one(<-floodDone))
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
		add("board p99, 1 client", "≤ 40 ms", msf(large.p99)+" ms", large.p99 <= 40*time.Millisecond && large.errors == 0)
		if o.pid != 0 {
			cpu := perReq(large.cpu, large)
			add("server CPU per board", "≤ 8 ms", msf(cpu)+" ms", cpu <= 8*time.Millisecond)
		}
		if pr.pg != nil {
			cpu := perReq(large.pgCPU, large)
			add("PostgreSQL CPU per board", "≤ 10 ms", msf(cpu)+" ms", cpu <= 10*time.Millisecond)
		}
	}
	if conc != nil {
		add(fmt.Sprintf("board, %d clients", o.clients), "≥ 100 req/s, p99 ≤ 150 ms",
			fmt.Sprintf("%.1f req/s, p99 %s ms", conc.rate, msf(conc.p99)), conc.rate >= 100 && conc.p99 <= 150*time.Millisecond && conc.errors == 0)
	}
	if large != nil && len(orgs) > 1 && small.p50 > 0 {
		ratio := float64(large.p50) / float64(small.p50)
		add(fmt.Sprintf("board time %d → %d EMs (p50)", orgs[0].ems, big.ems), "≤ 12×", fmt.Sprintf("%.1f×", ratio), ratio <= 12)
	}
	if wr != nil {
		add("write p99, alone", fmt.Sprintf("≤ 25 ms at %d/s", o.writeRate),
			fmt.Sprintf("%s ms at %.1f/s", msf(wr.p99), wr.rate), wr.p99 <= 25*time.Millisecond && wr.errors == 0 && wr.rate >= float64(o.writeRate)*0.95)
	}
	if mixedW != nil {
		add(fmt.Sprintf("write p99, %d reading the board", o.clients), fmt.Sprintf("≤ 25 ms at %d/s", o.writeRate),
			fmt.Sprintf("%s ms at %.1f/s (board %.1f/s, p99 %s ms)", msf(mixedW.p99), mixedW.rate, mixedR.rate, msf(mixedR.p99)),
			mixedW.p99 <= 25*time.Millisecond && mixedW.errors == 0 && mixedW.rate >= float64(o.writeRate)*0.95)
	}
	if calm != nil && calm.p99 > 0 {
		ratio := float64(stormy.p99) / float64(calm.p99)
		add("board p99 under a login flood", "≤ 1.5× without",
			fmt.Sprintf("%s ms vs %s ms (%.2f×)", msf(stormy.p99), msf(calm.p99), ratio), ratio <= 1.5 && stormy.errors == 0)
	}
	if st != nil {
		add(fmt.Sprintf("%d streams, one change", o.streams), "all within 1 s p99",
			fmt.Sprintf("%d/%d, p99 %s ms", st.received, o.streams, msf(st.p99)), st.err == nil && st.received == o.streams && st.p99 <= time.Second)
		if o.pid != 0 {
			add("server memory per stream", "≤ 64 KiB", fmt.Sprintf("%.1f KiB (VmRSS delta / %d)", st.perStreamKB, o.streams), st.err == nil && st.perStreamKB <= 64)
		}
	}
	if o.pid != 0 {
		add("server peak RSS (VmHWM)", "≤ 150 MB", fmt.Sprintf("%.1f MB", hwm), hwm > 0 && hwm <= 150)
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
	var errs uint64
	for _, r := range results {
		errs += r.errors
	}
	if errs > 0 {
		return fmt.Errorf("%d requests failed", errs)
	}
	if st != nil && st.err != nil {
		return fmt.Errorf("event streams: %w", st.err)
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
