package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/internal/fcevents"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// daySeed fixes the generated day, so runs compare.
const daySeed = 20260825

// dayStart is midnight UTC of the replayed day, a Tuesday. Quiet hours
// of the activity channel, 22:00 to 07:00 in Kolkata, are 16:30 to 01:30
// UTC.
var dayStart = time.Date(2026, 8, 25, 0, 0, 0, 0, time.UTC)

// calmDayRules is the configuration of a calm agency: urgent alerts in
// ops, one living message per deploy in devs, and grouped, settled
// activity in a channel that is quiet at night.
const calmDayRules = `
rules:
  - name: broken
    match: {event: [Site Status Update, Bench Status Update], to: Broken}
    notify: [ops]
    group: {by: [doctype, status], wait: 30s}
    repeat_after: 4h
    urgent: true
  - name: recovered
    match: {event: [Site Status Update, Bench Status Update], from: Broken}
    notify: [ops]
    group: {by: [doctype, status], wait: 2m}
    repeat_after: 4h
  - name: deploy-failed
    match: {event: Bench Deploy Status Update, to: Failure}
    notify: [ops]
    urgent: true
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [devs]
    update: true
  - name: site-activity
    match: {event: Site Status Update, from: Active, to: [Pending, Installing, Updating, Inactive, Suspended]}
    notify: [activity]
    settle: 5m
  - name: bench-activity
    match: {event: Bench Status Update, from: [Installing, Active], to: [Active, Archived]}
    notify: [activity]
    group: {by: [group, status], wait: 2m}
`

// plainDayRules match the same events with none of the noise controls.
const plainDayRules = `
rules:
  - name: broken
    match: {event: [Site Status Update, Bench Status Update], to: Broken}
    notify: [ops]
  - name: recovered
    match: {event: [Site Status Update, Bench Status Update], from: Broken}
    notify: [ops]
  - name: deploy-failed
    match: {event: Bench Deploy Status Update, to: Failure}
    notify: [ops]
  - name: deploys
    match: {event: Bench Deploy Status Update}
    notify: [devs]
  - name: site-activity
    match: {event: Site Status Update, from: Active, to: [Pending, Installing, Updating, Inactive, Suspended]}
    notify: [activity]
  - name: bench-activity
    match: {event: Bench Status Update, from: [Installing, Active], to: [Active, Archived]}
    notify: [activity]
`

// dayConfig returns the configuration of the day's channels with rules.
// The activity channel is quiet at night when quiet is set.
func dayConfig(sl *chatfake.Slack, dc *chatfake.Discord, state, rules string, quiet bool) string {
	quietHours := ""
	if quiet {
		quietHours = `quiet: {zone: Asia/Kolkata, from: "22:00", to: "07:00"}`
	}
	return fmt.Sprintf(`
state:
  path: %s
delivery:
  shutdown_grace: 1s
channels:
  ops:
    slack: {token: xoxb-day-token, channel: C0OPS, api_url: %q}
  devs:
    discord: {webhook_url: %q}
  activity:
    slack: {webhook_url: %q}
    %s
%s`, state, sl.APIURL(), dc.WebhookURL(), sl.WebhookURL(), quietHours, rules)
}

// BenchmarkNoiseDay replays a generated day of an agency (500 sites, 40
// release groups, 20 deploys, 3 incidents) through the running server
// with chat fakes and a fake clock. It runs once with the noise controls
// and once with the same rules without them. It reports the events in,
// the posts (new messages) and edits out per channel, the events per
// post, and the longest time from a Broken or Failure event to the
// message that announced it.
func BenchmarkNoiseDay(b *testing.B) {
	for _, run := range []struct {
		name  string
		rules string
		quiet bool
	}{{"calm", calmDayRules, true}, {"plain", plainDayRules, false}} {
		b.Run(run.name, func(b *testing.B) {
			var r dayResult
			for range b.N {
				r = replayDay(b, run.rules, run.quiet)
			}
			r.report(b)
		})
	}
}

// dayResult is what one replay measured.
type dayResult struct {
	events int
	posts  map[string]int
	edits  map[string]int
	// digests counts the posts that are digests of quiet hours.
	digests int
	// latency is the longest time from a Broken or Failure event to the
	// delivery of the message that named its document.
	latency time.Duration
	// unannounced lists the Broken and Failure events no message named.
	unannounced []string
}

func (r dayResult) report(b *testing.B) {
	total := 0
	for _, ch := range []string{"ops", "devs", "activity"} {
		b.ReportMetric(float64(r.posts[ch]), ch+"_posts")
		b.ReportMetric(float64(r.edits[ch]), ch+"_edits")
		total += r.posts[ch]
	}
	b.ReportMetric(float64(r.events), "events")
	b.ReportMetric(float64(total), "posts")
	b.ReportMetric(float64(r.digests), "digests")
	b.ReportMetric(float64(r.events)/float64(max(total, 1)), "events/post")
	b.ReportMetric(r.latency.Seconds(), "alert_max_s")
	if len(r.unannounced) > 0 {
		b.Errorf("Broken or Failure events never announced: %s", strings.Join(r.unannounced, ", "))
	}
}

