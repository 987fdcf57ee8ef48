package httpapi

import (
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// serveWeb serves the embedded web app: a file when one exists at the path,
// otherwise index.html so the app's own router takes over. Hashed assets
// never change and are cached for a year; index.html is never cached.
func (s *Server) serveWeb(c *gin.Context) {
	if c.Request.Method != http.MethodGet && c.Request.Method != http.MethodHead {
		c.AbortWithStatus(http.StatusMethodNotAllowed)
		return
	}
	if s.Web == nil {
		c.Header("Cache-Control", "no-store")
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(notBuiltPage))
		return
	}
	name := strings.TrimPrefix(path.Clean("/"+c.Request.URL.Path), "/")
	if name != "" && name != "index.html" {
		if st, err := fs.Stat(s.Web, name); err == nil && !st.IsDir() {
			if strings.HasPrefix(name, "assets/") {
				c.Header("Cache-Control", "public, max-age=31536000, immutable")
			}
			c.FileFromFS(name, http.FS(s.Web))
			return
		}
		if strings.HasPrefix(name, "assets/") {
			c.AbortWithStatus(http.StatusNotFound)
			return
		}
	}
	index, err := fs.ReadFile(s.Web, "index.html")
	if err != nil {
		c.Data(http.StatusOK, "text/html; charset=utf-8", []byte(notBuiltPage))
		return
	}
	c.Header("Cache-Control", "no-cache, no-store, must-revalidate")
	c.Data(http.StatusOK, "text/html; charset=utf-8", index)
}

const notBuiltPage = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Calibrate</title></head>
<body><h1>Calibrate</h1><p>The web app was not built into this binary. Run <code>make build</code> (or <code>make run</code>),
which builds it with npm first. The API works without it, under <code>/api/v1</code>.</p></body></html>`
