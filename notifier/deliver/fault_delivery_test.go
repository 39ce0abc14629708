package deliver

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/discord"
	"github.com/fcnotify/fcnotify/notifier/slack"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// botToken is the Slack bot token of the bot-mode cases. It must never
// appear in a log line or a stored error.
const botToken = "xoxb-fake-bot-token-5d1e"

// titlePattern finds the title of a test message in a request body.
var titlePattern = regexp.MustCompile(`alert-[0-9]+`)

// chat is one chat fake with a sender for it and the secrets that the
// sender must keep out of logs and errors.
type chat struct {
	fake interface {
		Requests() []chatfake.Request
		Fail(n int, status int, body string, headers map[string]string)
		Hang(n int)
		Close()
	}
	sender   notifier.Sender
	platform notifier.Platform
	secrets  []string
}

// newChat starts a chat fake with opts and returns it with its sender.
type newChat func(t testing.TB, opts ...chatfake.Option) chat

func slackWebhookChat(t testing.TB, opts ...chatfake.Option) chat {
	t.Helper()
	return slackWebhookChatFor(t, chatfake.NewSlack(t, opts...))
}

// slackWebhookChatFor returns a chat whose sender posts to the incoming
// webhook of fake.
func slackWebhookChatFor(t testing.TB, fake *chatfake.Slack) chat {
	t.Helper()
	sender, err := slack.New(slack.Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatal(err)
	}
	return chat{
		fake: fake, sender: sender, platform: notifier.PlatformSlack,
		secrets: []string{fake.WebhookURL(), fake.WebhookSecret()},
	}
}

func slackBotChat(t testing.TB, opts ...chatfake.Option) chat {
	t.Helper()
	fake := chatfake.NewSlack(t, opts...)
	sender, err := slack.New(slack.Config{Token: botToken, Channel: "C0123456789", APIURL: fake.APIURL()})
	if err != nil {
		t.Fatal(err)
	}
	return chat{fake: fake, sender: sender, platform: notifier.PlatformSlack, secrets: []string{botToken}}
}

// discordChatAt returns a chat whose sender posts to the webhook URL that
// url makes from the fake, so a case can name a webhook the fake does not
// know.
func discordChatAt(t testing.TB, url func(*chatfake.Discord) string, opts ...chatfake.Option) chat {
	t.Helper()
	fake := chatfake.NewDiscord(t, opts...)
	return discordChatFor(t, fake, url(fake))
}

// discordChatFor returns a chat whose sender posts to webhookURL on fake.
func discordChatFor(t testing.TB, fake *chatfake.Discord, webhookURL string) chat {
	t.Helper()
	sender, err := discord.New(discord.Config{WebhookURL: webhookURL})
	if err != nil {
		t.Fatal(err)
	}
	return chat{
		fake: fake, sender: sender, platform: notifier.PlatformDiscord,
		secrets: []string{fake.WebhookURL(), fake.WebhookToken(), webhookURL},
	}
}

func discordChat(t testing.TB, opts ...chatfake.Option) chat {
	t.Helper()
	return discordChatAt(t, (*chatfake.Discord).WebhookURL, opts...)
}

// titles returns the title each request carried, in order.
func titles(reqs []chatfake.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, titlePattern.FindString(string(r.Body)))
	}
	return out
}

// checkNoSecrets fails the test when a secret appears in the logs or in
// the last error of a message.
func checkNoSecrets(t *testing.T, h *harness, secrets []string) {
	t.Helper()
	var texts []string
	texts = append(texts, h.logs.String())
	for _, state := range []string{store.StatePending, store.StateSent, store.StateFailed} {
		for _, m := range h.messages(state) {
			texts = append(texts, m.LastErr)
		}
	}
	for _, secret := range secrets {
		for _, text := range texts {
			if secret != "" && strings.Contains(text, secret) {
				t.Errorf("secret %q leaked into %q", secret, text)
			}
		}
	}
}

const (
	jsonRateLimit   = `{"message":"You are being rate limited.","retry_after":1.5,"global":false}`
	slackNotInChan  = `{"ok":false,"error":"not_in_channel"}`
	slackRateLimit  = `{"ok":false,"error":"ratelimited"}`
	discordNoAccess = `{"message":"Missing Access","code":50001}`
)

