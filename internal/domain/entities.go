package domain

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

type Organization struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// PasswordLogin says whether its people may sign in with a password;
	// when false only single sign-on works, except for its admins.
	PasswordLogin bool `json:"password_login"`
}

// User is a person of one organisation. EMSince is a calendar date
// (YYYY-MM-DD) or empty; PasswordHash never leaves the server.
type User struct {
	ID           string
	OrgID        string
	OrgName      string
	Email        string
	Name         string
	Role         Role
	Function     Function
	ManagerID    *string
	EMSince      *string
	Active       bool
	PasswordHash string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	// ManagerInactive is not stored: the user service sets it when the
	// user's manager is deactivated, so admins see who reports to an
	// inactive manager until someone moves them.
	ManagerInactive bool
}

// DateLayout is how calendar dates (em_since, due dates) travel and are stored.
const DateLayout = "2006-01-02"

// ValidDate reports whether s is a real calendar date in DateLayout.
func ValidDate(s string) bool {
	t, err := time.Parse(DateLayout, s)
	return err == nil && t.Format(DateLayout) == s
}

// Scale is a framework's rating scale: whole scores Min..Max, Bar the
// senior level, one label per score (Labels[0] is the label of Min).
type Scale struct {
	Min    int      `json:"min"`
	Max    int      `json:"max"`
	Bar    int      `json:"bar"`
	Labels []string `json:"labels"`
}

type Criterion struct {
	Key         string  `json:"key"`
	Title       string  `json:"title"`
	Description string  `json:"description"`
	Weight      float64 `json:"weight"`
}

type Framework struct {
	ID        string      `json:"id"`
	OrgID     string      `json:"-"`
	Name      string      `json:"name"`
	Version   int         `json:"version"`
	BasedOn   *string     `json:"based_on"`
	Scale     Scale       `json:"scale"`
	Criteria  []Criterion `json:"criteria"`
	InUse     bool        `json:"in_use"`
	CreatedAt time.Time   `json:"created_at"`
}

// Criterion returns the criterion with key, if the framework has it.
func (f *Framework) Criterion(key string) (Criterion, bool) {
	for _, c := range f.Criteria {
		if c.Key == key {
			return c, true
		}
	}
	return Criterion{}, false
}

// AuditEntry records one write: who, when, what, before and after.
type AuditEntry struct {
	ID         string  `json:"id"`
	OrgID      string  `json:"-"`
	ActorID    *string `json:"actor_id"`
	Action     string  `json:"action"`
	ObjectType string  `json:"object_type"`
	ObjectID   string  `json:"object_id"`
	CycleID    *string `json:"cycle_id"`
	// EMID names the EM an entry is about (rated, decided, written about,
	// discussed), when it is about one.
	EMID *string `json:"em_id"`
	// Seq is the entry's place in its organisation's chain.
	Seq    int64     `json:"-"`
	Before any       `json:"before"`
	After  any       `json:"after"`
	At     time.Time `json:"at"`
}

// ActionMemberChange is the audit action of an admin's change to the
// role, reporting line or active flag of an owner or participant of an
// unfinished cycle: one entry per such cycle, carrying its id, so that the
// cycle's audit and its owners' board show what changed under them.
const ActionMemberChange = "cycle.member_change"

// MemberState is what a member-change entry keeps of the person before and
// after: only what the cycle's owners need to read, never an e-mail.
type MemberState struct {
	Name    string `json:"name"`
	Role    Role   `json:"role"`
	Manager *Ref   `json:"manager"`
	Active  bool   `json:"active"`
	// Via is set on the after state of a change no signed-in user made
	// (an identity provider over SCIM).
	Via *Via `json:"via,omitempty"`
}

// MemberChange is one member-change entry as a cycle's board reads it;
// Actor is nil when no signed-in user made it.
type MemberChange struct {
	At        time.Time
	Actor     *Ref
	SubjectID string
	Before    MemberState
	After     MemberState
}

// Page asks for one page of a list: at most Limit items after Cursor.
type Page struct {
	Limit  int
	Cursor string
}

const (
	DefaultPageLimit = 50
	MaxPageLimit     = 100
)

