package deliver

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/internal/fakeclock"
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

var start = time.Date(2026, 8, 21, 13, 0, 0, 0, time.UTC)

// scriptedSender fails with the queued errors, then delivers, recording
// the titles it delivered in order.
type scriptedSender struct {
	mu        sync.Mutex
	failures  []error
	calls     int
	delivered []string
}

func (s *scriptedSender) Send(_ context.Context, m *notifier.Message) (notifier.Receipt, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	if len(s.failures) > 0 {
		err := s.failures[0]
		s.failures = s.failures[1:]
		if err != nil {
			return notifier.Receipt{}, err
		}
	}
	s.delivered = append(s.delivered, m.Title)
	return notifier.Receipt{MessageID: fmt.Sprint("m", s.calls)}, nil
}

func (s *scriptedSender) snapshot() (int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls, append([]string(nil), s.delivered...)
}

type harness struct {
	t       testing.TB
	store   *store.SQLite
	clock   *fakeclock.Clock
	logs    *syncBuffer
	d       *Deliverer
	workers int
	stop    context.CancelFunc
	done    chan struct{}
}

func newHarness(t testing.TB, policy Policy, channels ...Channel) *harness {
	t.Helper()
	return newHarnessWith(t, Options{Policy: policy}, channels...)
}

// newHarnessWith starts a Deliverer with opts on a new store and a fake
// clock; see prepareHarness.
func newHarnessWith(t testing.TB, opts Options, channels ...Channel) *harness {
	t.Helper()
	h := prepareHarness(t, opts, channels...)
	h.run()
	return h
}

// prepareHarness builds a Deliverer with opts on a new store and a fake
// clock, to be started with run. It fills in the store, clock and logger,
// polls once an hour and takes the top of each backoff range, so waits
// are exact. Messages queued before run need no wake-up.
func prepareHarness(t testing.TB, opts Options, channels ...Channel) *harness {
	t.Helper()
	s, err := store.Open(filepath.Join(t.TempDir(), "fcnotify.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	clock := fakeclock.New(start)
	logs := &syncBuffer{}
	opts.Store, opts.Clock = s, clock
	opts.Logger = slog.New(slog.NewTextHandler(logs, nil))
	opts.Policy.Jitter = func() float64 { return 1 }
	opts.Poll, opts.Grace = time.Hour, time.Second
	return &harness{
		t: t, store: s, clock: clock, logs: logs, d: New(opts, channels),
		workers: len(channels), done: make(chan struct{}),
	}
}

// run starts the Deliverer until the test ends or stop is called.
func (h *harness) run() {
	ctx, cancel := context.WithCancel(context.Background())
	h.stop = cancel
	go func() {
		h.d.Run(ctx)
		close(h.done)
	}()
	// Registered after the store's cleanup, so it runs before it.
	h.t.Cleanup(func() {
		cancel()
		<-h.done
	})
}

// queue stores one inbox row and messages for channel with the titles.
func (h *harness) queue(channel string, titles ...string) {
	h.t.Helper()
	ctx := context.Background()
	id, _, err := h.store.Accept(ctx, store.InboxItem{
		Digest: fmt.Sprint(channel, titles, time.Now().UnixNano()),
		Body:   []byte("{}"), Received: h.clock.Now(),
	})
	if err != nil {
		h.t.Fatal(err)
	}
	var msgs []store.OutboxMessage
	for _, title := range titles {
		msgs = append(msgs, store.OutboxMessage{
			Channel: channel, InboxID: id, Rule: "r",
			Document: "doc", Message: notifier.Message{Title: title},
		})
	}
	if _, err := h.store.Complete(ctx, store.Completion{InboxID: id, Messages: msgs, At: h.clock.Now()}); err != nil {
		h.t.Fatal(err)
	}
	h.d.Wake(channel)
}

// until advances the clock timer by timer until cond holds. Between steps
// it yields real time so the workers can run; it never sleeps through a
// backoff.
func (h *harness) until(what string, cond func() bool) {
	h.t.Helper()
	for range 2000 {
		if cond() {
			return
		}
		time.Sleep(2 * time.Millisecond)
		if cond() {
			return
		}
		if next, ok := h.clock.Next(); ok {
			h.clock.Advance(next.Sub(h.clock.Now()))
		}
	}
	h.t.Fatalf("timed out waiting until %s", what)
}

// drive advances the clock timer by timer until cond holds. It moves the
// clock only while every worker waits on a timer, so time never jumps
// during a send or a store write, and waits are exact.
func (h *harness) drive(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if cond() {
			return
		}
		if !h.parked() {
			time.Sleep(50 * time.Microsecond)
			continue
		}
		// Every worker is parked, so cond cannot change until the clock
		// moves: read it once more before moving.
		if cond() {
			return
		}
		if next, ok := h.clock.Next(); ok {
			h.clock.Advance(next.Sub(h.clock.Now()))
		}
	}
	h.t.Fatalf("timed out driving the clock until %s", what)
}

// parked reports whether every worker waits on a timer. A worker woken by
// Wake keeps its timer for a moment after it starts running, so the count
// must hold twice, a little apart.
func (h *harness) parked() bool {
	if h.clock.Waiters() < h.workers {
		return false
	}
	time.Sleep(200 * time.Microsecond)
	return h.clock.Waiters() >= h.workers
}

// await waits in real time, without moving the clock, until cond holds.
func (h *harness) await(what string, cond func() bool) {
	h.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			h.t.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(200 * time.Microsecond)
	}
}

