package store

import (
	"gorm.io/gorm"

	"calibrate/internal/domain"
)

// direction is the order a list walks its rows' ids in. Ids grow with
// time, so ascending is creation order and descending newest first.
type direction bool

const (
	oldestFirst direction = false
	newestFirst direction = true
)

// pageRow is a row type a list pages through: its key is its id, the
// column the cursor compares and the list orders by.
type pageRow interface{ pageKey() string }

func (r auditRow) pageKey() string     { return r.ID }
func (r cycleRow) pageKey() string     { return r.ID }
func (r frameworkRow) pageKey() string { return r.ID }
func (r planRow) pageKey() string      { return r.ID }
func (r requestRow) pageKey() string   { return r.ID }
func (r userRow) pageKey() string      { return r.ID }

// paginate runs q for one page: the rows after page.Cursor in dir's order,
// at most page.Limit of them, made into items, with the key of the page's
// last row as the next cursor ("" when no row follows). It reads one row
// more than the page holds, so telling the last page costs no second
// statement.
func paginate[R pageRow, T any](q *gorm.DB, page domain.Page, dir direction, items func([]R) ([]T, error)) (domain.List[T], error) {
	cmp, order := "id > ?", "id"
	if dir == newestFirst {
		cmp, order = "id < ?", "id DESC"
	}
	if page.Cursor != "" {
		q = q.Where(cmp, page.Cursor)
	}
	var rows []R
	if err := q.Order(order).Limit(page.Limit + 1).Find(&rows).Error; err != nil {
		return domain.List[T]{}, err
	}
	var out domain.List[T]
	if len(rows) > page.Limit {
		rows = rows[:page.Limit]
		out.NextCursor = rows[len(rows)-1].pageKey()
	}
	var err error
	out.Items, err = items(rows)
	return out, err
}

// each makes items one row at a time, for paginate.
func each[R, T any](item func(R) T) func([]R) ([]T, error) {
	return func(rows []R) ([]T, error) {
		out := make([]T, 0, len(rows))
		for _, r := range rows {
			out = append(out, item(r))
		}
		return out, nil
	}
}