// replayDay runs one day and measures it.
func replayDay(b *testing.B, rules string, quiet bool) dayResult {
	b.Helper()
	warmUp, events := fcevents.Day(daySeed, fcevents.AgencyDay, dayStart)
	d := startDay(b, dayRulesConfig{rules: rules, quiet: quiet}, warmUp[0].At)
	defer d.stop()

	for _, ev := range warmUp {
		d.post(ev.Body)
	}
	d.countWaiters()
	d.runUntil(dayStart)
	if n := len(d.messages()); n != 0 {
		b.Fatalf("warm-up queued %d messages, want none", n)
	}

	alerts := map[int]int64{}
	for i, ev := range events {
		d.runUntil(ev.At)
		id := d.post(ev.Body)
		if ev.Status == "Broken" || ev.Status == "Failure" {
			alerts[i] = d.announcer(id)
		}
	}
	// Past the end of the last quiet hours, so digests go out too.
	d.runUntil(events[len(events)-1].At.Add(12 * time.Hour))

	r := d.measure(events, alerts)
	r.events = len(events)
	return r
}

// dayStack is a running server driven by a fake clock.
type dayStack struct {
	b       *testing.B
	logs    *lockedWriter
	srv     *Server
	st      *store.SQLite
	clock   *fakeclock.Clock
	url     string
	client  *http.Client
	waiters int
	stop    func()
}

// dayRulesConfig is the part of the day's configuration that differs
// between the runs.
type dayRulesConfig struct {
	rules string
	quiet bool
}

func startDay(b *testing.B, c dayRulesConfig, start time.Time) *dayStack {
	b.Helper()
	sl, dc := chatfake.NewSlack(b), chatfake.NewDiscord(b)
	state := filepath.Join(b.TempDir(), "fcnotify.db")
	cfg, err := config.Parse([]byte(dayConfig(sl, dc, state, c.rules, c.quiet)), "day.yaml")
	if err != nil {
		b.Fatalf("config: %v", err)
	}
	clock := fakeclock.New(start)
	logs := &lockedWriter{}
	srv, err := New(cfg, Options{
		Logger: slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelWarn})), Clock: clock, Console: io.Discard,
		Jitter: func() float64 { return 1 },
	})
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Run(ctx, ln) }()

	d := &dayStack{
		b: b, srv: srv, logs: logs, st: srv.store, clock: clock, url: "http://" + ln.Addr().String() + "/webhook",
		client: &http.Client{Timeout: 10 * time.Second},
	}
	d.stop = func() {
		cancel()
		if err := <-done; err != nil {
			b.Errorf("Run: %v", err)
		}
	}
	return d
}

