package bench

import (
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"sync/atomic"
)

// RoundTripCounter is a TCP proxy in front of PostgreSQL that counts the
// client's round trips: the messages after which a client waits for the
// server (Sync, closing an extended-protocol exchange, and Query, a
// simple-protocol one). A prepared statement's first use is two round
// trips (prepare, then execute). The driver's liveness ping (before reusing
// a connection idle for a second) is counted apart, in Pings: it depends on
// the time between requests, not on their work. Point a DATABASE_URL at it
// with URL.
type RoundTripCounter struct {
	ln       net.Listener
	upstream string
	n        atomic.Int64
	pings    atomic.Int64
	conns    atomic.Int64
	wg       sync.WaitGroup
}

// NewRoundTripCounter proxies to the host:port of databaseURL.
func NewRoundTripCounter(databaseURL string) (*RoundTripCounter, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &RoundTripCounter{ln: ln, upstream: u.Host}
	p.wg.Add(1)
	go p.serve()
	return p, nil
}

// URL is databaseURL with its host replaced by the proxy's address.
func (p *RoundTripCounter) URL(databaseURL string) string {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return databaseURL
	}
	u.Host = p.ln.Addr().String()
	return u.String()
}

// RoundTrips is the number counted so far, liveness pings aside; Pings,
// those pings; Connections, the connections opened through the proxy.
func (p *RoundTripCounter) RoundTrips() int64  { return p.n.Load() }
func (p *RoundTripCounter) Pings() int64       { return p.pings.Load() }
func (p *RoundTripCounter) Connections() int64 { return p.conns.Load() }

// Close stops accepting; open connections end with their clients.
func (p *RoundTripCounter) Close() error {
	err := p.ln.Close()
	p.wg.Wait()
	return err
}

func (p *RoundTripCounter) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.conns.Add(1)
		go p.relay(c)
	}
}

func (p *RoundTripCounter) relay(client net.Conn) {
	server, err := net.Dial("tcp", p.upstream)
	if err != nil {
		client.Close()
		return
	}
	go func() {
		_, _ = io.Copy(client, server)
		client.Close()
	}()
	_ = p.count(io.TeeReader(client, server))
	server.Close()
	client.Close()
}

const (
	sslRequestCode = 80877103
	gssRequestCode = 80877104
)

// count reads the client's side of the protocol, which it has already
// forwarded, and counts Sync and Query messages.
func (p *RoundTripCounter) count(r io.Reader) error {
	var head [8]byte
	// Start-up: untyped messages; an SSL or GSS request is followed by
	// another one.
	for {
		if _, err := io.ReadFull(r, head[:8]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint32(head[:4]))
		code := binary.BigEndian.Uint32(head[4:8])
		if n < 8 {
			return errors.New("pgwire: bad start-up length")
		}
		if _, err := io.CopyN(io.Discard, r, int64(n-8)); err != nil {
			return err
		}
		if code != sslRequestCode && code != gssRequestCode {
			break
		}
	}
	for {
		if _, err := io.ReadFull(r, head[:5]); err != nil {
			return err
		}
		n := int(binary.BigEndian.Uint32(head[1:5]))
		if n < 4 {
			return errors.New("pgwire: bad message length")
		}
		if head[0] == 'Q' && n-4 == len(pingQuery) {
			// Possibly the driver's liveness ping, sent before reusing a
			// connection idle for a second or more: it depends on timing,
			// not on the request, and is counted apart.
			body := make([]byte, n-4)
			if _, err := io.ReadFull(r, body); err != nil {
				return err
			}
			if string(body) == pingQuery {
				p.pings.Add(1)
			} else {
				p.n.Add(1)
			}
			continue
		}
		if head[0] == 'S' || head[0] == 'Q' {
			p.n.Add(1)
		}
		if _, err := io.CopyN(io.Discard, r, int64(n-4)); err != nil {
			return err
		}
	}
}

// pingQuery is the body of the Query message pgx's Ping sends.
const pingQuery = "-- ping\x00"
