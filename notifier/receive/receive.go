// Package receive is fcnotify's HTTP front: it checks the shared secret,
// bounds and validates the body, commits the event to the inbox and only
// then responds 200. Processing happens elsewhere, so a slow chat never
// delays the response, for which Frappe Cloud waits 5 seconds.
package receive

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// SecretHeader carries Frappe Cloud's plain shared secret.
const SecretHeader = "X-Webhook-Secret"

// Secret is one accepted secret value and what it may deliver.
type Secret struct {
	Value string
	// Teams, when set, is the only teams whose events the secret may
	// deliver; a single team is also given to events that carry none.
	Teams []string
	// Endpoint, when set, binds the secret to Path + "/" + Endpoint.
	Endpoint string
}

// Options configures a Handler.
type Options struct {
	// Path is the webhook path, such as "/webhook", without a final slash.
	Path    string
	MaxBody int64
	// Secrets are the accepted secrets; with none, every request is
	// accepted.
	Secrets []Secret
	Store   store.Store
	// SourceZone is the zone of Frappe Cloud's datetimes.
	SourceZone *time.Location
	Logger     *slog.Logger
	Clock      notifier.Clock
	// Accepted is called after each new event is committed.
	Accepted func()
	Metrics  *Metrics
}

// Handler serves the webhook endpoints and /healthz. It is safe for
// concurrent use.
type Handler struct {
	opts      Options
	digests   [][sha256.Size]byte
	endpoints map[string]bool
	draining  atomic.Bool
}

// New returns a Handler for opts.
func New(opts Options) *Handler {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Clock == nil {
		opts.Clock = notifier.SystemClock{}
	}
	if opts.Accepted == nil {
		opts.Accepted = func() {}
	}
	h := &Handler{opts: opts, endpoints: map[string]bool{}}
	for _, s := range opts.Secrets {
		h.digests = append(h.digests, sha256.Sum256([]byte(s.Value)))
		if s.Endpoint != "" {
			h.endpoints[s.Endpoint] = true
		}
	}
	return h
}

// Drain makes the handler respond 503 to new webhook requests, so Frappe
// Cloud retries them after a restart. Requests already in progress finish.
func (h *Handler) Drain() { h.draining.Store(true) }

// ServeHTTP routes by path by hand because http.ServeMux responds to some
// paths with a redirect, which Frappe Cloud's sender would follow as a bodiless GET
// and count as delivered.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/healthz" {
		h.health(w, r)
		return
	}

	endpoint, ok := h.endpointOf(r.URL.Path)
	if !ok {
		// The path is logged only as a length: a mistyped URL may carry
		// what was meant as a secret.
		h.opts.Logger.Warn("request for an unknown path", "remote_addr", r.RemoteAddr,
			"method", r.Method, "path_length", len(r.URL.Path))
		h.opts.Metrics.count(outcomeNotFound)
		writeJSON(w, http.StatusNotFound, errorBody("no webhook at this path: use "+h.opts.Path))
		return
	}
	h.webhook(w, r, endpoint)
}

// endpointOf returns the named endpoint of a webhook path, "" for the
// default one, and false for paths that are not webhooks.
func (h *Handler) endpointOf(path string) (string, bool) {
	base := h.opts.Path
	if path == base || path == base+"/" {
		return "", true
	}
	name, found := strings.CutPrefix(path, base+"/")
	name = strings.TrimSuffix(name, "/")
	if !found || name == "" || strings.Contains(name, "/") || !h.endpoints[name] {
		return "", false
	}
	return name, true
}

// authorize returns the secret the request carries, and false when it
// carries none of the secrets allowed on the endpoint. Every candidate is
// compared in constant time, and the loop never stops early, so the
// answer time does not tell how close a guess was.
func (h *Handler) authorize(r *http.Request, endpoint string) (*Secret, bool) {
	if len(h.opts.Secrets) == 0 {
		return &Secret{}, true
	}
	given := sha256.Sum256([]byte(r.Header.Get(SecretHeader)))

	var match *Secret
	for i := range h.opts.Secrets {
		s := &h.opts.Secrets[i]
		equal := subtle.ConstantTimeCompare(given[:], h.digests[i][:]) == 1
		if equal && s.Endpoint == endpoint && match == nil {
			match = s
		}
	}
	return match, match != nil
}

func (h *Handler) health(w http.ResponseWriter, r *http.Request) {
	if err := h.opts.Store.Ping(r.Context()); err != nil {
		h.opts.Logger.Error("health check failed: store unreachable", "err", err)
		writeJSON(w, http.StatusServiceUnavailable, errorBody("state store unreachable"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
}

func allowedTeam(s *Secret, team string) bool {
	return len(s.Teams) == 0 || team == "" || slices.Contains(s.Teams, team)
}

func errorBody(msg string) map[string]any {
	return map[string]any{"error": msg}
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}
