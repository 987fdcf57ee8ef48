// Command vulndb turns the OSV entries of the golang.org/x/vulndb module
// (its data/osv/*.json) into the v1 vulnerability database layout that
// `govulncheck -db file:///DIR` reads, so CI can check for known
// vulnerabilities with no access to vuln.go.dev:
//
//	DIR/index/db.json       {"modified": <newest entry>}
//	DIR/index/modules.json  [{"path", "vulns": [{"id", "modified", "fixed"}]}]
//	DIR/index/vulns.json    [{"id", "modified", "aliases"}]
//	DIR/ID/<GO-ID>.json     the OSV entry
//
// The layout and the "fixed" rule follow golang.org/x/vulndb's
// internal/database (which writes the published database) and
// golang.org/x/vuln's internal/client (which reads it).
//
// The entries in the module carry a zero "modified" time: the published
// database stamps it from git history at deploy time. Such entries get the
// -modified time instead (the vulndb module's commit time), so the index
// and govulncheck's "DB updated" line say how fresh the data is.
//
// The database is written next to -out and renamed into place, so an
// interrupted run never leaves a half-written database behind.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

func main() {
	src := flag.String("src", "", "directory holding the OSV entries (golang.org/x/vulndb's data/osv)")
	out := flag.String("out", "", "directory to write the database to (replaced)")
	modified := flag.String("modified", "", "RFC 3339 time for entries whose modified time is zero (the vulndb module's commit time)")
	flag.Parse()
	if *src == "" || *out == "" || *modified == "" || flag.NArg() != 0 {
		flag.Usage()
		os.Exit(2)
	}
	fallback, err := time.Parse(time.RFC3339, *modified)
	if err != nil {
		fail(fmt.Errorf("-modified: %w", err))
	}
	db, err := load(*src, fallback.UTC())
	if err != nil {
		fail(err)
	}
	if err := db.write(*out); err != nil {
		fail(err)
	}
	fmt.Printf("vulndb: %d entries, %d modules, modified %s -> %s\n",
		len(db.entries), len(db.modules), db.modified.Format(time.RFC3339), *out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "vulndb:", err)
	os.Exit(1)
}

// entry is the part of an OSV entry the indexes need. The entry itself is
// kept as raw JSON so that fields this program does not know pass through.
type entry struct {
	ID       string    `json:"id"`
	Modified time.Time `json:"modified"`
	Aliases  []string  `json:"aliases"`
	Affected []struct {
		Package struct {
			Name string `json:"name"`
		} `json:"package"`
		Ranges []osvRange `json:"ranges"`
	} `json:"affected"`

	raw map[string]json.RawMessage
}

type osvRange struct {
	Type   string `json:"type"`
	Events []struct {
		Introduced string `json:"introduced"`
		Fixed      string `json:"fixed"`
	} `json:"events"`
}

// Index records, as golang.org/x/vulndb/internal/database marshals them.
type (
	dbMeta struct {
		Modified string `json:"modified"`
	}
	moduleMeta struct {
		Path  string       `json:"path"`
		Vulns []moduleVuln `json:"vulns"`
	}
	moduleVuln struct {
		ID       string `json:"id"`
		Modified string `json:"modified"`
		Fixed    string `json:"fixed,omitempty"`
	}
	vulnMeta struct {
		ID       string   `json:"id"`
		Modified string   `json:"modified"`
		Aliases  []string `json:"aliases,omitempty"`
	}
)

type database struct {
	entries  []*entry // sorted by ID
	modules  map[string]*moduleMeta
	modified time.Time
}

func load(src string, fallback time.Time) (*database, error) {
	names, err := filepath.Glob(filepath.Join(src, "*.json"))
	if err != nil {
		return nil, err
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("no OSV entries (*.json) in %s", src)
	}
	sort.Strings(names)
	db := &database{modules: map[string]*moduleMeta{}}
	for _, name := range names {
		e, err := readEntry(name, fallback)
		if err != nil {
			return nil, err
		}
		db.add(e)
	}
	return db, nil
}

