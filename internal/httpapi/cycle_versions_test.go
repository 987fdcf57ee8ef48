package httpapi_test

// Optimistic versions: a write with a version other than the stored one is
// 409 stale_version, and of two writers racing with the same version
// exactly one wins.

import (
	"net/http"
	"testing"

	"calibrate/internal/testkit"
)

// versioned is a write that carries a version.
type versioned struct {
	name  string
	state string // the state in which the cycle takes the write
	put   func(f *cycleFixture, version int, tag string) *testkit.Response
	read  func(f *cycleFixture) (version int, body string)
}

var versionedWrites = []versioned{
	{"assessment", "input_open",
		func(f *cycleFixture, v int, tag string) *testkit.Response {
			return f.putAssessment(omarDir, erinEM, map[string]any{"ratings": fullRatings(3, tag), "version": v})
		},
		func(f *cycleFixture) (int, string) {
			a := f.assessment(omarDir, erinEM)
			return a.Version, ratingsTag(a.Ratings)
		}},
	{"self-assessment", "input_open",
		func(f *cycleFixture, v int, tag string) *testkit.Response {
			return f.putSelf(erinEM, map[string]any{"ratings": fullRatings(3, tag), "version": v})
		},
		func(f *cycleFixture) (int, string) {
			a := decodeOK[assessmentDoc](f.t, f.Get(f.tok(erinEM), f.path("self-assessment")), http.StatusOK)
			return a.Version, ratingsTag(a.Ratings)
		}},
	{"decision", "calibrating",
		func(f *cycleFixture, v int, tag string) *testkit.Response {
			return f.putDecision(omarDir, erinEM, map[string]any{"readiness": "not_yet", "rationale": tag, "version": v})
		},
		func(f *cycleFixture) (int, string) {
			d := f.decision(erinEM)
			if d.Rationale == nil {
				return d.Version, ""
			}
			return d.Version, *d.Rationale
		}},
}

// ratingsTag is the tag fullRatings put in the evidence of every rating.
func ratingsTag(rs []ratingDoc) string {
	if len(rs) == 0 {
		return ""
	}
	for i := range rs[0].Evidence {
		if rs[0].Evidence[i] == ':' {
			return rs[0].Evidence[:i]
		}
	}
	return rs[0].Evidence
}

func TestStaleVersions(t *testing.T) {
	for _, w := range versionedWrites {
		t.Run(w.name, func(t *testing.T) {
			e := newCycleEnv(t)
			f := e.newCycle(omarDir, []string{erinEM}, nil)
			f.advanceTo(w.state)

			// Nothing written yet: only version 0 goes.
			wantError(t, w.put(f, 1, "from the future"), http.StatusConflict, "stale_version")
			wantStatus(t, w.put(f, 0, "first"), http.StatusOK)
			for _, stale := range []int{0, 2, 7} {
				done := e.noWrite(t, "admin@acme.test")
				wantError(t, w.put(f, stale, "stale"), http.StatusConflict, "stale_version")
				done()
			}
			if v, tag := w.read(f); v != 1 || tag != "first" {
				t.Fatalf("after stale writes: version %d, content %q; want 1, first", v, tag)
			}
			res := w.put(f, 1, "second")
			wantStatus(t, res, http.StatusOK)
			if v := res.JSON()["version"]; v != float64(2) {
				t.Fatalf("the second write answers version %v, want 2", v)
			}
			// A missing or negative version is not a guess at the current one.
			wantFields(t, w.put(f, -1, "negative"), "version")
		})
	}
}

// TestConcurrentWritersOneWins races two writers with the same version,
// round after round, the first round on the very first write (version 0).
func TestConcurrentWritersOneWins(t *testing.T) {
	const rounds = 6
	for _, w := range versionedWrites {
		if w.name == "self-assessment" {
			continue // one EM writes their own: two tabs at most, the same code path as the assessment
		}
		t.Run(w.name, func(t *testing.T) {
			e := newCycleEnv(t)
			f := e.newCycle(omarDir, []string{erinEM}, nil)
			f.advanceTo(w.state)
			e.tok(omarDir) // sign in before the race
			for round := range rounds {
				before, _ := w.read(f)
				audits := auditCount(t, e.Env, e.tok("admin@acme.test"))
				tags := [2]string{"writer A", "writer B"}
				res := race(
					func() *testkit.Response { return w.put(f, before, tags[0]) },
					func() *testkit.Response { return w.put(f, before, tags[1]) })
				var won []int
				for i, r := range res {
					switch {
					case r.Status == http.StatusOK:
						won = append(won, i)
					case r.Status == http.StatusConflict && r.ErrorCode() == "stale_version":
					default:
						t.Fatalf("round %d: writer %d answered %d %s", round, i, r.Status, r.Body)
					}
				}
				if len(won) != 1 {
					t.Fatalf("round %d: %d writers won, want exactly one", round, len(won))
				}
				after, tag := w.read(f)
				if after != before+1 || tag != tags[won[0]] {
					t.Fatalf("round %d: version %d → %d, content %q; want %d and %q", round, before, after, tag, before+1, tags[won[0]])
				}
				if n := auditCount(t, e.Env, e.tok("admin@acme.test")); n != audits+1 {
					t.Fatalf("round %d: %d audit entries for one write", round, n-audits)
				}
			}
		})
	}
}
