package httpapi

import (
	"net/http"

	scimerrors "github.com/elimity-com/scim/errors"
	"github.com/gin-gonic/gin"

	"calibrate/internal/domain"
)

// access says who may call a route: anyone, any signed-in user, or only
// some roles; and whether each caller's pace is limited (CALIBRATE_RATE_LIMIT
// calls a minute per user on each such route, see internal/ratelimit).
// And whether a repeat of the same request with the same Idempotency-Key
// answers the first answer again (see internal/idempotency). Which objects
// they may touch is the services' business.
type access struct {
	public      bool
	roles       []domain.Role
	rateLimited bool
	idempotency bool
	stream      bool
	page        bool
}

var (
	public   = access{public: true}
	signedIn = access{}
)

func only(roles ...domain.Role) access { return access{roles: roles} }

// limited marks a route that is expensive to answer: each signed-in caller
// may call it only so fast.
func (a access) limited() access {
	a.rateLimited = true
	return a
}

// idempotent marks a create that takes an Idempotency-Key: a double click
// or a retry with the key makes one object and gets the first answer again.
func (a access) idempotent() access {
	a.idempotency = true
	return a
}

const (
	admin    = domain.RoleAdmin
	director = domain.RoleDirector
	em       = domain.RoleEM
	peer     = domain.RolePeer
)

// browserPage marks a route a browser navigates to, not one a client
// calls: it answers redirects and, on refusal, an HTML page, and its
// parameters come from another site (a sign-in provider's redirect), so
// the request gate lets it be (the spec marks it x-browser-navigation).
func (a access) browserPage() access {
	a.page = true
	return a
}

// streaming marks a route that answers a stream open for minutes: it is
// not bound by the deadline of ordinary requests (see deadline).
func (a access) streaming() access {
	a.stream = true
	return a
}

type route struct {
	method string
	path   string
	access access
	handle gin.HandlerFunc
}

