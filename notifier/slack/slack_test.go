package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
)

const botToken = "xoxb-1111-2222-fakeBotTokenSecret"

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"nothing set", Config{}, "slack channel has neither a webhook URL nor a bot token: set a webhook URL, or a token and a channel"},
		{"both set", Config{WebhookURL: "https://hooks.example/services/x", Token: botToken}, "slack channel has both a webhook URL and a bot token: set only one"},
		{"relative webhook URL", Config{WebhookURL: "services/T/B/secret"}, "slack webhook URL is invalid: expected an absolute http or https URL"},
		{"webhook URL with bad scheme", Config{WebhookURL: "ftp://hooks.example/services/T/B/secret"}, "slack webhook URL is invalid: expected an absolute http or https URL"},
		{"unparsable webhook URL", Config{WebhookURL: "https://hooks.example/services/T/B/se\x7fcret"}, "slack webhook URL is invalid: expected an absolute http or https URL"},
		{"token without channel", Config{Token: botToken}, "slack bot token has no channel: set the channel id, such as C0123456789"},
		{"bad API URL", Config{Token: botToken, Channel: "C1", APIURL: "localhost:80/api"}, "slack API URL is invalid: expected an absolute http or https URL such as https://slack.com/api/"},
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

func TestWebhookRoundTrip(t *testing.T) {
	fake := chatfake.NewSlack(t)
	s, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	receipt, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	if receipt != (notifier.Receipt{}) {
		t.Errorf("Send() receipt = %+v, want empty", receipt)
	}
	if s.CanEdit() {
		t.Error("CanEdit() = true in webhook mode, want false")
	}

	requests := fake.Requests()
	if len(requests) != 1 {
		t.Fatalf("fake got %d requests, want 1", len(requests))
	}
	req := requests[0]
	if req.Method != http.MethodPost {
		t.Errorf("method = %q, want POST", req.Method)
	}
	if wantPath := strings.TrimPrefix(fake.WebhookURL(), fake.URL()); req.Path != wantPath {
		t.Errorf("path = %q, want %q", req.Path, wantPath)
	}
	if got := req.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", got)
	}
	want, _ := PayloadJSON(typicalMessage())
	if string(req.Body) != string(want) {
		t.Errorf("body = %s, want %s", req.Body, want)
	}
}

func TestBotRoundTrip(t *testing.T) {
	fake := chatfake.NewSlack(t, chatfake.WithToken(botToken))
	s, err := New(Config{Token: botToken, Channel: "C0123", APIURL: strings.TrimSuffix(fake.APIURL(), "/")})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	if !s.CanEdit() {
		t.Error("CanEdit() = false in bot mode, want true")
	}

	receipt, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}
	wantReceipt := notifier.Receipt{MessageID: "1700000000.000001", ChannelID: "C0123"}
	if receipt != wantReceipt {
		t.Errorf("Send() receipt = %+v, want %+v", receipt, wantReceipt)
	}

	requests := fake.Requests()
	if len(requests) != 1 {
		t.Fatalf("fake got %d requests, want 1", len(requests))
	}
	if requests[0].Path != "/api/chat.postMessage" {
		t.Errorf("path = %q, want /api/chat.postMessage", requests[0].Path)
	}
	form, err := url.ParseQuery(string(requests[0].Body))
	if err != nil {
		t.Fatalf("parse form: %v", err)
	}
	payload := Payload(typicalMessage())
	if got := form.Get("text"); got != payload.Text {
		t.Errorf("text = %q, want %q", got, payload.Text)
	}
	wantAttachments, _ := json.Marshal(payload.Attachments)
	if got := form.Get("attachments"); got != string(wantAttachments) {
		t.Errorf("attachments = %s, want %s", got, wantAttachments)
	}
	if form.Has("link_names") {
		t.Errorf("form sends link_names = %q", form.Get("link_names"))
	}
	if got := form.Get("token"); got != botToken {
		t.Errorf("token = %q, want the bot token", got)
	}
}

