package httpapi_test

import (
	"net/http"
	"testing"

	"calibrate/internal/testkit"
)

func TestLoginAndMe(t *testing.T) {
	e := testkit.New(t)
	tok := e.Token("dana@acme.test")
	res := e.Get(tok, "/api/v1/me")
	if res.Status != http.StatusOK || res.JSON()["email"] != "dana@acme.test" {
		t.Fatalf("me: %d %s", res.Status, res.Body)
	}
}
