package httpapi_test

// The authorization matrix: every route of the router, for every role, on
// the caller's own object, on another's object of the same organisation
// and on an object of the other organisation, with the status the access rules
// give (404 for what the caller may not see, 403 for what they see but may
// not do). The expectations are one table keyed by "METHOD /path"; a
// route the table does not name fails the suite. Every answer to a caller
// of one organisation is scanned for the other organisation's ids and
// names.

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"

	"calibrate/internal/domain"
	"calibrate/internal/httpapi"
	"calibrate/internal/mail"
	"calibrate/internal/testkit"
)

// target is one request of the matrix before it has a caller.
type target struct {
	as     string // the caller's slot on their side; "" is the role's own account
	path   string
	body   any
	cookie bool // send the caller's refresh cookie
	// contentType, when set, is the body's media type (a string body sent
	// as is); JSON otherwise.
	contentType string
}

// build makes the request a role sends about an object of side s.
type build func(w *world, s *side, role string) target

// matrixEntry is what one route answers. want lists, for each role the
// route table lets through, "own/other/foreign": the status on the
// caller's own object, on another's object of their organisation and on
// an object of the other organisation ("-" where the route has no such
// object). A role the table refuses always gets 403 forbidden and the
// anonymous caller 401, unless the route is public ("anonymous 200").
type matrixEntry struct {
	want    string
	own     build
	other   build
	foreign build // the request the other organisation's caller sends; own's when nil
	fresh   bool  // sign in anew for each call: the route ends or changes the session
}

// Builders.

func at(path string) build {
	return func(*world, *side, string) target { return target{path: path} }
}

func sent(path string, b any) build {
	return func(*world, *side, string) target { return target{path: path, body: b} }
}

func inCycle(cycle string, parts ...string) build {
	return func(_ *world, s *side, _ string) target { return target{path: cyclePath(s.id(cycle), parts...)} }
}

// ofEM is a route under /cycles/{cycle}/ems/{em}/.
func ofEM(cycle, em, what string) build {
	return func(w *world, s *side, _ string) target {
		return target{path: cyclePath(s.id(cycle), "ems", w.ID(s.email(em)), what)}
	}
}

// emRoute is a route under /ems/{em}/: the role's own EM record, or
// another director's EM for "other".
func emRoute(em string, parts ...string) build {
	return func(w *world, s *side, _ string) target { return target{path: emPath(w.ID(s.email(em)), parts...)} }
}

func request(prefix string, what string) build {
	return func(_ *world, s *side, role string) target {
		return target{path: "/api/v1/peer-requests/" + s.id(prefix+role) + "/" + what}
	}
}

func withBody(b build, body func(w *world, s *side, role string) any) build {
	return func(w *world, s *side, role string) target {
		t := b(w, s, role)
		t.body = body(w, s, role)
		return t
	}
}

func as(slot string, b build) build {
	return func(w *world, s *side, role string) target {
		t := b(w, s, role)
		t.as = slot
		return t
	}
}

// byRole picks a builder by the caller's role.
func byRole(m map[string]build) build {
	return func(w *world, s *side, role string) target { return m[role](w, s, role) }
}

var (
	noteBody = map[string]any{"advocacy": "support", "criteria": []string{"autonomy"},
		"body": "Decides with incomplete information and explains the call to partners."}
	planBody = map[string]any{"criterion": "strategic_thinking", "action": "Write the investment case for the platform."}
)

// ratingsAt rates every criterion; the version is the one stored now.
func ratingsAt(versionOf func(w *world, s *side) (as, path string)) func(*world, *side, string) any {
	return func(w *world, s *side, _ string) any {
		as, path := versionOf(w, s)
		return map[string]any{"ratings": fullRatings(3, "matrix"), "version": w.version(as, path)}
	}
}

func directorsView(what string) func(w *world, s *side) (string, string) {
	return func(w *world, s *side) (string, string) {
		return s.email("director"), cyclePath(s.id("calib"), "ems", w.ID(s.email("em")), what)
	}
}