func (h *harness) messages(state string) []store.OutboxMessage {
	h.t.Helper()
	msgs, err := h.store.Messages(context.Background(), store.MessageFilter{State: state})
	if err != nil {
		h.t.Fatal(err)
	}
	return msgs
}

// pending returns the number of pending messages.
func (h *harness) pending() int {
	return len(h.messages(store.StatePending))
}

// syncBuffer is a log destination that tests read while workers write.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func transient(status int) error {
	return &notifier.SendError{Class: notifier.ClassTransient, Status: status}
}

func rateLimited(after time.Duration, global bool) error {
	return &notifier.SendError{Class: notifier.ClassRateLimited, Status: 429, RetryAfter: after, Global: global}
}

var defaultPolicy = Policy{InitialBackoff: time.Second, MaxBackoff: 5 * time.Minute, MaxAge: 24 * time.Hour}

func TestDeliverOutcomes(t *testing.T) {
	tests := []struct {
		name      string
		failures  []error
		wantCalls int
		wantState string
		wantErr   string
		elapsed   time.Duration
	}{
		{"delivered first time", nil, 1, store.StateSent, "", 0},
		{"500 then success", []error{transient(500)}, 2, store.StateSent, "", time.Second},
		{
			"three transient failures",
			[]error{transient(502), transient(503), transient(500)},
			4,
			store.StateSent, "", 7 * time.Second,
		},
		{"429 with Retry-After 2", []error{rateLimited(2*time.Second, false)}, 2, store.StateSent, "", 2 * time.Second},
		{"429 without Retry-After backs off", []error{rateLimited(0, false)}, 2, store.StateSent, "", time.Second},
		{
			"final error",
			[]error{&notifier.SendError{Class: notifier.ClassFinal, Status: 404, Code: "10015"}},
			1,
			store.StateFailed, "final: HTTP 404: 10015", 0,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sender := &scriptedSender{failures: tt.failures}
			h := newHarness(t, defaultPolicy, Channel{Name: "ops", Sender: sender})
			h.queue("ops", "alert")

			h.until("message done", func() bool { return len(h.messages(store.StatePending)) == 0 })

			calls, _ := sender.snapshot()
			if calls != tt.wantCalls {
				t.Errorf("sender calls = %d, want %d", calls, tt.wantCalls)
			}
			msgs := h.messages(tt.wantState)
			if len(msgs) != 1 {
				t.Fatalf("messages in state %s = %d, want 1", tt.wantState, len(msgs))
			}
			if msgs[0].LastErr != tt.wantErr && tt.wantState == store.StateFailed {
				t.Errorf("last error = %q, want %q", msgs[0].LastErr, tt.wantErr)
			}
			if got := h.clock.Now().Sub(start); got != tt.elapsed {
				t.Errorf("clock moved %v, want %v", got, tt.elapsed)
			}
		})
	}
}

func TestDeliverGivesUpAfterMaxAge(t *testing.T) {
	failures := make([]error, 100)
	for i := range failures {
		failures[i] = transient(500)
	}
	sender := &scriptedSender{failures: failures}
	policy := Policy{InitialBackoff: time.Second, MaxBackoff: time.Minute, MaxAge: 10 * time.Minute}
	h := newHarness(t, policy, Channel{Name: "ops", Sender: sender})
	h.queue("ops", "alert")

	h.until("dead letter", func() bool { return len(h.messages(store.StateFailed)) == 1 })

	failed := h.messages(store.StateFailed)[0]
	if want := "gave up after 15 attempts over 9m3s: transient: HTTP 500"; failed.LastErr != want {
		t.Errorf("last error = %q, want %q", failed.LastErr, want)
	}
	if h.clock.Now().Sub(start) > 10*time.Minute {
		t.Errorf("gave up at %v, after the 10m max age", h.clock.Now().Sub(start))
	}
}