func TestDeliverFaultsThroughChatFakes(t *testing.T) {
	refused := func(c chat) { c.fake.Close() }
	tests := []struct {
		name         string
		chat         newChat
		script       func(c chat)
		maxAge       time.Duration
		wantRequests int
		wantState    string
		wantAttempts int
		// wantElapsed is when the message was sent, or when it was dead-
		// lettered, measured from the start on the fake clock.
		wantElapsed time.Duration
		wantErr     string
	}{
		{
			name: "slack webhook 500 then success", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Fail(1, 500, "rollup_error", nil) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "transient: HTTP 500: rollup_error: unexpected fault at slack",
		},
		{
			name: "slack webhook 503 page then success", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Fail(1, 503, "<html>Service Unavailable</html>", nil) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "transient: HTTP 503: slack webhook failed",
		},
		{
			name: "slack webhook timeout", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Hang(1) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "transient: post: timeout",
		},
		{
			name: "slack webhook connection refused", chat: slackWebhookChat, script: refused, maxAge: 10 * time.Second,
			wantRequests: 0, wantState: store.StateFailed, wantAttempts: 4, wantElapsed: 7 * time.Second,
			wantErr: "gave up after 4 attempts over 7s: transient: post: connection refused",
		},
		{
			name: "slack webhook 429 with Retry-After", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Fail(1, 429, "rate_limited", map[string]string{"Retry-After": "3"}) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: 3 * time.Second,
			wantErr: "rate_limited: HTTP 429: rate_limited: slack webhook rate limit exceeded",
		},
		{
			name: "slack webhook 429 without Retry-After", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Fail(1, 429, "", nil) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "rate_limited: HTTP 429: slack webhook rate limit exceeded",
		},
		{
			name: "slack webhook 429 with unreadable Retry-After", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Fail(1, 429, "", map[string]string{"Retry-After": "soon"}) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "rate_limited: HTTP 429: slack webhook rate limit exceeded",
		},
		{
			name: "slack webhook channel_not_found", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Fail(1, 404, "channel_not_found", nil) },
			wantRequests: 1, wantState: store.StateFailed, wantAttempts: 1,
			wantErr: "final: HTTP 404: channel_not_found: the webhook's channel does not exist: create a new webhook",
		},
		{
			name: "slack webhook invalid_token", chat: slackWebhookChat,
			script:       func(c chat) { c.fake.Fail(1, 403, "invalid_token", nil) },
			wantRequests: 1, wantState: store.StateFailed, wantAttempts: 1,
			wantErr: "final: HTTP 403: invalid_token: the webhook token is invalid or expired: create a new webhook",
		},
		{
			name: "slack bot ratelimited with Retry-After", chat: slackBotChat,
			script:       func(c chat) { c.fake.Fail(1, 429, slackRateLimit, map[string]string{"Retry-After": "2"}) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: 2 * time.Second,
			wantErr: "rate_limited: HTTP 429: slack rate limit exceeded",
		},
		{
			name: "slack bot not_in_channel", chat: slackBotChat,
			script:       func(c chat) { c.fake.Fail(1, 200, slackNotInChan, nil) },
			wantRequests: 1, wantState: store.StateFailed, wantAttempts: 1,
			wantErr: "final: HTTP 200: not_in_channel: the bot is not in the channel: invite the app or add the chat:write.public scope",
		},
		{
			name: "slack bot invalid_auth",
			chat: func(t testing.TB, _ ...chatfake.Option) chat {
				return slackBotChat(t, chatfake.WithToken("xoxb-another-token"))
			},
			script:       func(chat) {},
			wantRequests: 1, wantState: store.StateFailed, wantAttempts: 1,
			wantErr: "final: HTTP 200: invalid_auth: the bot token is invalid or used from a disallowed IP address",
		},
		{
			name: "discord 502 then success", chat: discordChat,
			script:       func(c chat) { c.fake.Fail(1, 502, "<html>Bad Gateway</html>", nil) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "transient: HTTP 502: discord returned HTTP 502",
		},
		{
			name: "discord timeout", chat: discordChat,
			script:       func(c chat) { c.fake.Hang(1) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "transient: post: timeout",
		},
		{
			name: "discord connection refused", chat: discordChat, script: refused, maxAge: 10 * time.Second,
			wantRequests: 0, wantState: store.StateFailed, wantAttempts: 4, wantElapsed: 7 * time.Second,
			wantErr: "gave up after 4 attempts over 7s: transient: post: connection refused",
		},
		{
			name: "discord 429 with retry_after in the body", chat: discordChat,
			script: func(c chat) {
				c.fake.Fail(1, 429, jsonRateLimit, map[string]string{"Retry-After": "2", "X-RateLimit-Remaining": "0"})
			},
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: 1500 * time.Millisecond,
			wantErr: "rate_limited: HTTP 429: discord rate limit exceeded",
		},
		{
			name: "discord 429 without a usable wait", chat: discordChat,
			script:       func(c chat) { c.fake.Fail(1, 429, "<html>slow down</html>", nil) },
			wantRequests: 2, wantState: store.StateSent, wantAttempts: 2, wantElapsed: time.Second,
			wantErr: "rate_limited: HTTP 429: discord rate limit exceeded",
		},
		{
			name: "discord unknown webhook",
			chat: func(t testing.TB, _ ...chatfake.Option) chat {
				return discordChatAt(t, func(d *chatfake.Discord) string {
					return d.URL() + "/api/webhooks/999999999999999999/" + d.WebhookToken()
				})
			},
			script:       func(chat) {},
			wantRequests: 1, wantState: store.StateFailed, wantAttempts: 1,
			wantErr: "final: HTTP 404: 10015: the webhook does not exist: create a new webhook and update the URL",
		},
		{
			name: "discord invalid webhook token",
			chat: func(t testing.TB, _ ...chatfake.Option) chat {
				return discordChatAt(t, func(d *chatfake.Discord) string { return d.WebhookURL() + "-revoked" })
			},
			script:       func(chat) {},
			wantRequests: 1, wantState: store.StateFailed, wantAttempts: 1,
			wantErr: "final: HTTP 401: 50027: the webhook token is invalid: copy the webhook URL again",
		},
		{
			name: "discord other 4xx", chat: discordChat,
			script:       func(c chat) { c.fake.Fail(1, http.StatusForbidden, discordNoAccess, nil) },
			wantRequests: 1, wantState: store.StateFailed, wantAttempts: 1,
			wantErr: "final: HTTP 403: 50001: the bot has no access to the channel: add it to the channel",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.chat(t)
			tt.script(c)
			policy := defaultPolicy
			if tt.maxAge > 0 {
				policy.MaxAge = tt.maxAge
			}
			h := prepareHarness(t, Options{Policy: policy, Timeout: 200 * time.Millisecond},
				Channel{Name: "ops", Sender: c.sender, Platform: c.platform})
			h.queue("ops", "alert-1")
			h.run()

			h.drive("message done", func() bool { return h.pending() == 0 })

			reqs := c.fake.Requests()
			if len(reqs) != tt.wantRequests {
				t.Errorf("requests = %d, want %d", len(reqs), tt.wantRequests)
			}
			for i, title := range titles(reqs) {
				if title != "alert-1" {
					t.Errorf("request %d carried title %q, want alert-1", i+1, title)
				}
			}
			msgs := h.messages(tt.wantState)
			if len(msgs) != 1 {
				t.Fatalf("messages in state %s = %d, want 1", tt.wantState, len(msgs))
			}
			m := msgs[0]
			if m.Attempts != tt.wantAttempts {
				t.Errorf("attempts = %d, want %d", m.Attempts, tt.wantAttempts)
			}
			if m.LastErr != tt.wantErr {
				t.Errorf("last error = %q, want %q", m.LastErr, tt.wantErr)
			}
			// MarkFailed stores the time of the last attempt as next.
			at := m.Sent
			if tt.wantState == store.StateFailed {
				at = m.Next
			}
			if got := at.Sub(start); got != tt.wantElapsed {
				t.Errorf("done %v after the start, want %v", got, tt.wantElapsed)
			}
			checkNoSecrets(t, h, c.secrets)
		})
	}
}