// unsubscribeLink is the unsubscribe link of an e-mail to the role's
// account on side s.
func unsubscribeLink(w *world, s *side, role string) target {
	u, err := w.Store.UserByEmail(context.Background(), s.email(role))
	if err != nil {
		panic(err)
	}
	return target{path: "/api/v1/mail/unsubscribe?link=" + mail.Token(w.Cfg.JWTKey, u.OrgID, u.ID, mail.KindReminded)}
}

// matrix is the authorization table of every route.
var matrix = map[string]matrixEntry{
	"GET /healthz": {want: "anonymous 200 admin 200 director 200 em 200 peer 200", own: at("/healthz")},
	"GET /readyz":  {want: "anonymous 200 admin 200 director 200 em 200 peer 200", own: at("/readyz")},
	"POST /api/v1/auth/login": {want: "anonymous 200 admin 200 director 200 em 200 peer 200",
		own: func(_ *world, s *side, role string) target {
			return target{path: secLoginPath, body: map[string]string{"email": s.email(role), "password": demoPassword}}
		}},
	// The refresh cookie is the credential; the anonymous caller has none.
	"POST /api/v1/auth/refresh": {want: "anonymous 401 admin 200 director 200 em 200 peer 200",
		own: func(*world, *side, string) target { return target{path: "/api/v1/auth/refresh", cookie: true} }},
	// The signed link of an e-mail is the credential.
	"GET /api/v1/mail/unsubscribe":  {want: "anonymous 200 admin 200 director 200 em 200 peer 200", own: unsubscribeLink},
	"POST /api/v1/mail/unsubscribe": {want: "anonymous 200 admin 200 director 200 em 200 peer 200", own: unsubscribeLink},
	"POST /api/v1/auth/logout":      {want: "admin 204 director 204 em 204 peer 204", own: at("/api/v1/auth/logout"), fresh: true},
	"GET /api/v1/auth/providers":    {want: "anonymous 200 admin 200 director 200 em 200 peer 200", own: at("/api/v1/auth/providers")},
	// Pages a browser navigates to; this world has no single sign-on set
	// up, so each answers its HTML page saying so, to anyone.
	"GET /api/v1/auth/oidc/login":    {want: "anonymous 404 admin 404 director 404 em 404 peer 404", own: at("/api/v1/auth/oidc/login")},
	"GET /api/v1/auth/oidc/callback": {want: "anonymous 404 admin 404 director 404 em 404 peer 404", own: at("/api/v1/auth/oidc/callback?state=s&code=c")},
	"GET /api/v1/org":                {want: "admin 200", own: at("/api/v1/org")},
	// Without single sign-on, on is the only value the setting takes.
	"PATCH /api/v1/org": {want: "admin 200", own: sent("/api/v1/org", map[string]any{"password_login": true})},

	"GET /api/v1/me": {want: "admin 200 director 200 em 200 peer 200", own: at("/api/v1/me")},
	"PATCH /api/v1/me": {want: "admin 200 director 200 em 200 peer 200",
		own: withBody(at("/api/v1/me"), func(w *world, s *side, role string) any {
			return map[string]string{"name": w.nameOf(s.email(role))}
		})},
	"POST /api/v1/me/password": {want: "admin 200 director 200 em 200 peer 200", fresh: true,
		own: sent("/api/v1/me/password", map[string]string{"current_password": demoPassword, "new_password": demoPassword})},
	"GET /api/v1/directory": {want: "admin 200 director 200 em 200 peer 200", own: at("/api/v1/directory?limit=100")},

	"GET /api/v1/users": {want: "admin 200 director 200", own: at("/api/v1/users?limit=100")},
	// A manager of the other organisation is no manager: 422, as for an id
	// that names nothing.
	"POST /api/v1/users": {want: "admin 201/-/422",
		own: withBody(at("/api/v1/users"), func(w *world, s *side, _ string) any {
			n := w.next()
			return map[string]any{"name": fmt.Sprintf("%s Probe%d", s.name, n), "email": fmt.Sprintf("probe%d@%s.test", n, strings.ToLower(s.name)),
				"role": "em", "manager_id": w.ID(s.email("director")), "password": "long-enough-password"}
		})},
	"GET /api/v1/scim-tokens":  {want: "admin 200", own: at("/api/v1/scim-tokens")},
	"POST /api/v1/scim-tokens": {want: "admin 201", own: sent("/api/v1/scim-tokens", map[string]string{"name": "Matrix probe"})},
	"DELETE /api/v1/scim-tokens/:id": {want: "admin 204/-/404",
		own: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/scim-tokens/" + s.id("scimToken")}
		}},
	"PATCH /api/v1/users/:id": {want: "admin 200/-/404",
		own: func(w *world, s *side, _ string) target {
			return target{path: "/api/v1/users/" + w.ID(s.email("peer2")), body: map[string]string{"name": w.nameOf(s.email("peer2"))}}
		}},

	// The admin's own row as it is: applied, it changes nothing, so the
	// matrix can send it again and again.
	"POST /api/v1/users/import": {want: "admin 200",
		own: func(w *world, s *side, _ string) target {
			admin := s.email("admin")
			return target{path: "/api/v1/users/import", contentType: "text/csv",
				body: "email,name,role\n" + admin + "," + w.nameOf(admin) + ",admin\n"}
		}},

	"GET /api/v1/frameworks": {want: "admin 200 director 200 em 200 peer 200", own: at("/api/v1/frameworks?limit=100")},
	"POST /api/v1/frameworks": {want: "admin 201/-/422",
		own: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/frameworks", body: map[string]any{"based_on": s.id("probeFramework"),
				"scale": probeScale(), "criteria": []map[string]any{{"key": "impact", "title": "Impact"}}}}
		}},
	"GET /api/v1/frameworks/:id": {want: "admin 200/-/404 director 200/-/404 em 200/-/404 peer 200/-/404",
		own: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/frameworks/" + s.id("framework")}
		}},

	"GET /api/v1/audit": {want: "admin 200/-/404 director 200/404/404",
		own: byRole(map[string]build{
			"admin": at("/api/v1/audit?limit=100"),
			"director": func(_ *world, s *side, _ string) target {
				return target{path: "/api/v1/audit?cycle_id=" + s.id("calib")}
			},
		}),
		other: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/audit?cycle_id=" + s.id("otherCycle")}
		},
		foreign: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/audit?cycle_id=" + s.id("calib")}
		}},

	"GET /api/v1/audit.csv": {want: "admin 200/-/404 director 200/404/404",
		own: byRole(map[string]build{
			"admin": at("/api/v1/audit.csv"),
			"director": func(_ *world, s *side, _ string) target {
				return target{path: "/api/v1/audit.csv?cycle_id=" + s.id("calib")}
			},
		}),
		other: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/audit.csv?cycle_id=" + s.id("otherCycle")}
		},
		foreign: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/audit.csv?cycle_id=" + s.id("calib")}
		}},

	"GET /api/v1/cycles": {want: "admin 200 director 200 em 200 peer 200", own: at("/api/v1/cycles?limit=100")},
	// EMs outside the caller's tree or organisation are named in the body:
	// 422 on the field, as for an id that names nothing.
	"POST /api/v1/cycles": {want: "director 201/422/422",
		own: withBody(at("/api/v1/cycles"), func(w *world, s *side, _ string) any {
			return map[string]any{"name": fmt.Sprintf("%s new cycle %d", s.name, w.next()), "em_ids": []string{w.freeEM(s)}}
		}),
		other: withBody(at("/api/v1/cycles"), func(w *world, s *side, _ string) any {
			return map[string]any{"name": s.name + " poaching cycle", "em_ids": []string{w.ID(s.email("otherEM"))}}
		})},
	// The peer is a guest of the calibrating cycle.
	"GET /api/v1/cycles/:id": {want: "admin 200/-/404 director 200/404/404 em 200/404/404 peer 200/404/404",
		own: inCycle("calib"), other: inCycle("otherCycle")},
	"PATCH /api/v1/cycles/:id": {want: "director 200/404/404",
		own: withBody(inCycle("draft"), func(_ *world, s *side, _ string) any {
			return map[string]any{"name": s.name + " draft cycle", "peer_attribution": "named"}
		}),
		other: withBody(inCycle("otherCycle"), func(*world, *side, string) any { return map[string]any{"name": "Taken over"} })},
	"POST /api/v1/cycles/:id/transition": {want: "director 200/404/404",
		own:   withBody(inCycle("move", "transition"), func(*world, *side, string) any { return map[string]string{"to": "input_open"} }),
		other: withBody(inCycle("otherCycle", "transition"), func(*world, *side, string) any { return map[string]string{"to": "calibrating"} })},

	"GET /api/v1/cycles/:id/ems/:em_id/assessment": {want: "admin 200/-/404 director 200/404/404",
		own: ofEM("calib", "em", "assessment"), other: ofEM("otherCycle", "otherEM", "assessment")},
	"PUT /api/v1/cycles/:id/ems/:em_id/assessment": {want: "director 200/404/404",
		// The cycle is calibrating: a change to the written assessment says why.
		own: withBody(ofEM("calib", "em", "assessment"), func(w *world, s *side, role string) any {
			b := ratingsAt(directorsView("assessment"))(w, s, role).(map[string]any)
			b["change_reason"] = "Matrix: the evidence was re-read in the meeting."
			return b
		}),
		other: withBody(ofEM("otherCycle", "otherEM", "assessment"), func(*world, *side, string) any { return map[string]any{"ratings": fullRatings(1, "x"), "version": 0} })},
	"GET /api/v1/cycles/:id/ems/:em_id/self-assessment": {want: "admin 200/-/404 director 200/404/404",
		own: ofEM("calib", "em", "self-assessment"), other: ofEM("otherCycle", "otherEM", "self-assessment")},
	"GET /api/v1/cycles/:id/ems/:em_id/decision": {want: "admin 200/-/404 director 200/404/404",
		own: ofEM("calib", "em", "decision"), other: ofEM("otherCycle", "otherEM", "decision")},
	"PUT /api/v1/cycles/:id/ems/:em_id/decision": {want: "director 200/404/404",
		own: withBody(ofEM("calib", "em", "decision"), func(w *world, s *side, _ string) any {
			as, path := directorsView("decision")(w, s)
			return map[string]any{"readiness": "ready_12_24_months", "rationale": "Strong half; sustained evidence still thin.", "version": w.version(as, path)}
		}),
		other: withBody(ofEM("otherCycle", "otherEM", "decision"), func(*world, *side, string) any {
			return map[string]any{"readiness": "not_yet", "rationale": "Overruled.", "version": 0}
		})},
	"GET /api/v1/cycles/:id/self-assessment": {want: "em 200/404/404",
		own: inCycle("calib", "self-assessment"), other: inCycle("otherCycle", "self-assessment")},
	"PUT /api/v1/cycles/:id/self-assessment": {want: "em 200/404/404",
		own: as("emOpen", withBody(inCycle("open", "self-assessment"), ratingsAt(func(w *world, s *side) (string, string) {
			return s.email("emOpen"), cyclePath(s.id("open"), "self-assessment")
		}))),
		other: withBody(inCycle("otherCycle", "self-assessment"), func(*world, *side, string) any { return map[string]any{"ratings": fullRatings(4, "x"), "version": 0} })},
	"POST /api/v1/cycles/:id/peer-requests": {want: "director 201/404/404 em 201/404/404",
		own: byRole(map[string]build{
			"director": withBody(inCycle("open", "peer-requests"), func(w *world, s *side, _ string) any {
				return map[string]any{"em_id": w.ID(s.email("emOpen2")), "peer_id": w.ID(s.email("otherPeer")), "message": "Your view of the launch?"}
			}),
			"em": as("emOpen", withBody(inCycle("open", "peer-requests"), func(w *world, s *side, _ string) any {
				return map[string]any{"em_id": w.ID(s.email("emOpen")), "peer_id": w.ID(s.email("otherDirector"))}
			})),
		}),
		other: withBody(inCycle("otherCycle", "peer-requests"), func(w *world, s *side, role string) any {
			return map[string]any{"em_id": w.ID(s.email("otherEM")), "peer_id": w.ID(s.email("peer"))}
		})},
	"GET /api/v1/cycles/:id/notes":    {want: "admin 200/-/404 director 200/404/404", own: inCycle("calib", "notes"), other: inCycle("otherCycle", "notes")},
	"GET /api/v1/cycles/:id/board":    {want: "admin 200/-/404 director 200/404/404 peer 200/404/404", own: inCycle("calib", "board"), other: inCycle("otherCycle", "board")},
	"GET /api/v1/cycles/:id/nine-box": {want: "admin 200/-/404 director 200/404/404 peer 200/404/404", own: inCycle("calib", "nine-box"), other: inCycle("otherCycle", "nine-box")},
	"GET /api/v1/cycles/:id/board.csv": {want: "admin 200/-/404 director 200/404/404 peer 200/404/404",
		own: inCycle("calib", "board.csv"), other: inCycle("otherCycle", "board.csv")},
	"GET /api/v1/cycles/:id/board.pdf": {want: "admin 200/-/404 director 200/404/404",
		own: inCycle("calib", "board.pdf"), other: inCycle("otherCycle", "board.pdf")},
	"GET /api/v1/cycles/:id/agenda": {want: "admin 200/-/404 director 200/404/404 peer 200/404/404", own: inCycle("calib", "agenda"), other: inCycle("otherCycle", "agenda")},
	"GET /api/v1/cycles/:id/shifts": {want: "admin 200/-/404 director 200/404/404", own: inCycle("calib", "shifts"), other: inCycle("otherCycle", "shifts")},
	"GET /api/v1/cycles/:id/guests": {want: "admin 200/-/404 director 200/404/404", own: inCycle("calib", "guests"), other: inCycle("otherCycle", "guests")},
	// Inviting the guest already invited changes nothing but answers
	// again; removing one invites them first.
	"POST /api/v1/cycles/:id/guests": {want: "director 200/404/404",
		own: withBody(inCycle("calib", "guests"), func(w *world, s *side, _ string) any {
			return map[string]any{"user_id": w.ID(s.email("peer")), "until": "2099-12-31"}
		}),
		other: withBody(inCycle("otherCycle", "guests"), func(w *world, s *side, _ string) any {
			return map[string]any{"user_id": w.ID(s.email("peer")), "until": "2099-12-31"}
		})},
	"DELETE /api/v1/cycles/:id/guests/:user_id": {want: "director 204/404/404",
		own: func(w *world, s *side, _ string) target {
			guest := w.ID(s.email("peer2"))
			res := w.Post(w.tok(s.email("director")), cyclePath(s.id("calib"), "guests"), map[string]any{"user_id": guest, "until": "2099-12-31"})
			if res.Status != http.StatusCreated && res.Status != http.StatusOK {
				panic("inviting the guest to remove answered " + strconv.Itoa(res.Status))
			}
			return target{path: cyclePath(s.id("calib"), "guests", guest)}
		},
		other: func(w *world, s *side, _ string) target {
			return target{path: cyclePath(s.id("otherCycle"), "guests", w.ID(s.email("peer")))}
		}},
	// The meeting's record: an EM or peer of the cycle may know of it but
	// not read it (403); the peer's cycle is the open one, where they are
	// asked for input.
	"GET /api/v1/cycles/:id/activity": {want: "admin 200/-/404 director 200/404/404 em 403/404/404 peer 403/404/404",
		own: byRole(map[string]build{
			"admin": inCycle("calib", "activity"), "director": inCycle("calib", "activity"),
			"em": inCycle("calib", "activity"), "peer": inCycle("open", "activity"),
		}),
		other: inCycle("otherCycle", "activity")},
	"GET /api/v1/cycles/:id/ems/:em_id/meeting": {want: "admin 200/-/404 director 200/404/404",
		own: ofEM("calib", "em", "meeting"), other: ofEM("otherCycle", "otherEM", "meeting")},
	"PUT /api/v1/cycles/:id/ems/:em_id/meeting": {want: "director 200/404/404",
		own: withBody(ofEM("calib", "em", "meeting"), func(w *world, s *side, _ string) any {
			as, path := directorsView("meeting")(w, s)
			return map[string]any{"discussed": true, "note": "Matrix: revisit after the review.", "version": w.version(as, path)}
		}),
		other: withBody(ofEM("otherCycle", "otherEM", "meeting"), func(*world, *side, string) any {
			return map[string]any{"discussed": true, "note": "", "version": 0}
		})},
	// The stream is for those who read the whole cycle, as the record is.
	"GET /api/v1/cycles/:id/events": {want: "admin 200/-/404 director 200/404/404 em 403/404/404 peer 403/404/404",
		own: byRole(map[string]build{
			"admin": inCycle("calib", "events"), "director": inCycle("calib", "events"),
			"em": inCycle("calib", "events"), "peer": inCycle("open", "events"),
		}),
		other: inCycle("otherCycle", "events")},

	"GET /api/v1/ems/:em_id/history": {want: "admin 200/-/404 director 200/404/404 em 200/404/404",
		own: emRoute("em", "history"), other: emRoute("otherEM", "history")},
	"GET /api/v1/ems/:em_id/packet": {want: "admin 200/-/404 director 200/404/404 em 200/404/404",
		own: emRoute("em", "packet"), other: emRoute("otherEM", "packet")},
	"GET /api/v1/ems/:em_id/plan": {want: "admin 200/-/404 director 200/404/404 em 200/404/404",
		own: emRoute("em", "plan"), other: emRoute("otherEM", "plan")},
	"POST /api/v1/ems/:em_id/plan": {want: "director 201/404/404 em 201/404/404",
		own:   withBody(emRoute("em", "plan"), func(*world, *side, string) any { return planBody }),
		other: withBody(emRoute("otherEM", "plan"), func(*world, *side, string) any { return planBody })},
	"PATCH /api/v1/ems/:em_id/plan/:item_id": {want: "director 200/404/404 em 200/404/404",
		own: func(w *world, s *side, _ string) target {
			return target{path: emPath(w.ID(s.email("em")), "plan", s.id("plan")), body: map[string]string{"status": "in_progress"}}
		},
		other: func(w *world, s *side, _ string) target {
			return target{path: emPath(w.ID(s.email("otherEM")), "plan", s.id("otherPlan")), body: map[string]string{"status": "dropped"}}
		}},

	// Each deletion takes a fresh item, so every role deletes its own.
	"DELETE /api/v1/ems/:em_id/plan/:item_id": {want: "director 204/404/404 em 204/404/404",
		own: func(w *world, s *side, _ string) target {
			return target{path: emPath(w.ID(s.email("em")), "plan", w.planItem(s.email("director"), s.email("em")))}
		},
		other: func(w *world, s *side, _ string) target {
			return target{path: emPath(w.ID(s.email("otherEM")), "plan", s.id("otherPlan"))}
		}},

	// Anyone may be asked for input. An admin sees every request of the
	// organisation, so another's request is 403 to them, 404 to the rest.
	"GET /api/v1/peer-requests": {want: "admin 200 director 200 em 200 peer 200", own: at("/api/v1/peer-requests?limit=100")},
	"PUT /api/v1/peer-requests/:id/note": {want: "admin 200/403/404 director 200/404/404 em 200/404/404 peer 200/404/404",
		own: withBody(request("note:", "note"), func(*world, *side, string) any { return noteBody }),
		other: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/peer-requests/" + s.id("otherReq") + "/note", body: noteBody}
		}},
	"POST /api/v1/peer-requests/:id/decline": {want: "admin 200/403/404 director 200/404/404 em 200/404/404 peer 200/404/404",
		own: request("decline:", "decline"),
		other: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/peer-requests/" + s.id("otherReq") + "/decline"}
		}},
	"POST /api/v1/peer-requests/:id/remind": {want: "director 200/404/404 em 200/404/404",
		own: func(_ *world, s *side, role string) target {
			t := target{path: "/api/v1/peer-requests/" + s.id("emReq") + "/remind"}
			if role == "em" {
				t.as = "emOpen" // who made the request
			}
			return t
		},
		other: func(_ *world, s *side, _ string) target {
			return target{path: "/api/v1/peer-requests/" + s.id("otherReq") + "/remind"}
		}},

	"GET /api/v1/me/feedback": {want: "em 200", own: at("/api/v1/me/feedback")},

	"POST /api/v1/language-hints": {want: "admin 200 director 200 em 200 peer 200",
		own: sent("/api/v1/language-hints", map[string]string{"text": "She is always abrasive and never delivers."})},
	// A pre-read is the owner's own: the world wrote one for the main EM.
	"GET /api/v1/cycles/:id/ems/:em_id/preread": {want: "director 200/404/404",
		own: ofEM("calib", "em", "preread"), other: ofEM("otherCycle", "otherEM", "preread")},
	"PUT /api/v1/cycles/:id/ems/:em_id/preread": {want: "director 200/404/404",
		own: withBody(ofEM("calib", "em", "preread"), func(*world, *side, string) any {
			return map[string]any{"stance": "question", "comment": "Is the evidence for autonomy from this half?"}
		}),
		other: withBody(ofEM("otherCycle", "otherEM", "preread"), func(*world, *side, string) any { return map[string]any{"stance": "agree"} })},
}

