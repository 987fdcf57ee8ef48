// Package clientgen pins what a client generated from api/openapi.yaml
// needs to compile: oapi-codegen (the tool directive in go.mod) and its
// runtime, imported here so go mod tidy keeps it.
package clientgen

import _ "github.com/oapi-codegen/runtime"
