package httpapi_test

// Peer requests: who may ask whom, the limits, and what an EM learns of
// the answers to the requests they made.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
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

// Reminding tells an EM nothing the cycle's attribution hides. In a cycle
// whose notes are not named the EM's reminder answers the same, status,
// headers and body, whether the peer has not answered, has written or has
// declined, and leaves the request as it is: a declined request stays
// declined. In a named cycle the EM gets the truthful answers, and only an
// owner opens a declined request again, which the audit log records.
func TestRemindRevealsNoAnswer(t *testing.T) {
	for _, mode := range []string{"anonymous", "by_function", "named"} {
		t.Run(mode, func(t *testing.T) {
			e := newCycleEnv(t)
			f := e.newCycle(omarDir, []string{erinEM, finnEM}, map[string]any{"peer_attribution": mode})
			f.moveTo("input_open")
			ids := map[string]string{ // the request's state → its id; Erin made each
				"open":     f.request(erinEM, erinEM, "otto@acme.test"),
				"answered": f.request(erinEM, erinEM, "pat@acme.test"),
				"declined": f.request(erinEM, erinEM, "dee@acme.test"),
			}
			f.note("pat@acme.test", ids["answered"], "support", "Erin brings product into planning from the first day.")
			wantStatus(t, e.Post(e.tok("dee@acme.test"), "/api/v1/peer-requests/"+ids["declined"]+"/decline", nil), http.StatusOK)
			remind := func(as, state string) *testkit.Response {
				t.Helper()
				return e.Post(e.tok(as), "/api/v1/peer-requests/"+ids[state]+"/remind", nil)
			}
			states := []string{"open", "answered", "declined"}

			if mode == "named" {
				r := decodeOK[requestDoc](t, remind(erinEM, "open"), http.StatusOK)
				if r.Status == nil || *r.Status != "open" {
					t.Fatalf("named cycle: Erin's reminder of an open request answered status %v", r.Status)
				}
				wantError(t, remind(erinEM, "answered"), http.StatusConflict, "already_answered")
				done := e.noWrite(t, "admin@acme.test", "/api/v1/peer-requests?limit=100")
				wantError(t, remind(erinEM, "declined"), http.StatusForbidden, "forbidden")
				done()
			} else {
				own := map[string]map[string]any{} // what Erin's list shows of each request
				for _, it := range walk(t, e.Env, e.tok(erinEM), "/api/v1/peer-requests", 100) {
					own[it["id"].(string)] = it
				}
				var first *testkit.Response
				for _, state := range states {
					res := remind(erinEM, state)
					wantStatus(t, res, http.StatusOK)
					var got map[string]any
					res.Decode(t, &got)
					// The answer is exactly what Erin's list shows of the
					// request already, where the status is hidden.
					if !reflect.DeepEqual(got, own[ids[state]]) {
						t.Fatalf("reminding the %s request answered %s, want what Erin's list shows: %v", state, res.Body, own[ids[state]])
					}
					if s, ok := got["status"]; !ok || s != nil {
						t.Fatalf("reminding the %s request shows the status %v", state, s)
					}
					if first == nil {
						first = res
						continue
					}
					// Only the request's id and its peer (whom Erin asked) differ.
					if a, b := withoutRequest(t, first), withoutRequest(t, res); !reflect.DeepEqual(a, b) {
						t.Fatalf("reminding the %s request answered %v, the open one %v", state, b, a)
					}
					if a, b := sameHeaders(first.Header), sameHeaders(res.Header); !reflect.DeepEqual(a, b) {
						t.Fatalf("reminding the %s request answered headers %v, the open one %v", state, b, a)
					}
				}
			}

			// The EM's reminders changed no request: the owner and the
			// peers still see each as it was, Dee's still declined.
			for _, state := range states {
				r := requestByID(t, e.requestsOf(omarDir).Items, ids[state])
				if r.Status == nil || *r.Status != state {
					t.Fatalf("after Erin's reminders the owner sees the %s request as %v", state, r.Status)
				}
			}
			if r := requestByID(t, e.requestsOf("dee@acme.test").Items, ids["declined"]); r.Status == nil || *r.Status != "declined" {
				t.Fatalf("after Erin's reminder Dee's inbox shows her declined request as %v", r.Status)
			}

			// The owner gets the truthful answers and opens the declined
			// request again, in the audit log.
			wantError(t, remind(omarDir, "answered"), http.StatusConflict, "already_answered")
			r := decodeOK[requestDoc](t, remind(omarDir, "declined"), http.StatusOK)
			if r.Status == nil || *r.Status != "open" {
				t.Fatalf("the owner's reminder of a declined request answered status %v, want open", r.Status)
			}
			if r := requestByID(t, e.requestsOf("dee@acme.test").Items, ids["declined"]); r.Status == nil || *r.Status != "open" {
				t.Fatalf("after the owner's reminder Dee's inbox shows the request as %v, want open", r.Status)
			}
			a := e.cycleAudit(omarDir, f.id)[0]
			if a.Action != "peer_request.remind" || a.ObjectID != ids["declined"] || a.ActorID == nil || *a.ActorID != e.ID(omarDir) ||
				!jsonEqual(a.Before, `{"status":"declined"}`) || !jsonEqual(a.After, `{"status":"open"}`) {
				t.Fatalf("the owner's reopening is audited as %+v (before %s, after %s)", a, a.Before, a.After)
			}
		})
	}
}

