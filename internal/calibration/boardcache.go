package calibration

import (
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// A board is derived entirely from the organisation's data and the date:
// every write to that data appends an audit entry in the same transaction
// (the organisation's audit head moves), and the board counts time in whole
// days. So a board built at one head on one day is the board of every later
// request that finds the same head on the same day, and a room full of
// readers of one cycle costs one build per change instead of one per
// request. The head is read from the database on each request, so this
// holds across several server processes with no message between them.
//
// The cache keeps the boards as built, before a reader's sort and filters;
// what a reader may see is checked on each request against the cycle the
// board was built from.

// maxCachedBoards bounds the memory of the cache: a board of 300 EMs takes
// about a megabyte, and a process serves few cycles in calibration at once.
const maxCachedBoards = 16

type boardKey struct{ org, cycle string }

type cachedBoard struct {
	head  int64
	day   string
	board Board
	used  uint64
}

type boardCache struct {
	mu      sync.Mutex
	entries map[boardKey]*cachedBoard
	tick    uint64
	// builds shares one build among the readers that miss at once.
	builds singleflight.Group
}

func newBoardCache() *boardCache {
	return &boardCache{entries: map[boardKey]*cachedBoard{}}
}

// boardDay is the day a board is built for: its notion of "now".
func boardDay(now time.Time) time.Time {
	y, m, d := now.UTC().Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

func (bc *boardCache) get(k boardKey, head int64, day string) (Board, bool) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	e, ok := bc.entries[k]
	if !ok || e.head != head || e.day != day {
		return Board{}, false
	}
	bc.tick++
	e.used = bc.tick
	return e.board, true
}

// put keeps b unless a board of a later head is already kept, evicting the
// least recently used board past the bound.
func (bc *boardCache) put(k boardKey, head int64, day string, b Board) {
	bc.mu.Lock()
	defer bc.mu.Unlock()
	if e, ok := bc.entries[k]; ok && e.head > head {
		return
	}
	bc.tick++
	bc.entries[k] = &cachedBoard{head: head, day: day, board: b, used: bc.tick}
	for len(bc.entries) > maxCachedBoards {
		var oldest boardKey
		var at uint64
		first := true
		for key, e := range bc.entries {
			if first || e.used < at {
				oldest, at, first = key, e.used, false
			}
		}
		delete(bc.entries, oldest)
	}
}

// build runs fn once for all the readers of one board at one head and day.
func (bc *boardCache) build(k boardKey, head int64, day string, fn func() (Board, error)) (Board, error) {
	v, err, _ := bc.builds.Do(k.org+"/"+k.cycle+"/"+strconv.FormatInt(head, 10)+"/"+day, func() (any, error) {
		b, err := fn()
		if err == nil {
			bc.put(k, head, day, b)
		}
		return b, err
	})
	if err != nil {
		return Board{}, err
	}
	return v.(Board), nil
}

// ForgetBoards empties the cache of built boards, so the next board of every
// cycle is built again: for benchmarks of a build, the first view after a
// change.
func (s *Cycles) ForgetBoards() {
	s.boards.mu.Lock()
	s.boards.entries = map[boardKey]*cachedBoard{}
	s.boards.mu.Unlock()
}
