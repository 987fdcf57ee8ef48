package domain

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"
)

// Kind classifies an error by what the caller did wrong, not by where it
// happened. The HTTP layer maps each kind to one status code, in one place.
type Kind int

const (
	KindInternal             Kind = iota
	KindBadRequest                // malformed request: not JSON, unknown field, trailing data
	KindUnauthorized              // not signed in, or credentials refused
	KindForbidden                 // the caller's role may never do this, or may see but not act
	KindNotFound                  // does not exist, or the caller may not see it
	KindConflict                  // the object's state forbids it
	KindValidation                // well-formed but invalid values; carries Fields
	KindTooLarge                  // body over the limit
	KindRateLimited               // throttled; carries RetryAfter
	KindUnsupportedMediaType      // a body in a media type the operation does not take
	KindMethodNotAllowed          // a known path asked with a method it does not have
	KindUnavailable               // the database is unreachable or too slow; carries RetryAfter
)

// Error is the typed error every layer returns for an expected failure.
// Code is stable and machine-readable; Message is a sentence for a person.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Fields     map[string]string
	RetryAfter time.Duration
	// Details carries extra machine-readable context (e.g. who is missing a
	// decision when a cycle cannot be finalized).
	Details map[string]any
}

func (e *Error) Error() string {
	if len(e.Fields) == 0 {
		return e.Code + ": " + e.Message
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + " " + e.Fields[k]
	}
	return e.Code + ": " + e.Message + " (" + strings.Join(parts, "; ") + ")"
}

// AsError unwraps err into a *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsKind reports whether err is a domain error of the given kind.
func IsKind(err error, k Kind) bool {
	e, ok := AsError(err)
	return ok && e.Kind == k
}

func NotFound(what string) *Error {
	return &Error{Kind: KindNotFound, Code: "not_found", Message: what + " not found"}
}

func Forbidden(code, msg string) *Error {
	if code == "" {
		code = "forbidden"
	}
	return &Error{Kind: KindForbidden, Code: code, Message: msg}
}

func Conflict(code, msg string) *Error {
	return &Error{Kind: KindConflict, Code: code, Message: msg}
}

func Unauthorized(code, msg string) *Error {
	return &Error{Kind: KindUnauthorized, Code: code, Message: msg}
}

func BadRequest(msg string) *Error {
	return &Error{Kind: KindBadRequest, Code: "bad_request", Message: msg}
}

func TooLarge(msg string) *Error {
	return &Error{Kind: KindTooLarge, Code: "too_large", Message: msg}
}

func RateLimited(retry time.Duration) *Error {
	return &Error{Kind: KindRateLimited, Code: "rate_limited",
		Message: "too many attempts; try again later", RetryAfter: retry}
}

// Unavailable is an outage, not a fault of the request: the database cannot
// be reached or did not answer in time. The same request may succeed after
// retry.
func Unavailable(retry time.Duration) *Error {
	return &Error{Kind: KindUnavailable, Code: CodeUnavailable,
		Message: "the service is temporarily unavailable; try again shortly", RetryAfter: retry}
}

// Fields collects validation failures, field path → reason, and becomes a
// single 422 error when any were added.
type Fields map[string]string

func (f Fields) Add(field, format string, args ...any) {
	if _, dup := f[field]; !dup {
		f[field] = fmt.Sprintf(format, args...)
	}
}

// Err returns nil when nothing failed.
func (f Fields) Err() error {
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: KindValidation, Code: "validation_failed",
		Message: "some fields are invalid", Fields: map[string]string(f)}
}

// Invalid is a validation error on one field.
func Invalid(field, reason string) error {
	return Fields{field: reason}.Err()
}

// Error codes, named once; ErrorCodes (codes.go) says what each means.
const (
	CodeForbidden          = "forbidden"
	CodeNotLead            = "not_lead"
	CodeNotYourEM          = "not_your_em"
	CodeCycleLocked        = "cycle_locked"
	CodeIllegalTrans       = "illegal_transition"
	CodeStaleVersion       = "stale_version"
	CodeEMInActiveCycle    = "em_in_active_cycle"
	CodeDuplicate          = "duplicate"
	CodeInvalidCredentials = "invalid_credentials" //nolint:gosec // G101: an error code, not a credential
	CodeUnauthenticated    = "unauthenticated"
	CodeMissingDecisions   = "missing_decisions"
)

// StaleVersion is the optimistic-locking conflict.
func StaleVersion(what string) *Error {
	return Conflict(CodeStaleVersion, what+" was changed by someone else; reload and try again")
}

func Duplicate(msg string) *Error { return Conflict(CodeDuplicate, msg) }
