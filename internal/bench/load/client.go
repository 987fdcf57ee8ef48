package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"
)

// client talks to the server under test: the setup's requests, and the
// HTTP client vegeta's attacks share.
type client struct {
	base string
	http *http.Client
}

func newClient(base string) (*client, error) {
	u, err := url.Parse(base)
	if err != nil {
		return nil, err
	}
	host := u.Hostname()
	if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return nil, fmt.Errorf("-url %s: only a loopback server", base)
	}
	tr := &http.Transport{MaxIdleConns: 128, MaxIdleConnsPerHost: 128, IdleConnTimeout: 90 * time.Second, DisableCompression: true}
	return &client{base: strings.TrimRight(base, "/"), http: &http.Client{Transport: tr, Timeout: 30 * time.Second}}, nil
}

// do sends a request and reads the whole answer; out, when set, receives
// the decoded JSON.
func (c *client) do(method, path, token string, body any, out any) (int, error) {
	var r io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		r = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.base+path, r)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	res, err := c.http.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode == http.StatusTooManyRequests && path != "/api/v1/auth/login" {
		fmt.Fprintf(os.Stderr, "load: %s %s answered 429: the server limits each user's calls; serve it with CALIBRATE_RATE_LIMIT=0\n", method, path)
		os.Exit(1)
	}
	if out != nil && res.StatusCode < 300 {
		return res.StatusCode, json.NewDecoder(res.Body).Decode(out)
	}
	_, err = io.Copy(io.Discard, res.Body)
	return res.StatusCode, err
}

func (c *client) login(email, password string) (string, error) {
	var out struct {
		AccessToken string `json:"access_token"`
	}
	code, err := c.do(http.MethodPost, "/api/v1/auth/login", "", map[string]string{"email": email, "password": password}, &out)
	if err == nil && code != http.StatusOK {
		err = fmt.Errorf("login %s: HTTP %d", email, code)
	}
	return out.AccessToken, err
}

// --- The organisation under test ---------------------------------------------

type org struct {
	domain  string
	cycleID string
	token   string // the lead director's
	ems     int
	// writers: directors (token) with the EMs they rate in the cycle.
	writers []writer
}

type writer struct {
	token string
	ems   []string
}

type cycleDoc struct {
	ID     string `json:"id"`
	Owners []struct {
		ID string `json:"id"`
	} `json:"owners"`
	Participants []struct {
		ID         string `json:"id"`
		DirectorID string `json:"director_id"`
	} `json:"participants"`
}

// preReaders is how many directors pre-read before the measurements.
const preReaders = 4

func setupOrg(c *client, o options, domain string, writers int, prereads bool) (*org, error) {
	g := &org{domain: domain}
	var err error
	if g.token, err = c.login("director@"+domain+".test", o.password); err != nil {
		return nil, err
	}
	var list struct {
		Items []cycleDoc `json:"items"`
	}
	if _, err := c.do(http.MethodGet, "/api/v1/cycles?state=calibrating", g.token, nil, &list); err != nil {
		return nil, err
	}
	if len(list.Items) != 1 {
		return nil, fmt.Errorf("%s: %d cycles in calibration, want 1 (seed it with calibrate seed)", domain, len(list.Items))
	}
	var cy cycleDoc
	if _, err := c.do(http.MethodGet, "/api/v1/cycles/"+list.Items[0].ID, g.token, nil, &cy); err != nil {
		return nil, err
	}
	g.cycleID, g.ems = cy.ID, len(cy.Participants)
	// The first directors, each with their own EMs, write assessments; the
	// first preReaders of them also pre-read one EM in five among the
	// others'. Writers are many so that each EM's writes, one at a time,
	// keep up with the arrival rate even when the server is slow.
	for i := 0; i < writers && i < len(cy.Owners); i++ {
		email := "director@" + domain + ".test"
		if i > 0 {
			email = fmt.Sprintf("director%d@%s.test", i+1, domain)
		}
		tok := g.token
		if i > 0 {
			if tok, err = c.login(email, o.password); err != nil {
				return nil, err
			}
		}
		var me struct {
			ID string `json:"id"`
		}
		if _, err := c.do(http.MethodGet, "/api/v1/me", tok, nil, &me); err != nil {
			return nil, err
		}
		w := writer{token: tok}
		for k, p := range cy.Participants {
			if p.DirectorID == me.ID {
				w.ems = append(w.ems, p.ID)
				continue
			}
			if prereads && i < preReaders && k%5 == 0 {
				stance := []string{"agree", "agree", "agree", "question", "abstain"}[(k+i)%5]
				body := map[string]any{"stance": stance}
				if stance == "question" {
					body["comment"] = "The delivery evidence reads thin next to the peer notes; worth two minutes."
				}
				code, err := c.do(http.MethodPut, "/api/v1/cycles/"+cy.ID+"/ems/"+p.ID+"/preread", tok, body, nil)
				if err == nil && code != http.StatusOK && code != http.StatusCreated {
					err = fmt.Errorf("pre-read: HTTP %d", code)
				}
				if err != nil {
					return nil, err
				}
			}
		}
		g.writers = append(g.writers, w)
	}
	return g, nil
}

func (g *org) boardPath() string { return "/api/v1/cycles/" + g.cycleID + "/board" }
