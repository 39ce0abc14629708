package chatfake

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"sync"
	"testing"
	"time"
)

const (
	discordWebhookID    = "223344556677889900"
	discordWebhookToken = "fakeDiscordHookToken-9c2e"
	discordChannelID    = "112233445566778899"
)

// Discord is a fake of Discord's webhook and channel message endpoints.
//
//   - POST /api/webhooks/{id}/{token}?wait=true returns 200 with the
//     message object, and 204 without wait=true.
//   - PATCH /api/webhooks/{id}/{token}/messages/{id} returns 200 with the
//     message, or 404 code 10008 for an unknown message.
//   - POST /api/v10/channels/{id}/messages and PATCH …/messages/{id} need
//     "Authorization: Bot <token>".
//   - POST /api/v10/channels/{id}/messages/{id}/threads starts a thread
//     from a message (a bot call); see startThread.
//
// Errors carry Discord's JSON codes. A wrong webhook id gets 404 code
// 10015 and a wrong webhook token 401 code 50027. A wrong bot token gets
// 401. A body that is not JSON gets 400 code 50109, an empty message 400
// code 50006, and a message over Discord's size limits 400 code 50035.
//
// With WithLimits, each webhook may post 5 messages per 2 seconds, every
// response carries X-RateLimit-* headers, and a request over the limit gets
// 429 with {"message","retry_after","global":false} and Retry-After.
type Discord struct {
	*server
	pace *fixedWindow

	// msgMu guards nextID, messages and threads.
	msgMu    sync.Mutex
	nextID   int64
	messages map[string]string
	// threads maps the id of a thread started from a message, which is
	// the message's id, to the channel of that message.
	threads map[string]string
}

// NewDiscord starts a fake Discord server that the test's cleanup closes.
func NewDiscord(t testing.TB, opts ...Option) *Discord {
	t.Helper()
	d := &Discord{
		pace: newFixedWindow(5, 2*time.Second), nextID: 1300000000000000000, messages: make(map[string]string),
		threads: make(map[string]string),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/webhooks/{id}/{token}", d.executeWebhook)
	mux.HandleFunc("PATCH /api/webhooks/{id}/{token}/messages/{message}", d.editWebhookMessage)
	mux.HandleFunc("POST /api/v10/channels/{channel}/messages", d.createMessage)
	mux.HandleFunc("PATCH /api/v10/channels/{channel}/messages/{message}", d.editMessage)
	mux.HandleFunc("POST /api/v10/channels/{channel}/messages/{message}/threads", d.startThread)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		writeDiscordError(w, http.StatusNotFound, 0, "404: Not Found")
	})
	d.server = newServer(t, opts, mux)
	return d
}

// WebhookURL returns the URL of the fake's webhook, as Discord shows it:
// without a query.
func (d *Discord) WebhookURL() string {
	return d.URL() + "/api/webhooks/" + discordWebhookID + "/" + discordWebhookToken
}

// WebhookToken returns the secret last element of WebhookURL's path.
func (d *Discord) WebhookToken() string { return discordWebhookToken }

// APIURL returns the REST API base for bot tokens, ending in a slash.
func (d *Discord) APIURL() string { return d.URL() + "/api/v10/" }

// ChannelID returns the id of the channel that webhook messages land in.
func (d *Discord) ChannelID() string { return discordChannelID }

