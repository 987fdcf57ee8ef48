package mail

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"slices"
	"strings"
)

// tokens sign unsubscribe links: organisation, user and kind, with an HMAC
// under a key derived from the configured secret. A link never expires; it
// can only ever stop e-mail of its kind to its addressee.
type tokens struct{ key []byte }

func newTokens(secret []byte) tokens {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("calibrate mail unsubscribe v1"))
	return tokens{key: m.Sum(nil)}
}

func (t tokens) mac(payload string) []byte {
	m := hmac.New(sha256.New, t.key)
	m.Write([]byte(payload))
	return m.Sum(nil)
}

func (t tokens) make(orgID, userID, kind string) string {
	payload := orgID + " " + userID + " " + kind
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(t.mac(payload))
}

// ErrBadToken is an unsubscribe link that was not made here or was cut.
var ErrBadToken = errors.New("this unsubscribe link is not valid")

func (t tokens) read(token string) (orgID, userID, kind string, err error) {
	enc := base64.RawURLEncoding
	p, sig, ok := strings.Cut(token, ".")
	if !ok {
		return "", "", "", ErrBadToken
	}
	payload, err1 := enc.DecodeString(p)
	mac, err2 := enc.DecodeString(sig)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, t.mac(string(payload))) {
		return "", "", "", ErrBadToken
	}
	parts := strings.Split(string(payload), " ")
	if len(parts) != 3 || !slices.Contains(Kinds, parts[2]) {
		return "", "", "", ErrBadToken
	}
	return parts[0], parts[1], parts[2], nil
}

// OptOutStore records opt-outs.
type OptOutStore interface {
	OptOut(ctx context.Context, orgID, userID, kind string) error
}

// OptOuts answers unsubscribe links. It works whether or not e-mail is
// configured now: links already sent keep working.
type OptOuts struct {
	tokens tokens
	store  OptOutStore
}

// NewOptOut verifies links signed with secret (the same secret the queue
// is given) and records opt-outs in st.
func NewOptOut(st OptOutStore, secret []byte) *OptOuts {
	return &OptOuts{tokens: newTokens(secret), store: st}
}

// Check reads a link's token: the kind of e-mail it stops.
func (o *OptOuts) Check(token string) (kind string, err error) {
	_, _, kind, err = o.tokens.read(token)
	return kind, err
}

// OptOut records the token's opt-out and answers its kind.
func (o *OptOuts) OptOut(ctx context.Context, token string) (kind string, err error) {
	orgID, userID, kind, err := o.tokens.read(token)
	if err != nil {
		return "", err
	}
	return kind, o.store.OptOut(ctx, orgID, userID, kind)
}

// Describe says in words what a kind of e-mail is.
func Describe(kind string) string {
	switch kind {
	case KindAsked:
		return "e-mail asking you for peer input"
	case KindReminded:
		return "reminders to give peer input"
	case KindDueSoon:
		return "e-mail three days before peer input is due"
	case KindInputClosed:
		return "e-mail when peer input closes on a cycle you own"
	}
	return "this kind of e-mail"
}

// Token is the unsubscribe token of kind for a user, signed with secret:
// what each e-mail's link carries.
func Token(secret []byte, orgID, userID, kind string) string {
	return newTokens(secret).make(orgID, userID, kind)
}
