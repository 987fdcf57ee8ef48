package store

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"calibrate/internal/domain"
)

// probeRow is a row of a table made for this test only, so the pages'
// edges are known exactly.
type probeRow struct {
	ID  string
	Grp string
}

func (probeRow) TableName() string { return "page_probe" }
func (r probeRow) pageKey() string { return r.ID }
func idOf(r probeRow) string       { return r.ID }

// Every page in both orders: full pages carry the cursor of their last
// row, the last page carries none (also when it is exactly full), and the
// query's own conditions still hold beside the cursor's.
func TestPaginate(t *testing.T) {
	ctx := context.Background()
	st := openStore(t, testConfig(t))
	db := st.conn(ctx)
	if err := db.Exec("CREATE TABLE page_probe (id TEXT PRIMARY KEY, grp TEXT NOT NULL)").Error; err != nil {
		t.Fatal(err)
	}
	var all []string
	for i := 1; i <= 7; i++ {
		id := fmt.Sprintf("id%02d", i)
		all = append(all, id)
		if err := db.Create(&probeRow{ID: id, Grp: "in"}).Error; err != nil {
			t.Fatal(err)
		}
		// Rows of another group sit between them and must never show.
		if err := db.Create(&probeRow{ID: id + "x", Grp: "out"}).Error; err != nil {
			t.Fatal(err)
		}
	}
	reversed := slices.Clone(all)
	slices.Reverse(reversed)

	for _, tc := range []struct {
		name  string
		dir   direction
		limit int
		want  [][]string
	}{
		{"oldest first", oldestFirst, 3, [][]string{all[0:3], all[3:6], all[6:]}},
		{"newest first", newestFirst, 3, [][]string{reversed[0:3], reversed[3:6], reversed[6:]}},
		{"last page exactly full", oldestFirst, 7, [][]string{all}},
		{"one per page", newestFirst, 1, [][]string{{"id07"}, {"id06"}, {"id05"}, {"id04"}, {"id03"}, {"id02"}, {"id01"}}},
		{"more than there is", newestFirst, 100, [][]string{reversed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cursor := ""
			for i, want := range tc.want {
				got, err := paginate(st.conn(ctx).Where("grp = ?", "in"), domain.Page{Limit: tc.limit, Cursor: cursor}, tc.dir, each(idOf))
				if err != nil {
					t.Fatal(err)
				}
				if !slices.Equal(got.Items, want) {
					t.Fatalf("page %d after %q: %v, want %v", i, cursor, got.Items, want)
				}
				wantNext := ""
				if i < len(tc.want)-1 {
					wantNext = want[len(want)-1]
				}
				if got.NextCursor != wantNext {
					t.Fatalf("page %d: next cursor %q, want %q", i, got.NextCursor, wantNext)
				}
				cursor = got.NextCursor
			}
		})
	}

	// An empty list is an empty page, not a nil one (it is rendered as []).
	got, err := paginate(st.conn(ctx).Where("grp = ?", "none"), domain.Page{Limit: 3}, oldestFirst, each(idOf))
	if err != nil || got.Items == nil || len(got.Items) != 0 || got.NextCursor != "" {
		t.Fatalf("empty list: %#v, %v", got, err)
	}
}
