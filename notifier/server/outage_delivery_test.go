package server

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/chatfake"
	"github.com/fcnotify/fcnotify/internal/crashtest"
	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// outageStack is an in-process server on a fake clock whose Slack and
// Discord channels reach their fakes through gateways that a test can
// take down.
type outageStack struct {
	t         testing.TB
	url       string
	srv       *Server
	clock     *fakeclock.Clock
	logs      *lockedWriter
	slack     *chatfake.Slack
	discord   *chatfake.Discord
	slackGW   *gateway
	discordGW *gateway
	secrets   []string
}

func startOutageStack(t testing.TB, delivery string) *outageStack {
	t.Helper()
	return startOutageStackAt(t, filepath.Join(t.TempDir(), "fcnotify.db"), delivery)
}

// startOutageStackAt starts the stack on the state file at state, which
// may hold messages already, with delivery as the settings of the
// delivery section.
func startOutageStackAt(t testing.TB, state, delivery string) *outageStack {
	t.Helper()
	s := &outageStack{
		t: t, slack: chatfake.NewSlack(t), discord: chatfake.NewDiscord(t),
		clock: fakeclock.New(now), logs: &lockedWriter{},
	}
	s.slackGW, s.discordGW = newGateway(t, s.slack.URL()), newGateway(t, s.discord.URL())
	slackURL := s.slackGW.URL() + strings.TrimPrefix(s.slack.WebhookURL(), s.slack.URL())
	discordURL := s.discordGW.URL() + strings.TrimPrefix(s.discord.WebhookURL(), s.discord.URL())
	s.secrets = []string{slackURL, discordURL, s.slack.WebhookSecret(), s.discord.WebhookToken()}

	yaml := fmt.Sprintf(`
webhook:
  secrets: [{value: s3cret}]
state: {path: %q}
delivery: {shutdown_grace: 1s, %s}
channels:
  ops:
    slack: {webhook_url: %q}
  devs:
    discord: {webhook_url: %q}
rules:
  - name: everything
    match: {event: "*", repeats: true}
    notify: [ops, devs]
`, state, delivery, slackURL, discordURL)
	cfg, err := config.Parse([]byte(yaml), "outage.yaml")
	if err != nil {
		t.Fatalf("config: %v", err)
	}
	s.srv, err = New(cfg, Options{
		Logger: slog.New(slog.NewTextHandler(s.logs, nil)), Clock: s.clock,
		Console: io.Discard, Jitter: func() float64 { return 1 },
	})
	if err != nil {
		t.Fatalf("server.New: %v", err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.url = "http://" + ln.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.srv.Run(ctx, ln) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run returned %v", err)
		}
	})
	return s
}

// setDown takes both chats down or brings them back.
func (s *outageStack) setDown(down bool) {
	s.slackGW.down.Store(down)
	s.discordGW.down.Store(down)
}

// postTimed posts body, fails the test unless it is accepted, and returns
// how long the response took.
func (s *outageStack) postTimed(body []byte) time.Duration {
	s.t.Helper()
	began := time.Now()
	status, err := post(s.url, body)
	took := time.Since(began)
	if err != nil || status != 200 {
		s.t.Fatalf("post: status %d, error %v", status, err)
	}
	return took
}

// messages returns the outbox messages of channel in state, oldest first.
func (s *outageStack) messages(channel, state string) []store.OutboxMessage {
	s.t.Helper()
	msgs, err := s.srv.Store().Messages(context.Background(), store.MessageFilter{State: state, Channel: channel})
	if err != nil {
		s.t.Fatal(err)
	}
	slices.Reverse(msgs)
	return msgs
}

