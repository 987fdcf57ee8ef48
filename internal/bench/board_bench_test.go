package bench_test

// Benchmarks (PostgreSQL only; they skip otherwise):
//
//	DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable \
//	  go test -run '^$' -bench . -benchtime 3s ./internal/bench
//
// Besides ns/op each reports cpu-ns/op (this process's user+system CPU
// time per operation, garbage collection included; PostgreSQL's own CPU is
// not in it), p50-ms and p99-ms (per-operation wall time), and for the
// board rt/op (database round trips, counted on the wire in a separate pass).

import (
	"context"
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"calibrate/internal/bench"
	"calibrate/internal/calibration"
	"calibrate/internal/config"
	"calibrate/internal/demo"
	"calibrate/internal/domain"
	"calibrate/internal/httpapi"
	"calibrate/internal/store"
	"calibrate/internal/testkit"
)

// cpuTime is the CPU time this process has used (user + system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// measure runs op b.N times and reports CPU time and latency percentiles.
func measure(b *testing.B, op func() error) {
	b.Helper()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t0))
	}
	cpu := cpuTime() - cpu0
	b.StopTimer()
	slices.Sort(lat)
	b.ReportMetric(float64(cpu.Nanoseconds())/float64(b.N), "cpu-ns/op")
	b.ReportMetric(ms(percentile(lat, 50)), "p50-ms")
	b.ReportMetric(ms(percentile(lat, 99)), "p99-ms")
}

func percentile(sorted []time.Duration, p int) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := (len(sorted)*p + 99) / 100
	return sorted[min(len(sorted)-1, max(0, i-1))]
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkBoard builds the board of the cycle in calibration through the
// service (the queries and every rule, no HTTP): with the GORM store, and
// with the same reads hand-written in pgx.
func BenchmarkBoard(b *testing.B) {
	w := getWorld(b)
	ctx := context.Background()
	px, err := newPgxStore(ctx, w.st, w.cfg.DatabaseURL)
	if err != nil {
		b.Fatal(err)
	}
	defer px.pool.Close()
	viaPgx := calibration.NewCycles(px, domain.SystemClock{})
	for _, n := range sizes {
		o := w.orgs[n]
		// The baseline must build the very same board.
		g, err := w.cycles.Board(ctx, o.lead, o.cycleID, calibration.BoardQuery{})
		if err != nil {
			b.Fatal(err)
		}
		p, err := viaPgx.Board(ctx, o.lead, o.cycleID, calibration.BoardQuery{})
		if err != nil {
			b.Fatal(err)
		}
		if len(g.Rows) != n || !reflect.DeepEqual(g, p) {
			b.Fatalf("%d EMs: the pgx baseline builds another board (%d rows, GORM %d)", n, len(p.Rows), len(g.Rows))
		}
		// Each build forgets the boards already built (the first view
		// after a change); gorm-cold also forgets the language hints (the
		// first view of a cycle, or the first after a restart); gorm-kept
		// answers the board built at the same audit head (every other
		// view).
		for _, impl := range []struct {
			name       string
			c          *calibration.Cycles
			build      bool
			forgetText bool
		}{{"gorm", w.cycles, true, false}, {"pgx", viaPgx, true, false}, {"gorm-cold", w.cycles, true, true}, {"gorm-kept", w.cycles, false, false}} {
			b.Run(fmt.Sprintf("ems=%d/%s", n, impl.name), func(b *testing.B) {
				measure(b, func() error {
					if impl.build {
						impl.c.ForgetBoards()
					}
					if impl.forgetText {
						calibration.ForgetLanguageHints()
					}
					_, err := impl.c.Board(ctx, o.lead, o.cycleID, calibration.BoardQuery{})
					return err
				})
			})
		}
	}
}

// BenchmarkBoardHistory builds the board of 300 EMs whose cycle has 8,
// then 20, released cycles before it: past cycles are read from their
// summaries, so the longer history should cost next to nothing more.
func BenchmarkBoardHistory(b *testing.B) {
	w := getWorld(b)
	ctx := context.Background()
	long := w.longHistory(b)
	recomputed := calibration.NewCycles(testkit.Recomputed{Store: w.st}, domain.SystemClock{})
	for _, c := range []struct {
		past int
		o    *org
	}{{seedCycles, w.orgs[300]}, {longCycles, long}} {
		g, err := w.cycles.Board(ctx, c.o.lead, c.o.cycleID, calibration.BoardQuery{})
		if err != nil {
			b.Fatal(err)
		}
		r, err := recomputed.Board(ctx, c.o.lead, c.o.cycleID, calibration.BoardQuery{})
		if err != nil {
			b.Fatal(err)
		}
		if len(g.Rows) != 300 || !reflect.DeepEqual(g, r) {
			b.Fatalf("%d past cycles: the board from summaries differs from the one recomputed from ratings", c.past)
		}
		b.Run(fmt.Sprintf("past=%d", c.past), func(b *testing.B) {
			measure(b, func() error {
				w.cycles.ForgetBoards() // each one built, as after a change
				_, err := w.cycles.Board(ctx, c.o.lead, c.o.cycleID, calibration.BoardQuery{})
				return err
			})
		})
	}
}

