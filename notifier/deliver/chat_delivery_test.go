package deliver

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// alerts returns the titles alert-1 to alert-n.
func alerts(n int) []string {
	var out []string
	for i := 1; i <= n; i++ {
		out = append(out, fmt.Sprint("alert-", i))
	}
	return out
}

// sentTitles returns the titles of the sent messages of channel, in the
// order they were queued. The order they reached the chat in is the order
// of the fake's requests.
func (h *harness) sentTitles(channel string) []string {
	msgs := h.messages(store.StateSent)
	slices.Reverse(msgs)
	var out []string
	for _, m := range msgs {
		if m.Channel == channel {
			out = append(out, m.Message.Title)
		}
	}
	return out
}

func TestDeliverStoresReceipts(t *testing.T) {
	tests := []struct {
		name        string
		chat        newChat
		wantReceipt notifier.Receipt
	}{
		{"slack bot token", slackBotChat, notifier.Receipt{MessageID: "1700000000.000001", ChannelID: "C0123456789"}},
		{"slack webhook", slackWebhookChat, notifier.Receipt{}},
		{"discord webhook", discordChat, notifier.Receipt{MessageID: "1300000000000000001"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := tt.chat(t)
			h := prepareHarness(t, Options{Policy: defaultPolicy}, Channel{Name: "ops", Sender: c.sender})
			h.queue("ops", "alert-1")
			h.run()

			h.drive("message sent", func() bool { return h.pending() == 0 })

			sent := h.messages(store.StateSent)
			if len(sent) != 1 {
				t.Fatalf("sent messages = %d, want 1", len(sent))
			}
			if sent[0].Receipt != tt.wantReceipt {
				t.Errorf("receipt = %+v, want %+v", sent[0].Receipt, tt.wantReceipt)
			}
			reqs := c.fake.Requests()
			if len(reqs) != 1 {
				t.Fatalf("requests = %d, want 1", len(reqs))
			}
			if c.platform == notifier.PlatformDiscord && reqs[0].Query.Get("wait") != "true" {
				t.Errorf("discord query = %q, want wait=true", reqs[0].Query.Encode())
			}
		})
	}
}

// success is a scripted response that the fake of platform counts as a
// delivered message.
func success(platform notifier.Platform) (int, string) {
	if platform == notifier.PlatformDiscord {
		return 200, `{"id":"1300000000000000077","channel_id":"112233445566778899"}`
	}
	return 200, "ok"
}

func TestDeliverKeepsOrderThroughChatFakes(t *testing.T) {
	for _, newChat := range []newChat{slackWebhookChat, discordChat} {
		c := newChat(t)
		t.Run(string(c.platform), func(t *testing.T) {
			okStatus, okBody := success(c.platform)
			c.fake.Fail(1, 500, "", nil)
			c.fake.Fail(1, okStatus, okBody, nil)
			c.fake.Fail(1, 429, "", map[string]string{"Retry-After": "2"})
			c.fake.Fail(1, okStatus, okBody, nil)
			c.fake.Fail(2, 503, "", nil)
			h := prepareHarness(t, Options{Policy: defaultPolicy}, Channel{Name: "ops", Sender: c.sender})
			h.queue("ops", alerts(3)...)
			h.queue("ops", "alert-4", "alert-5")
			h.run()

			h.drive("all sent", func() bool { return h.pending() == 0 })

			wantRequests := []string{"alert-1", "alert-1", "alert-2", "alert-2", "alert-3", "alert-3", "alert-3", "alert-4", "alert-5"}
			if got := titles(c.fake.Requests()); !slices.Equal(got, wantRequests) {
				t.Errorf("requests carried %v, want %v", got, wantRequests)
			}
			if got := h.sentTitles("ops"); !slices.Equal(got, alerts(5)) {
				t.Errorf("sent in order %v, want %v", got, alerts(5))
			}
		})
	}
}

