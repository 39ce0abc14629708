package receive

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// Outcomes of a webhook request, as counted and logged.
const (
	outcomeAccepted     = "accepted"
	outcomeDuplicate    = "duplicate"
	outcomeHandshake    = "handshake"
	outcomeUnauthorized = "unauthorized"
	outcomeForbidden    = "forbidden"
	outcomeTooLarge     = "too_large"
	outcomeInvalid      = "invalid"
	outcomeMethod       = "method_not_allowed"
	outcomeDraining     = "draining"
	outcomeStoreFailed  = "store_failed"
	outcomeNotFound     = "not_found"
)

func (h *Handler) webhook(w http.ResponseWriter, r *http.Request, endpoint string) {
	log := h.opts.Logger.With("endpoint", endpointLabel(endpoint), "remote_addr", r.RemoteAddr)

	if r.Method != http.MethodPost {
		log.Warn("webhook rejected: method not allowed", "method", r.Method)
		w.Header().Set("Allow", http.MethodPost)
		h.reject(w, http.StatusMethodNotAllowed, outcomeMethod, "method "+r.Method+" not allowed: send POST")
		return
	}
	if h.draining.Load() {
		w.Header().Set("Retry-After", "30")
		h.reject(w, http.StatusServiceUnavailable, outcomeDraining, "fcnotify is shutting down: retry later")
		return
	}
	secret, ok := h.authorize(r, endpoint)
	if !ok {
		log.Warn("webhook rejected: missing or invalid secret")
		h.reject(w, http.StatusUnauthorized, outcomeUnauthorized, "missing or invalid "+SecretHeader+" header")
		return
	}

	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, h.opts.MaxBody))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		log.Warn("webhook rejected: body too large", "max_body", h.opts.MaxBody)
		h.reject(w, http.StatusRequestEntityTooLarge, outcomeTooLarge,
			fmt.Sprintf("body is larger than the %d-byte limit", h.opts.MaxBody))
		return
	}
	if err != nil {
		h.reject(w, http.StatusBadRequest, outcomeInvalid, "could not read body: "+err.Error())
		return
	}

	ev, err := payload.Parse(body, h.opts.SourceZone)
	if err != nil {
		log.Warn("webhook rejected: invalid body", "err", err)
		h.reject(w, http.StatusBadRequest, outcomeInvalid, err.Error())
		return
	}
	if !allowedTeam(secret, ev.Team) {
		log.Warn("webhook rejected: team not allowed for this secret", "team", ev.Team)
		h.reject(w, http.StatusForbidden, outcomeForbidden,
			fmt.Sprintf("team %q is not allowed for this secret", ev.Team))
		return
	}
	if notifier.IsHandshake(ev.Name) {
		h.opts.Metrics.count(outcomeHandshake)
		log.Info("webhook handshake answered", "event", ev.Name)
		writeJSON(w, http.StatusOK, map[string]any{"status": "ok"})
		return
	}

	h.store(w, r, log, ev, secret, endpoint, body)
}

func (h *Handler) store(w http.ResponseWriter, r *http.Request, log *slog.Logger,
	ev *notifier.Event, secret *Secret, endpoint string, body []byte,
) {
	item := store.InboxItem{
		Digest:   payload.Digest(body),
		Endpoint: endpoint,
		Body:     body,
		Received: h.opts.Clock.Now(),
	}
	if len(secret.Teams) == 1 {
		item.Team = secret.Teams[0]
	}

	id, duplicate, err := h.opts.Store.Accept(r.Context(), item)
	if err != nil {
		log.Error("webhook not stored", "event", ev.Name, "document", ev.Document, "err", err)
		h.reject(w, http.StatusServiceUnavailable, outcomeStoreFailed, "could not store the event: retry later")
		return
	}
	if duplicate {
		h.opts.Metrics.count(outcomeDuplicate)
		writeJSON(w, http.StatusOK, map[string]any{"status": "duplicate"})
		return
	}

	h.opts.Metrics.count(outcomeAccepted)
	h.opts.Accepted()
	writeJSON(w, http.StatusOK, map[string]any{"status": "accepted", "id": id})
}

func (h *Handler) reject(w http.ResponseWriter, status int, outcome, msg string) {
	h.opts.Metrics.count(outcome)
	writeJSON(w, status, errorBody(msg))
}

func endpointLabel(endpoint string) string {
	if endpoint == "" {
		return "default"
	}
	return endpoint
}
