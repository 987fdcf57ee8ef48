package main

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// Two real servers on one database, CALIBRATE_RATE_LIMIT=60 (six calls at
// once, then one a second): calls spread over both share one count, so
// twelve at once get about six through, not six on each.
func TestRateLimitAcrossTwoProcesses(t *testing.T) {
	env, _ := dbEnv(t)
	env["CALIBRATE_RATE_LIMIT"] = "60"
	env["CALIBRATE_DRAIN_SECONDS"] = "0"
	servers := []*serverProcess{startServer(t, env), nil}
	servers[1] = startReplica(t, env)
	tok := servers[0].login(t)

	var (
		mu      sync.Mutex
		byCode  = map[int]int{}
		retries []string
		wg      sync.WaitGroup
	)
	start := time.Now()
	for i := range 12 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodGet, servers[i%2].base+"/api/v1/audit?limit=1", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			res, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Error(err)
				return
			}
			res.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			byCode[res.StatusCode]++
			if res.StatusCode == http.StatusTooManyRequests {
				retries = append(retries, res.Header.Get("Retry-After"))
			}
		})
	}
	wg.Wait()
	// One call a second comes back while the calls run.
	most := 6 + int(time.Since(start)/time.Second)
	if ok := byCode[http.StatusOK]; ok < 6 || ok > most || byCode[http.StatusOK]+byCode[http.StatusTooManyRequests] != 12 {
		t.Fatalf("12 calls over two servers: %v, want 6 (at most %d) × 200 and the rest 429", byCode, most)
	}
	// The next call is due within a second; the wait is measured from when
	// each process read its clock, before it waited its turn on the shared
	// count, so rounded up it may read 2.
	for _, r := range retries {
		if r != "1" && r != "2" {
			t.Errorf("Retry-After %q, want 1 (or 2)", r)
		}
	}
}
