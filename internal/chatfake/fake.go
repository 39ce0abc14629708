// Package chatfake runs fake Slack and Discord servers on loopback for
// tests and benchmarks. The fakes respond to the requests fcnotify makes
// as the real APIs do, record every request, and let a test script failures,
// hang requests or enforce the platforms' rate limits.
//
// A fake is closed by the test's cleanup. Its methods are safe for
// concurrent use.
package chatfake

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// maxBody bounds the request body a fake records.
const maxBody = 10 << 20

// Request is one request a fake received.
type Request struct {
	Method string
	Path   string
	Query  url.Values
	Header http.Header
	Body   []byte
	// Time is when the fake received the request, by its clock.
	Time time.Time
}

// Option changes a fake's behaviour.
type Option func(*settings)

type settings struct {
	token  string
	limits bool
	now    func() time.Time
}

// WithToken makes the bot API of a fake reject every request whose token
// differs from token. Without it any token is accepted.
func WithToken(token string) Option {
	return func(s *settings) { s.token = token }
}

// WithLimits makes a fake enforce the platform's rate limit and respond to
// a request over it with HTTP 429, as the platform would. RateLimited
// counts those responses.
func WithLimits() Option {
	return func(s *settings) { s.limits = true }
}

// WithClock sets the clock that rate limits and request times use, so a
// test can move time without sleeping. The default is time.Now.
func WithClock(now func() time.Time) Option {
	return func(s *settings) { s.now = now }
}

// scripted is a canned response, or a hang when hang is set.
type scripted struct {
	status int
	body   string
	header map[string]string
	hang   bool
}

// server is the part that the Slack and Discord fakes share: recording,
// scripted responses and the httptest server.
type server struct {
	settings
	srv     *httptest.Server
	closing chan struct{}
	once    sync.Once

	// mu guards the fields below it.
	mu       sync.Mutex
	requests []Request
	script   []scripted
	limited  int
}

func newServer(t testing.TB, opts []Option, api http.Handler) *server {
	t.Helper()
	s := &server{settings: settings{now: time.Now}, closing: make(chan struct{})}
	for _, opt := range opts {
		opt(&s.settings)
	}
	s.srv = httptest.NewServer(s.handler(api))
	t.Cleanup(s.Close)
	return s
}

// URL returns the base URL of the fake, such as http://127.0.0.1:43121.
func (s *server) URL() string { return s.srv.URL }

// Client returns an HTTP client for the fake.
func (s *server) Client() *http.Client { return s.srv.Client() }

// Close shuts the fake down, ending hung requests first. Later requests
// fail with a connection error. Close may be called more than once.
func (s *server) Close() {
	s.once.Do(func() {
		close(s.closing)
		s.srv.Close()
	})
}

// Requests returns a copy of every request received, in order.
func (s *server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.requests...)
}

// Bodies returns the body of every request received, in order.
func (s *server) Bodies() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	bodies := make([][]byte, len(s.requests))
	for i, r := range s.requests {
		bodies[i] = r.Body
	}
	return bodies
}

// Fail queues n responses with status, body and headers. Queued responses,
// including hangs, are used one per request, in order, before the fake
// responds normally again.
func (s *server) Fail(n int, status int, body string, headers map[string]string) {
	s.queue(n, scripted{status: status, body: body, header: headers})
}

// Hang queues n responses that never come: the request blocks until the
// client gives up or the fake is closed.
func (s *server) Hang(n int) {
	s.queue(n, scripted{hang: true})
}

func (s *server) queue(n int, response scripted) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.script = append(s.script, response)
	}
}

// RateLimited returns the number of requests refused with 429 because
// they broke the rate limit that WithLimits enforces. Scripted 429s do
// not count.
func (s *server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

func (s *server) countLimited() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited++
}

// handler records the request, then responds from the script or with api.
func (s *server) handler(api http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(r.Body, maxBody))
		r.Body = io.NopCloser(bytes.NewReader(body))

		s.mu.Lock()
		s.requests = append(s.requests, Request{
			Method: r.Method,
			Path:   r.URL.Path,
			Query:  r.URL.Query(),
			Header: r.Header.Clone(),
			Body:   body,
			Time:   s.now(),
		})
		var canned *scripted
		if len(s.script) > 0 {
			canned = &s.script[0]
			s.script = s.script[1:]
		}
		s.mu.Unlock()

		if canned == nil {
			api.ServeHTTP(w, r)
			return
		}
		if canned.hang {
			select {
			case <-r.Context().Done():
			case <-s.closing:
			}
			return
		}
		for name, value := range canned.header {
			w.Header().Set(name, value)
		}
		w.WriteHeader(canned.status)
		_, _ = io.WriteString(w, canned.body)
	})
}