// BenchmarkBoardHTTP is one GET /board through the real router: the auth
// lookup, the rate limit, the audit head, the board already built at that
// head, and its JSON — what every reader in a meeting sees between
// changes. rt/op counts the database round trips of one request on the
// wire.
func BenchmarkBoardHTTP(b *testing.B) {
	w := getWorld(b)
	for _, n := range sizes {
		o := w.orgs[n]
		path := "/api/v1/cycles/" + o.cycleID + "/board"
		b.Run(fmt.Sprintf("ems=%d", n), func(b *testing.B) {
			rt, err := boardRoundTrips(w, o)
			if err != nil {
				b.Fatal(err)
			}
			var size int
			measure(b, func() error {
				rec := w.do(http.MethodGet, path, o.token, "")
				if rec.Code != http.StatusOK {
					return fmt.Errorf("board: %d %s", rec.Code, rec.Body)
				}
				size = rec.Body.Len()
				return nil
			})
			b.ReportMetric(float64(rt), "rt/op")
			b.ReportMetric(float64(size)/1024, "KB/resp")
		})
	}
}

// BenchmarkAssessmentWrite is one PUT of a director assessment (nine
// ratings with evidence) through the router: auth, checks, the write, its
// audit entry, the hints of the answer.
func BenchmarkAssessmentWrite(b *testing.B) {
	w := getWorld(b)
	o := w.orgs[300]
	ctx := context.Background()
	versions := map[string]int{}
	for _, em := range o.ownEMs {
		a, err := w.st.Assessment(ctx, o.id, o.cycleID, em, domain.KindDirectorAssessment)
		if err != nil {
			b.Fatal(err)
		}
		versions[em] = a.Version
	}
	i := 0
	measure(b, func() error {
		em := o.ownEMs[i%len(o.ownEMs)]
		i++
		rec := w.do(http.MethodPut, "/api/v1/cycles/"+o.cycleID+"/ems/"+em+"/assessment", o.token,
			assessmentBody(i, versions[em]))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("assessment: %d %s", rec.Code, rec.Body)
		}
		versions[em]++
		return nil
	})
}

// assessmentBody is a full director assessment: nine ratings with a
// sentence of evidence each.
func assessmentBody(i, version int) string {
	var rs []string
	for j, c := range domain.DefaultFramework().Criteria {
		rs = append(rs, fmt.Sprintf(`{"criterion":%q,"score":%d,"evidence":"Led the %s work on project %c; the quarter's review shows it (v%d)."}`,
			c.Key, 1+(i+j)%4, strings.ReplaceAll(c.Key, "_", " "), 'A'+rune(j), i))
	}
	// The cycle is calibrating: a change to a written assessment says why.
	return fmt.Sprintf(`{"ratings":[%s],"private_note":"Discuss the promotion timeline.","version":%d,"change_reason":"Re-read the peer notes in the meeting."}`, strings.Join(rs, ","), version)
}

// BenchmarkLogin is one POST /auth/login with the server's argon2id cost.
func BenchmarkLogin(b *testing.B) {
	w := getWorld(b)
	o := w.orgs[300]
	i := 0
	measure(b, func() error {
		i++
		_, err := w.login(fmt.Sprintf("em%d@%s.test", 1+i%300, o.slug), demo.DemoPassword)
		return err
	})
}

// boardRoundTrips counts, on the wire, the database round trips of one
// board request in the steady state (statements already prepared).
func boardRoundTrips(w *world, o *org) (int64, error) {
	p, err := bench.NewRoundTripCounter(w.cfg.DatabaseURL)
	if err != nil {
		return 0, err
	}
	defer p.Close()
	cfg := *w.cfg
	cfg.DatabaseURL = p.URL(w.cfg.DatabaseURL)
	// Counted as served, the per-user rate limit's statement included; three
	// calls are far under it.
	cfg.RateLimit = config.DefaultRateLimit
	st, err := store.Open(&cfg, domain.SystemClock{}, quietLog)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	srv := httpapi.New(testkit.Deps(&cfg, st, domain.SystemClock{}, w.hasher, quietLog))
	path := "/api/v1/cycles/" + o.cycleID + "/board"
	var n int64
	for i := 0; i < 3; i++ { // the last one counts
		before := p.RoundTrips()
		rec := do(srv, http.MethodGet, path, o.token, "")
		if rec.Code != http.StatusOK {
			return 0, fmt.Errorf("board: %d", rec.Code)
		}
		n = p.RoundTrips() - before
	}
	return n, nil
}