func TestDeliverKeepsOrderUnderRetries(t *testing.T) {
	sender := &scriptedSender{failures: []error{transient(500), rateLimited(3*time.Second, false), nil, transient(504)}}
	h := newHarness(t, defaultPolicy, Channel{Name: "ops", Sender: sender})
	h.queue("ops", "1", "2", "3")
	h.queue("ops", "4", "5")

	h.until("all sent", func() bool { return len(h.messages(store.StateSent)) == 5 })

	_, delivered := sender.snapshot()
	if fmt.Sprint(delivered) != "[1 2 3 4 5]" {
		t.Errorf("delivered order = %v, want [1 2 3 4 5]", delivered)
	}
}

func TestDeliverDownChannelDoesNotDelayOthers(t *testing.T) {
	down := &scriptedSender{failures: []error{transient(500), transient(500), transient(500)}}
	healthy := &scriptedSender{}
	h := newHarness(t, defaultPolicy,
		Channel{Name: "down", Sender: down}, Channel{Name: "healthy", Sender: healthy})
	h.queue("down", "a", "b")
	h.queue("healthy", "x", "y", "z")

	// No clock movement: the healthy channel must finish while the down
	// one waits for its first backoff.
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, got := healthy.snapshot(); len(got) == 3 {
			break
		}
		time.Sleep(2 * time.Millisecond)
	}
	if _, got := healthy.snapshot(); fmt.Sprint(got) != "[x y z]" {
		t.Errorf("healthy channel delivered %v, want [x y z]", got)
	}
	if h.clock.Now() != start {
		t.Errorf("clock moved to %v", h.clock.Now())
	}
}

func TestDeliverGlobalRateLimitPausesPlatform(t *testing.T) {
	first := &scriptedSender{failures: []error{rateLimited(30*time.Second, true)}}
	second := &scriptedSender{}
	h := newHarness(t, defaultPolicy,
		Channel{Name: "a", Sender: first, Platform: notifier.PlatformDiscord},
		Channel{Name: "b", Sender: second, Platform: notifier.PlatformDiscord})
	h.queue("a", "1")
	h.until("first attempt", func() bool { c, _ := first.snapshot(); return c == 1 })
	h.queue("b", "2")

	h.until("both sent", func() bool { return len(h.messages(store.StateSent)) == 2 })

	sent := h.messages(store.StateSent)
	for _, m := range sent {
		if m.Sent.Before(start.Add(30 * time.Second)) {
			t.Errorf("message %q sent at %v, inside the global pause", m.Message.Title, m.Sent.Sub(start))
		}
	}
}

func TestDeliverPaceKeepsDiscordWindows(t *testing.T) {
	sender := &scriptedSender{}
	h := newHarness(t, defaultPolicy, Channel{Name: "d", Sender: sender, Pace: DiscordPace})
	var titles []string
	for i := range 40 {
		titles = append(titles, fmt.Sprint(i))
	}
	h.queue("d", titles...)

	h.until("all sent", func() bool { return len(h.messages(store.StateSent)) == 40 })

	var times []time.Time
	for _, m := range h.messages(store.StateSent) {
		times = append([]time.Time{m.Sent}, times...)
	}
	for _, w := range DiscordPace {
		for i := w.Count; i < len(times); i++ {
			if gap := times[i].Sub(times[i-w.Count]); gap < w.Per {
				t.Fatalf("sends %d and %d are %v apart, inside the %d per %v window", i-w.Count, i, gap, w.Count, w.Per)
			}
		}
	}
}

func TestDeliverTrimsBacklog(t *testing.T) {
	blocked := &scriptedSender{failures: []error{transient(500)}}
	h := newHarness(t, defaultPolicy, Channel{Name: "ops", Sender: blocked, MaxBacklog: 3})
	h.queue("ops", "1", "2", "3", "4", "5")
	h.clock.Advance(time.Minute)
	h.d.Wake("ops")

	h.until("backlog trimmed", func() bool { return len(h.messages(store.StateFailed)) == 2 })

	failed := h.messages(store.StateFailed)
	if failed[0].LastErr != "dropped from a backlog over 3 pending messages" {
		t.Errorf("last error = %q", failed[0].LastErr)
	}
}
