package chatfake

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// clock is a settable clock for WithClock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// reply is a response from a fake.
type reply struct {
	status int
	header http.Header
	body   string
}

func do(t *testing.T, client *http.Client, method, target, contentType, body string, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, target, strings.NewReader(body))
	if err != nil {
		t.Fatalf("build request: %v", err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for name, value := range header {
		req.Header.Set(name, value)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, target, err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, header: resp.Header, body: strings.TrimSpace(string(data))}
}

func TestSlackWebhook(t *testing.T) {
	fake := NewSlack(t)
	tests := []struct {
		name       string
		url        string
		body       string
		wantStatus int
		wantBody   string
	}{
		{"ok", fake.WebhookURL(), `{"text":"hi"}`, 200, "ok"},
		{"attachments only", fake.WebhookURL(), `{"attachments":[{"color":"#fff"}]}`, 200, "ok"},
		{"not json", fake.WebhookURL(), `{"text":`, 400, "invalid_payload"},
		{"no text", fake.WebhookURL(), `{"text":""}`, 400, "no_text"},
		{"unknown webhook", fake.URL() + "/services/T1/B1/other", `{"text":"hi"}`, 404, "no_service"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, fake.Client(), http.MethodPost, tt.url, "application/json", tt.body, nil)
			if got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d", got.status, tt.wantStatus)
			}
			if got.body != tt.wantBody {
				t.Errorf("body = %q, want %q", got.body, tt.wantBody)
			}
			if ct := got.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
				t.Errorf("Content-Type = %q, want text/plain", ct)
			}
		})
	}
}

func TestSlackAPI(t *testing.T) {
	fake := NewSlack(t, WithToken("xoxb-good"))
	form := func(values ...string) string {
		v := url.Values{}
		for i := 0; i < len(values); i += 2 {
			v.Set(values[i], values[i+1])
		}
		return v.Encode()
	}
	post := func(method, body string) map[string]any {
		got := do(t, fake.Client(), http.MethodPost, fake.APIURL()+method, "application/x-www-form-urlencoded", body, nil)
		var decoded map[string]any
		if err := json.Unmarshal([]byte(got.body), &decoded); err != nil {
			t.Fatalf("decode %q: %v", got.body, err)
		}
		return decoded
	}

	first := post("chat.postMessage", form("token", "xoxb-good", "channel", "C1", "text", "hi"))
	second := post("chat.postMessage", form("token", "xoxb-good", "channel", "C1", "text", "hi"))
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"first ok", first["ok"], true},
		{"first ts", first["ts"], "1700000000.000001"},
		{"first channel", first["channel"], "C1"},
		{"second ts", second["ts"], "1700000000.000002"},
		{"wrong token", post("chat.postMessage", form("token", "xoxb-bad", "channel", "C1", "text", "hi"))["error"], "invalid_auth"},
		{"no token", post("chat.postMessage", form("channel", "C1", "text", "hi"))["error"], "not_authed"},
		{"no channel", post("chat.postMessage", form("token", "xoxb-good", "text", "hi"))["error"], "channel_not_found"},
		{"no text", post("chat.postMessage", form("token", "xoxb-good", "channel", "C1"))["error"], "no_text"},
		{"update ok", post("chat.update", form("token", "xoxb-good", "channel", "C1", "ts", "1700000000.000001", "text", "new"))["ok"], true},
		{"update unknown", post("chat.update", form("token", "xoxb-good", "channel", "C1", "ts", "1.1", "text", "new"))["error"], "message_not_found"},
		{"update other channel", post("chat.update", form("token", "xoxb-good", "channel", "C2", "ts", "1700000000.000001"))["error"], "message_not_found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %v, want %v", tt.got, tt.want)
			}
		})
	}
}

func TestSlackLimits(t *testing.T) {
	c := newClock()
	fake := NewSlack(t, WithLimits(), WithClock(c.Now))
	send := func() reply {
		return do(t, fake.Client(), http.MethodPost, fake.WebhookURL(), "application/json", `{"text":"hi"}`, nil)
	}

	for i := range 3 {
		if got := send(); got.status != 200 {
			t.Fatalf("burst send %d status = %d, want 200", i+1, got.status)
		}
	}
	over := send()
	if over.status != http.StatusTooManyRequests {
		t.Errorf("fourth send status = %d, want 429", over.status)
	}
	if got := over.header.Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After = %q, want 1", got)
	}
	if got := fake.RateLimited(); got != 1 {
		t.Errorf("RateLimited() = %d, want 1", got)
	}

	c.Advance(time.Second)
	if got := send(); got.status != 200 {
		t.Errorf("send after a second status = %d, want 200", got.status)
	}
	if got := send(); got.status != http.StatusTooManyRequests {
		t.Errorf("second send after a second status = %d, want 429", got.status)
	}
	if got := fake.RateLimited(); got != 2 {
		t.Errorf("RateLimited() = %d, want 2", got)
	}
}

