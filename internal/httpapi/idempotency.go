package httpapi

import (
	"bytes"
	"context"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"calibrate/internal/auth"
	"calibrate/internal/idempotency"
)

// IdempotencyKeyHeader names the header a client sends on a create to make
// repeats of it harmless.
const IdempotencyKeyHeader = "Idempotency-Key"

// idempotent answers a repeat of a create sent with an Idempotency-Key with
// the first answer, or refuses it while the first is being answered or when
// the key came with another request (see internal/idempotency). It runs
// after the gate, so the key is well-formed and the body one the contract
// takes; a request without the key passes untouched.
func (s *Server) idempotent() gin.HandlerFunc {
	return func(c *gin.Context) {
		key := c.GetHeader(IdempotencyKeyHeader)
		if key == "" {
			c.Next()
			return
		}
		body, err := readBody(c.Request)
		if err != nil {
			fail(c, err)
			return
		}
		p := auth.PrincipalOf(c)
		claim, err := s.Idempotency.Begin(c.Request.Context(), p.OrgID, p.UserID, key,
			idempotency.Fingerprint(c.Request.Method, c.Request.URL.Path, body))
		if err != nil {
			fail(c, err)
			return
		}
		if claim.Replay != nil {
			c.Data(claim.Replay.Status, "application/json; charset=utf-8", claim.Replay.Body)
			c.Abort()
			return
		}
		rec := &bodyRecorder{ResponseWriter: c.Writer}
		c.Writer = rec
		// Deferred, so a handler that panics releases its key too.
		defer func() {
			status := rec.Status()
			if len(c.Errors) > 0 || !rec.Written() {
				status = http.StatusInternalServerError // an error still to be rendered, or a panic: not kept
			}
			// The answer is kept even when the client has gone: it is what
			// a retry should get. A keeper that cannot write it leaves the
			// key to its lease.
			ctx, cancel := context.WithTimeout(context.WithoutCancel(c.Request.Context()), 5*time.Second)
			defer cancel()
			if err := s.Idempotency.Finish(ctx, claim, status, rec.body.Bytes()); err != nil {
				s.Log.Warn("keeping the answer of an Idempotency-Key", "err", err, "request_id", c.GetString(requestIDKey))
			}
		}()
		c.Next()
	}
}

// bodyRecorder copies what a handler writes, to keep it for repeats.
type bodyRecorder struct {
	gin.ResponseWriter
	body bytes.Buffer
}

func (r *bodyRecorder) Write(b []byte) (int, error) {
	r.body.Write(b)
	return r.ResponseWriter.Write(b)
}

func (r *bodyRecorder) WriteString(s string) (int, error) {
	r.body.WriteString(s)
	return r.ResponseWriter.WriteString(s)
}