func TestBotUpdate(t *testing.T) {
	fake := chatfake.NewSlack(t)
	s, err := New(Config{Token: botToken, Channel: "C0123", APIURL: fake.APIURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	receipt, err := s.Send(context.Background(), typicalMessage())
	if err != nil {
		t.Fatalf("Send() error = %v", err)
	}

	changed := typicalMessage()
	changed.Fallback = "Bench bench-mumbai-1 is Active again"
	if err := s.Update(context.Background(), receipt, changed); err != nil {
		t.Fatalf("Update() error = %v", err)
	}

	requests := fake.Requests()
	if len(requests) != 2 {
		t.Fatalf("fake got %d requests, want 2", len(requests))
	}
	if requests[1].Path != "/api/chat.update" {
		t.Errorf("path = %q, want /api/chat.update", requests[1].Path)
	}
	form, _ := url.ParseQuery(string(requests[1].Body))
	if got := form.Get("ts"); got != receipt.MessageID {
		t.Errorf("ts = %q, want %q", got, receipt.MessageID)
	}
	if got := form.Get("channel"); got != "C0123" {
		t.Errorf("channel = %q, want C0123", got)
	}
	if got, want := form.Get("text"), Payload(changed).Text; got != want {
		t.Errorf("text = %q, want %q", got, want)
	}
}

func TestUpdateErrors(t *testing.T) {
	fake := chatfake.NewSlack(t)
	bot, err := New(Config{Token: botToken, Channel: "C0123", APIURL: fake.APIURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}
	hook, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	tests := []struct {
		name       string
		sender     *Sender
		receipt    notifier.Receipt
		wantCode   string
		wantReason string
	}{
		{"webhook mode", hook, notifier.Receipt{MessageID: "1.2", ChannelID: "C1"}, "", "slack incoming webhook messages cannot be edited: use a bot token and channel to edit messages"},
		{"empty receipt", bot, notifier.Receipt{}, "", "receipt has no slack channel id or message ts: only messages sent with a bot token can be edited"},
		{"unknown message", bot, notifier.Receipt{MessageID: "1.2", ChannelID: "C0123"}, "message_not_found", "the message to edit does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.sender.Update(context.Background(), tt.receipt, typicalMessage())
			var sendErr *notifier.SendError
			if !errors.As(err, &sendErr) {
				t.Fatalf("Update() error = %v, want *notifier.SendError", err)
			}
			if sendErr.Class != notifier.ClassFinal {
				t.Errorf("Class = %q, want final", sendErr.Class)
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

func TestWebhookRetryAfterFailure(t *testing.T) {
	fake := chatfake.NewSlack(t)
	fake.Fail(1, http.StatusInternalServerError, "", nil)
	s, err := New(Config{WebhookURL: fake.WebhookURL()})
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	_, err = s.Send(context.Background(), typicalMessage())
	if got := notifier.ClassOf(err); got != notifier.ClassTransient {
		t.Errorf("first Send() class = %q, want transient (error %v)", got, err)
	}
	if _, err := s.Send(context.Background(), typicalMessage()); err != nil {
		t.Errorf("second Send() error = %v, want delivered", err)
	}
	if got := len(fake.Requests()); got != 2 {
		t.Errorf("fake got %d requests, want 2", got)
	}
}

// faultCase is one failure the fake plays, and the error Send must return.
type faultCase struct {
	name string
	// setup scripts the fake, or closes it.
	setup func(f *chatfake.Slack)
	// ctxTimeout and clientTimeout, when set, bound the Send.
	ctxTimeout    time.Duration
	clientTimeout time.Duration

	wantClass      notifier.Class
	wantStatus     int
	wantCode       string
	wantRetryAfter time.Duration
	wantReason     string
	wantRequests   int
}

func fail(status int, body string, headers map[string]string) func(*chatfake.Slack) {
	return func(f *chatfake.Slack) { f.Fail(1, status, body, headers) }
}

func hang(f *chatfake.Slack) { f.Hang(1) }

func closed(f *chatfake.Slack) { f.Close() }

// webhookFaults covers the webhook responses of Slack's documentation,
// rate limits and transport failures.
func webhookFaults() []faultCase {
	cases := []faultCase{
		{name: "rollup_error", setup: fail(500, "rollup_error", nil), wantClass: notifier.ClassTransient, wantStatus: 500, wantCode: "rollup_error", wantReason: "unexpected fault at slack", wantRequests: 1},
		{name: "503 html", setup: fail(503, "<html>down</html>", nil), wantClass: notifier.ClassTransient, wantStatus: 503, wantReason: "slack webhook failed", wantRequests: 1},
		{name: "other 4xx", setup: fail(418, "", nil), wantClass: notifier.ClassFinal, wantStatus: 418, wantReason: "slack rejected the webhook request", wantRequests: 1},
		{name: "429 retry-after seconds", setup: fail(429, "", map[string]string{"Retry-After": "2"}), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantRetryAfter: 2 * time.Second, wantReason: "slack webhook rate limit exceeded", wantRequests: 1},
		{name: "429 without retry-after", setup: fail(429, "", nil), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantReason: "slack webhook rate limit exceeded", wantRequests: 1},
		{name: "429 unreadable retry-after", setup: fail(429, "", map[string]string{"Retry-After": "soon"}), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantReason: "slack webhook rate limit exceeded", wantRequests: 1},
		{name: "client timeout", setup: hang, clientTimeout: 50 * time.Millisecond, wantClass: notifier.ClassTransient, wantReason: "post: timeout", wantRequests: 1},
		{name: "context deadline", setup: hang, ctxTimeout: 50 * time.Millisecond, wantClass: notifier.ClassTransient, wantReason: "post: timeout", wantRequests: 1},
		{name: "connection refused", setup: closed, wantClass: notifier.ClassTransient, wantReason: "post: connection refused", wantRequests: 0},
	}

	statuses := map[string]int{
		"invalid_payload": 400, "user_not_found": 400, "action_prohibited": 403,
		"channel_not_found": 404, "channel_is_archived": 410, "invalid_token": 403,
	}
	for code, hint := range webhookFinal {
		status, ok := statuses[code]
		if !ok {
			status = 400
		}
		cases = append(cases, faultCase{
			name: code, setup: fail(status, code, nil),
			wantClass: notifier.ClassFinal, wantStatus: status, wantCode: code, wantReason: hint, wantRequests: 1,
		})
	}
	return cases
}

// botFaults covers the Web API responses of chat.postMessage.
func botFaults() []faultCase {
	okFalse := func(code string, headers map[string]string) func(*chatfake.Slack) {
		return fail(200, `{"ok":false,"error":"`+code+`"}`, headers)
	}
	return []faultCase{
		{name: "not_in_channel", setup: okFalse("not_in_channel", nil), wantClass: notifier.ClassFinal, wantStatus: 200, wantCode: "not_in_channel", wantReason: apiFinal["not_in_channel"], wantRequests: 1},
		{name: "channel_not_found", setup: okFalse("channel_not_found", nil), wantClass: notifier.ClassFinal, wantStatus: 200, wantCode: "channel_not_found", wantReason: apiFinal["channel_not_found"], wantRequests: 1},
		{name: "token_revoked", setup: okFalse("token_revoked", nil), wantClass: notifier.ClassFinal, wantStatus: 200, wantCode: "token_revoked", wantReason: apiFinal["token_revoked"], wantRequests: 1},
		{name: "unknown code", setup: okFalse("brand_new_error", nil), wantClass: notifier.ClassFinal, wantStatus: 200, wantCode: "brand_new_error", wantReason: "slack rejected the request", wantRequests: 1},
		{name: "ratelimited with header", setup: okFalse("ratelimited", map[string]string{"Retry-After": "4"}), wantClass: notifier.ClassRateLimited, wantStatus: 200, wantCode: "ratelimited", wantRetryAfter: 4 * time.Second, wantReason: "slack asked to retry later", wantRequests: 1},
		{name: "rate_limited", setup: okFalse("rate_limited", map[string]string{"Retry-After": "4"}), wantClass: notifier.ClassRateLimited, wantStatus: 200, wantCode: "rate_limited", wantReason: "slack asked to retry later", wantRequests: 1},
		{name: "message_limit_exceeded", setup: okFalse("message_limit_exceeded", nil), wantClass: notifier.ClassRateLimited, wantStatus: 200, wantCode: "message_limit_exceeded", wantReason: "slack asked to retry later", wantRequests: 1},
		{name: "internal_error", setup: okFalse("internal_error", nil), wantClass: notifier.ClassTransient, wantStatus: 200, wantCode: "internal_error", wantReason: "slack asked to retry later", wantRequests: 1},
		{name: "429 retry-after seconds", setup: fail(429, `{"ok":false,"error":"ratelimited"}`, map[string]string{"Retry-After": "3"}), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantRetryAfter: 3 * time.Second, wantReason: "slack rate limit exceeded", wantRequests: 1},
		{name: "429 without retry-after", setup: fail(429, "", nil), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantReason: "slack rate limit exceeded", wantRequests: 1},
		{name: "500", setup: fail(500, "<html>oops</html>", nil), wantClass: notifier.ClassTransient, wantStatus: 500, wantReason: "slack returned HTTP 500", wantRequests: 1},
		{name: "404", setup: fail(404, "", nil), wantClass: notifier.ClassFinal, wantStatus: 404, wantReason: "slack returned HTTP 404", wantRequests: 1},
		{name: "200 not json", setup: fail(200, "<html>proxy</html>", nil), wantClass: notifier.ClassTransient, wantStatus: 200, wantReason: "read slack response: invalid character '<' looking for beginning of value", wantRequests: 1},
		{name: "client timeout", setup: hang, clientTimeout: 50 * time.Millisecond, wantClass: notifier.ClassTransient, wantReason: "post: timeout", wantRequests: 1},
		{name: "context deadline", setup: hang, ctxTimeout: 50 * time.Millisecond, wantClass: notifier.ClassTransient, wantReason: "post: timeout", wantRequests: 1},
		{name: "connection refused", setup: closed, wantClass: notifier.ClassTransient, wantReason: "post: connection refused", wantRequests: 0},
	}
}

// runFault plays fc against a new fake and returns the number of
// requests the fake saw and Send's error.
func runFault(t *testing.T, fc faultCase, bot bool) (int, error) {
	t.Helper()
	fake := chatfake.NewSlack(t)
	cfg := Config{WebhookURL: fake.WebhookURL()}
	if bot {
		cfg = Config{Token: botToken, Channel: "C0123", APIURL: fake.APIURL()}
	}
	if fc.clientTimeout > 0 {
		cfg.HTTPClient = &http.Client{Timeout: fc.clientTimeout}
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatalf("New() error = %v", err)
	}

	ctx := context.Background()
	if fc.ctxTimeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, fc.ctxTimeout)
		defer cancel()
	}
	fc.setup(fake)
	_, err = s.Send(ctx, typicalMessage())
	return len(fake.Requests()), err
}

func TestWebhookFaults(t *testing.T) {
	for _, fc := range webhookFaults() {
		t.Run(fc.name, func(t *testing.T) { checkFault(t, fc, false) })
	}
}

func TestBotFaults(t *testing.T) {
	for _, fc := range botFaults() {
		t.Run(fc.name, func(t *testing.T) { checkFault(t, fc, true) })
	}
}

func checkFault(t *testing.T, fc faultCase, bot bool) {
	requests, err := runFault(t, fc, bot)
	var sendErr *notifier.SendError
	if !errors.As(err, &sendErr) {
		t.Fatalf("Send() error = %v, want *notifier.SendError", err)
	}
	if sendErr.Class != fc.wantClass {
		t.Errorf("Class = %q, want %q", sendErr.Class, fc.wantClass)
	}
	if sendErr.Status != fc.wantStatus {
		t.Errorf("Status = %d, want %d", sendErr.Status, fc.wantStatus)
	}
	if sendErr.Code != fc.wantCode {
		t.Errorf("Code = %q, want %q", sendErr.Code, fc.wantCode)
	}
	if sendErr.RetryAfter != fc.wantRetryAfter {
		t.Errorf("RetryAfter = %v, want %v", sendErr.RetryAfter, fc.wantRetryAfter)
	}
	if sendErr.Reason != fc.wantReason {
		t.Errorf("Reason = %q, want %q", sendErr.Reason, fc.wantReason)
	}
	if requests != fc.wantRequests {
		t.Errorf("fake got %d requests, want %d", requests, fc.wantRequests)
	}
}

// TestErrorsLeakNoSecrets formats every error of the fault tables and of
// New, and checks that none shows the webhook URL, its secret path or the
// bot token.
func TestErrorsLeakNoSecrets(t *testing.T) {
	fake := chatfake.NewSlack(t)
	secrets := []string{fake.WebhookURL(), strings.TrimPrefix(fake.WebhookURL(), fake.URL()), fake.WebhookSecret(), botToken, "hooks.example/services"}

	var errs []error
	for _, bot := range []bool{false, true} {
		cases := webhookFaults()
		if bot {
			cases = botFaults()
		}
		for _, fc := range cases {
			_, err := runFault(t, fc, bot)
			errs = append(errs, err)
		}
	}
	for _, cfg := range []Config{
		{WebhookURL: "https://hooks.example/services/T/B/" + fake.WebhookSecret() + "\x7f"},
		{WebhookURL: "hooks.example/services/T/B/" + fake.WebhookSecret()},
		{WebhookURL: fake.WebhookURL(), Token: botToken},
		{Token: botToken},
	} {
		_, err := New(cfg)
		errs = append(errs, err)
	}

	for i, err := range errs {
		if err == nil {
			t.Errorf("error %d is nil", i)
			continue
		}
		for _, format := range []string{"%v", "%+v"} {
			text := fmt.Sprintf(format, err)
			for _, secret := range secrets {
				if strings.Contains(text, secret) {
					t.Errorf("error %d formatted with %s contains %q: %s", i, format, secret, text)
				}
			}
		}
	}
}
