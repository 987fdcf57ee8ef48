package httpapi_test

// Peer requests: who may ask whom, the limits, and what an EM learns of
// the answers to the requests they made.

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

func TestPeerRequestValidation(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	reads := []string{"/api/v1/peer-requests?limit=100"}
	long := strings.Repeat("m", 2001)
	for _, c := range []struct {
		name  string
		body  map[string]any
		field string
	}{
		{"EM who is not a participant", map[string]any{"em_id": e.ID("alex@acme.test"), "peer_id": e.ID("pat@acme.test")}, "em_id"},
		{"peer as the subject", map[string]any{"em_id": e.ID("pat@acme.test"), "peer_id": e.ID("dee@acme.test")}, "em_id"},
		{"the EM as their own peer", map[string]any{"em_id": e.ID(erinEM), "peer_id": e.ID(erinEM)}, "peer_id"},
		{"a peer of another organisation", map[string]any{"em_id": e.ID(erinEM), "peer_id": e.ID("ivy@globex.test")}, "peer_id"},
		{"a peer who does not exist", map[string]any{"em_id": e.ID(erinEM), "peer_id": domain.NewID()}, "peer_id"},
		{"a message over 2000 characters", map[string]any{"em_id": e.ID(erinEM), "peer_id": e.ID("pat@acme.test"), "message": long}, "message"},
	} {
		t.Run(c.name, func(t *testing.T) {
			done := e.noWrite(t, "admin@acme.test", reads...)
			wantFields(t, e.Post(e.tok(omarDir), f.path("peer-requests"), c.body), c.field)
			done()
		})
	}

	// An EM asks for input about themself only; a peer never asks.
	done := e.noWrite(t, "admin@acme.test", reads...)
	wantError(t, f.postRequest(erinEM, finnEM, "pat@acme.test"), http.StatusForbidden, "forbidden")
	wantError(t, e.Post(e.tok("pat@acme.test"), f.path("peer-requests"),
		map[string]any{"em_id": e.ID(erinEM), "peer_id": e.ID("dee@acme.test")}), http.StatusForbidden, "forbidden")
	done()

	// The same peer about the same EM twice is a duplicate, whoever asks.
	f.request(omarDir, erinEM, "pat@acme.test")
	done = e.noWrite(t, "admin@acme.test", reads...)
	wantError(t, f.postRequest(erinEM, erinEM, "pat@acme.test"), http.StatusConflict, "duplicate")
	wantError(t, f.postRequest(omarDir, erinEM, "pat@acme.test"), http.StatusConflict, "duplicate")
	done()
}

func TestAtMostEightPeerRequestsPerEM(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	f.moveTo("input_open")
	peers := []string{"pat@acme.test", "dee@acme.test", "otto@acme.test", "admin@acme.test",
		"dana@acme.test", "alex@acme.test", "blair@acme.test", "casey@acme.test"}
	for i, p := range peers {
		as := omarDir
		if i%2 == 1 {
			as = erinEM // the EM's own nominations count too
		}
		f.request(as, erinEM, p)
	}
	done := e.noWrite(t, "admin@acme.test", "/api/v1/peer-requests?limit=100")
	res := f.postRequest(erinEM, erinEM, "drew@acme.test")
	if res.Status != http.StatusConflict || res.ErrorCode() == "" {
		t.Fatalf("the 9th request answered %d %s, want 409", res.Status, res.Body)
	}
	checkErrorShape(t, res, "")
	wantStatus(t, f.postRequest(omarDir, erinEM, "drew@acme.test"), http.StatusConflict)
	done()
	// The limit is per EM: Finn can still be asked about.
	f.request(omarDir, finnEM, "drew@acme.test")
}

// Two requests racing for an EM's last free place: one gets it.
func TestLastPeerRequestRace(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM, finnEM}, nil)
	peers := []string{"pat@acme.test", "dee@acme.test", "otto@acme.test", "admin@acme.test",
		"dana@acme.test", "alex@acme.test", "blair@acme.test", "casey@acme.test", "drew@acme.test"}
	for _, em := range f.ems {
		for _, p := range peers[:7] {
			f.request(omarDir, em, p)
		}
		res := race(
			func() *testkit.Response { return f.postRequest(omarDir, em, peers[7]) },
			func() *testkit.Response { return f.postRequest(omarDir, em, peers[8]) })
		if got := []string{fmt.Sprint(res[0].Status), fmt.Sprint(res[1].Status)}; !sameSet(got, []string{"201", "409"}) {
			t.Fatalf("%s's 8th and 9th requests answered %d and %d, want one 201 and one 409", em, res[0].Status, res[1].Status)
		}
	}
}

