package deliver

import (
	"context"
	"fmt"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/notifier"
)

// burstMessages is the number of messages BenchmarkBurst queues for each
// of its two channels.
const burstMessages = 5000

// countingSender counts the sends that succeeded. It passes Pace through,
// so the worker reads the platform's bucket as it would without it.
type countingSender struct {
	next notifier.Sender
	sent atomic.Int64
}

func (c *countingSender) Send(ctx context.Context, m *notifier.Message) (notifier.Receipt, error) {
	r, err := c.next.Send(ctx, m)
	if err == nil {
		c.sent.Add(1)
	}
	return r, err
}

func (c *countingSender) Pace() (int, time.Duration) {
	if reporter, ok := c.next.(paceReporter); ok {
		return reporter.Pace()
	}
	return -1, 0
}

// BenchmarkBurst delivers a burst of messages to one Slack and one
// Discord channel whose fakes enforce the platforms' rate limits on the
// fake clock. It reports the simulated time until the last message was
// delivered (sim-s), the peak heap in use (peak-heap-MiB), and the 429s
// the fakes had to send (rate-limited), which must be 0. Run it with
// -benchtime 1x: one iteration delivers 10,000 messages.
func BenchmarkBurst(b *testing.B) {
	for b.Loop() {
		runBurst(b)
	}
}

func runBurst(b *testing.B) {
	b.StopTimer()
	h := prepareHarness(b, Options{Policy: defaultPolicy})
	slackFake := chatfake.NewSlack(b, chatfake.WithLimits(), chatfake.WithClock(h.clock.Now))
	discordFake := chatfake.NewDiscord(b, chatfake.WithLimits(), chatfake.WithClock(h.clock.Now))
	slackChat := slackWebhookChatFor(b, slackFake)
	discordChat := discordChatFor(b, discordFake, discordFake.WebhookURL())
	slackSender := &countingSender{next: slackChat.sender}
	discordSender := &countingSender{next: discordChat.sender}
	h.d = New(h.d.opts, []Channel{
		{Name: "slack", Sender: slackSender, Platform: notifier.PlatformSlack, Pace: SlackPace},
		{Name: "discord", Sender: discordSender, Platform: notifier.PlatformDiscord, Pace: DiscordPace},
	})
	h.workers = 2
	var titles []string
	for i := range burstMessages {
		titles = append(titles, fmt.Sprint("alert-", i+1))
	}
	h.queue("slack", titles...)
	h.queue("discord", titles...)
	runtime.GC()
	var peak uint64
	b.StartTimer()

	h.run()
	done := func() bool { return slackSender.sent.Load()+discordSender.sent.Load() == 2*burstMessages }
	for steps := 0; !done(); steps++ {
		if steps%200 == 0 {
			peak = max(peak, heapInUse())
		}
		// Messages were queued before the start, so no worker is woken
		// by Wake, and a worker waiting on a timer is truly idle.
		if h.clock.Waiters() < h.workers {
			time.Sleep(20 * time.Microsecond)
			continue
		}
		if done() {
			break
		}
		if next, ok := h.clock.Next(); ok {
			h.clock.Advance(next.Sub(h.clock.Now()))
		}
	}
	b.StopTimer()

	var last time.Time
	for _, fake := range []interface{ Requests() []chatfake.Request }{slackFake, discordFake} {
		reqs := fake.Requests()
		last = maxTime(last, reqs[len(reqs)-1].Time)
	}
	limited := slackFake.RateLimited() + discordFake.RateLimited()
	b.ReportMetric(last.Sub(start).Seconds(), "sim-s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(limited), "rate-limited")
	b.Logf("last message delivered %v after the burst (simulated); slack %d and discord %d requests",
		last.Sub(start), len(slackFake.Requests()), len(discordFake.Requests()))
	if limited != 0 {
		b.Errorf("the fakes rate-limited %d requests, want 0", limited)
	}
	b.StartTimer()
}

func heapInUse() uint64 {
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapInuse
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}