// expectation is one role's row of an entry: 0 where there is no case.
type expectation struct{ own, other, foreign int }

func parseWant(t testing.TB, key, s string) map[string]expectation {
	t.Helper()
	f := strings.Fields(s)
	if len(f)%2 != 0 {
		t.Fatalf("%s: want %q is not role/status pairs", key, s)
	}
	out := map[string]expectation{}
	for i := 0; i < len(f); i += 2 {
		var st [3]int
		for j, p := range strings.Split(f[i+1], "/") {
			if p == "-" {
				continue
			}
			n, err := strconv.Atoi(p)
			if err != nil || j > 2 {
				t.Fatalf("%s: want %q: bad status %q", key, s, p)
			}
			st[j] = n
		}
		out[f[i]] = expectation{st[0], st[1], st[2]}
	}
	return out
}

func TestAuthorizationMatrix(t *testing.T) {
	w := newWorld(t)
	routes := w.Server.Routes()
	for key := range matrix {
		if !slices.ContainsFunc(routes, func(r httpapi.RouteInfo) bool { return r.Method+" "+r.Path == key }) {
			t.Errorf("authorization entry %q names no route of the table", key)
		}
	}
	for _, r := range routes {
		key := r.Method + " " + r.Path
		en, ok := matrix[key]
		if !ok {
			t.Errorf("route %s has no authorization entry", key)
			continue
		}
		w.checkRoute(t, r, en)
	}
	t.Logf("%d routes, %d requests", len(routes), w.calls)
}

