package calibration

import (
	"sync"

	"calibrate/internal/language"
)

// The board raises a language flag from the hints of every director
// evidence and peer note of the cycle: thousands of texts at a few hundred
// EMs, re-read on every board request while they rarely change. The kinds
// of hint a text carries depend on the text alone, so they are memoized
// here, per distinct text, within a budget of bytes of text: past it the
// memo starts afresh. The first board of a cycle analyses every text;
// later ones only the texts that changed.

// hintKinds is a set of language.Kind.
type hintKinds uint8

var hintKindOrder = language.Kinds

func (k hintKinds) has(kind language.Kind) bool {
	for i, o := range hintKindOrder {
		if o == kind {
			return k&(1<<i) != 0
		}
	}
	return false
}

func kindsOf(hs []language.Hint) hintKinds {
	var k hintKinds
	for _, h := range hs {
		for i, o := range hintKindOrder {
			if o == h.Kind {
				k |= 1 << i
			}
		}
	}
	return k
}

const (
	hintMemoBytes   = 8 << 20 // text kept as keys, at most
	hintMemoLongest = 4 << 10 // longer texts are analysed every time
)

type hintMemo struct {
	mu    sync.RWMutex
	m     map[string]hintKinds
	bytes int
}

var memo = &hintMemo{m: map[string]hintKinds{}}

// textHintKinds returns the kinds of language hint text carries, as
// language.Analyze finds them.
func textHintKinds(text string) hintKinds {
	if text == "" {
		return 0
	}
	memo.mu.RLock()
	k, ok := memo.m[text]
	memo.mu.RUnlock()
	if ok {
		return k
	}
	k = kindsOf(language.Analyze(text))
	if len(text) <= hintMemoLongest {
		memo.mu.Lock()
		if memo.bytes+len(text) > hintMemoBytes {
			memo.m, memo.bytes = map[string]hintKinds{}, 0
		}
		if _, ok := memo.m[text]; !ok {
			memo.m[text] = k
			memo.bytes += len(text)
		}
		memo.mu.Unlock()
	}
	return k
}

// ForgetLanguageHints empties the memo, so the next board analyses every
// text again: for benchmarks of a board's first view.
func ForgetLanguageHints() {
	memo.mu.Lock()
	memo.m, memo.bytes = map[string]hintKinds{}, 0
	memo.mu.Unlock()
}
