package domain

// The error codes the API answers, in one catalogue: each code with its HTTP
// status and what it means. api/openapi.yaml lists, per operation and
// status, which of these codes can come back, and docs/errors.md is
// generated from this table (go test ./internal/domain -run TestErrorsDoc
// -update); tests fail when either drifts from it.

// Codes not named elsewhere in this package.
const (
	CodeBadRequest            = "bad_request"
	CodeInvalidCursor         = "invalid_cursor"
	CodeInvalidRefreshToken   = "invalid_refresh_token"
	CodeNotFound              = "not_found"
	CodeMethodNotAllowed      = "method_not_allowed"
	CodeSelfLockout           = "self_lockout"
	CodeHasReports            = "has_reports"
	CodeRequestLimit          = "request_limit"
	CodeAlreadyAnswered       = "already_answered"
	CodeTooLarge              = "too_large"
	CodeUnsupportedMediaType  = "unsupported_media_type"
	CodeValidationFailed      = "validation_failed"
	CodeRateLimited           = "rate_limited"
	CodeIdempotencyInProgress = "idempotency_in_progress"
	CodeIdempotencyKeyReused  = "idempotency_key_reused"
	CodeReasonRequired        = "reason_required"
	CodePasswordLoginDisabled = "password_login_disabled"
	CodeSSONotConfigured      = "sso_not_configured"
	CodeNotAboveOwners        = "not_above_owners"
	CodeCycleNotReady         = "cycle_not_ready"
	CodeInRollup              = "in_rollup"
	CodeOutsideGuide          = "outside_distribution_guide"
	CodeInternal              = "internal"
	CodeUnavailable           = "unavailable"
)

// CodeInfo describes one error code of the API.
type CodeInfo struct {
	Code string
	// Status is the HTTP status the code is answered with.
	Status int
	// Meaning is one line for the person reading the documentation.
	Meaning string
	// Header names the response header that comes with the code, if any.
	Header string
	// Details names the fields of error.details the code carries, if any.
	Details []string
	// OutsideOperations marks codes the server answers for requests that
	// reach no operation (an unknown path, a method the path does not
	// have), so no operation of the contract lists them.
	OutsideOperations bool
}

