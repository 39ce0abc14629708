// Package process turns accepted webhooks into queued messages: it reads
// the inbox in order, works out what each event changed, matches the
// rules, renders a message per channel and queues them, all recorded in
// one store transaction per event.
package process

import (
	"context"
	"log/slog"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// Options configures a Processor.
type Options struct {
	Store    store.Store
	Rules    *rules.Engine
	Renderer *render.Renderer
	// Platforms maps each channel to the platform it posts to.
	Platforms map[string]notifier.Platform
	View      view.Options
	// SourceZone is the zone of Frappe Cloud's datetimes.
	SourceZone *time.Location
	Clock      notifier.Clock
	Logger     *slog.Logger
	// Queued is called with the channels that got new messages, after
	// they are committed.
	Queued func(channels []string)
	// Inventory, when set, receives the snapshot rows of every event
	// and reports whether scheduled events still apply.
	Inventory store.Inventory
	// Calm configures the noise controls, which are off when Calm.Held
	// is nil. RunReleaser releases what they hold.
	Calm CalmOptions
}

// Processor processes the inbox. Create it with New; Run drives it.
type Processor struct {
	Options
	store store.Store
	wakeC chan struct{}
	hold  holdState
}

// New returns a Processor. It reads nothing until Run.
func New(opts Options) *Processor {
	if opts.Clock == nil {
		opts.Clock = notifier.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Queued == nil {
		opts.Queued = func([]string) {}
	}
	return &Processor{Options: opts, store: opts.Store, wakeC: make(chan struct{}, 1)}
}

// Wake signals the processor that the inbox has new rows. It never blocks.
func (p *Processor) Wake() {
	select {
	case p.wakeC <- struct{}{}:
	default:
	}
}

// batch is how many inbox rows are read at once.
const batch = 256

// Run processes inbox rows until ctx is cancelled. Rows left pending by a
// crash are processed first, in the order they were accepted.
func (p *Processor) Run(ctx context.Context) {
	var last int64
	for ctx.Err() == nil {
		items, err := p.store.PendingInbox(ctx, last, batch)
		if err != nil {
			if ctx.Err() == nil {
				p.Logger.Error("read inbox failed", "err", err)
				p.sleep(ctx, time.Second)
			}
			continue
		}
		if len(items) == 0 {
			p.sleep(ctx, 5*time.Second)
			continue
		}

		for _, it := range items {
			if err := p.processWithRetry(ctx, it); err != nil {
				return
			}
			last = it.ID
		}
	}
}

// processWithRetry keeps trying one row while the store fails, because
// skipping it would lose the event. It returns an error only when ctx
// ends.
func (p *Processor) processWithRetry(ctx context.Context, it store.InboxItem) error {
	wait := 100 * time.Millisecond
	for {
		err := p.Process(ctx, it)
		if err == nil {
			return nil
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		p.Logger.Error("process event failed, will retry", "inbox_id", it.ID, "retry_in", wait, "err", err)
		p.sleep(ctx, wait)
		wait = min(wait*2, 30*time.Second)
	}
}

func (p *Processor) sleep(ctx context.Context, d time.Duration) {
	timer, stop := p.Clock.Timer(d)
	defer stop()
	select {
	case <-timer:
	case <-p.wakeC:
	case <-ctx.Done():
	}
}
