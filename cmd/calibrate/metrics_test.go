package main

import (
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// With CALIBRATE_METRICS_ADDR, serve answers /metrics on a listener of its
// own, with requests counted by route template; the API's port has no
// /metrics.
func TestServeExportsMetrics(t *testing.T) {
	env, _ := dbEnv(t)
	maddr := freeAddr(t)
	env["CALIBRATE_METRICS_ADDR"] = maddr
	p := startServer(t, env)
	token := p.login(t)
	client := &http.Client{Timeout: 5 * time.Second}
	req, _ := http.NewRequest(http.MethodGet, p.base+"/api/v1/frameworks/fw-4711-raw-id", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	res, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Fatalf("unknown framework: %d", res.StatusCode)
	}

	res, err = client.Get("http://" + maddr + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	text := string(body)
	if res.StatusCode != http.StatusOK {
		t.Fatalf("/metrics: %d %s", res.StatusCode, text)
	}
	for _, want := range []string{
		`http_request_duration_seconds_count{method="GET",route="/api/v1/frameworks/:id",status_class="4xx"} 1`,
		`http_request_duration_seconds_count{method="POST",route="/api/v1/auth/login",status_class="2xx"} 1`,
		"calibrate_db_connections_in_use ", "calibrate_event_streams_open 0", "calibrate_jobs_queued 0", "process_start_time_seconds",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(text, "fw-4711-raw-id") {
		t.Error("a raw id reached the metrics")
	}

	res, err = client.Get(p.base + "/api/v1/metrics")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusNotFound {
		t.Errorf("/api/v1/metrics on the API's port: %d", res.StatusCode)
	}
}
