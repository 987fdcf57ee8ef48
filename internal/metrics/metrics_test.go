package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"

	"calibrate/internal/httpapi"
	"calibrate/internal/metrics"
	"calibrate/internal/testkit"
)

// withMetrics is a testkit environment whose server records into a fresh
// registry, with the metrics served on a real loopback listener as
// `calibrate serve` does. It returns the listener's base URL.
func withMetrics(t *testing.T) (*testkit.Env, *metrics.Metrics, string) {
	t.Helper()
	e := testkit.New(t)
	m := metrics.New(e.Log)
	m.SetDBStats(e.Store.DBStats)
	d := testkit.Deps(e.Cfg, e.Store, e.Clock, e.Hasher, e.Log)
	d.Metrics = m
	e.Server = httpapi.New(d)
	t.Cleanup(e.Server.Events.Close)
	m.SetOpenStreams(e.Server.OpenStreams, e.Cfg.MaxStreams)
	addr, stop, err := m.Listen("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	return e, m, "http://" + addr.String()
}

// scrape fetches /metrics over HTTP and parses the text format.
func scrape(t *testing.T, base string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("/metrics answered %d: %s", res.StatusCode, b)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(res.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return fams
}

func labels(m *dto.Metric) map[string]string {
	out := map[string]string{}
	for _, l := range m.GetLabel() {
		out[l.GetName()] = l.GetValue()
	}
	return out
}

// count is the number of observations of the histogram series with want's
// labels (0 when there is none).
func count(fams map[string]*dto.MetricFamily, want map[string]string) uint64 {
	f := fams["http_request_duration_seconds"]
	if f == nil {
		return 0
	}
	for _, m := range f.GetMetric() {
		got := labels(m)
		match := len(got) == len(want)
		for k, v := range want {
			match = match && got[k] == v
		}
		if match {
			return m.GetHistogram().GetSampleCount()
		}
	}
	return 0
}

func gauge(t *testing.T, fams map[string]*dto.MetricFamily, name string) float64 {
	t.Helper()
	f := fams[name]
	if f == nil || len(f.GetMetric()) != 1 {
		t.Fatalf("no single series %s in the scrape", name)
	}
	m := f.GetMetric()[0]
	if m.GetGauge() != nil {
		return m.GetGauge().GetValue()
	}
	return m.GetCounter().GetValue()
}

func TestRequestsAreCountedByRouteTemplate(t *testing.T) {
	e, _, base := withMetrics(t)
	dana, _ := e.Login("dana@acme.test", "demo-password")
	var cycles struct {
		Items []struct{ ID string } `json:"items"`
	}
	e.Get(dana, "/api/v1/cycles").Decode(t, &cycles)
	if len(cycles.Items) == 0 {
		t.Fatal("dana has no cycles")
	}
	id := cycles.Items[0].ID
	for range 3 {
		if r := e.Get(dana, "/api/v1/cycles/"+id+"/board"); r.Status != http.StatusOK {
			t.Fatalf("board: %d %s", r.Status, r.Body)
		}
	}
	if r := e.Get(dana, "/api/v1/cycles/no-such-cycle/board"); r.Status != http.StatusNotFound {
		t.Fatalf("unknown cycle: %d", r.Status)
	}
	if r := e.Get(dana, "/api/v1/no/such/path/"+id); r.Status != http.StatusNotFound {
		t.Fatalf("unknown path: %d", r.Status)
	}
	if r := e.Get("", "/api/v1/me"); r.Status != http.StatusUnauthorized {
		t.Fatalf("me without a token: %d", r.Status)
	}

	fams := scrape(t, base)
	cases := []struct {
		labels map[string]string
		want   uint64
	}{
		{map[string]string{"route": "/api/v1/cycles/:id/board", "method": "GET", "status_class": "2xx"}, 3},
		{map[string]string{"route": "/api/v1/cycles/:id/board", "method": "GET", "status_class": "4xx"}, 1},
		{map[string]string{"route": "/api/v1/cycles", "method": "GET", "status_class": "2xx"}, 1},
		{map[string]string{"route": "/api/v1/auth/login", "method": "POST", "status_class": "2xx"}, 1},
		{map[string]string{"route": "/api/v1/me", "method": "GET", "status_class": "4xx"}, 1},
		{map[string]string{"route": metrics.Unmatched, "method": "GET", "status_class": "4xx"}, 1},
	}
	for _, c := range cases {
		if got := count(fams, c.labels); got != c.want {
			t.Errorf("%v: %d observations, want %d", c.labels, got, c.want)
		}
	}
	f := fams["http_request_duration_seconds"]
	if f.GetType() != dto.MetricType_HISTOGRAM {
		t.Fatalf("http_request_duration_seconds is a %v", f.GetType())
	}
	for _, m := range f.GetMetric() {
		l := labels(m)
		if strings.Contains(l["route"], id) || strings.Contains(l["route"], "no-such") {
			t.Errorf("a raw id became a route label: %v", l)
		}
		if !strings.HasPrefix(l["route"], "/") && l["route"] != metrics.Unmatched {
			t.Errorf("route label %q is neither a template nor %q", l["route"], metrics.Unmatched)
		}
	}
}

func TestPoolStreamsAndQueueAreExported(t *testing.T) {
	e, m, base := withMetrics(t)
	fams := scrape(t, base)
	if got := gauge(t, fams, "calibrate_event_streams_open"); got != 0 {
		t.Errorf("open streams before any: %v", got)
	}
	if got := gauge(t, fams, "calibrate_event_streams_max"); got != float64(e.Cfg.MaxStreams) {
		t.Errorf("streams max: %v, want %d", got, e.Cfg.MaxStreams)
	}
	if got := gauge(t, fams, "calibrate_db_connections_open"); got < 1 {
		t.Errorf("open connections after the demo load: %v", got)
	}
	for _, name := range []string{"calibrate_db_connections_in_use", "calibrate_db_connections_idle",
		"calibrate_db_connections_max_open", "calibrate_db_connections_wait_total", "calibrate_db_connections_wait_seconds_total",
		"go_goroutines", "process_cpu_seconds_total"} {
		if fams[name] == nil {
			t.Errorf("%s is not exported", name)
		}
	}
	// No queue: the job figures read 0.
	if q, f := gauge(t, fams, "calibrate_jobs_queued"), gauge(t, fams, "calibrate_jobs_failed"); q != 0 || f != 0 {
		t.Errorf("jobs without a queue: queued %v failed %v", q, f)
	}

	// An open stream is counted while it is open.
	dana, _ := e.Login("dana@acme.test", "demo-password")
	var cycles struct {
		Items []struct{ ID string } `json:"items"`
	}
	e.Get(dana, "/api/v1/cycles").Decode(t, &cycles)
	s := e.OpenStream(dana, "/api/v1/cycles/"+cycles.Items[0].ID+"/events", nil)
	if got := gauge(t, scrape(t, base), "calibrate_event_streams_open"); got != 1 {
		t.Errorf("open streams with one open: %v", got)
	}
	s.Close()
	deadline := time.Now().Add(5 * time.Second)
	for gauge(t, scrape(t, base), "calibrate_event_streams_open") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("the closed stream is still counted")
		}
		time.Sleep(20 * time.Millisecond)
	}
	// The stream's hours are not a request's duration.
	if n := count(scrape(t, base), map[string]string{"route": "/api/v1/cycles/:id/events", "method": "GET", "status_class": "2xx"}); n != 0 {
		t.Errorf("the stream was timed as a request: %d", n)
	}

	m.SetQueue(fakeQueue{queued: 7, failed: 2})
	fams = scrape(t, base)
	if q, f := gauge(t, fams, "calibrate_jobs_queued"), gauge(t, fams, "calibrate_jobs_failed"); q != 7 || f != 2 {
		t.Errorf("jobs: queued %v failed %v, want 7 and 2", q, f)
	}
	m.SetQueue(fakeQueue{err: errors.New("the queue's table is locked")})
	if q := gauge(t, scrape(t, base), "calibrate_jobs_queued"); q != 0 {
		t.Errorf("a failing queue reads %v, want 0", q)
	}
}

// fakeQueue stands in for the job queue, which another package owns: the
// metrics only ask it two numbers.
type fakeQueue struct {
	queued, failed int64
	err            error
}

func (q fakeQueue) QueueStats(context.Context) (int64, int64, error) {
	return q.queued, q.failed, q.err
}

func TestOnlyMetricsIsServed(t *testing.T) {
	_, _, base := withMetrics(t)
	for _, path := range []string{"/", "/api/v1/me", "/healthz"} {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s on the metrics listener: %d, want 404", path, res.StatusCode)
		}
	}
}
