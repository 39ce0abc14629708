package discord

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
)

const botToken = "MTEyMzQ1Njc4OTAxMjM0NTY3.fakeBot.TokenSecret"

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing set", Config{}, "discord channel has neither a webhook URL nor a bot token: set a webhook URL, or a token and a channel id"},
		{"both set", Config{WebhookURL: "https://discord.example/api/webhooks/1/x", Token: botToken}, "discord channel has both a webhook URL and a bot token: set only one"},
		{"relative webhook URL", Config{WebhookURL: "api/webhooks/1/secret"}, "discord webhook URL is invalid: expected an absolute http or https URL such as https://discord.com/api/webhooks/{id}/{token}"},
		{"webhook URL without path", Config{WebhookURL: "https://discord.example"}, "discord webhook URL is invalid: expected an absolute http or https URL such as https://discord.com/api/webhooks/{id}/{token}"},
		{"unparsable webhook URL", Config{WebhookURL: "https://discord.example/api/webhooks/1/se\x7fcret"}, "discord webhook URL is invalid: expected an absolute http or https URL such as https://discord.com/api/webhooks/{id}/{token}"},
		{"token without channel", Config{Token: botToken}, `discord channel id "" is invalid: expected the numeric id of the channel`},
		{"token with newline", Config{Token: botToken + "\n", ChannelID: "1"}, "discord bot token contains spaces or control characters: copy the token again"},
		{"channel name", Config{Token: botToken, ChannelID: "#ops"}, `discord channel id "#ops" is invalid: expected the numeric id of the channel`},
		{"bad API URL", Config{Token: botToken, ChannelID: "1", APIURL: "discord.example/api"}, "discord API URL is invalid: expected an absolute http or https URL such as https://discord.com/api/v10/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(tt.cfg)
			if err == nil {
				t.Fatalf("New() = %v, want error", s)
			}
			if err.Error() != tt.want {
				t.Errorf("New() error = %q, want %q", err, tt.want)
			}
		})
	}
}

// sameJSON reports whether two JSON documents decode to the same value.
func sameJSON(t *testing.T, a, b []byte) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal(a, &va); err != nil {
		t.Fatalf("decode %s: %v", a, err)
	}
	if err := json.Unmarshal(b, &vb); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}

func TestWebhookRoundTrip(t *testing.T) {
	fake := chatfake.NewDiscord(t)
	s, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	receipt, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	if receipt.MessageID != "1300000000000000001" {
		t.Errorf("MessageID = %q, want 1300000000000000001", receipt.MessageID)
	}
	if !s.CanEdit() {
		t.Error("CanEdit() = false, want true")
	}

	requests := fake.Requests()
	if len(requests) != 1 {
		t.Fatalf("fake got %d requests, want 1", len(requests))
	}
	req := requests[0]
	if req.Method != http.MethodPost {
		t.Errorf("method = %q, want POST", req.Method)
	}
	if want := strings.TrimPrefix(fake.WebhookURL(), fake.URL()); req.Path != want {
		t.Errorf("path = %q, want %q", req.Path, want)
	}
	if got := req.Query.Get("wait"); got != "true" {
		t.Errorf("wait = %q, want true", got)
	}
	if got := req.Header.Get("Authorization"); got != "" {
		t.Errorf("Authorization = %q, want none for a webhook", got)
	}
	want, _ := PayloadJSON(typicalMessage())
	if !sameJSON(t, req.Body, want) {
		t.Errorf("body = %s, want %s", req.Body, want)
	}
}

func TestWebhookThreadQuery(t *testing.T) {
	fake := chatfake.NewDiscord(t)
	s, err := New(Config{WebhookURL: fake.WebhookURL() + "?thread_id=42&wait=false"})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	receipt, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	if err := s.Update(context.Background(), receipt, typicalMessage()); err != nil {
		t.Fatalf("Update() error = %v", err)
	}

	requests := fake.Requests()
	if len(requests) != 2 {
		t.Fatalf("fake got %d requests, want 2", len(requests))
	}
	tests := []struct {
		name string
		got  string
		want string
	}{
		{"post wait", requests[0].Query.Get("wait"), "true"},
		{"post thread", requests[0].Query.Get("thread_id"), "42"},
		{"edit thread", requests[1].Query.Get("thread_id"), "42"},
		{"edit wait", requests[1].Query.Get("wait"), ""},
		{"edit path", requests[1].Path, strings.TrimPrefix(fake.WebhookURL(), fake.URL()) + "/messages/" + receipt.MessageID},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %q, want %q", tt.name, tt.got, tt.want)
			}
		})
	}
}

