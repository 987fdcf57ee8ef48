package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestSemverLess(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		less bool
	}{
		{"", "0.0.1", true},
		{"0.0.1", "", false},
		{"1.2.3", "1.10.0", true},
		{"1.10.0", "1.9.9", false},
		{"1.0.0-rc.1", "1.0.0", true},
		{"1.0.0-rc", "1.0.0-rc.1", true},
		{"1.0.0-rc.2", "1.0.0-rc.10", true},
		{"1.0.0-1", "1.0.0-alpha", true},
		{"0.0.0-20230101000000-abcdef", "0.0.0-20240101000000-012345", true},
		{"2.0.0+incompatible", "2.0.0", false},
		{"2.0.0", "2.0.0+incompatible", false},
		{"17.0.0+incompatible", "9.0.0+incompatible", false},
	} {
		if got := semverLess(tc.a, tc.b); got != tc.less {
			t.Errorf("semverLess(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.less)
		}
	}
}

func TestLatestFixed(t *testing.T) {
	r := func(events ...[2]string) osvRange {
		var out osvRange
		out.Type = "SEMVER"
		for _, e := range events {
			out.Events = append(out.Events, struct {
				Introduced string `json:"introduced"`
				Fixed      string `json:"fixed"`
			}{e[0], e[1]})
		}
		return out
	}
	for name, tc := range map[string]struct {
		ranges []osvRange
		want   string
	}{
		"one fix":          {[]osvRange{r([2]string{"0", ""}, [2]string{"", "1.5.0"})}, "1.5.0"},
		"latest of two":    {[]osvRange{r([2]string{"0", ""}, [2]string{"", "1.5.0"}, [2]string{"2.0.0", ""}, [2]string{"", "2.4.0"})}, "2.4.0"},
		"reintroduced":     {[]osvRange{r([2]string{"0", ""}, [2]string{"", "1.5.0"}, [2]string{"2.0.0", ""})}, ""},
		"never fixed":      {[]osvRange{r([2]string{"0", ""})}, ""},
		"not semver":       {[]osvRange{{Type: "GIT"}}, ""},
		"across ranges":    {[]osvRange{r([2]string{"0", ""}, [2]string{"", "1.1.0"}), r([2]string{"1.2.0", ""}, [2]string{"", "1.3.0"})}, "1.3.0"},
		"no ranges at all": {nil, ""},
	} {
		if got := latestFixed(tc.ranges); got != tc.want {
			t.Errorf("%s: latestFixed = %q, want %q", name, got, tc.want)
		}
	}
}

func TestConvert(t *testing.T) {
	src := t.TempDir()
	entries := map[string]string{
		"GO-2021-0113.json": `{"schema_version":"1.3.1","id":"GO-2021-0113","modified":"0001-01-01T00:00:00Z",
			"aliases":["CVE-2021-38561"],"details":"d","affected":[{"package":{"name":"golang.org/x/text","ecosystem":"Go"},
			"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"0.3.7"}]}],
			"ecosystem_specific":{"imports":[{"path":"golang.org/x/text/language","symbols":["Parse"]}]}}]}`,
		"GO-2024-0001.json": `{"id":"GO-2024-0001","modified":"2024-05-06T07:08:09Z","details":"d",
			"affected":[{"package":{"name":"golang.org/x/text","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"}]}]},
			{"package":{"name":"example.com/m","ecosystem":"Go"},"ranges":[{"type":"SEMVER","events":[{"introduced":"0"},{"fixed":"1.0.1"}]}]}]}`,
	}
	for name, body := range entries {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	fallback := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	db, err := load(src, fallback)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "db")
	if err := db.write(out); err != nil {
		t.Fatal(err)
	}

	var meta dbMeta
	readJSON(t, filepath.Join(out, "index", "db.json"), &meta)
	if meta.Modified != "2025-01-02T03:04:05Z" {
		t.Errorf("db.json modified = %q, want the fallback (newer than the dated entry)", meta.Modified)
	}

	var modules []moduleMeta
	readJSON(t, filepath.Join(out, "index", "modules.json"), &modules)
	if len(modules) != 2 || modules[0].Path != "example.com/m" || modules[1].Path != "golang.org/x/text" {
		t.Fatalf("modules.json = %+v, want example.com/m then golang.org/x/text", modules)
	}
	text := modules[1].Vulns
	if len(text) != 2 || text[0] != (moduleVuln{"GO-2021-0113", "2025-01-02T03:04:05Z", "0.3.7"}) ||
		text[1] != (moduleVuln{"GO-2024-0001", "2024-05-06T07:08:09Z", ""}) {
		t.Errorf("golang.org/x/text vulns = %+v", text)
	}

	var vulns []vulnMeta
	readJSON(t, filepath.Join(out, "index", "vulns.json"), &vulns)
	if len(vulns) != 2 || vulns[0].ID != "GO-2021-0113" || len(vulns[0].Aliases) != 1 {
		t.Errorf("vulns.json = %+v", vulns)
	}

	// The entry keeps the fields the converter does not model, and gets the
	// fallback modified time.
	var e map[string]any
	readJSON(t, filepath.Join(out, "ID", "GO-2021-0113.json"), &e)
	if e["modified"] != "2025-01-02T03:04:05Z" || e["schema_version"] != "1.3.1" {
		t.Errorf("ID/GO-2021-0113.json = %v", e)
	}
	if _, err := os.Stat(out + ".tmp"); !os.IsNotExist(err) {
		t.Errorf("the temporary directory is left behind: %v", err)
	}
}

func TestConvertRejectsMisnamedEntry(t *testing.T) {
	src := t.TempDir()
	if err := os.WriteFile(filepath.Join(src, "GO-2024-0002.json"), []byte(`{"id":"GO-2024-0003","affected":[]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := load(src, time.Now()); err == nil {
		t.Fatal("load accepted an entry whose file name is not its id")
	}
}

func readJSON(t *testing.T, name string, v any) {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
}
