// Package schedule creates the events that Frappe Cloud never sends:
// reminders that a site's trial ends soon, and alerts of rules with
// `for:` when a document has stayed in a state too long.
//
// Each tick reads the inventory and the scheduler's own records from the
// store, not timers in memory, so a restart or a clock change loses
// nothing and sends nothing twice. A due event is written to the inbox
// with a digest derived from what it reports, in the transaction that
// records it, and then flows through the processor like a webhook.
package schedule

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// batchSize bounds the rows one query of a tick reads.
const batchSize = 1000

// maxBatches bounds the queries of one kind in a tick, so a tick ends
// even if the store kept returning rows. The next tick goes on.
const maxBatches = 100

// Options configures a Scheduler.
type Options struct {
	Store store.Schedule
	// Rules provides the rules with `for:`.
	Rules *rules.Engine
	// View holds the dashboard URL and display names that `when:`
	// conditions of rules with `for:` see. Its Now is set at each tick.
	View view.Options

	// Interval is the time between ticks, default one minute.
	Interval time.Duration
	// ReminderDays lists the days before a trial's last day on which a
	// reminder is due; 0 is the last day.
	ReminderDays []int
	// ReminderTime is the time after midnight, in DisplayZone, from
	// which a day's reminders are due.
	ReminderTime time.Duration
	// DisplayZone decides where a day begins and ends. SourceZone is the
	// zone of Frappe Cloud's datetimes, which scheduled events are
	// written in. Both default to UTC.
	DisplayZone *time.Location
	SourceZone  *time.Location

	Clock  notifier.Clock
	Logger *slog.Logger
	// Wake is called after a tick that queued events, so the processor
	// reads them at once.
	Wake func()
}

// Scheduler runs the ticks. Create it with New. Tick is safe for
// concurrent use, also while Run ticks: ticks that overlap queue each
// event once.
type Scheduler struct {
	opts Options
	// lastErr is the text of the last tick's error, so a failure that
	// repeats every tick is logged once. Only Run uses it.
	lastErr string

	// mu guards failures, the rules and stays whose condition failed and
	// was logged.
	mu       sync.Mutex
	failures map[string]bool
}

// New returns a Scheduler. It reads nothing until Run or Tick.
func New(opts Options) *Scheduler {
	if opts.Interval <= 0 {
		opts.Interval = time.Minute
	}
	if opts.DisplayZone == nil {
		opts.DisplayZone = time.UTC
	}
	if opts.SourceZone == nil {
		opts.SourceZone = time.UTC
	}
	if opts.Clock == nil {
		opts.Clock = notifier.SystemClock{}
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Wake == nil {
		opts.Wake = func() {}
	}
	if opts.Rules == nil {
		opts.Rules = &rules.Engine{}
	}
	return &Scheduler{opts: opts, failures: map[string]bool{}}
}

// Run ticks once at once and then every Interval until ctx is
// cancelled. A failed tick is logged, and the next one tries again.
func (s *Scheduler) Run(ctx context.Context) {
	for {
		s.logResult(ctx, s.Tick(ctx))
		timer, stop := s.opts.Clock.Timer(s.opts.Interval)
		select {
		case <-ctx.Done():
			stop()
			return
		case <-timer:
		}
	}
}

// Tick queues every trial reminder and stuck-state alert that is due
// now and was not queued before, and wakes the processor when it queued
// any. It goes on with stuck-state alerts when reminders fail, and
// returns both errors.
func (s *Scheduler) Tick(ctx context.Context) error {
	now := s.opts.Clock.Now()
	reminders, errTrials := s.remindTrials(ctx, now)
	alerts, errStuck := s.alertStuck(ctx, now)
	if reminders+alerts > 0 {
		s.opts.Wake()
	}
	return errors.Join(errTrials, errStuck)
}

func (s *Scheduler) logResult(ctx context.Context, err error) {
	switch {
	case err == nil && s.lastErr != "":
		s.opts.Logger.Info("scheduler tick succeeded again")
		s.lastErr = ""
	case err == nil, ctx.Err() != nil:
	case err.Error() != s.lastErr:
		s.opts.Logger.Error("scheduler tick failed, will retry at the next tick", "err", err)
		s.lastErr = err.Error()
	}
}
