// Package migrations embeds the numbered SQL migrations, one set per dialect.
// Files are append-only: a change to the schema is a new file in both sets.
package migrations

import "embed"

//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