func TestRecording(t *testing.T) {
	c := newClock()
	fake := NewSlack(t, WithClock(c.Now))
	do(t, fake.Client(), http.MethodPost, fake.WebhookURL()+"?x=1", "application/json", `{"text":"a"}`, map[string]string{"X-Test": "yes"})
	c.Advance(time.Minute)
	do(t, fake.Client(), http.MethodPost, fake.WebhookURL(), "application/json", `{"text":"b"}`, nil)

	requests := fake.Requests()
	if len(requests) != 2 {
		t.Fatalf("Requests() has %d requests, want 2", len(requests))
	}
	first := requests[0]
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"method", first.Method, http.MethodPost},
		{"path", first.Path, slackWebhookPath + slackSecret},
		{"query", first.Query.Get("x"), "1"},
		{"header", first.Header.Get("X-Test"), "yes"},
		{"body", string(first.Body), `{"text":"a"}`},
		{"time", first.Time, c.Now().Add(-time.Minute)},
		{"second time", requests[1].Time, c.Now()},
		{"bodies", len(fake.Bodies()), 2},
		{"second body", string(fake.Bodies()[1]), `{"text":"b"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}
}

func TestScript(t *testing.T) {
	fake := NewDiscord(t)
	fake.Fail(2, http.StatusBadGateway, "down", map[string]string{"Retry-After": "2"})
	fake.Fail(1, http.StatusTooManyRequests, `{"retry_after":0.5}`, nil)
	send := func() reply {
		return do(t, fake.Client(), http.MethodPost, fake.WebhookURL()+"?wait=true", "application/json", `{"content":"hi"}`, nil)
	}

	wantStatuses := []int{502, 502, 429, 200}
	for i, want := range wantStatuses {
		got := send()
		if got.status != want {
			t.Errorf("request %d status = %d, want %d", i+1, got.status, want)
		}
		if i == 0 && got.header.Get("Retry-After") != "2" {
			t.Errorf("request 1 Retry-After = %q, want 2", got.header.Get("Retry-After"))
		}
	}
	if got := fake.RateLimited(); got != 0 {
		t.Errorf("RateLimited() = %d, want 0 for scripted responses", got)
	}
	if got := len(fake.Requests()); got != 4 {
		t.Errorf("Requests() has %d requests, want 4", got)
	}
}

func TestHang(t *testing.T) {
	fake := NewSlack(t)
	fake.Hang(1)

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, fake.WebhookURL(), strings.NewReader(`{"text":"hi"}`))
	_, err := fake.Client().Do(req)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Do() error = %v, want context deadline exceeded", err)
	}

	got := do(t, fake.Client(), http.MethodPost, fake.WebhookURL(), "application/json", `{"text":"hi"}`, nil)
	if got.status != 200 {
		t.Errorf("request after the hang status = %d, want 200", got.status)
	}
}

func TestCloseEndsHang(t *testing.T) {
	fake := NewSlack(t)
	fake.Hang(1)

	done := make(chan error, 1)
	go func() {
		resp, err := http.Post(fake.WebhookURL(), "application/json", strings.NewReader(`{"text":"hi"}`))
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	for len(fake.Requests()) == 0 {
		runtime.Gosched()
	}
	fake.Close()
	<-done

	if _, err := http.Post(fake.WebhookURL(), "application/json", strings.NewReader("{}")); err == nil {
		t.Error("Post() after Close succeeded, want a connection error")
	}
}

func TestDiscordWebhook(t *testing.T) {
	fake := NewDiscord(t)
	base := fake.WebhookURL()
	wrongToken := strings.TrimSuffix(base, fake.WebhookToken()) + "nope"
	wrongID := fake.URL() + "/api/webhooks/1/" + fake.WebhookToken()
	long := `{"content":"` + strings.Repeat("é", 2001) + `"}`
	fields := `{"embeds":[{"fields":[{"name":"","value":"v"}]}]}`

	tests := []struct {
		name       string
		method     string
		url        string
		body       string
		wantStatus int
		wantCode   float64
	}{
		{"wait", http.MethodPost, base + "?wait=true", `{"content":"hi"}`, 200, 0},
		{"no wait", http.MethodPost, base, `{"content":"hi"}`, 204, 0},
		{"wrong token", http.MethodPost, wrongToken + "?wait=true", `{"content":"hi"}`, 401, 50027},
		{"unknown webhook", http.MethodPost, wrongID + "?wait=true", `{"content":"hi"}`, 404, 10015},
		{"invalid json", http.MethodPost, base + "?wait=true", `{"content":`, 400, 50109},
		{"empty message", http.MethodPost, base + "?wait=true", `{"content":""}`, 400, 50006},
		{"content too long", http.MethodPost, base + "?wait=true", long, 400, 50035},
		{"empty field name", http.MethodPost, base + "?wait=true", fields, 400, 50035},
		{"edit unknown message", http.MethodPatch, base + "/messages/42", `{"content":"x"}`, 404, 10008},
		{"unknown route", http.MethodGet, fake.URL() + "/api/v10/users/@me", "", 404, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := do(t, fake.Client(), tt.method, tt.url, "application/json", tt.body, nil)
			if got.status != tt.wantStatus {
				t.Errorf("status = %d, want %d", got.status, tt.wantStatus)
			}
			if got.status == 204 || got.status == 200 {
				return
			}
			var decoded map[string]any
			if err := json.Unmarshal([]byte(got.body), &decoded); err != nil {
				t.Fatalf("decode %q: %v", got.body, err)
			}
			if decoded["code"] != tt.wantCode {
				t.Errorf("code = %v, want %v", decoded["code"], tt.wantCode)
			}
		})
	}
}

func TestDiscordMessages(t *testing.T) {
	fake := NewDiscord(t, WithToken("good"))
	decode := func(a reply) map[string]any {
		var m map[string]any
		if err := json.Unmarshal([]byte(a.body), &m); err != nil {
			t.Fatalf("decode %q: %v", a.body, err)
		}
		return m
	}
	bot := map[string]string{"Authorization": "Bot good"}

	posted := decode(do(t, fake.Client(), http.MethodPost, fake.WebhookURL()+"?wait=true", "application/json", `{"content":"hi","embeds":[{"title":"t"}]}`, nil))
	edited := do(t, fake.Client(), http.MethodPatch, fake.WebhookURL()+"/messages/"+posted["id"].(string), "application/json", `{"content":"new"}`, nil)
	created := decode(do(t, fake.Client(), http.MethodPost, fake.APIURL()+"channels/77/messages", "application/json", `{"content":"bot"}`, bot))
	botEdit := do(t, fake.Client(), http.MethodPatch, fake.APIURL()+"channels/77/messages/"+created["id"].(string), "application/json", `{"content":"x"}`, bot)
	wrongBot := do(t, fake.Client(), http.MethodPost, fake.APIURL()+"channels/77/messages", "application/json", `{"content":"bot"}`, map[string]string{"Authorization": "Bot bad"})
	noAuth := do(t, fake.Client(), http.MethodPost, fake.APIURL()+"channels/77/messages", "application/json", `{"content":"bot"}`, nil)

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"webhook id", posted["id"], "1300000000000000001"},
		{"webhook channel", posted["channel_id"], fake.ChannelID()},
		{"webhook content echoed", posted["content"], "hi"},
		{"webhook embeds echoed", len(posted["embeds"].([]any)), 1},
		{"webhook edit", edited.status, 200},
		{"bot id", created["id"], "1300000000000000002"},
		{"bot channel", created["channel_id"], "77"},
		{"bot edit", botEdit.status, 200},
		{"wrong bot token", wrongBot.status, 401},
		{"no authorization", noAuth.status, 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}
}

func TestDiscordLimits(t *testing.T) {
	c := newClock()
	fake := NewDiscord(t, WithLimits(), WithClock(c.Now))
	send := func() reply {
		return do(t, fake.Client(), http.MethodPost, fake.WebhookURL()+"?wait=true", "application/json", `{"content":"hi"}`, nil)
	}

	first := send()
	if got := first.header.Get("X-RateLimit-Remaining"); got != "4" {
		t.Errorf("first X-RateLimit-Remaining = %q, want 4", got)
	}
	if got := first.header.Get("X-RateLimit-Reset-After"); got != "2.000" {
		t.Errorf("first X-RateLimit-Reset-After = %q, want 2.000", got)
	}
	for i := range 4 {
		if got := send(); got.status != 200 {
			t.Fatalf("send %d status = %d, want 200", i+2, got.status)
		}
	}

	c.Advance(500 * time.Millisecond)
	over := send()
	if over.status != http.StatusTooManyRequests {
		t.Fatalf("sixth send status = %d, want 429", over.status)
	}
	var body struct {
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"`
		Global     *bool   `json:"global"`
	}
	if err := json.Unmarshal([]byte(over.body), &body); err != nil {
		t.Fatalf("decode 429 body %q: %v", over.body, err)
	}
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"message", body.Message, "You are being rate limited."},
		{"retry_after", body.RetryAfter, 1.5},
		{"global", body.Global != nil && !*body.Global, true},
		{"Retry-After", over.header.Get("Retry-After"), "2"},
		{"remaining", over.header.Get("X-RateLimit-Remaining"), "0"},
		{"violations", fake.RateLimited(), 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}

	c.Advance(1500 * time.Millisecond)
	if got := send(); got.status != 200 {
		t.Errorf("send after the window status = %d, want 200", got.status)
	}
}
