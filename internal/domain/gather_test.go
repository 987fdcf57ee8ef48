package domain

import (
	"errors"
	"strconv"
	"testing"
)

// pages serves 0..n-1 in pages of the asked size, the cursor being the next index.
func pages(n int, calls *int) func(Page) (List[int], error) {
	return func(p Page) (List[int], error) {
		*calls++
		from := 0
		if p.Cursor != "" {
			from, _ = strconv.Atoi(p.Cursor)
		}
		var l List[int]
		for i := from; i < n && i < from+p.Limit; i++ {
			l.Items = append(l.Items, i)
		}
		if from+p.Limit < n {
			l.NextCursor = strconv.Itoa(from + p.Limit)
		}
		return l, nil
	}
}

func TestGather(t *testing.T) {
	cases := []struct{ n, size, most, want, calls int }{
		{0, 10, 0, 0, 1},
		{25, 10, 0, 25, 3},
		{30, 10, 0, 30, 3},
		{25, 10, 15, 15, 2},
		{25, 10, 20, 20, 2},
		{25, 10, 100, 25, 3},
	}
	for _, c := range cases {
		calls := 0
		got, err := Gather(c.size, c.most, pages(c.n, &calls))
		if err != nil || len(got) != c.want || calls != c.calls {
			t.Errorf("n=%d size=%d most=%d: %d items in %d calls (%v), want %d in %d", c.n, c.size, c.most, len(got), calls, err, c.want, c.calls)
		}
		for i, v := range got {
			if v != i {
				t.Fatalf("n=%d: item %d is %d: out of order", c.n, i, v)
			}
		}
	}
	boom := errors.New("boom")
	if _, err := Gather(10, 0, func(Page) (List[int], error) { return List[int]{}, boom }); !errors.Is(err, boom) {
		t.Fatalf("the list's error: %v", err)
	}
}