func readEntry(name string, fallback time.Time) (*entry, error) {
	b, err := os.ReadFile(name) //nolint:gosec // G304: reading the files under -src is the job
	if err != nil {
		return nil, err
	}
	e := &entry{}
	if err := json.Unmarshal(b, e); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if err := json.Unmarshal(b, &e.raw); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// govulncheck looks entries up as ID/<id>.json: a file named otherwise
	// would be unreachable, and an ID with a path in it could escape -out.
	if e.ID == "" || filepath.Base(name) != e.ID+".json" || strings.ContainsAny(e.ID, `/\`) {
		return nil, fmt.Errorf("%s: the file name must be <id>.json (id %q)", name, e.ID)
	}
	if e.Modified.IsZero() {
		e.Modified = fallback
		stamp, err := json.Marshal(fallback.Format(time.RFC3339))
		if err != nil {
			return nil, err
		}
		e.raw["modified"] = stamp
	}
	e.Modified = e.Modified.UTC()
	return e, nil
}

func (db *database) add(e *entry) {
	db.entries = append(db.entries, e)
	if e.Modified.After(db.modified) {
		db.modified = e.Modified
	}
	for _, a := range e.Affected {
		m := db.modules[a.Package.Name]
		if m == nil {
			m = &moduleMeta{Path: a.Package.Name, Vulns: []moduleVuln{}}
			db.modules[a.Package.Name] = m
		}
		m.Vulns = append(m.Vulns, moduleVuln{
			ID:       e.ID,
			Modified: e.Modified.Format(time.RFC3339),
			Fixed:    latestFixed(a.Ranges),
		})
	}
}

// latestFixed is the version from which no SEMVER range is affected any
// more: the latest fix, or "" when there is none or a range introduces the
// vulnerability again after it.
// It mirrors golang.org/x/vulndb/internal/osvutils.LatestFixed, since
// govulncheck skips an entry whose index "fixed" is at or below the
// version in use without reading the entry.
func latestFixed(ranges []osvRange) string {
	var latest string
	for _, r := range ranges {
		if r.Type != "SEMVER" {
			continue
		}
		for _, e := range r.Events {
			if e.Fixed != "" && semverLess(latest, e.Fixed) {
				latest = e.Fixed
			}
		}
		for _, e := range r.Events {
			if e.Introduced != "" && e.Introduced != "0" && semverLess(latest, e.Introduced) {
				latest = ""
				break
			}
		}
	}
	return latest
}

func (db *database) write(out string) error {
	out = filepath.Clean(out)
	tmp := out + ".tmp"
	if err := os.RemoveAll(tmp); err != nil {
		return err
	}
	for _, dir := range []string{"index", "ID"} {
		if err := os.MkdirAll(filepath.Join(tmp, dir), 0o750); err != nil {
			return err
		}
	}
	for _, e := range db.entries {
		if err := writeJSON(filepath.Join(tmp, "ID", e.ID+".json"), e.raw); err != nil {
			return err
		}
	}

	modules := make([]*moduleMeta, 0, len(db.modules))
	for _, m := range db.modules {
		sort.Slice(m.Vulns, func(i, j int) bool { return m.Vulns[i].ID < m.Vulns[j].ID })
		modules = append(modules, m)
	}
	sort.Slice(modules, func(i, j int) bool { return modules[i].Path < modules[j].Path })

	vulns := make([]vulnMeta, 0, len(db.entries))
	for _, e := range db.entries {
		vulns = append(vulns, vulnMeta{ID: e.ID, Modified: e.Modified.Format(time.RFC3339), Aliases: e.Aliases})
	}

	// db.json last: its presence is what the caller's cache check looks for.
	if err := writeJSON(filepath.Join(tmp, "index", "modules.json"), modules); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(tmp, "index", "vulns.json"), vulns); err != nil {
		return err
	}
	if err := writeJSON(filepath.Join(tmp, "index", "db.json"), dbMeta{Modified: db.modified.Format(time.RFC3339)}); err != nil {
		return err
	}

	if err := os.RemoveAll(out); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

func writeJSON(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return os.WriteFile(name, b, 0o600)
}

// semverLess reports whether version a sorts before b under Semantic
// Versioning 2.0.0 precedence, for the unprefixed versions OSV uses
// ("1.2.3", "0.0.0-20250721152936-fe86ceb2c3fa", "2.0.0-rc.1+incompatible").
// The empty version sorts first, as in golang.org/x/vuln's semver.Less.
// Written out rather than imported to keep this tool free of dependencies.
func semverLess(a, b string) bool {
	if a == "" || b == "" {
		return a == "" && b != ""
	}
	return semverCompare(a, b) < 0
}

func semverCompare(a, b string) int {
	a, _, _ = strings.Cut(a, "+")
	b, _, _ = strings.Cut(b, "+")
	aCore, aPre, aHasPre := strings.Cut(a, "-")
	bCore, bPre, bHasPre := strings.Cut(b, "-")
	if c := compareDotted(aCore, bCore, true); c != 0 {
		return c
	}
	switch {
	case aHasPre && !bHasPre:
		return -1
	case !aHasPre && bHasPre:
		return 1
	}
	return compareDotted(aPre, bPre, false)
}

// compareDotted compares dot-separated identifiers: numeric ones by value
// and below alphanumeric ones, alphanumeric ones in ASCII order. A missing
// identifier counts as 0 in the core (major.minor.patch) and sorts first in
// a pre-release ("rc" < "rc.1").
func compareDotted(a, b string, core bool) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) || i < len(bs); i++ {
		var x, y string
		if i < len(as) {
			x = as[i]
		}
		if i < len(bs) {
			y = bs[i]
		}
		switch {
		case core:
			x, y = orZero(x), orZero(y)
		case i >= len(as):
			return -1
		case i >= len(bs):
			return 1
		}
		if c := compareIdent(x, y); c != 0 {
			return c
		}
	}
	return 0
}

func orZero(s string) string {
	if s == "" {
		return "0"
	}
	return s
}

func compareIdent(a, b string) int {
	an, bn := isNumeric(a), isNumeric(b)
	switch {
	case an && bn:
		a, b = strings.TrimLeft(a, "0"), strings.TrimLeft(b, "0")
		if len(a) != len(b) {
			if len(a) < len(b) {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	case an:
		return -1
	case bn:
		return 1
	default:
		return strings.Compare(a, b)
	}
}

func isNumeric(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