func (d *Discord) executeWebhook(w http.ResponseWriter, r *http.Request) {
	if !d.checkWebhook(w, r) {
		return
	}
	msg, ok := decodeMessage(w, r, true)
	if !ok || !d.allow(w, r.PathValue("id")) {
		return
	}

	id := d.store(discordChannelID)
	if r.URL.Query().Get("wait") != "true" {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	writeJSON(w, http.StatusOK, messageObject(id, discordChannelID, r.PathValue("id"), msg))
}

func (d *Discord) editWebhookMessage(w http.ResponseWriter, r *http.Request) {
	if !d.checkWebhook(w, r) {
		return
	}
	d.edit(w, r, discordChannelID, r.PathValue("id"))
}

func (d *Discord) createMessage(w http.ResponseWriter, r *http.Request) {
	if !d.checkBot(w, r) {
		return
	}
	msg, ok := decodeMessage(w, r, true)
	if !ok {
		return
	}
	channel := r.PathValue("channel")
	writeJSON(w, http.StatusOK, messageObject(d.store(channel), channel, "", msg))
}

func (d *Discord) editMessage(w http.ResponseWriter, r *http.Request) {
	if !d.checkBot(w, r) {
		return
	}
	d.edit(w, r, r.PathValue("channel"), "")
}

func (d *Discord) edit(w http.ResponseWriter, r *http.Request, channel, webhookID string) {
	id := r.PathValue("message")
	d.msgMu.Lock()
	found := d.messages[id] == channel
	d.msgMu.Unlock()
	if !found {
		writeDiscordError(w, http.StatusNotFound, 10008, "Unknown Message")
		return
	}

	msg, ok := decodeMessage(w, r, false)
	if !ok {
		return
	}
	writeJSON(w, http.StatusOK, messageObject(id, channel, webhookID, msg))
}

// checkWebhook responds to a request for an unknown webhook as Discord
// does and returns false.
func (d *Discord) checkWebhook(w http.ResponseWriter, r *http.Request) bool {
	switch {
	case r.PathValue("id") != discordWebhookID:
		writeDiscordError(w, http.StatusNotFound, 10015, "Unknown Webhook")
		return false
	case r.PathValue("token") != discordWebhookToken:
		writeDiscordError(w, http.StatusUnauthorized, 50027, "Invalid Webhook Token")
		return false
	}
	return true
}

// checkBot rejects a request without the expected bot token.
func (d *Discord) checkBot(w http.ResponseWriter, r *http.Request) bool {
	auth := r.Header.Get("Authorization")
	if len(auth) <= len("Bot ") || auth[:4] != "Bot " || (d.token != "" && auth != "Bot "+d.token) {
		writeDiscordError(w, http.StatusUnauthorized, 0, "401: Unauthorized")
		return false
	}
	return true
}

func (d *Discord) store(channel string) string {
	d.msgMu.Lock()
	defer d.msgMu.Unlock()
	d.nextID++
	id := strconv.FormatInt(d.nextID, 10)
	d.messages[id] = channel
	return id
}

// allow applies the webhook rate limit when limits are on, setting the
// X-RateLimit headers. Over the limit it responds with 429 and returns false.
func (d *Discord) allow(w http.ResponseWriter, webhookID string) bool {
	if !d.limits {
		return true
	}
	result := d.pace.take(webhookID, d.now())
	header := w.Header()
	header.Set("X-RateLimit-Limit", "5")
	header.Set("X-RateLimit-Remaining", strconv.Itoa(result.remaining))
	header.Set("X-RateLimit-Reset", fmt.Sprintf("%.3f", float64(result.resetAt.UnixMilli())/1000))
	header.Set("X-RateLimit-Reset-After", fmt.Sprintf("%.3f", result.resetAfter.Seconds()))
	header.Set("X-RateLimit-Bucket", "fake-webhook-"+webhookID)
	if result.allowed {
		return true
	}

	d.countLimited()
	header.Set("Retry-After", strconv.Itoa(int(math.Ceil(result.resetAfter.Seconds()))))
	writeJSON(w, http.StatusTooManyRequests, map[string]any{
		"message":     "You are being rate limited.",
		"retry_after": math.Round(result.resetAfter.Seconds()*1000) / 1000,
		"global":      false,
	})
	return false
}

func writeDiscordError(w http.ResponseWriter, status, code int, message string) {
	writeJSON(w, status, map[string]any{"message": message, "code": code})
}
