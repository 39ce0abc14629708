package process

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// CalmOptions turns on the noise controls: grouping, repeat and settle
// suppression, living messages, quiet hours and mutes. They are on when
// Held is set.
type CalmOptions struct {
	Held store.HeldStore
	// Mutes, when set, silences muted sites, benches, groups and teams.
	Mutes store.MuteStore
	// Channels describes each channel; a channel missing from it has no
	// quiet hours and can neither edit nor reply.
	Channels map[string]ChannelCalm
	Metrics  *CalmMetrics
}

// ChannelCalm describes a channel for the noise controls.
type ChannelCalm struct {
	// Quiet is the channel's quiet hours, nil when it has none.
	Quiet *config.QuietHours
	// CanEdit and CanReply report whether its sender can edit a sent
	// message and reply in its thread. Living messages of a channel that
	// cannot are posted as new messages.
	CanEdit  bool
	CanReply bool
}

// CalmMetrics counts what the noise controls held back. A nil
// *CalmMetrics counts nothing.
type CalmMetrics struct {
	muted   *prometheus.CounterVec
	dropped *prometheus.CounterVec
	held    *prometheus.CounterVec
}

// NewCalmMetrics registers the noise control counters with reg.
func NewCalmMetrics(reg prometheus.Registerer) *CalmMetrics {
	m := &CalmMetrics{
		muted: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcnotify_events_muted_total",
			Help: "Events whose messages a mute silenced, by the kind of the muted target.",
		}, []string{"kind"}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcnotify_messages_suppressed_total",
			Help: "Messages not sent: repeats within repeat_after, and flaps that settled.",
		}, []string{"channel", "reason"}),
		held: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcnotify_messages_held_total",
			Help: "Messages held for a group window, a settle time or quiet hours.",
		}, []string{"channel", "reason"}),
	}
	reg.MustRegister(m.muted, m.dropped, m.held)
	return m
}

func (m *CalmMetrics) countMuted(kind string) {
	if m != nil {
		m.muted.WithLabelValues(kind).Inc()
	}
}

func (m *CalmMetrics) countDropped(channel, reason string) {
	if m != nil {
		m.dropped.WithLabelValues(channel, reason).Inc()
	}
}

func (m *CalmMetrics) countHeld(channel, reason string) {
	if m != nil {
		m.held.WithLabelValues(channel, reason).Inc()
	}
}

// Reasons a message is dropped, as the suppressed counter labels them.
const (
	reasonRepeat  = "repeat"
	reasonSettled = "settled"
)

// livingWindow is how long after its last change a living message still
// takes edits or replies. A later event starts a new message, so an
// incident of next week does not edit this week's message.
const livingWindow = 24 * time.Hour

// holdState is the Processor's state for the noise controls. Its zero
// value is ready once init has run.
type holdState struct {
	// mu serializes the decisions of the processor and the releases of
	// the releaser, which read held rows and then write them.
	mu sync.Mutex

	once  sync.Once
	wakeC chan struct{}
	// calm maps rule names to their options.
	calm map[string]*rules.Calm
	// info maps rule names to their template and mentions.
	info map[string]rules.RuleInfo
}

func (p *Processor) initHold() {
	p.hold.once.Do(func() {
		p.hold.wakeC = make(chan struct{}, 1)
		p.hold.calm = map[string]*rules.Calm{}
		p.hold.info = map[string]rules.RuleInfo{}
		if p.Rules == nil {
			return
		}
		for _, name := range p.Rules.Rules() {
			if _, seen := p.hold.info[name]; seen {
				continue
			}
			info, _ := p.Rules.Rule(name)
			p.hold.info[name] = info
			p.hold.calm[name] = info.Calm
		}
	})
}

// WakeReleaser makes the releaser read the held rows again, as the
// processor does after it holds something. It never blocks. Tests that
// move a fake clock call it too: a releaser that read the clock just
// before it moved waits on a timer that fires late.
func (p *Processor) WakeReleaser() {
	p.initHold()
	select {
	case p.hold.wakeC <- struct{}{}:
	default:
	}
}

// calmDown passes the messages of an event through the noise controls
// and puts what they decide into done: the messages to queue now, and
// the rows to hold, drop or rewrite. The caller must call the returned
// function after done is committed, or after it failed.
func (p *Processor) calmDown(ctx context.Context, log *slog.Logger, ev *notifier.Event, tr notifier.Transition, data map[string]any, done *store.Completion) (func(), error) {
	if p.Calm.Held == nil {
		return func() {}, nil
	}
	p.initHold()
	p.hold.mu.Lock()

	d := p.newDecider(ctx, log, done.At)
	if err := d.decideEvent(ev, tr, data, done.Messages); err != nil {
		p.hold.mu.Unlock()
		return nil, err
	}
	done.Messages = d.msgs
	done.Held = &d.changes

	held := len(d.changes.Hold) > 0 || len(d.changes.Rewrite) > 0
	return func() {
		p.hold.mu.Unlock()
		if held {
			p.WakeReleaser()
		}
	}, nil
}

// itemFor returns the item of a message that the rules step rendered.
func (p *Processor) itemFor(ev *notifier.Event, m store.OutboxMessage, data map[string]any) *item {
	info := p.hold.info[m.Rule]
	tmpl := info.Template
	if tmpl == "" {
		tmpl = render.DefaultTemplateFor(ev.Name)
	}
	rendered := m.Message
	return &item{
		Rule: m.Rule, Channel: m.Channel, Document: documentKey(ev), InboxID: m.InboxID,
		Template: tmpl, Mentions: info.Mentions, Data: data, Received: ev.Received,
		calm: p.hold.calm[m.Rule], rendered: &rendered,
	}
}

// documentKey names a document in held rows and records, "" for an
// event without one.
func documentKey(ev *notifier.Event) string {
	if ev.Doctype == "" || ev.Document == "" {
		return ""
	}
	return ev.Doctype + "/" + ev.Document
}
