package httpapi_test

// Paging limits on every paginated list of the router (the operations the
// contract gives a `limit` parameter): limit is 1..100, larger values are
// capped at 100 (up to the largest 64-bit integer), anything else is 400;
// a cursor the API did not hand out for this list is 400 invalid_cursor. Each list is filled past 100 items first, so the cap shows.

import (
	"context"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/testkit"
)

// fillLists puts more than a page of 100 into every list Acme's admin
// reads, straight through the store (the API would take thousands of
// requests): users and directory, frameworks, cycles, peer requests, an
// EM's plan, the audit log and the calibrating cycle's activity.
func fillLists(t testing.TB, w *world) {
	t.Helper()
	ctx := context.Background()
	st := w.Store
	addUsers(t, w.Env, 110) // bulk000…bulk109@acme.test, peers
	org, err := st.OrgByName(ctx, "Acme Robotics")
	if err != nil {
		t.Fatal(err)
	}
	dana, alex, casey := w.ID("dana@acme.test"), w.ID("alex@acme.test"), w.ID("casey@acme.test")
	fw, err := st.Framework(ctx, org.ID, w.acme.id("framework"))
	if err != nil {
		t.Fatal(err)
	}
	calib := w.acme.id("calib")
	for i := range 101 {
		f := fw
		f.Name = fmt.Sprintf("Bulk rubric %03d", i)
		if _, err := st.CreateFramework(ctx, f); err != nil {
			t.Fatal(err)
		}
		c := domain.Cycle{OrgID: org.ID, Name: fmt.Sprintf("Bulk cycle %03d", i), FrameworkID: fw.ID, LeadID: dana,
			State: domain.StateDraft, PeerAttribution: domain.AttributionByFunction, Owners: []string{dana}}
		if err := st.CreateCycle(ctx, &c); err != nil {
			t.Fatal(err)
		}
		r := domain.PeerRequest{OrgID: org.ID, CycleID: calib, EMID: casey, PeerID: userID(t, w.Env, fmt.Sprintf("bulk%03d@acme.test", i)), RequestedBy: dana}
		if err := st.CreatePeerRequest(ctx, &r); err != nil {
			t.Fatal(err)
		}
		ro := domain.Rollup{OrgID: org.ID, Name: fmt.Sprintf("Bulk roll-up %03d", i), LeadID: w.ID(w.acme.email("vp"))}
		if err := st.CreateRollup(ctx, &ro); err != nil {
			t.Fatal(err)
		}
		p := domain.PlanItem{OrgID: org.ID, EMID: alex, Criterion: "autonomy", Action: fmt.Sprintf("Bulk action %03d", i),
			Status: domain.PlanOpen, CreatedBy: dana}
		if err := st.SavePlanItem(ctx, &p); err != nil {
			t.Fatal(err)
		}
		if err := st.Tx(ctx, func(ctx context.Context) error {
			return st.Audit(ctx, domain.AuditEntry{OrgID: org.ID, ActorID: &dana, Action: "test.fill", ObjectType: "cycle",
				ObjectID: calib, CycleID: &calib})
		}); err != nil {
			t.Fatal(err)
		}
		// The cycle's activity: meeting writes about its EM, every third
		// changing both the mark and the note (two items of one entry).
		mark := func(n int) map[string]any {
			note := fmt.Sprintf("Bulk note %03d", n/3)
			return map[string]any{"discussed": n%2 == 0, "note": note, "version": n + 1}
		}
		em := w.ID(w.acme.email("em"))
		if err := st.Tx(ctx, func(ctx context.Context) error {
			return st.Audit(ctx, domain.AuditEntry{OrgID: org.ID, ActorID: &dana, Action: "meeting.write", ObjectType: "meeting",
				ObjectID: calib + "/" + em, CycleID: &calib, EMID: &em, Before: mark(i), After: mark(i + 1)})
		}); err != nil {
			t.Fatal(err)
		}
	}
}

// withQuery sets query parameters of a path, replacing any it had.
func withQuery(t testing.TB, path string, kv ...string) string {
	t.Helper()
	u, err := url.Parse(path)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Del("limit")
	q.Del("cursor")
	u.RawQuery = q.Encode()
	s := u.String()
	for i := 0; i < len(kv); i += 2 {
		sep := "?"
		if strings.Contains(s, "?") {
			sep = "&"
		}
		s += sep + kv[i] + "=" + kv[i+1]
	}
	return s
}

func TestListLimits(t *testing.T) {
	w := newWorld(t)
	fillLists(t, w)
	ops := contractOperations(testkit.OpenAPI(t))
	b64 := base64.RawURLEncoding.EncodeToString
	badLimits := []string{"0", "-1", "-100", "abc", "", "1.5", "1e3", "0x10", "%2B%2B1", "%205", "-99999999999999999999999", "NaN", "99999999999999999999999"}
	badCursors := []string{"!!", "%00", "AAAA", b64([]byte("' OR 1=1 --")), b64([]byte(strings.Repeat("z", 65))),
		b64([]byte("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz")), strings.Repeat("QUFB", 30), "%E2%80%AE", b64([]byte("\x00"))}
	capped := []string{"101", "1000", "2147483648", "9223372036854775807"}
	lists := 0
	for _, r := range w.Server.Routes() {
		op := ops[r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}")].op
		if r.Method != http.MethodGet || op.Parameters.GetByInAndName("query", "limit") == nil {
			continue
		}
		lists++
		key := r.Method + " " + r.Path
		role := "admin"
		if len(r.Roles) > 0 {
			role = string(r.Roles[0])
		}
		tg := matrix[key].own(w, w.acme, role)
		tok := w.tok(w.acme.email(slotOf(tg, role)))
		get := func(kv ...string) *testkit.Response {
			return w.Get(tok, withQuery(t, tg.path, kv...))
		}
		for _, l := range badLimits {
			wantErrorNoFatal(t, get("limit", l), http.StatusBadRequest, "bad_request", key+" limit="+l)
		}
		for _, c := range badCursors {
			wantErrorNoFatal(t, get("cursor", c), http.StatusBadRequest, "invalid_cursor", key+" cursor="+c)
		}
		count := func(res *testkit.Response, what string) (int, bool) {
			if res.Status != http.StatusOK {
				t.Errorf("%s: status %d; %s", what, res.Status, snip(res.Body))
				return 0, false
			}
			var p page
			res.Decode(t, &p)
			return len(p.Items), p.NextCursor != nil
		}
		if n, more := count(get(), key); n != 50 || !more {
			t.Errorf("%s without a limit: %d items (more: %v), want the default 50 of more", key, n, more)
		}
		for _, l := range capped {
			if n, more := count(get("limit", l), key+" limit="+l); n != 100 || !more {
				t.Errorf("%s limit=%s: %d items (more: %v), want 100 of more", key, l, n, more)
			}
		}
		// Every item once, over pages of the largest size.
		seen := map[string]bool{}
		for _, it := range walk(t, w.Env, tok, withQuery(t, tg.path), 100) {
			id := fmt.Sprint(it["id"])
			if seen[id] {
				t.Errorf("%s: item %s on two pages", key, id)
			}
			seen[id] = true
		}
		if len(seen) <= 100 {
			t.Errorf("%s: only %d items; the list was not filled past a page", key, len(seen))
		}
	}
	if lists < 7 {
		t.Errorf("%d paginated lists found; want users, directory, frameworks, audit, cycles, peer requests and plan at least", lists)
	}
}
