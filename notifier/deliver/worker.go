package deliver

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// batchSize is how many pending messages a worker reads at once.
const batchSize = 64

// storeRetry is the wait after the store itself failed.
const storeRetry = time.Second

// trimEvery spaces backlog checks, which take the store's write lock.
const trimEvery = 10 * time.Second

// resetMargin pads the reset time a sender reports through Pace. The
// sender measures it on the wall clock from when the response arrived, so
// it is already a little short when the worker reads it, and a request
// that reaches the platform before the reset is refused with a 429.
const resetMargin = 100 * time.Millisecond

// paceReporter is implemented by senders that read the platform's own
// rate-limit state from each response, such as the Discord sender with
// X-RateLimit-Remaining and X-RateLimit-Reset-After. Pace returns the
// number of requests left in the current bucket, negative when unknown,
// and the time from now until the bucket refills.
type paceReporter interface {
	Pace() (remaining int, resetAfter time.Duration)
}

type worker struct {
	d      *Deliverer
	ch     Channel
	policy Policy
	pacer  *pacer
	log    *slog.Logger
	wakeC  chan struct{}

	lastTrim time.Time
	// bucketReset is when the platform's bucket for this channel refills,
	// set when a response reported none left.
	bucketReset time.Time
}

func newWorker(d *Deliverer, ch Channel) *worker {
	p := ch.Policy
	def := d.opts.Policy
	if p.InitialBackoff == 0 {
		p.InitialBackoff = def.InitialBackoff
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = def.MaxBackoff
	}
	if p.MaxAge == 0 {
		p.MaxAge = def.MaxAge
	}
	if p.Jitter == nil {
		p.Jitter = def.Jitter
	}
	return &worker{
		d:      d,
		ch:     ch,
		policy: p,
		pacer:  newPacer(ch.Pace),
		log:    d.opts.Logger.With("channel", ch.Name),
		wakeC:  make(chan struct{}, 1),
	}
}

func (w *worker) wake() {
	select {
	case w.wakeC <- struct{}{}:
	default:
	}
}

// run loops until ctx is cancelled. Sends use hard, which outlives ctx
// by the shutdown grace period.
func (w *worker) run(ctx, hard context.Context) {
	clock := w.d.opts.Clock
	for ctx.Err() == nil {
		w.trimBacklog()

		msgs, err := w.d.opts.Store.PendingMessages(hard, w.ch.Name, batchSize)
		if err != nil {
			w.log.Error("read outbox failed", "err", err)
			w.sleep(ctx, storeRetry)
			continue
		}
		if len(msgs) == 0 {
			w.sleep(ctx, w.d.opts.Poll)
			continue
		}

		for _, m := range msgs {
			if wait := m.Next.Sub(clock.Now()); wait > 0 {
				// The head of the queue is not due: nothing behind it may
				// pass, so order holds under retries.
				w.sleep(ctx, wait)
				break
			}
			if !w.deliver(ctx, hard, m) {
				break
			}
		}
	}
}

// deliver paces, sends and records one message. It returns false when the
// worker must re-read the queue before going on: the message was not
// finished, or ctx ended.
func (w *worker) deliver(ctx, hard context.Context, m store.OutboxMessage) bool {
	if !w.waitForPace(ctx) {
		return false
	}

	sendCtx, cancel := context.WithTimeout(hard, w.d.opts.Timeout)
	receipt, err := w.send(sendCtx, m)
	cancel()

	now := w.d.opts.Clock.Now()
	w.pacer.record(now)
	w.noteBucket(now)
	attempts := m.Attempts + 1
	if err == nil {
		w.markSent(m, receipt, now)
		return true
	}

	decision := w.policy.Decide(err, attempts, now.Sub(m.Created))
	if decision.Pause > 0 {
		w.d.pause(w.ch.Platform, now.Add(decision.Pause))
	}
	if decision.Dead {
		w.markFailed(m, attempts, err, now)
		return true
	}

	// An outage fails every attempt: warn on the first, count the rest
	// and keep them at debug level so the log stays readable.
	w.d.opts.Metrics.retried(w.ch.Name, notifier.ClassOf(err))
	level := slog.LevelDebug
	if attempts == 1 {
		level = slog.LevelWarn
	}
	w.log.Log(context.Background(), level, "send failed, will retry", "message_id", m.ID,
		"document", m.Document, "attempt", attempts, "retry_in", decision.Wait, "err", err)
	if err := w.d.opts.Store.MarkRetry(context.WithoutCancel(hard), m.ID, attempts,
		now.Add(decision.Wait), err.Error()); err != nil {
		w.log.Error("record retry failed", "message_id", m.ID, "err", err)
	}
	return false
}