// withoutRequest is a reminder's answer without what names the request
// (its id and the peer asked), which Erin knows already.
func withoutRequest(t testing.TB, res *testkit.Response) map[string]any {
	t.Helper()
	var m map[string]any
	res.Decode(t, &m)
	delete(m, "id")
	delete(m, "peer")
	return m
}

// sameHeaders are the response headers that do not change from one request
// to the next anyway (the request id and the date do; the length follows
// the peer's name).
func sameHeaders(h http.Header) http.Header {
	out := h.Clone()
	for _, k := range []string{"X-Request-Id", "Date", "Content-Length"} {
		out.Del(k)
	}
	return out
}

func jsonEqual(raw json.RawMessage, want string) bool {
	var a, b any
	return json.Unmarshal(raw, &a) == nil && json.Unmarshal([]byte(want), &b) == nil && reflect.DeepEqual(a, b)
}

// A note is written under the attribution it will be released with: not
// while the cycle is a draft, when the lead may still change the
// attribution, and the attribution is fixed once input opens. Requests may
// be sent in the draft all the same.
func TestNotesOnlyUnderAFixedAttribution(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, map[string]any{"peer_attribution": "anonymous"})
	id := f.request(omarDir, erinEM, "pat@acme.test")
	note := map[string]any{"advocacy": "concern", "criteria": []string{}, "body": "Written on the promise that it stays anonymous."}

	done := e.noWrite(t, "admin@acme.test", f.path("notes"), "/api/v1/peer-requests?limit=100")
	wantError(t, f.putNote("pat@acme.test", id, note), http.StatusConflict, "cycle_locked")
	done()
	if r := requestByID(t, e.requestsOf("pat@acme.test").Items, id); r.Status == nil || *r.Status != "open" || r.Note != nil ||
		r.Cycle.PeerAttribution != "anonymous" {
		t.Fatalf("after a refused note Pat's inbox shows %+v", r)
	}

	// In the draft the lead may still choose; from input on, it is fixed.
	c := decodeOK[cycleDoc](t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"peer_attribution": "by_function"}), http.StatusOK)
	if c.PeerAttribution != "by_function" {
		t.Fatalf("a draft's attribution changed to %q", c.PeerAttribution)
	}
	f.moveTo("input_open")
	f.note("pat@acme.test", id, "concern", "Written on the promise that it is attributed to a product partner.")
	for _, mode := range []string{"named", "anonymous"} {
		done := e.noWrite(t, "admin@acme.test", f.path())
		wantError(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"peer_attribution": mode}), http.StatusConflict, "cycle_locked")
		done()
	}
	if got := f.get(omarDir).PeerAttribution; got != "by_function" {
		t.Fatalf("the attribution is %q after input opened, want by_function", got)
	}
	// The peer's inbox says under which attribution the note is released.
	if got := requestByID(t, e.requestsOf("pat@acme.test").Items, id).Cycle.PeerAttribution; got != "by_function" {
		t.Fatalf("Pat's inbox gives the attribution %q, want by_function", got)
	}
}

// A draft that already holds a note (written before notes had to wait for
// input to open) keeps its attribution: the note was written under it.
func TestAttributionOfADraftWithNotesStays(t *testing.T) {
	e := newCycleEnv(t)
	f := e.newCycle(omarDir, []string{erinEM}, map[string]any{"peer_attribution": "anonymous"})
	id := f.request(omarDir, erinEM, "pat@acme.test")
	acme, err := e.Store.OrgByName(t.Context(), "Acme Robotics")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Store.SaveNote(t.Context(), &domain.PeerNote{OrgID: acme.ID, RequestID: id, CycleID: f.id, EMID: e.ID(erinEM),
		AuthorID: e.ID("pat@acme.test"), Advocacy: domain.AdvocacyConcern, Criteria: []string{},
		Body: "Written in the draft on the promise that it stays anonymous."}); err != nil {
		t.Fatal(err)
	}
	done := e.noWrite(t, "admin@acme.test", f.path())
	wantError(t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"peer_attribution": "named"}), http.StatusConflict, "cycle_locked")
	done()
	// The rest of the draft stays editable, and so does the same attribution.
	c := decodeOK[cycleDoc](t, e.Patch(e.tok(omarDir), f.path(), map[string]any{"name": "Renamed draft", "peer_attribution": "anonymous"}),
		http.StatusOK)
	if c.Name != "Renamed draft" || c.PeerAttribution != "anonymous" {
		t.Fatalf("after the edit the draft is %+v", c)
	}
}
