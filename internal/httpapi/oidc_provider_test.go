package httpapi_test

// A real OpenID provider for the single sign-on tests: zitadel's `op`
// package (discovery, authorization with PKCE, the token endpoint, the
// JWKS) over the in-memory storage of its example, served over loopback
// HTTP. The tests choose who signs in at its login page and may make it
// misbehave as a faulty or hostile provider would: sign with a key it does
// not publish, issue the token to another audience, leave out the nonce.

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/op"
)

const (
	testClientID     = "calibrate"
	testClientSecret = "calibrate-secret"
	testPublicURL    = "http://calibrate.test"
)

// misbehaviour is how the provider departs from the protocol.
type misbehaviour int

const (
	behaves misbehaviour = iota
	signsWithUnpublishedKey
	issuesToAnotherAudience
	dropsTheNonce
)

type testProvider struct {
	URL     string
	storage *providerStorage
	close   func()
}

// providerUsers is the provider's directory: username (the e-mail) → user.
type providerUsers struct {
	mu    sync.Mutex
	users map[string]*storage.User
}

func (u *providerUsers) GetUserByID(id string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	for _, x := range u.users {
		if x.ID == id {
			return x
		}
	}
	return nil
}

func (u *providerUsers) GetUserByUsername(name string) *storage.User {
	u.mu.Lock()
	defer u.mu.Unlock()
	return u.users[name]
}

func (u *providerUsers) ExampleClientID() string { return "service" }

// providerStorage is the example's storage with the tests' switches.
type providerStorage struct {
	*storage.Storage
	users   *providerUsers
	foreign *storage.Storage // holds a key the provider never publishes
	mu      sync.Mutex
	mode    misbehaviour
	next    string // the username the login page signs in
}

func (s *providerStorage) behaviour() misbehaviour {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.mode
}

// The client registered for Calibrate: a confidential web client whose ID
// token carries the e-mail claims (as most providers' do with the email
// scope).
type calibrateClient struct{ op.Client }

func (calibrateClient) IDTokenUserinfoClaimsAssertion() bool { return true }

func (s *providerStorage) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	c, err := s.Storage.GetClientByClientID(ctx, id)
	if err != nil {
		return nil, err
	}
	return calibrateClient{c}, nil
}

// SigningKey: with signsWithUnpublishedKey, the ID token is signed by a
// real RSA key that the provider's JWKS does not list.
func (s *providerStorage) SigningKey(ctx context.Context) (op.SigningKey, error) {
	if s.behaviour() == signsWithUnpublishedKey {
		return s.foreign.SigningKey(ctx)
	}
	return s.Storage.SigningKey(ctx)
}

func (s *providerStorage) SignatureAlgorithms(context.Context) ([]jose.SignatureAlgorithm, error) {
	return []jose.SignatureAlgorithm{jose.RS256}, nil
}

type skewedRequest struct {
	op.AuthRequest
	mode misbehaviour
}

func (r skewedRequest) GetNonce() string {
	if r.mode == dropsTheNonce {
		return ""
	}
	return r.AuthRequest.GetNonce()
}

func (s *providerStorage) AuthRequestByCode(ctx context.Context, code string) (op.AuthRequest, error) {
	r, err := s.Storage.AuthRequestByCode(ctx, code)
	if err != nil {
		return nil, err
	}
	return skewedRequest{r, s.behaviour()}, nil
}

// newTestProvider starts a provider whose client calibrate may send people
// back to testPublicURL's callback.
func newTestProvider(t testing.TB) *testProvider {
	t.Helper()
	users := &providerUsers{users: map[string]*storage.User{}}
	clients := map[string]*storage.Client{
		testClientID: storage.WebClient(testClientID, testClientSecret, testPublicURL+"/api/v1/auth/oidc/callback"),
	}
	st := &providerStorage{Storage: storage.NewStorageWithClients(users, clients), users: users,
		foreign: storage.NewStorageWithClients(users, clients)}
	var handler http.Handler // set below, before any request
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { handler.ServeHTTP(w, r) }))
	t.Cleanup(srv.Close)

	var key [32]byte
	_, _ = rand.Read(key[:])
	provider, err := op.NewProvider(&op.Config{CryptoKey: key, CodeMethodS256: true, AuthMethodPost: true},
		st, op.StaticIssuer(srv.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatalf("starting the provider: %v", err)
	}
	callback := op.AuthCallbackURL(provider)
	// The provider's login page: the person the test chose signs in.
	login := op.NewIssuerInterceptor(provider.IssuerFromRequest).HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.URL.Query().Get("authRequestID")
		st.mu.Lock()
		who := st.next
		st.mu.Unlock()
		u := users.GetUserByUsername(who)
		if u == nil {
			http.Error(w, "no such user at the provider", http.StatusForbidden)
			return
		}
		if err := st.CheckUsernamePassword(u.Username, u.Password, id); err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		http.Redirect(w, r, callback(r.Context(), id), http.StatusFound)
	})
	mux := http.NewServeMux()
	mux.Handle("/login/username", login)
	mux.Handle("/oauth/token", st.reissue(provider))
	mux.Handle("/", provider)
	handler = mux
	return &testProvider{URL: srv.URL, storage: st, close: srv.Close}
}

// addUser registers a person at the provider.
func (p *testProvider) addUser(email string, verified bool) {
	p.storage.users.mu.Lock()
	defer p.storage.users.mu.Unlock()
	p.storage.users.users[email] = &storage.User{ID: "sub-" + email, Username: email, Password: "provider-password",
		FirstName: "Test", LastName: "Person", Email: email, EmailVerified: verified}
}

// signInAs makes the provider's login page sign in email, behaving as mode.
func (p *testProvider) signInAs(email string, mode misbehaviour) {
	p.storage.mu.Lock()
	defer p.storage.mu.Unlock()
	p.storage.next, p.storage.mode = email, mode
}

// reissue: with issuesToAnotherAudience, the token endpoint answers an ID
// token for another client, signed with the provider's own published key
// (the claims of the one it issued, the audience and authorized party
// changed).
func (s *providerStorage) reissue(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.behaviour() != issuesToAnotherAudience {
			next.ServeHTTP(w, r)
			return
		}
		rec := httptest.NewRecorder()
		next.ServeHTTP(rec, r)
		var body map[string]any
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &body) != nil {
			http.Error(w, "token endpoint failed", http.StatusInternalServerError)
			return
		}
		idToken, _ := body["id_token"].(string)
		parts := strings.Split(idToken, ".")
		var claims map[string]any
		raw, err := base64.RawURLEncoding.DecodeString(parts[min(1, len(parts)-1)])
		if err != nil || json.Unmarshal(raw, &claims) != nil {
			http.Error(w, "no id token", http.StatusInternalServerError)
			return
		}
		claims["aud"] = []string{"another-client"}
		claims["azp"] = "another-client"
		key, err := s.Storage.SigningKey(r.Context())
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: key.Key(), KeyID: key.ID()}},
			(&jose.SignerOptions{}).WithType("JWT"))
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		payload, _ := json.Marshal(claims)
		jws, err := signer.Sign(payload)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		body["id_token"], _ = jws.CompactSerialize()
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(body)
	})
}