func TestDeliverDownChatDoesNotDelayHealthyOne(t *testing.T) {
	tests := []struct {
		name string
		down func(c chat)
	}{
		{"hanging", func(c chat) { c.fake.Hang(100) }},
		{"refusing connections", func(c chat) { c.fake.Close() }},
		{"answering 503", func(c chat) { c.fake.Fail(100, 503, "", nil) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			down, healthy := slackWebhookChat(t), discordChat(t)
			tt.down(down)
			// A send to the hanging chat holds its worker for the whole
			// timeout, far longer than the healthy channel needs.
			h := prepareHarness(t, Options{Policy: defaultPolicy, Timeout: time.Minute},
				Channel{Name: "down", Sender: down.sender, Platform: down.platform},
				Channel{Name: "healthy", Sender: healthy.sender, Platform: healthy.platform})
			h.queue("down", "alert-1", "alert-2")
			h.queue("healthy", alerts(20)...)
			h.run()

			// The clock stays still: the healthy channel, which has no pace
			// here, must finish while the down one hangs or waits for its
			// first backoff.
			h.await("healthy channel sent", func() bool { return len(h.sentTitles("healthy")) == 20 })

			if got := titles(healthy.fake.Requests()); !slices.Equal(got, alerts(20)) {
				t.Errorf("healthy chat received %v, want %v", got, alerts(20))
			}
			if got := len(h.sentTitles("down")); got != 0 {
				t.Errorf("down channel sent %d messages, want 0", got)
			}
			if !h.clock.Now().Equal(start) {
				t.Errorf("clock moved to %v", h.clock.Now())
			}
		})
	}
}

func TestDeliverGlobalRateLimitPausesDiscord(t *testing.T) {
	tests := []struct {
		name    string
		body    string
		headers map[string]string
		want    time.Duration
	}{
		{
			"global in the body", `{"message":"You are being rate limited.","retry_after":4,"global":true}`,
			map[string]string{"Retry-After": "4"},
			4 * time.Second,
		},
		{
			"global in the header", `{"message":"You are being rate limited.","retry_after":2.5,"global":false}`,
			map[string]string{"X-RateLimit-Global": "true", "X-RateLimit-Scope": "global"},
			2500 * time.Millisecond,
		},
		{
			"global without a wait", `{"message":"You are being rate limited.","global":true}`,
			nil, time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := prepareHarness(t, Options{Policy: defaultPolicy})
			limited := discordChat(t, chatfake.WithClock(h.clock.Now))
			other := discordChat(t, chatfake.WithClock(h.clock.Now))
			sl := slackWebhookChat(t, chatfake.WithClock(h.clock.Now))
			h.d = New(h.d.opts, []Channel{
				{Name: "limited", Sender: limited.sender, Platform: notifier.PlatformDiscord},
				{Name: "other", Sender: other.sender, Platform: notifier.PlatformDiscord},
				{Name: "slack", Sender: sl.sender, Platform: notifier.PlatformSlack},
			})
			h.workers = 3
			limited.fake.Fail(1, 429, tt.body, tt.headers)
			h.queue("limited", "alert-1")
			h.run()
			h.await("the 429 recorded", func() bool {
				m := h.messages(store.StatePending)
				return len(m) == 1 && m[0].Attempts == 1
			})

			h.queue("other", "alert-2")
			h.queue("slack", "alert-3")
			h.drive("all sent", func() bool { return h.pending() == 0 })

			if got := requestTimes(limited); !slices.Equal(got, []time.Duration{0, tt.want}) {
				t.Errorf("limited channel requests at %v, want [0s %v]", got, tt.want)
			}
			if got := requestTimes(other); !slices.Equal(got, []time.Duration{tt.want}) {
				t.Errorf("other discord channel requests at %v, want [%v]", got, tt.want)
			}
			if got := requestTimes(sl); !slices.Equal(got, []time.Duration{0}) {
				t.Errorf("slack channel requests at %v, want [0s]", got)
			}
		})
	}
}

