package discord

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
)

// faultCase is one failure the fake plays, and the error Send must return.
type faultCase struct {
	name string
	// setup scripts the fake, or closes it.
	setup func(f *chatfake.Discord)
	// ctxTimeout and clientTimeout, when set, bound the Send.
	ctxTimeout    time.Duration
	clientTimeout time.Duration

	wantClass      notifier.Class
	wantStatus     int
	wantCode       string
	wantRetryAfter time.Duration
	wantGlobal     bool
	wantReason     string
	wantRequests   int
}

func fail(status int, body string, headers map[string]string) func(*chatfake.Discord) {
	return func(f *chatfake.Discord) { f.Fail(1, status, body, headers) }
}

func hang(f *chatfake.Discord) { f.Hang(1) }

func closed(f *chatfake.Discord) { f.Close() }

var jsonHeader = map[string]string{"Content-Type": "application/json"}

// faults covers Discord's documented error responses, rate limits and
// transport failures. Each expects exactly one request: discordgo must not
// retry on its own.
func faults() []faultCase {
	rateLimited := `{"message":"You are being rate limited.","retry_after":0.5,"global":true}`
	return []faultCase{
		{name: "401 invalid webhook token", setup: fail(401, `{"message":"Invalid Webhook Token","code":50027}`, jsonHeader), wantClass: notifier.ClassFinal, wantStatus: 401, wantCode: "50027", wantReason: codeHints[50027], wantRequests: 1},
		{name: "401 bot token", setup: fail(401, `{"message":"401: Unauthorized","code":0}`, jsonHeader), wantClass: notifier.ClassFinal, wantStatus: 401, wantReason: "discord rejected the token", wantRequests: 1},
		{name: "403 missing permissions", setup: fail(403, `{"message":"Missing Permissions","code":50013}`, jsonHeader), wantClass: notifier.ClassFinal, wantStatus: 403, wantCode: "50013", wantReason: codeHints[50013], wantRequests: 1},
		{name: "404 unknown webhook", setup: fail(404, `{"message":"Unknown Webhook","code":10015}`, jsonHeader), wantClass: notifier.ClassFinal, wantStatus: 404, wantCode: "10015", wantReason: codeHints[10015], wantRequests: 1},
		{name: "400 invalid form body", setup: fail(400, `{"message":"Invalid Form Body","code":50035,"errors":{}}`, jsonHeader), wantClass: notifier.ClassFinal, wantStatus: 400, wantCode: "50035", wantReason: codeHints[50035], wantRequests: 1},
		{name: "400 unknown code", setup: fail(400, `{"message":"Something new","code":12345}`, jsonHeader), wantClass: notifier.ClassFinal, wantStatus: 400, wantCode: "12345", wantReason: `discord rejected the request: "Something new"`, wantRequests: 1},
		{name: "413 not json", setup: fail(413, "<html>too large</html>", nil), wantClass: notifier.ClassFinal, wantStatus: 413, wantReason: "discord rejected the request", wantRequests: 1},
		{name: "429 global body", setup: fail(429, rateLimited, jsonHeader), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantRetryAfter: 500 * time.Millisecond, wantGlobal: true, wantReason: "discord rate limit exceeded", wantRequests: 1},
		{name: "429 global header", setup: fail(429, `{"message":"You are being rate limited.","retry_after":1.25}`, map[string]string{"X-RateLimit-Global": "true", "Retry-After": "2"}), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantRetryAfter: 1250 * time.Millisecond, wantGlobal: true, wantReason: "discord rate limit exceeded", wantRequests: 1},
		{name: "429 with code", setup: fail(429, `{"message":"You are being rate limited.","retry_after":3,"global":false,"code":20016}`, jsonHeader), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantCode: "20016", wantRetryAfter: 3 * time.Second, wantReason: "discord rate limit exceeded", wantRequests: 1},
		{name: "429 not json with retry-after", setup: fail(429, "<html>slow down</html>", map[string]string{"Retry-After": "3"}), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantRetryAfter: 3 * time.Second, wantReason: "discord rate limit exceeded", wantRequests: 1},
		{name: "429 without wait", setup: fail(429, "", nil), wantClass: notifier.ClassRateLimited, wantStatus: 429, wantReason: "discord rate limit exceeded", wantRequests: 1},
		{name: "500", setup: fail(500, `{"message":"500: Internal Server Error","code":0}`, jsonHeader), wantClass: notifier.ClassTransient, wantStatus: 500, wantReason: "discord returned HTTP 500", wantRequests: 1},
		{name: "502 not retried", setup: fail(502, "<html>bad gateway</html>", nil), wantClass: notifier.ClassTransient, wantStatus: 502, wantReason: "discord returned HTTP 502", wantRequests: 1},
		{name: "503", setup: fail(503, "", nil), wantClass: notifier.ClassTransient, wantStatus: 503, wantReason: "discord returned HTTP 503", wantRequests: 1},
		{name: "client timeout", setup: hang, clientTimeout: 50 * time.Millisecond, wantClass: notifier.ClassTransient, wantReason: "post: timeout", wantRequests: 1},
		{name: "context deadline", setup: hang, ctxTimeout: 50 * time.Millisecond, wantClass: notifier.ClassTransient, wantReason: "post: timeout", wantRequests: 1},
		{name: "connection refused", setup: closed, wantClass: notifier.ClassTransient, wantReason: "post: connection refused", wantRequests: 0},
	}
}

// runFault plays fc against a new fake and returns the number of
// requests the fake saw and Send's error.
func runFault(t *testing.T, fc faultCase, bot bool) (int, error) {
	t.Helper()
	fake := chatfake.NewDiscord(t)
	cfg := Config{WebhookURL: fake.WebhookURL()}
	if bot {
		cfg = Config{Token: botToken, ChannelID: "555", APIURL: fake.APIURL()}
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

func TestFaults(t *testing.T) {
	for _, mode := range []struct {
		name string
		bot  bool
	}{{"webhook", false}, {"bot", true}} {
		for _, fc := range faults() {
			t.Run(mode.name+"/"+fc.name, func(t *testing.T) { checkFault(t, fc, mode.bot) })
		}
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
	if sendErr.Global != fc.wantGlobal {
		t.Errorf("Global = %v, want %v", sendErr.Global, fc.wantGlobal)
	}
	if sendErr.Reason != fc.wantReason {
		t.Errorf("Reason = %q, want %q", sendErr.Reason, fc.wantReason)
	}
	if requests != fc.wantRequests {
		t.Errorf("fake got %d requests, want %d", requests, fc.wantRequests)
	}
}

// TestErrorsLeakNoSecrets formats every error of the fault table, in both
// modes, and of New, and checks that none shows the webhook URL, its token
// or the bot token.
func TestErrorsLeakNoSecrets(t *testing.T) {
	fake := chatfake.NewDiscord(t)
	secrets := []string{fake.WebhookURL(), strings.TrimPrefix(fake.WebhookURL(), fake.URL()), fake.WebhookToken(), botToken}

	var errs []error
	for _, bot := range []bool{false, true} {
		for _, fc := range faults() {
			_, err := runFault(t, fc, bot)
			errs = append(errs, err)
		}
	}
	for _, cfg := range []Config{
		{WebhookURL: "https://discord.example/api/webhooks/1/" + fake.WebhookToken() + "\x7f"},
		{WebhookURL: "discord.example/api/webhooks/1/" + fake.WebhookToken()},
		{WebhookURL: fake.WebhookURL(), Token: botToken},
		{Token: botToken, ChannelID: "x"},
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
