package httpapi_test

// Twenty people writing at once in one organisation, through the router:
// directors rating, EMs writing self-assessments and plans, peers writing
// notes, a director deciding. On SQLite every statement goes through one
// connection, on PostgreSQL through a pool; either way every write succeeds
// or is a proper 409, nobody meets "database is locked" or a 500, and the
// organisation's audit chain stays one gapless, verifiable line with one
// entry per write.

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"calibrate/internal/testkit"
)

func TestTwentyConcurrentWriters(t *testing.T) {
	e := newCycleEnv(t)
	const admin = acmeAdmin
	peers := []string{"pat@acme.test", "dee@acme.test", "otto@acme.test"}

	// Four directors with three EMs each, a cycle each, input open, and each
	// EM's input asked of one of the three peers.
	type group struct {
		director string
		ems      []string
		cycle    *cycleFixture
		requests map[string]string // peer → request id
	}
	var groups []*group
	for d := range 4 {
		g := &group{director: fmt.Sprintf("cw-dir%d@acme.test", d), requests: map[string]string{}}
		e.addUser(admin, g.director, fmt.Sprintf("Director %d", d), "director", "")
		for m := range 3 {
			em := fmt.Sprintf("cw-em%d-%d@acme.test", d, m)
			e.addUser(admin, em, fmt.Sprintf("Manager %d-%d", d, m), "em", g.director)
			g.ems = append(g.ems, em)
		}
		g.cycle = e.newCycle(g.director, g.ems, nil)
		g.cycle.moveTo("input_open")
		for i, p := range peers {
			g.requests[p] = g.cycle.request(g.director, g.ems[i], p)
		}
		groups = append(groups, g)
	}
	// Dana's demo cycle in calibration: she decides for her four EMs.
	danaCycle := func() string {
		var l struct {
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		e.Get(e.tok("dana@acme.test"), "/api/v1/cycles?state=calibrating").Decode(t, &l)
		if len(l.Items) == 0 {
			t.Fatal("Dana has no cycle in calibration")
		}
		return l.Items[0].ID
	}()
	danaEMs := []string{"alex@acme.test", "blair@acme.test", "casey@acme.test", "drew@acme.test"}
	decisionVersion := map[string]int{}
	for _, em := range danaEMs {
		d := decodeOK[decisionDoc](t, e.Get(e.tok("dana@acme.test"), "/api/v1/cycles/"+danaCycle+"/ems/"+e.ID(em)+"/decision"), http.StatusOK)
		decisionVersion[em] = d.Version
	}
	me := decodeOK[struct {
		Org struct {
			ID string `json:"id"`
		} `json:"org"`
	}](t, e.Get(e.tok(admin), "/api/v1/me"), http.StatusOK)

	// Everyone signs in before the start, so the race is between writes.
	var writers []string
	for _, g := range groups {
		writers = append(writers, g.director)
		writers = append(writers, g.ems...)
	}
	writers = append(writers, peers...)
	writers = append(writers, "dana@acme.test")
	if len(writers) != 20 {
		t.Fatalf("%d writers", len(writers))
	}
	for _, w := range writers {
		e.tok(w)
	}
	var entriesBefore int64
	if err := e.Store.Gorm().Table("audit_log").Where("org_id = ?", me.Org.ID).Count(&entriesBefore).Error; err != nil {
		t.Fatal(err)
	}

	var ok, conflicts atomic.Int64
	// check accepts a 2xx or a 409 in the error shape; anything else is the
	// failure this test exists for. It reports whether the write went in.
	check := func(who, what string, res *testkit.Response) bool {
		switch {
		case res.Status == http.StatusOK || res.Status == http.StatusCreated:
			ok.Add(1)
			return true
		case res.Status == http.StatusConflict && res.ErrorCode() != "":
			conflicts.Add(1)
			return false
		}
		t.Errorf("%s, %s: %d %s", who, what, res.Status, res.Body)
		return false
	}
	type job struct {
		who string
		run func(who string)
	}
	var jobs []job
	for _, g := range groups {
		jobs = append(jobs, job{g.director, func(who string) {
			version := map[string]int{}
			for round := range 2 {
				for _, em := range g.ems {
					res := g.cycle.putAssessment(who, em, map[string]any{"ratings": fullRatings(2+round, who), "version": version[em]})
					if check(who, "assessment of "+em, res) {
						version[em] = int(res.JSON()["version"].(float64))
					}
				}
			}
		}})
		for _, em := range g.ems {
			jobs = append(jobs, job{em, func(who string) {
				version := 0
				for round := range 2 {
					res := g.cycle.putSelf(who, map[string]any{"ratings": fullRatings(3-round, who), "version": version})
					if check(who, "self-assessment", res) {
						version = int(res.JSON()["version"].(float64))
					}
				}
				plan := emPath(e.ID(who), "plan")
				res := e.Post(e.tok(who), plan, map[string]any{"criterion": criteriaKeys[0], "action": "Lead the next incident review"})
				if check(who, "plan item", res) {
					id := res.JSON()["id"].(string)
					check(who, "plan status", e.Patch(e.tok(who), plan+"/"+id, map[string]any{"status": "in_progress"}))
				}
			}})
		}
	}
	for _, p := range peers {
		jobs = append(jobs, job{p, func(who string) {
			for i, g := range groups {
				check(who, "note", g.cycle.putNote(who, g.requests[who], map[string]any{"advocacy": "strong",
					"criteria": criteriaKeys[:1], "body": fmt.Sprintf("Note %d by %s", i, who)}))
			}
			check(who, "note rewrite", groups[0].cycle.putNote(who, groups[0].requests[who], map[string]any{"advocacy": "neutral",
				"criteria": criteriaKeys[:2], "body": "On reflection, mixed."}))
		}})
	}
	jobs = append(jobs, job{"dana@acme.test", func(who string) {
		for round := range 2 {
			for _, em := range danaEMs {
				res := e.Put(e.tok(who), "/api/v1/cycles/"+danaCycle+"/ems/"+e.ID(em)+"/decision",
					map[string]any{"readiness": []string{"ready_6_12_months", "not_yet"}[round], "rationale": "Round " + fmt.Sprint(round),
						"version": decisionVersion[em]})
				if check(who, "decision for "+em, res) {
					decisionVersion[em] = int(res.JSON()["version"].(float64))
				}
			}
		}
	}})

	start := make(chan struct{})
	var wg sync.WaitGroup
	began := time.Now()
	for _, j := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			j.run(j.who)
		}()
	}
	close(start)
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(60 * time.Second):
		t.Fatal("the writers did not finish within 60 s: a write is stuck")
	}
	t.Logf("%d writers: %d writes, %d conflicts in %s", len(jobs), ok.Load(), conflicts.Load(), time.Since(began).Round(time.Millisecond))
	if t.Failed() {
		return
	}
	const wantWrites = 4*6 + 12*4 + 3*5 + 8
	if ok.Load() != wantWrites || conflicts.Load() != 0 {
		t.Errorf("%d writes went in and %d conflicted; want all %d in (each writer owns what it writes)", ok.Load(), conflicts.Load(), wantWrites)
	}

	// One chain: seq 1..n without gap or fork, each entry linked to the one
	// before, and exactly one entry per write.
	var rows []struct {
		Seq      int64
		PrevHash string
		Hash     string
	}
	if err := e.Store.Gorm().Table("audit_log").Select("seq", "prev_hash", "hash").Where("org_id = ?", me.Org.ID).
		Order("seq").Find(&rows).Error; err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		if r.Seq != int64(i+1) {
			t.Fatalf("audit entry %d has seq %d: the chain has a gap or a fork", i+1, r.Seq)
		}
		if i > 0 && r.PrevHash != rows[i-1].Hash {
			t.Fatalf("audit entry seq %d does not link to seq %d", r.Seq, r.Seq-1)
		}
	}
	if added := int64(len(rows)) - entriesBefore; added != ok.Load() {
		t.Errorf("%d audit entries for %d writes", added, ok.Load())
	}
	broken, checked, err := e.Store.VerifyAudit(context.Background())
	if broken != "" || err != nil {
		t.Fatalf("VerifyAudit: broken at %q after %d entries (%v)", broken, checked, err)
	}
}