// checkRoute runs one route's row of the matrix.
func (w *world) checkRoute(t *testing.T, r httpapi.RouteInfo, en matrixEntry) {
	key := r.Method + " " + r.Path
	want := parseWant(t, key, en.want)
	var allowed []string
	for _, role := range roleNames[1:] {
		if r.Public || len(r.Roles) == 0 || slices.Contains(r.Roles, domain.Role(role)) {
			allowed = append(allowed, role)
		}
	}
	var listed []string
	for role := range want {
		if role != "anonymous" {
			listed = append(listed, role)
		}
	}
	slices.Sort(listed)
	if !slices.Equal(listed, slices.Sorted(slices.Values(allowed))) {
		t.Errorf("%s: the route table lets %v through, the matrix expects %v", key, allowed, listed)
		return
	}
	if _, ok := want["anonymous"]; ok != r.Public {
		t.Errorf("%s: public %v, but the matrix says anonymous %v", key, r.Public, want["anonymous"])
		return
	}
	c := matrixCall{w: w, t: t, route: r, fresh: en.fresh}
	first := allowed[0]

	anon := http.StatusUnauthorized
	if r.Public {
		anon = want["anonymous"].own
	}
	for _, s := range []*side{w.acme, w.globex} {
		c.run("anonymous", s, "", en.own(w, s, first), anon)
	}
	for _, role := range roleNames[1:] {
		if !slices.Contains(allowed, role) {
			// The role decides before any lookup: a refused role learns
			// nothing of the object, its own organisation's or not.
			for _, s := range []*side{w.acme, w.globex} {
				c.run(role+" (refused)", s, role, en.own(w, s, first), http.StatusForbidden)
				c.run(role+" (refused) on the other organisation's object", w.other(s), role, en.own(w, s, first), http.StatusForbidden)
			}
			continue
		}
		ex := want[role]
		for _, s := range []*side{w.acme, w.globex} {
			tg := en.own(w, s, role)
			c.run(role+" on own object", s, slotOf(tg, role), tg, ex.own)
		}
		if ex.other != 0 {
			for _, s := range []*side{w.acme, w.globex} {
				tg := en.other(w, s, role)
				c.run(role+" on another's object", s, slotOf(tg, role), tg, ex.other)
			}
		}
		if ex.foreign != 0 {
			foreign := en.foreign
			if foreign == nil {
				foreign = en.own
			}
			for _, s := range []*side{w.acme, w.globex} {
				tg := foreign(w, s, role)
				c.run(role+" on the other organisation's object", w.other(s), slotOf(tg, role), tg, ex.foreign)
			}
		}
	}
}