// waitFor polls cond in real time, without moving the clock.
func (s *outageStack) waitFor(what string, cond func() bool) {
	s.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			s.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitQueued waits until every accepted event is processed and n messages
// per channel are pending.
func (s *outageStack) waitQueued(n int) {
	s.t.Helper()
	s.waitFor(fmt.Sprintf("%d pending messages per channel", n), func() bool {
		return len(s.messages("ops", store.StatePending)) == n && len(s.messages("devs", store.StatePending)) == n
	})
}

func (s *outageStack) checkNoSecrets() {
	s.t.Helper()
	logs := s.logs.String()
	for _, secret := range s.secrets {
		if strings.Contains(logs, secret) {
			s.t.Errorf("secret %q appears in the log", secret)
		}
	}
	for _, state := range []string{store.StatePending, store.StateSent, store.StateFailed} {
		for _, m := range append(s.messages("ops", state), s.messages("devs", state)...) {
			for _, secret := range s.secrets {
				if strings.Contains(m.LastErr, secret) {
					s.t.Errorf("secret %q appears in the error of message %d: %q", secret, m.ID, m.LastErr)
				}
			}
		}
	}
}

// ids returns the ids of msgs.
func ids(msgs []store.OutboxMessage) []int64 {
	var out []int64
	for _, m := range msgs {
		out = append(out, m.ID)
	}
	return out
}

func TestBacklogLimitWhileChatsAreDown(t *testing.T) {
	s := startOutageStack(t, "max_backlog: 5")
	s.setDown(true)
	events, err := crashtest.Events(fixtureDir, 15)
	if err != nil {
		t.Fatal(err)
	}

	rounds := []struct {
		post        []crashtest.Event
		wantQueued  int
		wantFailed  int
		wantPending int
		wantTrims   []string
	}{
		{events[:12], 12, 7, 5, []string{"count=7 max_backlog=5"}},
		{events[12:], 8, 10, 5, []string{"count=7 max_backlog=5", "count=3 max_backlog=5"}},
	}
	for i, round := range rounds {
		for _, ev := range round.post {
			s.postTimed(ev.Body)
		}
		s.waitQueued(round.wantQueued)

		// Backlogs are checked every 10 seconds.
		s.clock.Advance(10 * time.Second)
		for _, channel := range []string{"ops", "devs"} {
			// The warning is logged just after the trim is committed.
			s.waitFor(channel+" trimmed", func() bool {
				return len(s.messages(channel, store.StateFailed)) == round.wantFailed &&
					len(trimLines(s.logs.String(), channel)) == len(round.wantTrims)
			})

			failed, pending := s.messages(channel, store.StateFailed), s.messages(channel, store.StatePending)
			if len(pending) != round.wantPending {
				t.Errorf("round %d: %s pending = %d, want %d", i+1, channel, len(pending), round.wantPending)
			}
			if len(pending) > 0 && len(failed) > 0 && failed[len(failed)-1].ID > pending[0].ID {
				t.Errorf("round %d: %s dead-lettered %v but kept older %v", i+1, channel, ids(failed), ids(pending))
			}
			for _, m := range failed {
				if m.LastErr != "dropped from a backlog over 5 pending messages" {
					t.Errorf("round %d: message %d last error = %q", i+1, m.ID, m.LastErr)
				}
			}
			if got := trimLines(s.logs.String(), channel); !slices.Equal(got, round.wantTrims) {
				t.Errorf("round %d: %s trim log lines %q, want %q", i+1, channel, got, round.wantTrims)
			}
		}
	}
	if n := len(s.slack.Requests()) + len(s.discord.Requests()); n != 0 {
		t.Errorf("chat requests through the outage = %d, want 0", n)
	}
	s.checkNoSecrets()
}

// trimLines returns the count and max_backlog of each backlog warning
// logged for channel.
func trimLines(logs, channel string) []string {
	var out []string
	for _, line := range strings.Split(logs, "\n") {
		if !strings.Contains(line, `msg="backlog over its limit, oldest messages dead-lettered"`) ||
			!strings.Contains(line, "channel="+channel+" ") {
			continue
		}
		at := strings.Index(line, "count=")
		end := strings.Index(line, " first_message_id=")
		if at >= 0 && end > at {
			out = append(out, line[at:end])
		}
	}
	return out
}

// outageEvents is the number of events posted during the simulated hour:
// one every 30 seconds.
const outageEvents = 120

func TestHourLongOutageLosesNothing(t *testing.T) {
	s := startOutageStack(t, "max_backoff: 5m")
	s.setDown(true)
	events, err := crashtest.Events(fixtureDir, outageEvents)
	if err != nil {
		t.Fatal(err)
	}

	var slowest time.Duration
	for _, ev := range events {
		slowest = max(slowest, s.postTimed(ev.Body))
		s.clock.Advance(time.Hour / outageEvents)
	}
	t.Logf("%d webhooks accepted during a simulated hour with both chats down; slowest response %v",
		outageEvents, slowest.Round(time.Microsecond))
	s.waitQueued(outageEvents)
	refused := s.slackGW.refused.Load() + s.discordGW.refused.Load()
	t.Logf("%d sends refused during the outage", refused)
	if refused == 0 {
		t.Error("no send was attempted during the outage")
	}

	// After recovery the head of each queue waits for its last backoff, at
	// most 5 minutes, and the rest follow at the platforms' pace.
	idle := s.idleWaiters()
	s.setDown(false)
	recovered := s.clock.Now()
	deadline := time.Now().Add(2 * time.Minute)
	received := func() int { return len(s.slack.Bodies()) + len(s.discord.Bodies()) }
	for received() < 2*outageEvents {
		if time.Now().After(deadline) {
			t.Fatalf("chat requests after the outage = %d, want %d", received(), 2*outageEvents)
		}
		// The clock moves to the next timer only while every goroutine
		// that waits on the clock does, as before the recovery, so the
		// simulated time is what the pace and backoff make it.
		if s.clock.Waiters() < idle {
			time.Sleep(50 * time.Microsecond)
			continue
		}
		if next, ok := s.clock.Next(); ok && received() < 2*outageEvents {
			s.clock.Advance(next.Sub(s.clock.Now()))
		}
	}
	s.waitFor("every message marked sent", func() bool { return len(s.messages("", store.StatePending)) == 0 })
	t.Logf("delivered %d messages within %v of simulated time after recovery", 2*outageEvents,
		s.clock.Now().Sub(recovered))

	var want []string
	for _, ev := range events {
		want = append(want, ev.Token)
	}
	for name, fake := range map[string]interface{ Bodies() [][]byte }{"slack": s.slack, "discord": s.discord} {
		var got []string
		for _, body := range fake.Bodies() {
			got = append(got, string(crashtest.TokenPattern.Find(body)))
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s received %d messages, want %d in the order posted; first difference at %d",
				name, len(got), len(want), firstDifference(got, want))
		}
	}
	if n := len(s.messages("", store.StateFailed)); n != 0 {
		t.Errorf("dead-lettered messages = %d, want 0", n)
	}
	s.checkNoSecrets()
}

// idleWaiters returns the number of timers pending on the clock once it
// stays the same for 20 ms: every goroutine that waits on the clock is
// then idle.
func (s *outageStack) idleWaiters() int {
	s.t.Helper()
	last, stable := -1, 0
	for range 2000 {
		n := s.clock.Waiters()
		if n == last {
			stable++
		} else {
			last, stable = n, 0
		}
		if stable == 20 {
			return n
		}
		time.Sleep(time.Millisecond)
	}
	s.t.Fatal("the number of clock timers never settled")
	return 0
}

func firstDifference(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