// noteBucket records when the platform's bucket refills if the sender
// reports that the last response left no requests in it, so the next send
// waits for the reset instead of earning a 429.
func (w *worker) noteBucket(now time.Time) {
	reporter, ok := w.ch.Sender.(paceReporter)
	if !ok {
		return
	}
	if remaining, resetAfter := reporter.Pace(); remaining == 0 && resetAfter > 0 {
		w.bucketReset = now.Add(resetAfter + resetMargin)
	}
}

// waitForPace waits until the channel's pace, the platform's bucket for
// the channel and its global rate limit allow a send. It returns false
// when ctx ended first, so no new send starts during shutdown.
func (w *worker) waitForPace(ctx context.Context) bool {
	clock := w.d.opts.Clock
	for ctx.Err() == nil {
		now := clock.Now()
		wait := w.pacer.delay(now)
		if w.bucketReset.After(now) {
			wait = max(wait, w.bucketReset.Sub(now))
		}
		if until := w.d.pausedUntil(w.ch.Platform); until.After(now) {
			wait = max(wait, until.Sub(now))
		}
		if wait <= 0 {
			return true
		}
		if !w.sleep(ctx, wait) {
			return false
		}
	}
	return false
}

func (w *worker) markSent(m store.OutboxMessage, r notifier.Receipt, now time.Time) {
	if err := w.d.opts.Store.MarkSent(context.Background(), m.ID, r, now); err != nil {
		// The platform has the message but the store does not know: it
		// will be sent again, which is the one duplicate we allow.
		w.log.Error("record delivery failed", "message_id", m.ID, "err", err)
		return
	}
	w.d.opts.Metrics.sent(w.ch.Name)
}

func (w *worker) markFailed(m store.OutboxMessage, attempts int, sendErr error, now time.Time) {
	reason := sendErr.Error()
	if notifier.ClassOf(sendErr) != notifier.ClassFinal {
		reason = fmt.Sprintf("gave up after %d attempts over %s: %s", attempts,
			now.Sub(m.Created).Round(time.Second), reason)
	}
	w.log.Error("message dead-lettered", "message_id", m.ID, "rule", m.Rule,
		"document", m.Document, "attempt", attempts, "err", reason)
	w.d.opts.Metrics.failed(w.ch.Name, notifier.ClassOf(sendErr))
	if err := w.d.opts.Store.MarkFailed(context.Background(), m.ID, attempts, reason, now); err != nil {
		w.log.Error("record dead letter failed", "message_id", m.ID, "err", err)
	}
}

// trimBacklog dead-letters the oldest pending messages beyond the
// channel's limit, so a long outage cannot fill the disk.
func (w *worker) trimBacklog() {
	now := w.d.opts.Clock.Now()
	if w.ch.MaxBacklog <= 0 || now.Sub(w.lastTrim) < trimEvery {
		return
	}
	w.lastTrim = now

	reason := fmt.Sprintf("dropped from a backlog over %d pending messages", w.ch.MaxBacklog)
	ids, err := w.d.opts.Store.TrimBacklog(context.Background(), w.ch.Name, w.ch.MaxBacklog,
		reason, now)
	if err != nil {
		w.log.Error("trim backlog failed", "err", err)
		return
	}
	if len(ids) > 0 {
		w.log.Warn("backlog over its limit, oldest messages dead-lettered",
			"count", len(ids), "max_backlog", w.ch.MaxBacklog, "first_message_id", ids[len(ids)-1])
		w.d.opts.Metrics.trimmed(w.ch.Name, len(ids))
	}
}

// sleep waits for d, a wake-up or the end of ctx, and returns false only
// in the last case.
func (w *worker) sleep(ctx context.Context, d time.Duration) bool {
	select {
	case <-w.wakeC:
		return true
	default:
	}
	timer, stop := w.d.opts.Clock.Timer(d)
	defer stop()
	select {
	case <-timer:
		return true
	case <-w.wakeC:
		return true
	case <-ctx.Done():
		return false
	}
}