// ErrorCodes is every code the API answers, by status, then as listed.
var ErrorCodes = []CodeInfo{
	{Code: CodeBadRequest, Status: 400, Meaning: "The request is malformed: the body is not one JSON value, has an unknown field or data after the value, or is missing; or a path or query parameter is malformed, unknown or repeated."},
	{Code: CodeInvalidCursor, Status: 400, Meaning: "The cursor is not a next_cursor this list handed out for the same filters; start again from the first page."},
	{Code: CodeUnauthenticated, Status: 401, Meaning: "No bearer token, or one that is invalid, expired or of a revoked session; sign in again."},
	{Code: CodeInvalidCredentials, Status: 401, Meaning: "The e-mail or password is not right, or the account is disabled (the answer is the same for each)."},
	{Code: CodeInvalidRefreshToken, Status: 401, Meaning: "The refresh cookie is missing, unknown, expired, revoked or replayed, or the user is no longer active; the cookie is cleared."},
	{Code: CodeForbidden, Status: 403, Meaning: "The caller's role may never use this route, or the caller can see the object but may not do this to it."},
	{Code: CodeNotLead, Status: 403, Meaning: "Only the lead of the cycle changes the cycle itself; the caller is a co-owner."},
	{Code: CodeNotYourEM, Status: 403, Meaning: "Only the EM's director in the cycle rates and decides for them; the caller is another owner."},
	{Code: CodeNotAboveOwners, Status: 403, Meaning: "A roll-up is made by a director above every owner of every source cycle, directly or not; the caller is not above some owner of a cycle they can see."},
	{Code: CodePasswordLoginDisabled, Status: 403, Meaning: "The organisation has turned password sign-in off: sign in with single sign-on. Its admins may still use their password."},
	{Code: CodeNotFound, Status: 404, Meaning: "It does not exist, or the caller may not see it (never 403, so existence does not leak); also any unknown path."},
	{Code: CodeMethodNotAllowed, Status: 405, Meaning: "The path exists but not with this method; the Allow header lists the methods it has.", Header: "Allow", OutsideOperations: true},
	{Code: CodeCycleLocked, Status: 409, Meaning: "The cycle's state does not allow this write now (for example ratings after finalizing)."},
	{Code: CodeIllegalTrans, Status: 409, Meaning: "The cycle cannot move to that state from its current one (only the next state is legal, one step at a time)."},
	{Code: CodeStaleVersion, Status: 409, Meaning: "Someone else wrote the object since it was read; reload, merge and send the new version."},
	{Code: CodeEMInActiveCycle, Status: 409, Meaning: "Some EMs already take part in a cycle that is not finalized; details.em_ids lists them.", Details: []string{"em_ids"}},
	{Code: CodeMissingDecisions, Status: 409, Meaning: "The cycle cannot be finalized before every participant has a decision; details.missing lists who has none.", Details: []string{"missing"}},
	{Code: CodeDuplicate, Status: 409, Meaning: "It already exists: an e-mail, a framework name, or the same peer asked twice about the same EM."},
	{Code: CodeSelfLockout, Status: 409, Meaning: "An admin cannot deactivate or demote themself; another admin must do it."},
	{Code: CodeHasReports, Status: 409, Meaning: "The person manages active people (details.user_ids lists them): deactivate them with reassign_to, the active director those people move to.", Details: []string{"user_ids"}},
	{Code: CodeRequestLimit, Status: 409, Meaning: "The EM already has the most peer requests a cycle allows (8)."},
	{Code: CodeAlreadyAnswered, Status: 409, Meaning: "The peer has written a note for this request; edit the note instead."},
	{Code: CodeIdempotencyInProgress, Status: 409, Meaning: "A request with the same Idempotency-Key is still being answered; nothing was done, wait for the first answer."},
	{Code: CodeSSONotConfigured, Status: 409, Meaning: "Password sign-in cannot be turned off while single sign-on is not set up on the server: nobody but the admins could sign in."},
	{Code: CodeCycleNotReady, Status: 409, Meaning: "A roll-up's source cycles must be finalized and not yet released; details.cycle_ids lists those that are not.", Details: []string{"cycle_ids"}},
	{Code: CodeInRollup, Status: 409, Meaning: "The cycle is a source of an open roll-up (details.rollup_id): it cannot be released, or taken into another roll-up, until that roll-up is finalized.", Details: []string{"rollup_id"}},
	{Code: CodeOutsideGuide, Status: 409, Meaning: "The decisions fall outside the distribution guide (details.outside lists each readiness value with its range and share); finalize again with an override_reason to go ahead.", Details: []string{"outside"}},
	{Code: CodeTooLarge, Status: 413, Meaning: "The request body is larger than 1 MiB."},
	{Code: CodeUnsupportedMediaType, Status: 415, Meaning: "The body is in a media type the operation does not take (application/json; text/csv for the people import)."},
	{Code: CodeValidationFailed, Status: 422, Meaning: "The body is well-formed but some values are invalid; fields maps each field path to the reason."},
	{Code: CodeReasonRequired, Status: 422, Meaning: "Once a cycle is calibrating, changing a director assessment that was already written needs a change_reason (1 to 500 characters): the meeting's record says why each rating moved. In a roll-up, a decision that differs from the director's needs a reason (1 to 500 characters)."},
	{Code: CodeIdempotencyKeyReused, Status: 422, Meaning: "The Idempotency-Key was sent before with another method, path or body; a new request needs a new key."},
	{Code: CodeRateLimited, Status: 429, Meaning: "Too many failed sign-in attempts, or too many calls to a route limited per user (the board, its CSV, the packet, language hints, the audit list and its CSV, the people import); wait the Retry-After seconds before trying again.", Header: "Retry-After"},
	{Code: CodeInternal, Status: 500, Meaning: "A fault on the server's side; the detail is in the server log under the X-Request-ID of the answer."},
	{Code: CodeUnavailable, Status: 503, Meaning: "The database is unreachable or too slow to answer, the server is already hashing as many passwords as it queues (a login, a password change or a new user), or it already holds as many event streams as it may; try again after the Retry-After seconds.", Header: "Retry-After"},
}

// CodeOf returns the catalogue entry of code.
func CodeOf(code string) (CodeInfo, bool) {
	for _, c := range ErrorCodes {
		if c.Code == code {
			return c, true
		}
	}
	return CodeInfo{}, false
}