// requestTimes returns when the fake of c received each request, from the
// start, by the fake clock.
func requestTimes(c chat) []time.Duration {
	var out []time.Duration
	for _, r := range c.fake.Requests() {
		out = append(out, r.Time.Sub(start))
	}
	return out
}

func TestDeliverFollowsDiscordBucketHeaders(t *testing.T) {
	h := prepareHarness(t, Options{Policy: defaultPolicy})
	fake := chatfake.NewDiscord(t, chatfake.WithLimits(), chatfake.WithClock(h.clock.Now))
	c := discordChatFor(t, fake, fake.WebhookURL())
	// No pace of fcnotify's own: only the X-RateLimit headers that the
	// sender reports can keep the worker inside the fake's 5 per 2 s.
	h.d = New(h.d.opts, []Channel{{Name: "d", Sender: c.sender, Platform: notifier.PlatformDiscord}})
	h.workers = 1
	h.queue("d", alerts(12)...)
	h.run()

	h.drive("all sent", func() bool { return h.pending() == 0 })

	if n := fake.RateLimited(); n != 0 {
		t.Errorf("rate-limited requests = %d, want 0", n)
	}
	if n := len(fake.Requests()); n != 12 {
		t.Errorf("requests = %d, want 12", n)
	}
	if got := titles(fake.Requests()); !slices.Equal(got, alerts(12)) {
		t.Errorf("chat received %v, want %v", got, alerts(12))
	}
	// The fake's window starts with the first request after the last one
	// ended, and the worker waits for the reset plus its margin.
	times := requestTimes(chat{fake: fake})
	if len(times) != 12 {
		t.Fatalf("request times = %v, want 12", times)
	}
	windows := [][]time.Duration{times[:5], times[5:10], times[10:]}
	var windowStart time.Duration
	for i, window := range windows {
		if i > 0 {
			if lo, hi := windowStart+2*time.Second, windowStart+2*time.Second+resetMargin; window[0] < lo || window[0] > hi {
				t.Errorf("window %d starts at %v, want between %v and %v", i+1, window[0], lo, hi)
			}
			windowStart = window[0]
		}
		for _, at := range window {
			if at != windowStart {
				t.Errorf("window %d has a request at %v, want every one at %v", i+1, at, windowStart)
			}
		}
	}
}

// gatedSender holds each send until the test releases it.
type gatedSender struct {
	next    notifier.Sender
	entered chan struct{}
	release chan struct{}
}

func (g *gatedSender) Send(ctx context.Context, m *notifier.Message) (notifier.Receipt, error) {
	g.entered <- struct{}{}
	<-g.release
	return g.next.Send(ctx, m)
}

func TestDeliverShutdownFinishesOnlyTheSendInFlight(t *testing.T) {
	c := slackWebhookChat(t)
	gate := &gatedSender{next: c.sender, entered: make(chan struct{}, 10), release: make(chan struct{})}
	h := prepareHarness(t, Options{Policy: defaultPolicy}, Channel{Name: "ops", Sender: gate})
	h.queue("ops", alerts(5)...)
	h.run()

	<-gate.entered
	// Cancelling is synchronous: the send in flight finishes after it.
	h.stop()
	close(gate.release)
	<-h.done

	if got := h.sentTitles("ops"); !slices.Equal(got, []string{"alert-1"}) {
		t.Errorf("sent %v, want [alert-1]", got)
	}
	if n := len(c.fake.Requests()); n != 1 {
		t.Errorf("requests = %d, want 1", n)
	}
	if n := h.pending(); n != 4 {
		t.Errorf("pending = %d, want 4", n)
	}
	if n := len(gate.entered); n != 0 {
		t.Errorf("sends started after the stop = %d, want 0", n)
	}
	if logs := h.logs.String(); !strings.Contains(logs, `msg="delivery stopping, sends in flight may finish" grace=1s`) {
		t.Errorf("logs lack the stop line:\n%s", logs)
	}
}
