package calibration

// Fuzzing the CSV export's escaping: whatever a cell holds, the board's
// CSV parses back with encoding/csv to the cells written, and no cell starts
// with a character a spreadsheet would run as a formula. The board itself is
// fuzzed through the router in internal/httpapi (FuzzBoardCSV).

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
)

// formulaStart are the first characters that make a spreadsheet evaluate a
// cell (OWASP, CSV injection).
const formulaStart = "=+-@\t\r"

// checkSafeCSV parses data as CSV and fails t if it does not parse, if a
// line has another number of cells than the header, or if a cell starts
// like a formula. It returns the records.
func checkSafeCSV(t *testing.T, data []byte) [][]string {
	t.Helper()
	r := csv.NewReader(bytes.NewReader(data))
	records, err := r.ReadAll() // FieldsPerRecord 0: every line as wide as the first
	if err != nil {
		t.Fatalf("the CSV does not parse: %v\n%q", err, data)
	}
	for i, rec := range records {
		for j, cell := range rec {
			if cell != "" && strings.ContainsRune(formulaStart, rune(cell[0])) {
				t.Fatalf("line %d cell %d starts like a formula: %q", i+1, j+1, cell)
			}
		}
	}
	return records
}

func FuzzSafeCell(f *testing.F) {
	for _, s := range []string{
		"", "Alex Kim", "=1+1", "+1", "-1", "-1.00", "@SUM(A1:A2)", "\t=1", "\r=1", "\n=1",
		"=HYPERLINK(\"http://evil.test\",\"click\")", "'=1", "''", "\"", "\"=1\"", "a,b", "a\nb", "a\r\nb",
		"\r\n", "=\r\n=", " =1", "\u00a0=1", "＝1", "\x00", "\xff\xfe", "\\.", "=",
	} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		for _, s := range []string{a, b} {
			got := SafeCell(s)
			if got != s && got != "'"+s {
				t.Fatalf("SafeCell(%q) = %q: it may only prefix an apostrophe", s, got)
			}
			if got != "" && strings.ContainsRune(formulaStart, rune(got[0])) {
				t.Fatalf("SafeCell(%q) = %q still starts like a formula", s, got)
			}
			if got != s && (s == "" || !strings.ContainsRune(formulaStart, rune(s[0]))) {
				t.Fatalf("SafeCell(%q) = %q escaped a harmless cell", s, got)
			}
		}
		// A board line as BoardCSV writes it: escaped cells through
		// csv.Writer, read back by encoding/csv.
		lines := [][]string{{"em", "note", "flags"}, {a, b, a + b}, {b, "", a}}
		var buf bytes.Buffer
		w := csv.NewWriter(&buf)
		for _, line := range lines {
			out := make([]string, len(line))
			for i, c := range line {
				out[i] = SafeCell(c)
			}
			if err := w.Write(out); err != nil {
				t.Fatal(err)
			}
		}
		w.Flush()
		if err := w.Error(); err != nil {
			t.Fatal(err)
		}
		got := checkSafeCSV(t, buf.Bytes())
		if len(got) != len(lines) {
			t.Fatalf("%d lines written, %d read back:\n%q", len(lines), len(got), buf.Bytes())
		}
		for i, line := range lines {
			for j, c := range line {
				// encoding/csv reads a quoted \r\n as \n: that is the format.
				want := strings.ReplaceAll(SafeCell(c), "\r\n", "\n")
				if got[i][j] != want {
					t.Fatalf("line %d cell %d: wrote %q, read %q", i, j, want, got[i][j])
				}
			}
		}
	})
}
