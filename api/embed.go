// Package api holds the API contract, openapi.yaml, embedded so the server
// validates every request against exactly the document it is checked
// against in the tests.
package api

import _ "embed"

// OpenAPI is openapi.yaml.
//
//go:embed openapi.yaml
var OpenAPI []byte