// post sends a body to the webhook and returns its inbox id.
func (d *dayStack) post(body []byte) int64 {
	resp, err := d.client.Post(d.url, "application/json", bytes.NewReader(body))
	if err != nil {
		d.b.Fatal(err)
	}
	defer resp.Body.Close()
	var accepted struct {
		ID int64 `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&accepted); err != nil || resp.StatusCode != http.StatusOK {
		d.b.Fatalf("webhook status %d: %v", resp.StatusCode, err)
	}
	return accepted.ID
}

// announcer returns the inbox id of the event whose message will carry
// the event with inbox id, once it is processed: the first event of the
// group it is held in, or itself.
func (d *dayStack) announcer(id int64) int64 {
	d.await("the inbox to be processed", func() bool {
		items, err := d.st.PendingInbox(context.Background(), 0, 1)
		return err == nil && len(items) == 0
	})
	holds, err := d.st.Holds(context.Background(), store.HoldFilter{Kind: store.HoldGroup})
	if err != nil {
		d.b.Fatal(err)
	}
	for _, h := range holds {
		if h.InboxID != id {
			continue
		}
		first := id
		for _, other := range holds {
			if other.Rule == h.Rule && other.Channel == h.Channel && other.Key == h.Key && other.Due.Equal(h.Due) {
				first = min(first, other.InboxID)
			}
		}
		return first
	}
	return id
}

// runUntil moves the clock to target. While messages are pending it
// moves from timer to timer, and only once every goroutine waits on the
// clock, so sends happen at the simulated time that pace and backoff
// give them. With nothing pending it jumps to the next held message's
// release, or to target.
func (d *dayStack) runUntil(target time.Time) {
	ctx := context.Background()
	for {
		d.await("the inbox to be processed", func() bool {
			items, err := d.st.PendingInbox(ctx, 0, 1)
			return err == nil && len(items) == 0
		})
		now := d.clock.Now()
		d.await("due held messages to be released", func() bool {
			// The releaser may have read the clock just before it moved.
			d.srv.processor.WakeReleaser()
			next, found, err := d.st.NextDue(ctx)
			return err == nil && (!found || next.After(now))
		})

		next := target
		if due, found, _ := d.st.NextDue(ctx); found && due.Before(next) {
			next = due
		}
		if d.pending() > 0 {
			d.await("every goroutine to wait on the clock", d.parked)
			if timer, ok := d.clock.Next(); ok && timer.Before(next) {
				next = timer
			}
		}
		if !next.After(now) {
			if now.Equal(target) {
				return
			}
			next = now
		}
		d.clock.Advance(next.Sub(now))
		if next.Equal(target) && d.pending() == 0 {
			return
		}
	}
}

func (d *dayStack) pending() int {
	msgs, err := d.st.Messages(context.Background(), store.MessageFilter{State: store.StatePending, Limit: 1})
	if err != nil {
		d.b.Fatal(err)
	}
	return len(msgs)
}

// countWaiters records how many goroutines wait on the clock when the
// server is idle: every channel's worker, the processor, the releaser,
// and the scheduler when the configuration needs one.
func (d *dayStack) countWaiters() {
	d.await("the inbox to be processed", func() bool {
		items, err := d.st.PendingInbox(context.Background(), 0, 1)
		return err == nil && len(items) == 0
	})
	deadline := time.Now().Add(200 * time.Millisecond)
	for time.Now().Before(deadline) {
		d.waiters = max(d.waiters, d.clock.Waiters())
		time.Sleep(time.Millisecond)
	}
}

// parked reports whether every goroutine waits on a timer, twice a
// little apart, because a woken goroutine keeps its timer for a moment.
func (d *dayStack) parked() bool {
	if d.clock.Waiters() < d.waiters {
		return false
	}
	time.Sleep(100 * time.Microsecond)
	return d.clock.Waiters() >= d.waiters
}

func (d *dayStack) await(what string, cond func() bool) {
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			holds, _ := d.st.Holds(context.Background(), store.HoldFilter{})
			var due []string
			for _, h := range holds {
				if !h.Due.After(d.clock.Now()) {
					due = append(due, fmt.Sprintf("%d %s %s %s %v", h.ID, h.Kind, h.Rule, h.Channel, h.Due))
				}
			}
			next, _ := d.clock.Next()
			d.b.Fatalf("timed out waiting for %s at %v (waiters %d, next timer %v); due: %v; warnings and errors:\n%s", what, d.clock.Now(), d.clock.Waiters(), next, due, d.logs.String())
		}
		time.Sleep(50 * time.Microsecond)
	}
}

func (d *dayStack) messages() []store.OutboxMessage {
	msgs, err := d.st.Messages(context.Background(), store.MessageFilter{})
	if err != nil {
		d.b.Fatal(err)
	}
	return msgs
}

// measure counts posts and edits per channel, and finds for each alert
// (a Broken or Failure event that is the first of its document within
// four hours) the ops message of the event that announces it.
func (d *dayStack) measure(events []fcevents.Timed, alerts map[int]int64) dayResult {
	ctx := context.Background()
	r := dayResult{posts: map[string]int{}, edits: map[string]int{}}
	opsByInbox := map[int64]store.OutboxMessage{}
	for _, m := range d.messages() {
		if m.State != store.StateSent {
			d.b.Errorf("message %d of %s is %s: %s", m.ID, m.Channel, m.State, m.LastErr)
		}
		if _, linked, _ := d.st.MessageLink(ctx, m.ID); linked {
			r.edits[m.Channel]++
		} else {
			r.posts[m.Channel]++
		}
		if strings.HasPrefix(m.Message.Title, "🌙 ") {
			r.digests++
		}
		if m.Channel != "devs" {
			d.b.Logf("%s message %d by %s at %s: %s", m.Channel, m.ID, m.Rule, m.Sent.Format(time.TimeOnly), m.Message.Title)
		}
		if first, seen := opsByInbox[m.InboxID]; m.Channel == "ops" && (!seen || m.ID < first.ID) {
			opsByInbox[m.InboxID] = m
		}
	}

	lastAlert := map[string]time.Time{}
	for i, ev := range events {
		announcer, alert := alerts[i]
		if !alert {
			continue
		}
		if last, seen := lastAlert[ev.Document]; seen && ev.At.Sub(last) < 4*time.Hour {
			continue
		}
		lastAlert[ev.Document] = ev.At
		m, ok := opsByInbox[announcer]
		if !ok {
			r.unannounced = append(r.unannounced, ev.Document+" "+ev.Status)
			continue
		}
		r.latency = max(r.latency, m.Sent.Sub(ev.At))
	}
	return r
}
