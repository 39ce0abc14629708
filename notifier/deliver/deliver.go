// Package deliver sends queued messages from the outbox. Each channel has
// its own worker, queue order and pace, so a slow or dead channel never
// delays another. Within a channel, messages go out in the order they
// were queued, and a message waiting for a retry holds back the ones
// behind it.
//
// A message is marked sent only after its platform accepted it. After a
// crash anything not marked sent is sent again, so a duplicate is
// possible for the one message per channel that was in flight.
package deliver

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// Channel is one destination with its sender and limits.
type Channel struct {
	Name   string
	Sender notifier.Sender
	// Platform groups channels that share a global rate limit.
	Platform notifier.Platform
	// Pace limits sends. With nil, sends go out as fast as the platform responds.
	Pace []Window
	// Policy decides retries; its zero fields take the Deliverer's.
	Policy Policy
	// MaxBacklog is the most pending messages kept; 0 means no limit.
	MaxBacklog int
}

// Options configures a Deliverer.
type Options struct {
	Store  store.Store
	Clock  notifier.Clock
	Logger *slog.Logger
	// Policy is the default retry policy of every channel.
	Policy Policy
	// Timeout bounds one send.
	Timeout time.Duration
	// Grace is how long sends in flight may finish after Run's context
	// is cancelled.
	Grace time.Duration
	// Poll is how often an idle worker looks for messages queued by
	// another process, such as `fcnotify deliveries retry`. Wake covers
	// messages queued by this one.
	Poll time.Duration
	// Metrics, when set, counts outcomes.
	Metrics *Metrics
}

// Deliverer runs one worker per channel. Create it with New and start it
// with Run.
type Deliverer struct {
	opts    Options
	workers map[string]*worker

	mu     sync.Mutex
	paused map[notifier.Platform]time.Time
}

// New returns a Deliverer for channels. It sends nothing until Run.
func New(opts Options, channels []Channel) *Deliverer {
	if opts.Clock == nil {
		opts.Clock = notifier.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Timeout == 0 {
		opts.Timeout = 10 * time.Second
	}
	if opts.Poll == 0 {
		opts.Poll = 5 * time.Second
	}

	d := &Deliverer{opts: opts, workers: map[string]*worker{}, paused: map[notifier.Platform]time.Time{}}
	for _, ch := range channels {
		d.workers[ch.Name] = newWorker(d, ch)
	}
	return d
}

// Wake signals the worker of channel that new messages were queued. It
// never blocks, and an unknown channel is ignored.
func (d *Deliverer) Wake(channel string) {
	if w, ok := d.workers[channel]; ok {
		w.wake()
	}
}

// WakeAll wakes every worker.
func (d *Deliverer) WakeAll() {
	for _, w := range d.workers {
		w.wake()
	}
}

// Run delivers until ctx is cancelled, then lets sends in flight finish
// for up to the grace period, cancels the rest and returns. Unsent
// messages stay in the outbox.
func (d *Deliverer) Run(ctx context.Context) {
	hard, cancelHard := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelHard()

	var wg sync.WaitGroup
	for _, w := range d.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.run(ctx, hard)
		}()
	}

	<-ctx.Done()
	d.opts.Logger.Info("delivery stopping, sends in flight may finish", "grace", d.opts.Grace)
	finished := make(chan struct{})
	go func() {
		wg.Wait()
		close(finished)
	}()

	select {
	case <-finished:
	case <-time.After(d.opts.Grace):
		d.opts.Logger.Warn("shutdown grace period over, cancelling sends in flight",
			"grace", d.opts.Grace)
		cancelHard()
		<-finished
	}
}

// pausedUntil returns until when a platform's global rate limit holds.
func (d *Deliverer) pausedUntil(p notifier.Platform) time.Time {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.paused[p]
}

func (d *Deliverer) pause(p notifier.Platform, until time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if until.After(d.paused[p]) {
		d.paused[p] = until
	}
}
