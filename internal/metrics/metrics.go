// Package metrics owns Calibrate's Prometheus metrics: its own registry
// (never the global default, so a test or a second server in one process
// starts from zero), the gin middleware that times each request by its
// route template, and the gauges an operator watches: the database pool,
// the open event streams and the job queue. The metrics are served on a
// listener of their own (CALIBRATE_METRICS_ADDR), apart from the API.
package metrics

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// Unmatched is the route label of a request no route matches: an unknown
// API path, a known path asked with a method it does not have, or a file
// of the web app. Raw paths never become labels, so a scan of random URLs
// cannot grow the series without bound.
const Unmatched = "unmatched"

// QueueStats is what the metrics ask of the job queue: how many jobs wait
// to run (available, scheduled or retryable) and how many failed — those
// retrying after an error plus those discarded after their last attempt.
type QueueStats interface {
	QueueStats(ctx context.Context) (queued, failed int64, err error)
}

// queueTimeout bounds one scrape's question to the queue: a slow database
// must not hang the scrape.
const queueTimeout = 2 * time.Second

// Metrics is one process's registry and the collectors in it.
type Metrics struct {
	reg      *prometheus.Registry
	duration *prometheus.HistogramVec
	log      *slog.Logger

	mu    sync.Mutex
	queue QueueStats
}

// New makes the registry with Go's runtime and the process's collectors
// and the request histogram. The pool, the streams and the queue are added
// with their setters once main has made them.
func New(log *slog.Logger) *Metrics {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{reg: prometheus.NewRegistry(), log: log}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.duration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "http_request_duration_seconds",
		Help: "Time from a request's arrival to its last byte, by route template, method and status class.",
		// From a cached read (a few ms) to a board of hundreds of EMs or
		// a PDF (seconds); event streams are left out (see Middleware).
		Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
	}, []string{"route", "method", "status_class"})
	m.reg.MustRegister(m.duration)
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "calibrate_jobs_queued",
		Help: "Jobs waiting to run: available, scheduled or waiting to retry (0 when the process runs no queue).",
	}, func() float64 { q, _ := m.queueStats(); return float64(q) }))
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "calibrate_jobs_failed",
		Help: "Jobs that failed: retrying after an error or discarded after their last attempt (0 when the process runs no queue).",
	}, func() float64 { _, f := m.queueStats(); return float64(f) }))
	return m
}

// Registry is the registry, for tests and for collectors added elsewhere.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// SetQueue makes the job gauges ask q; nil makes them 0 again.
func (m *Metrics) SetQueue(q QueueStats) {
	m.mu.Lock()
	m.queue = q
	m.mu.Unlock()
}

// queueStats asks the queue once per gauge; a failure is logged and
// reads as 0 rather than failing the whole scrape.
func (m *Metrics) queueStats() (queued, failed int64) {
	m.mu.Lock()
	q := m.queue
	m.mu.Unlock()
	if q == nil {
		return 0, 0
	}
	ctx, cancel := context.WithTimeout(context.Background(), queueTimeout)
	defer cancel()
	queued, failed, err := q.QueueStats(ctx)
	if err != nil {
		m.log.Warn("metrics: reading the job queue", "err", err)
		return 0, 0
	}
	return queued, failed
}

// SetDBStats exports the database pool's figures, read from stats at each
// scrape (the store's *sql.DB Stats): connections open, in use and idle,
// the pool's bound, and how often and how long requests waited for one.
func (m *Metrics) SetDBStats(stats func() sql.DBStats) {
	gauge := func(name, help string, f func(sql.DBStats) float64) prometheus.Collector {
		return prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: name, Help: help}, func() float64 { return f(stats()) })
	}
	counter := func(name, help string, f func(sql.DBStats) float64) prometheus.Collector {
		return prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, func() float64 { return f(stats()) })
	}
	m.reg.MustRegister(
		gauge("calibrate_db_connections_max_open", "The most connections the pool may open (0: unbounded).",
			func(s sql.DBStats) float64 { return float64(s.MaxOpenConnections) }),
		gauge("calibrate_db_connections_open", "Connections open now, in use or idle.",
			func(s sql.DBStats) float64 { return float64(s.OpenConnections) }),
		gauge("calibrate_db_connections_in_use", "Connections running a statement or a transaction now.",
			func(s sql.DBStats) float64 { return float64(s.InUse) }),
		gauge("calibrate_db_connections_idle", "Connections open and idle now.",
			func(s sql.DBStats) float64 { return float64(s.Idle) }),
		counter("calibrate_db_connections_wait_total", "Times a request waited for a free connection.",
			func(s sql.DBStats) float64 { return float64(s.WaitCount) }),
		counter("calibrate_db_connections_wait_seconds_total", "Time spent waiting for a free connection.",
			func(s sql.DBStats) float64 { return s.WaitDuration.Seconds() }),
	)
}

// SetOpenStreams exports how many event streams the process holds open,
// the figure CALIBRATE_MAX_STREAMS bounds.
func (m *Metrics) SetOpenStreams(open func() int, limit int) {
	m.reg.MustRegister(
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "calibrate_event_streams_open",
			Help: "Event streams open now in this process."}, func() float64 { return float64(open()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "calibrate_event_streams_max",
			Help: "The most event streams this process serves at once (CALIBRATE_MAX_STREAMS)."},
			func() float64 { return float64(limit) }),
	)
}

// Middleware times each request and counts it under its route template
// (c.FullPath(): /api/v1/cycles/:id/board, never the id itself). Streams
// are passed in by template and left out of the histogram: a stream open
// for an hour is not a slow request.
func (m *Metrics) Middleware(streams map[string]bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = Unmatched
		}
		if streams[route] {
			return
		}
		m.duration.WithLabelValues(route, c.Request.Method, StatusClass(c.Writer.Status())).
			Observe(time.Since(start).Seconds())
	}
}

// StatusClass is 1xx … 5xx for a status code.
func StatusClass(status int) string {
	if status < 100 || status > 599 {
		return "other"
	}
	return strconv.Itoa(status/100) + "xx"
}

// Handler serves the registry in Prometheus' text (or OpenMetrics) format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorLog: slog.NewLogLogger(m.log.Handler(), slog.LevelWarn)})
}

// Listen serves /metrics on addr, apart from the API, until the returned
// function closes it. Only /metrics answers there; anything else is 404.
func (m *Metrics) Listen(addr string) (net.Addr, func(), error) {
	mux := http.NewServeMux()
	mux.Handle("GET /metrics", m.Handler())
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 120 * time.Second}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Warn("metrics listener stopped", "err", err)
		}
	}()
	return ln.Addr(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
	}, nil
}