func TestBotRoundTrip(t *testing.T) {
	fake := chatfake.NewDiscord(t, chatfake.WithToken(botToken))
	s, err := New(Config{Token: botToken, ChannelID: "555", APIURL: strings.TrimSuffix(fake.APIURL(), "/")})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	receipt, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	if receipt.MessageID != "1300000000000000001" {
		t.Errorf("MessageID = %q, want 1300000000000000001", receipt.MessageID)
	}

	requests := fake.Requests()
	if len(requests) != 1 {
		t.Fatalf("fake got %d requests, want 1", len(requests))
	}
	if got := requests[0].Path; got != "/api/v10/channels/555/messages" {
		t.Errorf("path = %q, want /api/v10/channels/555/messages", got)
	}
	if got := requests[0].Header.Get("Authorization"); got != "Bot "+botToken {
		t.Errorf("Authorization = %q, want the bot token", got)
	}
	var body struct {
		Content         string          `json:"content"`
		AllowedMentions json.RawMessage `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(requests[0].Body, &body); err != nil {
		t.Fatalf("decode body: %v", err)
	}
	if want := Payload(typicalMessage()).Content; body.Content != want {
		t.Errorf("content = %q, want %q", body.Content, want)
	}
	wantMentions := `{"parse":[],"roles":["` + roleID + `"],"users":["` + userID + `"],"replied_user":false}`
	if string(body.AllowedMentions) != wantMentions {
		t.Errorf("allowed_mentions = %s, want %s", body.AllowedMentions, wantMentions)
	}
}

func TestUpdate(t *testing.T) {
	tests := []struct {
		name     string
		bot      bool
		wantPath func(f *chatfake.Discord, id string) string
	}{
		{"webhook", false, func(f *chatfake.Discord, id string) string {
			return strings.TrimPrefix(f.WebhookURL(), f.URL()) + "/messages/" + id
		}},
		{"bot", true, func(_ *chatfake.Discord, id string) string { return "/api/v10/channels/555/messages/" + id }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := chatfake.NewDiscord(t)
			cfg := Config{WebhookURL: fake.WebhookURL()}
			if tt.bot {
				cfg = Config{Token: botToken, ChannelID: "555", APIURL: fake.APIURL()}
			}
			s, err := New(cfg)
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			receipt, err := s.Send(context.Background(), typicalMessage())
			if err != nil {
				t.Fatalf("Send() error = %v", err)
			}
			if err := s.Update(context.Background(), receipt, &notifier.Message{Title: "resolved"}); err != nil {
				t.Fatalf("Update() error = %v", err)
			}

			requests := fake.Requests()
			if len(requests) != 2 {
				t.Fatalf("fake got %d requests, want 2", len(requests))
			}
			edit := requests[1]
			if edit.Method != http.MethodPatch {
				t.Errorf("method = %q, want PATCH", edit.Method)
			}
			if want := tt.wantPath(fake, receipt.MessageID); edit.Path != want {
				t.Errorf("path = %q, want %q", edit.Path, want)
			}
			var body map[string]json.RawMessage
			if err := json.Unmarshal(edit.Body, &body); err != nil {
				t.Fatalf("decode body: %v", err)
			}
			if got := string(body["allowed_mentions"]); got != `{"parse":[],"replied_user":false}` {
				t.Errorf("allowed_mentions = %s, want parse []", got)
			}
			if got := string(body["content"]); got != `""` {
				t.Errorf("content = %s, want \"\"", got)
			}
		})
	}
}

func TestUpdateErrors(t *testing.T) {
	fake := chatfake.NewDiscord(t)
	s, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	tests := []struct {
		name       string
		receipt    notifier.Receipt
		wantStatus int
		wantCode   string
		wantReason string
	}{
		{"empty receipt", notifier.Receipt{}, 0, "", `discord message id "" is invalid: expected the numeric id from a receipt`},
		{"path in id", notifier.Receipt{MessageID: "1/../../x"}, 0, "", `discord message id "1/../../x" is invalid: expected the numeric id from a receipt`},
		{"unknown message", notifier.Receipt{MessageID: "42"}, 404, "10008", "the message does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Update(context.Background(), tt.receipt, typicalMessage())
			var sendErr *notifier.SendError
			if !errors.As(err, &sendErr) {
				t.Fatalf("Update() error = %v, want *notifier.SendError", err)
			}
			if sendErr.Class != notifier.ClassFinal {
				t.Errorf("Class = %q, want final", sendErr.Class)
			}
			if sendErr.Status != tt.wantStatus {
				t.Errorf("Status = %d, want %d", sendErr.Status, tt.wantStatus)
			}
			if sendErr.Code != tt.wantCode {
				t.Errorf("Code = %q, want %q", sendErr.Code, tt.wantCode)
			}
			if sendErr.Reason != tt.wantReason {
				t.Errorf("Reason = %q, want %q", sendErr.Reason, tt.wantReason)
			}
		})
	}
}

func TestPace(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	fake := chatfake.NewDiscord(t, chatfake.WithLimits(), chatfake.WithClock(func() time.Time { return now }))
	s, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	remaining, resetAfter := s.Pace()
	if remaining != -1 {
		t.Errorf("Pace() before any send remaining = %d, want -1", remaining)
	}
	if resetAfter != 0 {
		t.Errorf("Pace() before any send resetAfter = %v, want 0", resetAfter)
	}

	if _, err := s.Send(context.Background(), typicalMessage()); err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	remaining, resetAfter = s.Pace()
	if remaining != 4 {
		t.Errorf("Pace() remaining = %d, want 4", remaining)
	}
	if resetAfter <= 0 || resetAfter > 2*time.Second {
		t.Errorf("Pace() resetAfter = %v, want within (0, 2s]", resetAfter)
	}
}

// TestRateLimitedNoSleep spends the fake's bucket. The sixth send must
// reach the fake and come back with its 429. Were discordgo to see the
// X-RateLimit headers, it would sleep 2s before sending, past the 1s
// context, and the fake would see only 5 requests.
func TestRateLimitedNoSleep(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	fake := chatfake.NewDiscord(t, chatfake.WithLimits(), chatfake.WithClock(func() time.Time { return now }))
	s, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	for i := range 5 {
		if _, err := s.Send(context.Background(), typicalMessage()); err != nil {
			t.Fatalf("Send() %d error = %v", i+1, err)
		}
	}

	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	_, err = s.Send(ctx, typicalMessage())
	var sendErr *notifier.SendError
	if !errors.As(err, &sendErr) {
		t.Fatalf("sixth Send() error = %v, want *notifier.SendError", err)
	}
	if sendErr.Class != notifier.ClassRateLimited {
		t.Errorf("Class = %q, want rate_limited", sendErr.Class)
	}
	if sendErr.RetryAfter != 2*time.Second {
		t.Errorf("RetryAfter = %v, want 2s", sendErr.RetryAfter)
	}
	if sendErr.Global {
		t.Error("Global = true, want false")
	}
	if got := fake.RateLimited(); got != 1 {
		t.Errorf("fake RateLimited() = %d, want 1", got)
	}
	if got := len(fake.Requests()); got != 6 {
		t.Errorf("fake got %d requests, want 6", got)
	}
}

func TestRetryAfterServerError(t *testing.T) {
	fake := chatfake.NewDiscord(t)
	fake.Fail(1, http.StatusInternalServerError, `{"message":"500: Internal Server Error","code":0}`, nil)
	s, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	_, err = s.Send(context.Background(), typicalMessage())
	if got := notifier.ClassOf(err); got != notifier.ClassTransient {
		t.Errorf("first Send() class = %q, want transient (error %v)", got, err)
	}
	receipt, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Errorf("second Send() error = %v, want delivered", err)
	}
	if receipt.MessageID == "" {
		t.Error("second Send() receipt has no message id")
	}
	if got := len(fake.Requests()); got != 2 {
		t.Errorf("fake got %d requests, want 2", got)
	}
}

func TestWebhookURLs(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		wantPost string
		wantEdit string
	}{
		{"plain", "https://discord.example/api/webhooks/1/tok", "https://discord.example/api/webhooks/1/tok?wait=true", "https://discord.example/api/webhooks/1/tok/messages/9"},
		{"thread", "https://discord.example/api/webhooks/1/tok?thread_id=5", "https://discord.example/api/webhooks/1/tok?thread_id=5&wait=true", "https://discord.example/api/webhooks/1/tok/messages/9?thread_id=5"},
		{"wait false replaced", "https://discord.example/api/webhooks/1/tok?wait=false", "https://discord.example/api/webhooks/1/tok?wait=true", "https://discord.example/api/webhooks/1/tok/messages/9"},
		{"percent in path", "https://discord.example/api/webhooks/1/to%2Fk", "https://discord.example/api/webhooks/1/to%2Fk?wait=true", "https://discord.example/api/webhooks/1/to%2Fk/messages/9"},
		{"final slash", "https://discord.example/api/webhooks/1/tok/", "https://discord.example/api/webhooks/1/tok/?wait=true", "https://discord.example/api/webhooks/1/tok/messages/9"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := New(Config{WebhookURL: tt.in})
			if err != nil {
				t.Fatalf("New() error = %v", err)
			}
			if s.postURL != tt.wantPost {
				t.Errorf("post URL = %q, want %q", s.postURL, tt.wantPost)
			}
			if got := s.editPrefix + "9" + s.editSuffix; got != tt.wantEdit {
				t.Errorf("edit URL = %q, want %q", got, tt.wantEdit)
			}
		})
	}
}
