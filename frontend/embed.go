// Package frontend embeds the built web app (frontend/dist) into the binary.
// Where the app has not been built, dist holds only .gitkeep and Dist
// reports that there is nothing to serve.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// Dist returns the built app, or nil when dist has no index.html.
func Dist() fs.FS {
	sub, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil
	}
	if _, err := fs.Stat(sub, "index.html"); err != nil {
		return nil
	}
	return sub
}