// An EM sees the requests they made with each peer's name; whether each one
// was answered only in named cycles, otherwise only the per-cycle counts.
func TestEMSeesAnswersOnlyInNamedCycles(t *testing.T) {
	for _, mode := range []string{"named", "by_function", "anonymous"} {
		t.Run(mode, func(t *testing.T) {
			e := newCycleEnv(t)
			f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"peer_attribution": mode})
			f.moveTo("input_open")
			want := map[string]string{} // request id → status
			for _, p := range []string{"pat@acme.test", "dee@acme.test", "otto@acme.test"} {
				want[f.request(erinEM, erinEM, p)] = "open"
			}
			byPeer := map[string]string{}
			for id := range want {
				r := requestByID(t, e.requestsOf(omarDir).Items, id)
				byPeer[e.emailOf(r.Peer.ID)] = id
			}
			f.note("pat@acme.test", byPeer["pat@acme.test"], "support", "Erin runs the planning sessions with product openly.")
			want[byPeer["pat@acme.test"]] = "answered"
			wantStatus(t, e.Post(e.tok("dee@acme.test"), "/api/v1/peer-requests/"+byPeer["dee@acme.test"]+"/decline", nil), http.StatusOK)
			want[byPeer["dee@acme.test"]] = "declined"
			f.request(omarDir, finnEM, "pat@acme.test") // someone else's request: not Erin's business

			// Page by page (one request a page), the summary still counts the whole cycle.
			for _, limit := range []int{100, 1} {
				var items []requestDoc
				var summaries [][]requestSummaryDoc
				cursor := ""
				for {
					path := fmt.Sprintf("/api/v1/peer-requests?limit=%d", limit)
					if cursor != "" {
						path += "&cursor=" + cursor
					}
					l := decodeOK[requestListDoc](t, e.Get(e.tok(erinEM), path), http.StatusOK)
					items = append(items, l.Items...)
					summaries = append(summaries, l.Summary)
					if l.NextCursor == nil {
						break
					}
					cursor = *l.NextCursor
				}
				if got := requestIDs(items, f.id); len(got) != 3 {
					t.Fatalf("limit %d: Erin sees requests %v, want her 3", limit, got)
				}
				for _, r := range items {
					if r.Note != nil || r.Peer.Name == "" {
						t.Fatalf("Erin sees request %+v", r)
					}
					switch {
					case mode == "named" && (r.Status == nil || *r.Status != want[r.ID]):
						t.Fatalf("named cycle: status of %s's request %v, want %s", r.Peer.Name, r.Status, want[r.ID])
					case mode != "named" && r.Status != nil:
						t.Fatalf("%s cycle: Erin sees the status %q of %s's request", mode, *r.Status, r.Peer.Name)
					}
				}
				for i, s := range summaries {
					if got := summaryOf(s, f.id); got != (requestSummaryDoc{CycleID: f.id, Requested: 3, Answered: 1}) {
						t.Fatalf("limit %d, page %d: summary %+v, want 3 requested and 1 answered", limit, i, got)
					}
				}
			}
			// Finn made no request: no counts for him.
			if s := summaryOf(e.requestsOf(finnEM).Summary, f.id); s.Requested != 0 {
				t.Fatalf("Finn's summary %+v", s)
			}
		})
	}
}

func requestByID(t testing.TB, rs []requestDoc, id string) requestDoc {
	t.Helper()
	for _, r := range rs {
		if r.ID == id {
			return r
		}
	}
	t.Fatalf("no request %s", id)
	return requestDoc{}
}

func summaryOf(s []requestSummaryDoc, cycleID string) requestSummaryDoc {
	for _, x := range s {
		if x.CycleID == cycleID {
			return x
		}
	}
	return requestSummaryDoc{}
}

// Decline: only before an answer; a note after a decline answers it.
func TestDeclineAndAnswer(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, nil)
	f.moveTo("input_open")
	answered, declined := f.request(omarDir, erinEM, "pat@acme.test"), f.request(omarDir, erinEM, "dee@acme.test")
	f.note("pat@acme.test", answered, "support", "Erin is a dependable partner to product.")
	wantError(t, e.Post(e.tok("pat@acme.test"), "/api/v1/peer-requests/"+answered+"/decline", nil), http.StatusConflict, "")
	wantStatus(t, e.Post(e.tok("dee@acme.test"), "/api/v1/peer-requests/"+declined+"/decline", nil), http.StatusOK)
	// The requester and the owners may see a request but not answer it.
	for _, as := range []string{omarDir, "admin@acme.test"} {
		wantError(t, f.putNote(as, declined, map[string]any{"advocacy": "strong", "criteria": []string{},
			"body": "Answering on someone else's behalf."}), http.StatusForbidden, "forbidden")
	}
	f.note("dee@acme.test", declined, "neutral", "On reflection, a short note after all.")
	r := requestByID(t, e.requestsOf(omarDir).Items, declined)
	if r.Status == nil || *r.Status != "answered" {
		t.Fatalf("a note after a decline leaves the request %v", r.Status)
	}
}
