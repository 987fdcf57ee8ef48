package main

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"
)

// streamResult: n event streams open on one cycle, one change, how long
// each took to receive it, and the server's memory per stream.
type streamResult struct {
	open        int
	received    int
	p50, p99    time.Duration
	worst       time.Duration
	perStreamKB float64
	err         error
}

// streams opens n event streams on the cycle as the lead director (a room
// may follow a meeting on one account in many tabs), waits until every one
// is connected, makes one change, and times its arrival on each.
func (c *client) streams(g *org, pid, n int, change func() error) streamResult {
	var r streamResult
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Each stream its own connection, as each browser tab's would be.
	tr := &http.Transport{DisableCompression: true, MaxIdleConnsPerHost: -1}
	defer tr.CloseIdleConnections()
	hc := &http.Client{Transport: tr}
	// The heap the earlier requests left settles first; what the streams
	// then add to the resident set is theirs (an upper bound when the
	// collector runs meanwhile, a lower one when they reuse freed memory).
	time.Sleep(3 * time.Second)
	rssBefore := vm(pid, "VmRSS")

	var connected, done sync.WaitGroup
	var mu sync.Mutex
	var changedAt time.Time
	var lat []time.Duration
	var firstErr error
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
	}
	for i := 0; i < n; i++ {
		connected.Add(1)
		done.Add(1)
		go func() {
			defer done.Done()
			up := false
			defer func() {
				if !up {
					connected.Done()
				}
			}()
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+"/api/v1/cycles/"+g.cycleID+"/events", nil)
			if err != nil {
				fail(err)
				return
			}
			req.Header.Set("Authorization", "Bearer "+g.token)
			res, err := hc.Do(req)
			if err != nil {
				fail(err)
				return
			}
			defer res.Body.Close()
			if res.StatusCode != http.StatusOK {
				fail(fmt.Errorf("event stream: HTTP %d", res.StatusCode))
				return
			}
			sc := bufio.NewScanner(res.Body)
			for sc.Scan() {
				line := sc.Text()
				if !up && strings.HasPrefix(line, ":") {
					up = true
					connected.Done()
					continue
				}
				if strings.HasPrefix(line, "data:") {
					mu.Lock()
					lat = append(lat, time.Since(changedAt))
					mu.Unlock()
					return
				}
			}
		}()
	}
	connected.Wait()
	mu.Lock()
	err := firstErr
	mu.Unlock()
	if err != nil {
		r.err = err
		return r
	}
	r.open = n
	time.Sleep(time.Second)
	if pid != 0 {
		r.perStreamKB = (vm(pid, "VmRSS") - rssBefore) * 1024 / float64(n)
	}
	mu.Lock()
	changedAt = time.Now()
	mu.Unlock()
	if err := change(); err != nil {
		r.err = err
		return r
	}
	waited := make(chan struct{})
	go func() { done.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
	}
	cancel()
	<-waited
	mu.Lock()
	defer mu.Unlock()
	slices.Sort(lat)
	r.received = len(lat)
	if len(lat) > 0 {
		q := func(p int) time.Duration { return lat[min(len(lat)-1, (len(lat)*p+99)/100-1)] }
		r.p50, r.p99, r.worst = q(50), q(99), lat[len(lat)-1]
	}
	r.err = firstErr
	return r
}