// slotOf is who sends tg: the slot it names, or the role's own account.
func slotOf(tg target, role string) string {
	if tg.as != "" {
		return tg.as
	}
	return role
}

// matrixCall sends the requests of one route.
type matrixCall struct {
	w     *world
	t     *testing.T
	route httpapi.RouteInfo
	fresh bool
}

// run sends tg as the account in slot of side `from` and checks
// the status, the error shape, that a refusal wrote nothing, that a 404
// (or a refused foreign reference) reads exactly as for an object that
// does not exist, and that nothing of the other organisation is in it.
func (c matrixCall) run(label string, from *side, slot string, tg target, want int) {
	w, t := c.w, c.t
	t.Helper()
	key := c.route.Method + " " + c.route.Path
	req, email := w.prepare(t, c.route.Method, from, slot, tg, c.fresh)
	w.calls++
	what := fmt.Sprintf("%s %s as %s (%s)", key, tg.path, label, email)
	secrets := w.secrets(w.other(from))
	audit := w.auditRows(t)
	res := w.Do(req)
	if c.fresh {
		w.forget(email)
	}
	if res.Status != want {
		t.Errorf("%s: status %d, want %d; body %s", what, res.Status, want, snip(res.Body))
		return
	}
	if found := leaks(res.Body, secrets); len(found) > 0 {
		t.Errorf("%s: the answer to %s carries %s's %q: %s", what, from.name, w.other(from).name, found, snip(res.Body))
	}
	if want < 300 {
		return
	}
	if got := w.auditRows(t); got != audit {
		t.Errorf("%s: a refused request wrote %d audit entries", what, got-audit)
	}
	if c.route.Page {
		// A page's refusal is HTML for a person, not the API's error.
		if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html") {
			t.Errorf("%s: a page answered %d as %q, not HTML", what, res.Status, ct)
		}
		return
	}
	switch want {
	case http.StatusUnauthorized, http.StatusForbidden, http.StatusNotFound:
		code := map[int]string{http.StatusUnauthorized: "", http.StatusForbidden: "forbidden", http.StatusNotFound: "not_found"}[want]
		checkErrorShape(t, res, code)
	}
	// An object the caller may not see reads exactly like one that does
	// not exist, whichever organisation it is in.
	if want == http.StatusNotFound || (want == http.StatusUnprocessableEntity && strings.Contains(label, "other organisation")) {
		twin := w.Do(withFreshIDs(t, req))
		if twin.Status != res.Status || !bytes.Equal(twin.Body, res.Body) {
			t.Errorf("%s: existence leaks: %d %s, but for an id that names nothing %d %s",
				what, res.Status, snip(res.Body), twin.Status, snip(twin.Body))
		}
	}
}

// prepare turns a target into a request from the account in slot of side
// `from` ("" is the anonymous caller). A fresh call, or one that needs the
// refresh cookie, signs in anew; the caller must forget the account's
// cached token after a fresh call.
func (w *world) prepare(t testing.TB, method string, from *side, slot string, tg target, fresh bool) (testkit.Request, string) {
	t.Helper()
	req := testkit.Request{Method: method, Path: tg.path, Body: tg.body}
	if tg.contentType != "" {
		req.Header = http.Header{"Content-Type": {tg.contentType}}
	}
	if slot == "" {
		return req, ""
	}
	email := from.email(slot)
	if fresh || tg.cookie {
		res := login(w.Env, email, demoPassword)
		wantStatus(t, res, http.StatusOK)
		req.Token = accessToken(t, res)
		if tg.cookie {
			req.Cookies = []*http.Cookie{testkit.RefreshCookie(res)}
		}
	} else {
		req.Token = w.tok(email)
	}
	return req, email
}

func snip(b []byte) string {
	if len(b) > 400 {
		return string(b[:400]) + "…"
	}
	return string(b)
}
