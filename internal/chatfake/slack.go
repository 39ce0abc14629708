package chatfake

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const (
	// slackWebhookPath is the path of the fake's one incoming webhook.
	// Its last element plays the secret part of a real webhook URL.
	slackWebhookPath = "/services/T0FAKE0001/B0FAKE0001/"
	slackSecret      = "fakeSlackHookSecret7f3a"
)

// Slack is a fake of Slack's incoming webhooks and of the Web API methods
// chat.postMessage and chat.update.
//
// The webhook at WebhookURL returns 200 "ok" as text/plain, 400
// "invalid_payload" for a body that is not JSON, 400 "no_text" for a
// message without text, blocks or attachments, and 404 "no_service" at any
// other /services/ path. The Web API at APIURL takes form-encoded requests
// and returns JSON {"ok":true,"channel":…,"ts":…} with increasing ts, or
// {"ok":false,"error":…} with the codes Slack uses.
//
// With WithLimits, each webhook and each channel may post a burst of 3
// messages and then one per second. A request over that gets 429 with a
// Retry-After of whole seconds.
type Slack struct {
	*server
	pace *tokenBucket

	// msgMu guards nextTS and posted.
	msgMu  sync.Mutex
	nextTS int
	posted map[string]bool
}

// NewSlack starts a fake Slack server that the test's cleanup closes.
func NewSlack(t testing.TB, opts ...Option) *Slack {
	t.Helper()
	s := &Slack{pace: newTokenBucket(3, time.Second), posted: make(map[string]bool)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /services/", s.webhook)
	mux.HandleFunc("POST /api/chat.postMessage", s.postMessage)
	mux.HandleFunc("POST /api/chat.update", s.update)
	s.server = newServer(t, opts, mux)
	return s
}

// WebhookURL returns the URL of the fake's incoming webhook.
func (s *Slack) WebhookURL() string { return s.URL() + slackWebhookPath + slackSecret }

// WebhookSecret returns the secret last element of WebhookURL's path.
func (s *Slack) WebhookSecret() string { return slackSecret }

// APIURL returns the Web API base, ending in a slash as slack-go needs.
func (s *Slack) APIURL() string { return s.URL() + "/api/" }

func (s *Slack) webhook(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != slackWebhookPath+slackSecret {
		writeText(w, http.StatusNotFound, "no_service")
		return
	}

	var msg struct {
		Text        string            `json:"text"`
		Blocks      []json.RawMessage `json:"blocks"`
		Attachments []json.RawMessage `json:"attachments"`
	}
	if err := json.NewDecoder(r.Body).Decode(&msg); err != nil {
		writeText(w, http.StatusBadRequest, "invalid_payload")
		return
	}
	if msg.Text == "" && len(msg.Blocks) == 0 && len(msg.Attachments) == 0 {
		writeText(w, http.StatusBadRequest, "no_text")
		return
	}
	// NOTE: Slack does not publish the body of a webhook 429; this one is
	// a guess.
	if !s.allow(w, r.URL.Path) {
		writeText(w, http.StatusTooManyRequests, "rate_limited")
		return
	}
	writeText(w, http.StatusOK, "ok")
}

func (s *Slack) postMessage(w http.ResponseWriter, r *http.Request) {
	channel, ok := s.checkForm(w, r)
	if !ok {
		return
	}
	if r.PostForm.Get("text") == "" && r.PostForm.Get("blocks") == "" && r.PostForm.Get("attachments") == "" {
		writeAPIError(w, "no_text")
		return
	}
	if !s.allow(w, channel) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusTooManyRequests)
		_, _ = w.Write([]byte(`{"ok":false,"error":"ratelimited"}`))
		return
	}

	s.msgMu.Lock()
	s.nextTS++
	ts := fmt.Sprintf("1700000000.%06d", s.nextTS)
	s.posted[channel+" "+ts] = true
	s.msgMu.Unlock()

	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": ts})
}

func (s *Slack) update(w http.ResponseWriter, r *http.Request) {
	channel, ok := s.checkForm(w, r)
	if !ok {
		return
	}
	ts := r.PostForm.Get("ts")

	s.msgMu.Lock()
	found := s.posted[channel+" "+ts]
	s.msgMu.Unlock()
	if !found {
		writeAPIError(w, "message_not_found")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"ok": true, "channel": channel, "ts": ts, "text": r.PostForm.Get("text")})
}

// checkForm parses a Web API request and checks its token and channel. It
// responds to the request and returns false when either is wrong.
func (s *Slack) checkForm(w http.ResponseWriter, r *http.Request) (string, bool) {
	if err := r.ParseForm(); err != nil {
		writeAPIError(w, "invalid_form_data")
		return "", false
	}

	token := r.PostForm.Get("token")
	if bearer, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		token = bearer
	}
	switch {
	case token == "":
		writeAPIError(w, "not_authed")
		return "", false
	case s.token != "" && token != s.token:
		writeAPIError(w, "invalid_auth")
		return "", false
	}

	channel := r.PostForm.Get("channel")
	if channel == "" {
		writeAPIError(w, "channel_not_found")
		return "", false
	}
	return channel, true
}

// allow applies the rate limit to key when limits are on. Over the limit
// it sets Retry-After, counts the violation and returns false.
func (s *Slack) allow(w http.ResponseWriter, key string) bool {
	if !s.limits {
		return true
	}
	ok, wait := s.pace.take(key, s.now())
	if ok {
		return true
	}
	w.Header().Set("Retry-After", strconv.Itoa(int(math.Ceil(wait.Seconds()))))
	s.countLimited()
	return false
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}

// writeAPIError responds as the Web API does: HTTP 200 with ok false.
func writeAPIError(w http.ResponseWriter, code string) {
	writeJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code})
}

func writeJSON(w http.ResponseWriter, status int, value any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(value)
}
