package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/domain"
)

// errorBody is the one error shape of the API.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string            `json:"code"`
	Message string            `json:"message"`
	Fields  map[string]string `json:"fields,omitempty"`
	Details map[string]any    `json:"details,omitempty"`
}

// statusOf is the one mapping from error kinds to HTTP statuses.
func statusOf(k domain.Kind) int {
	switch k {
	case domain.KindBadRequest:
		return http.StatusBadRequest
	case domain.KindUnauthorized:
		return http.StatusUnauthorized
	case domain.KindForbidden:
		return http.StatusForbidden
	case domain.KindNotFound:
		return http.StatusNotFound
	case domain.KindConflict:
		return http.StatusConflict
	case domain.KindValidation:
		return http.StatusUnprocessableEntity
	case domain.KindTooLarge:
		return http.StatusRequestEntityTooLarge
	case domain.KindRateLimited:
		return http.StatusTooManyRequests
	case domain.KindUnsupportedMediaType:
		return http.StatusUnsupportedMediaType
	case domain.KindMethodNotAllowed:
		return http.StatusMethodNotAllowed
	case domain.KindUnavailable:
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}

// writeError renders err. Anything that is not a domain error is a bug: the
// client gets a generic 500, the log gets the detail. An outage arrives here
// already classified (503 unavailable) and logged once by the store, so it
// is not logged again per request.
func writeError(c *gin.Context, log *slog.Logger, err error) {
	de, ok := domain.AsError(err)
	if !ok {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			de = domain.TooLarge("the request body is larger than 1 MiB")
		} else {
			log.Error("request failed", "err", err, "request_id", c.GetString(requestIDKey),
				"method", c.Request.Method, "path", c.FullPath())
			de = &domain.Error{Kind: domain.KindInternal, Code: "internal",
				Message: "something went wrong on our side; please try again"}
		}
	}
	if (de.Kind == domain.KindRateLimited || de.Kind == domain.KindUnavailable) && de.RetryAfter > 0 {
		c.Header("Retry-After", strconv.Itoa(int((de.RetryAfter+time.Second-1)/time.Second)))
	}
	c.AbortWithStatusJSON(statusOf(de.Kind), errorBody{errorDetail{Code: de.Code, Message: de.Message, Fields: de.Fields, Details: de.Details}})
}

// renderErrors is the middleware that renders the first error a handler or
// a later middleware recorded with c.Error, if nothing was written yet.
func renderErrors(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		c.Next()
		if len(c.Errors) == 0 || c.Writer.Written() {
			return
		}
		writeError(c, log, c.Errors[0].Err)
	}
}

// fail records err for renderErrors and stops the chain.
func fail(c *gin.Context, err error) {
	_ = c.Error(err)
	c.Abort()
}