// List is one page of a list and the cursor of the next page ("" at the end).
type List[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"next_cursor"`
}

// Gather pages through a list from its start, in pages of `size`, and
// returns its items, at most `most` of them (most <= 0: all).
func Gather[T any](size, most int, list func(Page) (List[T], error)) ([]T, error) {
	var out []T
	page := Page{Limit: size}
	for most <= 0 || len(out) < most {
		l, err := list(page)
		if err != nil {
			return nil, err
		}
		out = append(out, l.Items...)
		if l.NextCursor == "" {
			break
		}
		page.Cursor = l.NextCursor
	}
	if most > 0 && len(out) > most {
		out = out[:most]
	}
	return out, nil
}

// Clock tells the time; tests fix it.
type Clock interface{ Now() time.Time }

type SystemClock struct{}

func (SystemClock) Now() time.Time { return time.Now().UTC() }

var idMu sync.Mutex
var lastIDMillis int64
var lastIDSeq uint16

// NewID returns a time-ordered opaque id (the layout of a UUIDv7): ids sort
// in creation order, which keeps cursor pagination stable and indexes
// append-only. Within one millisecond a counter keeps the order strict.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	idMu.Lock()
	ms := time.Now().UnixMilli()
	if ms <= lastIDMillis {
		ms = lastIDMillis
		lastIDSeq++
		if lastIDSeq >= 0x0fff {
			ms++
			lastIDSeq = 0
		}
	} else {
		lastIDSeq = 0
	}
	lastIDMillis = ms
	seq := lastIDSeq
	idMu.Unlock()
	binary.BigEndian.PutUint64(b[0:8], uint64(ms)<<16)
	b[6] = 0x70 | byte(seq>>8&0x0f)
	b[7] = byte(seq) //nolint:gosec // G115: the low byte of the 12-bit counter, on purpose
	b[8] = b[8]&0x3f | 0x80
	s := hex.EncodeToString(b[:])
	return s[0:8] + "-" + s[8:12] + "-" + s[12:16] + "-" + s[16:20] + "-" + s[20:32]
}

// Optional is a field of a partial update: Set says whether the request
// named it at all, Value is nil when it named it as null.
type Optional[T any] struct {
	Set   bool
	Value *T
}

// UserFilter narrows a user list.
type UserFilter struct {
	OrgID    string
	Under    string // only the reports (direct and indirect) of this manager
	Role     Role
	Function Function
	Query    string // matched against name (and e-mail unless NameOnly), case-insensitive
	NameOnly bool
	Active   *bool
}

// AuditFilter narrows the audit log: an organisation always; optionally one
// cycle; when CycleIDs is non-nil, only entries of those cycles.
type AuditFilter struct {
	OrgID    string
	CycleID  string
	CycleIDs []string
	// Actions, when non-nil, keeps only entries of these actions.
	Actions []string
	// ActorID keeps only entries written by this user ("": anyone).
	ActorID string
	// From keeps only entries at or after it; Until only those strictly
	// before it (zero: unbounded).
	From, Until time.Time
	// AfterSeq keeps only entries after this place in the chain (0: all).
	AfterSeq int64
	// UpTo keeps only entries whose id is at most this one ("": all); a
	// list that resumes inside an entry starts from it again.
	UpTo string
}

// CycleRef names a cycle with its organisation: what a committed write
// announces to the cycle's event stream.
type CycleRef struct {
	OrgID   string
	CycleID string
}

// CycleEntry is an audit entry of a cycle as its event stream reads it:
// what changed, about whom, by whom, never the values. ActorIsOwner says
// whether the actor is, at the time of reading, an owner of the cycle or
// an admin of the organisation.
type CycleEntry struct {
	Seq          int64
	Action       string
	CycleID      string
	EMID         *string
	ActorID      *string
	ActorIsOwner bool
	At           time.Time
}

// ScimToken is a bearer token an identity provider presents on the SCIM
// routes: it acts for one organisation. The token itself is never kept,
// only its SHA-256.
type ScimToken struct {
	ID         string
	OrgID      string
	Name       string
	CreatedBy  *string
	CreatedAt  time.Time
	LastUsedAt *time.Time
	RevokedAt  *time.Time
}

// Via names what made a change no signed-in user made: an audit entry
// whose actor is null carries it in its after state, so that the chain of
// entries (and its keyed hashes) keeps one shape while the entry still
// says who acted.
type Via struct {
	Kind      string `json:"kind"` // "scim"
	TokenID   string `json:"token_id"`
	TokenName string `json:"token_name"`
}

// ViaSCIM is the Via kind of a change an identity provider made over SCIM.
const ViaSCIM = "scim"

// Some is an Optional set to v.
func Some[T any](v T) Optional[T] { return Optional[T]{Set: true, Value: &v} }

// OIDCLogin is a single sign-on attempt under way, between the redirect to
// the provider and its callback. It belongs to no organisation: who signs
// in, and so which organisation, is known only at the callback.
type OIDCLogin struct {
	StateHash   string // the hash of the state sent to the provider
	BrowserHash string // the hash of the value of the browser's binding cookie
	Nonce       string // what the ID token's nonce claim must be
	Verifier    string // the PKCE code verifier
	CreatedAt   time.Time
	ExpiresAt   time.Time
}