// routes is the route table: every route, who may call it, whether their
// pace is limited and whether it takes an Idempotency-Key, in one place.
func (s *Server) routes() []route {
	const v1 = "/api/v1"
	cycleGuests := guestHandlers{s.Cycles.CycleGuests, s.Cycles.AddCycleGuest, s.Cycles.RemoveCycleGuest}
	rollupGuests := guestHandlers{s.Cycles.RollupGuests, s.Cycles.AddRollupGuest, s.Cycles.RemoveRollupGuest}
	return []route{
		{http.MethodGet, "/healthz", public, s.healthz},
		{http.MethodGet, "/readyz", public, s.readyz},

		{http.MethodPost, v1 + "/auth/login", public, s.login},
		{http.MethodPost, v1 + "/auth/refresh", public, s.refresh}, // the refresh cookie is the credential
		{http.MethodPost, v1 + "/auth/logout", signedIn, s.logout},
		{http.MethodGet, v1 + "/auth/providers", public, s.providers},
		{http.MethodGet, v1 + "/auth/oidc/login", public.browserPage(), s.oidcLogin},
		{http.MethodGet, v1 + "/auth/oidc/callback", public.browserPage(), s.oidcCallback},

		{http.MethodGet, v1 + "/org", only(admin), s.getOrg},
		{http.MethodPatch, v1 + "/org", only(admin), s.patchOrg},

		// The link in each e-mail is the credential.
		{http.MethodGet, v1 + "/mail/unsubscribe", public, s.unsubscribePage},
		{http.MethodPost, v1 + "/mail/unsubscribe", public, s.unsubscribe},

		{http.MethodGet, v1 + "/me", signedIn, s.getMe},
		{http.MethodPatch, v1 + "/me", signedIn, s.patchMe},
		{http.MethodPost, v1 + "/me/password", signedIn, s.changePassword},
		{http.MethodGet, v1 + "/directory", signedIn, s.directory},
		{http.MethodPost, v1 + "/language-hints", signedIn.limited(), s.languageHints},

		{http.MethodGet, v1 + "/users", only(admin, director), s.listUsers},
		{http.MethodPost, v1 + "/users", only(admin).idempotent(), s.createUser},
		{http.MethodPatch, v1 + "/users/:id", only(admin), s.patchUser},
		// A whole file in one transaction: limited like the other heavy
		// routes. Not idempotent by key: applying a file twice changes
		// nothing the second time.
		{http.MethodPost, v1 + "/users/import", only(admin).limited(), s.importUsers},

		// The bearer tokens of the SCIM service (/scim/v2, outside this
		// table: see mountSCIM).
		{http.MethodGet, v1 + "/scim-tokens", only(admin), s.listScimTokens},
		{http.MethodPost, v1 + "/scim-tokens", only(admin), s.createScimToken},
		{http.MethodDelete, v1 + "/scim-tokens/:id", only(admin), s.revokeScimToken},

		{http.MethodGet, v1 + "/frameworks", signedIn, s.listFrameworks},
		{http.MethodPost, v1 + "/frameworks", only(admin).idempotent(), s.createFramework},
		{http.MethodGet, v1 + "/frameworks/:id", signedIn, s.getFramework},

		{http.MethodGet, v1 + "/audit", only(admin, director).limited(), s.listAudit},
		{http.MethodGet, v1 + "/audit.csv", only(admin, director).limited(), s.auditCSV},

		{http.MethodGet, v1 + "/cycles", signedIn, s.listCycles}, // peers get an empty list
		{http.MethodPost, v1 + "/cycles", only(director).idempotent(), s.createCycle},
		// Guests (directors and peers an owner invited) read the cycle, its
		// board, CSV, agenda, activity and stream; the services tell them
		// from others.
		{http.MethodGet, v1 + "/cycles/:id", only(admin, director, em, peer), s.getCycle},
		{http.MethodPatch, v1 + "/cycles/:id", only(director), s.patchCycle},
		{http.MethodPost, v1 + "/cycles/:id/transition", only(director), s.transitionCycle},
		{http.MethodGet, v1 + "/cycles/:id/ems/:em_id/assessment", only(admin, director), s.getAssessment},
		{http.MethodPut, v1 + "/cycles/:id/ems/:em_id/assessment", only(director), s.putAssessment},
		{http.MethodGet, v1 + "/cycles/:id/ems/:em_id/self-assessment", only(admin, director), s.getSelfAssessmentOf},
		{http.MethodGet, v1 + "/cycles/:id/ems/:em_id/decision", only(admin, director), s.getDecision},
		{http.MethodPut, v1 + "/cycles/:id/ems/:em_id/decision", only(director), s.putDecision},
		{http.MethodGet, v1 + "/cycles/:id/self-assessment", only(em), s.getSelfAssessment},
		{http.MethodPut, v1 + "/cycles/:id/self-assessment", only(em), s.putSelfAssessment},
		{http.MethodPost, v1 + "/cycles/:id/peer-requests", only(director, em).idempotent(), s.createPeerRequest},
		{http.MethodGet, v1 + "/cycles/:id/notes", only(admin, director), s.cycleNotes},
		{http.MethodGet, v1 + "/cycles/:id/ems/:em_id/preread", only(director), s.getPreread},
		{http.MethodPut, v1 + "/cycles/:id/ems/:em_id/preread", only(director), s.putPreread},
		{http.MethodGet, v1 + "/cycles/:id/board", only(admin, director, peer).limited(), s.board},
		{http.MethodGet, v1 + "/cycles/:id/board.csv", only(admin, director, peer).limited(), s.boardCSV},
		{http.MethodGet, v1 + "/cycles/:id/board.pdf", only(admin, director).limited(), s.boardPDF},
		{http.MethodGet, v1 + "/cycles/:id/nine-box", only(admin, director, peer).limited(), s.nineBox},
		{http.MethodGet, v1 + "/cycles/:id/agenda", only(admin, director, peer), s.agenda},
		{http.MethodGet, v1 + "/cycles/:id/shifts", only(admin, director), s.cycleShifts},
		{http.MethodGet, v1 + "/cycles/:id/guests", only(admin, director), cycleGuests.listGuests},
		{http.MethodPost, v1 + "/cycles/:id/guests", only(director), cycleGuests.addGuest},
		{http.MethodDelete, v1 + "/cycles/:id/guests/:user_id", only(director), cycleGuests.removeGuest},
		// The meeting's record: owners and admins read it; an EM or peer of
		// the cycle is refused (403) and anyone else finds no cycle (404),
		// which only the service can tell apart, so every role reaches it.
		{http.MethodGet, v1 + "/cycles/:id/activity", only(admin, director, em, peer), s.activity},
		{http.MethodGet, v1 + "/cycles/:id/ems/:em_id/meeting", only(admin, director), s.getMeeting},
		{http.MethodPut, v1 + "/cycles/:id/ems/:em_id/meeting", only(director), s.putMeeting},
		{http.MethodGet, v1 + "/cycles/:id/events", only(admin, director, em, peer).streaming(), s.cycleEvents},

		// Roll-ups: a director above the owners of several finalized
		// cycles compares them. EMs are refused the list (403), peers get
		// an empty one. Who reads one roll-up is the service's business
		// (404 to anyone else), so every role reaches it.
		{http.MethodGet, v1 + "/rollups", only(admin, director, peer), s.listRollups},
		{http.MethodPost, v1 + "/rollups", only(director).idempotent(), s.createRollup},
		{http.MethodGet, v1 + "/rollups/:id", only(admin, director, em, peer), s.getRollup},
		{http.MethodGet, v1 + "/rollups/:id/board", only(admin, director, em, peer).limited(), s.rollupBoard},
		{http.MethodPut, v1 + "/rollups/:id/ems/:em_id/decision", only(director), s.putRollupDecision},
		{http.MethodPost, v1 + "/rollups/:id/finalize", only(director), s.finalizeRollup},
		{http.MethodGet, v1 + "/rollups/:id/nine-box", only(admin, director, peer).limited(), s.rollupNineBox},
		{http.MethodGet, v1 + "/rollups/:id/shifts", only(admin, director), s.rollupShifts},
		{http.MethodGet, v1 + "/rollups/:id/guests", only(admin, director), rollupGuests.listGuests},
		{http.MethodPost, v1 + "/rollups/:id/guests", only(director), rollupGuests.addGuest},
		{http.MethodDelete, v1 + "/rollups/:id/guests/:user_id", only(director), rollupGuests.removeGuest},

		// An EM's own record over cycles: their directors, admins, and the
		// EM (released cycles only).
		{http.MethodGet, v1 + "/ems/:em_id/history", only(admin, director, em), s.history},
		{http.MethodGet, v1 + "/ems/:em_id/packet", only(admin, director, em).limited(), s.packet},
		{http.MethodGet, v1 + "/ems/:em_id/plan", only(admin, director, em), s.listPlan},
		{http.MethodPost, v1 + "/ems/:em_id/plan", only(director, em).idempotent(), s.addPlanItem},
		{http.MethodPatch, v1 + "/ems/:em_id/plan/:item_id", only(director, em), s.patchPlanItem},
		{http.MethodDelete, v1 + "/ems/:em_id/plan/:item_id", only(director, em), s.deletePlanItem},

		// Anyone may be asked for input, so every role has an inbox.
		{http.MethodGet, v1 + "/peer-requests", signedIn, s.listPeerRequests},
		{http.MethodPut, v1 + "/peer-requests/:id/note", signedIn, s.putNote},
		{http.MethodPost, v1 + "/peer-requests/:id/decline", signedIn, s.declineRequest},
		{http.MethodPost, v1 + "/peer-requests/:id/remind", only(director, em), s.remindRequest},

		{http.MethodGet, v1 + "/me/feedback", only(em), s.myFeedback},
	}
}

// noRoute answers unknown API paths with the JSON 404 and everything else
// with the web app.
func (s *Server) noRoute(c *gin.Context) {
	if isSCIM(c.Request.URL.Path) {
		writeSCIMError(c.Writer, s.Log, scimerrors.ScimErrorResourceNotFound(c.Request.URL.Path))
		return
	}
	if isAPI(c.Request.URL.Path) {
		writeError(c, s.Log, domain.NotFound("route"))
		return
	}
	s.serveWeb(c)
}

// noMethod answers a known API path asked with a method it does not have;
// the router has set Allow.
func (s *Server) noMethod(c *gin.Context) {
	writeError(c, s.Log, &domain.Error{Kind: domain.KindMethodNotAllowed, Code: domain.CodeMethodNotAllowed,
		Message: c.Request.Method + " is not a method of this path; see the Allow header"})
}
