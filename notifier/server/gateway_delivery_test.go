package server

import (
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"testing"
)

// gateway is a proxy between fcnotify and a chat fake, as the platform's
// edge would be. While down it responds to every request with 503, as a
// chat platform in an outage does; while held it keeps each request until the
// test releases it. Otherwise it passes requests on to the fake.
type gateway struct {
	srv   *httptest.Server
	proxy *httputil.ReverseProxy

	down    atomic.Bool
	refused atomic.Int64

	mu      sync.Mutex
	hold    bool
	arrived chan struct{}
	release chan struct{}
}

func newGateway(t testing.TB, target string) *gateway {
	t.Helper()
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	g := &gateway{
		proxy:   httputil.NewSingleHostReverseProxy(u),
		arrived: make(chan struct{}, 100), release: make(chan struct{}),
	}
	// A request that fcnotify gave up on is dropped without a log line.
	g.proxy.ErrorHandler = func(w http.ResponseWriter, _ *http.Request, _ error) {
		w.WriteHeader(http.StatusBadGateway)
	}
	g.srv = httptest.NewServer(http.HandlerFunc(g.serve))
	t.Cleanup(g.srv.Close)
	t.Cleanup(g.Release)
	return g
}

func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	if g.down.Load() {
		g.refused.Add(1)
		http.Error(w, "upstream unavailable", http.StatusServiceUnavailable)
		return
	}

	g.mu.Lock()
	hold, release := g.hold, g.release
	g.mu.Unlock()
	if hold {
		g.arrived <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
			return
		}
	}
	g.proxy.ServeHTTP(w, r)
}

// URL returns the gateway's base URL.
func (g *gateway) URL() string { return g.srv.URL }

// Hold makes the gateway keep every request until Release.
func (g *gateway) Hold() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.hold = true
}

// Release lets held requests through and stops holding new ones. It may
// be called more than once.
func (g *gateway) Release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.hold {
		g.hold = false
		close(g.release)
	}
}
