package calibration

import (
	"sync"
	"sync/atomic"

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

var hintKindOrder = []language.Kind{language.Personality, language.Vague, language.Absolute, language.OffTopic}

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
	m     sync.Map // text → hintKinds
	bytes atomic.Int64
}

var memo atomic.Pointer[hintMemo]

func init() { memo.Store(&hintMemo{}) }

// textHintKinds returns the kinds of language hint text carries, as
// language.Analyze finds them.
func textHintKinds(text string) hintKinds {
	if text == "" {
		return 0
	}
	m := memo.Load()
	if k, ok := m.m.Load(text); ok {
		return k.(hintKinds)
	}
	k := kindsOf(language.Analyze(text))
	if len(text) <= hintMemoLongest {
		if m.bytes.Add(int64(len(text))) > hintMemoBytes {
			memo.CompareAndSwap(m, &hintMemo{})
		} else {
			m.m.Store(text, k)
		}
	}
	return k
}

// ForgetLanguageHints empties the memo, so the next board analyses every
// text again: for benchmarks of a board's first view.
func ForgetLanguageHints() { memo.Store(&hintMemo{}) }
