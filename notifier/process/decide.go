package process

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// decider gathers what the noise controls decide for one event, or for
// one release of held rows: the messages to queue now and the changes to
// held rows and records, which the caller commits in one transaction.
// Reads see the store as it was before that transaction.
type decider struct {
	p   *Processor
	ctx context.Context
	log *slog.Logger
	now time.Time

	msgs    []store.OutboxMessage
	changes store.HeldChanges
}

func (p *Processor) newDecider(ctx context.Context, log *slog.Logger, now time.Time) *decider {
	return &decider{p: p, ctx: ctx, log: log, now: now}
}

// openSettle is a settle hold of the event's document that the event
// did not end.
type openSettle struct {
	hold store.Hold
	item *item
	body *heldBody
	// closed is set when the hold was deleted because a message about
	// the document took it over.
	closed bool
}

// decideEvent passes the rendered messages of one event through the
// noise controls. First the settle holds of the document record the new
// status, and a mute silences the event. Then each message is taken over
// by an open settle hold, dropped as a repeat, held to settle, or routed
// on to grouping, living messages and quiet hours.
func (d *decider) decideEvent(ev *notifier.Event, tr notifier.Transition, data map[string]any, msgs []store.OutboxMessage) error {
	open, settled, err := d.settleBook(ev, tr)
	if err != nil {
		return err
	}
	defer d.finishSettle(open)
	if len(msgs) == 0 {
		return nil
	}

	muted, err := d.muted(ev, data, len(msgs))
	if err != nil || muted {
		return err
	}

	for _, m := range msgs {
		it := d.p.itemFor(ev, m, data)
		log := d.log.With("rule", it.Rule, "channel", it.Channel)
		if settled[it.Channel] {
			log.Debug("document is back to its former status, dropping the message")
			d.p.Calm.Metrics.countDropped(it.Channel, reasonSettled)
			continue
		}
		if o := open[it.Channel]; o != nil {
			if it.calm != nil && it.calm.Settle > 0 {
				// The hold goes on, with this newer event.
				o.item.Rule, o.item.Template, o.item.Mentions, o.item.Data = it.Rule, it.Template, it.Mentions, it.Data
				continue
			}
			o.closed = true
			d.changes.Delete = append(d.changes.Delete, o.hold.ID)
			it.setData(map[string]any{"history": historyData(o.body.History)})
		}

		suppressed, err := d.repeat(log, it, tr.To)
		if err != nil {
			return err
		}
		if suppressed {
			continue
		}
		if it.calm != nil && it.calm.Settle > 0 && tr.Kind == notifier.KindChange && tr.From != "" && it.Document != "" {
			if err := d.holdSettle(it, tr); err != nil {
				return err
			}
			continue
		}
		if err := d.route(it); err != nil {
			return err
		}
	}
	return nil
}

// settleBook records a new status in the settle holds of the event's
// document. It returns the holds that stay open, by channel, and the
// channels whose hold the event ended because the document returned to
// the status it left.
func (d *decider) settleBook(ev *notifier.Event, tr notifier.Transition) (map[string]*openSettle, map[string]bool, error) {
	doc := documentKey(ev)
	if doc == "" || tr.Kind != notifier.KindChange || !tr.Changed() {
		return nil, nil, nil
	}
	holds, err := d.p.Calm.Held.Holds(d.ctx, store.HoldFilter{Kind: store.HoldSettle, Document: doc})
	if err != nil {
		return nil, nil, err
	}

	open := map[string]*openSettle{}
	settled := map[string]bool{}
	for _, h := range holds {
		it, body, err := decodeItem(h)
		if err != nil {
			d.log.Error("held message cannot be read, dropping it", "held_id", h.ID, "err", err)
			d.changes.Delete = append(d.changes.Delete, h.ID)
			continue
		}
		if tr.To == body.Normal {
			d.log.Info("flap settled, dropping the held message", "rule", h.Rule, "channel", h.Channel,
				"status", tr.To, "held_id", h.ID)
			d.p.Calm.Metrics.countDropped(h.Channel, reasonSettled)
			d.changes.Delete = append(d.changes.Delete, h.ID)
			settled[h.Channel] = true
			continue
		}
		body.History = withStep(body.History, tr.To, d.now)
		if _, dup := open[h.Channel]; dup {
			// Only one rule's hold per channel takes over messages; any
			// other still records the history.
			d.rewriteSettle(&openSettle{hold: h, item: it, body: body})
			continue
		}
		open[h.Channel] = &openSettle{hold: h, item: it, body: body}
	}
	return open, settled, nil
}

// finishSettle writes back the open settle holds that no message took
// over, with their longer history.
func (d *decider) finishSettle(open map[string]*openSettle) {
	for _, o := range open {
		if !o.closed {
			d.rewriteSettle(o)
		}
	}
}

func (d *decider) rewriteSettle(o *openSettle) {
	body, err := encodeItem(o.item, o.body.Normal, o.body.History)
	if err != nil {
		d.log.Error("held message cannot be written, keeping the old one", "held_id", o.hold.ID, "err", err)
		return
	}
	o.hold.Body = body
	d.changes.Rewrite = append(d.changes.Rewrite, o.hold)
}

// holdSettle holds a status change for the rule's settle time.
func (d *decider) holdSettle(it *item, tr notifier.Transition) error {
	history := []step{{Status: tr.From}, {Status: tr.To, At: d.now}}
	body, err := encodeItem(it, tr.From, history)
	if err != nil {
		return err
	}
	d.changes.Hold = append(d.changes.Hold, store.Hold{
		Kind: store.HoldSettle, Channel: it.Channel,
		Rule: it.Rule, Document: it.Document, InboxID: it.InboxID, Due: d.now.Add(it.calm.Settle), Body: body,
	})
	d.p.Calm.Metrics.countHeld(it.Channel, store.HoldSettle)
	return nil
}

// repeat reports whether a message is a repeat that repeat_after drops.
// For a message that goes on it records the announcement, and shows the
// repeats dropped since the last one in the data.
func (d *decider) repeat(log *slog.Logger, it *item, status string) (bool, error) {
	if it.calm == nil || it.calm.RepeatAfter <= 0 || it.Document == "" {
		return false, nil
	}
	key := store.RepeatKey{Rule: it.Rule, Channel: it.Channel, Document: it.Document, Status: status}
	rec, found, err := d.p.Calm.Held.Repeat(d.ctx, key)
	if err != nil {
		return false, err
	}

	if found && d.now.Sub(rec.Announced) < it.calm.RepeatAfter {
		rec.Suppressed++
		d.changes.Repeats = append(d.changes.Repeats, rec)
		log.Debug("status repeated within repeat_after, dropping the message", "status", status,
			"announced", rec.Announced, "repeats", rec.Suppressed)
		d.p.Calm.Metrics.countDropped(it.Channel, reasonRepeat)
		return true, nil
	}
	if found && rec.Suppressed > 0 {
		it.setData(map[string]any{"repeats": rec.Suppressed, "repeat_since": rec.Announced})
	}
	d.changes.Repeats = append(d.changes.Repeats, store.Repeat{RepeatKey: key, Announced: d.now})
	return false, nil
}

// muted reports whether a mute silences the event, and logs and counts
// it when one does.
func (d *decider) muted(ev *notifier.Event, data map[string]any, messages int) (bool, error) {
	if d.p.Calm.Mutes == nil {
		return false, nil
	}
	text := func(key string) string {
		s, _ := data[key].(string)
		return s
	}
	targets := []store.MuteTarget{
		{Kind: store.MuteSite, Target: text("site")},
		{Kind: store.MuteBench, Target: text("bench")},
		{Kind: store.MuteGroup, Target: text("group")},
		{Kind: store.MuteTeam, Target: text("team")},
	}
	m, found, err := d.p.Calm.Mutes.MuteFor(d.ctx, targets, d.now)
	if err != nil {
		return false, fmt.Errorf("read mutes of %s %q: %w", ev.Doctype, ev.Document, err)
	}
	if !found {
		return false, nil
	}
	d.log.Info("event muted, sending nothing", "mute_id", m.ID, "muted", m.Kind, "target", m.Target,
		"until", m.Until, "messages", messages)
	d.p.Calm.Metrics.countMuted(m.Kind)
	return true, nil
}

// itemHistory returns the history in an item's data.
func itemHistory(it *item) []step {
	list, _ := it.Data["history"].([]any)
	var out []step
	for _, e := range list {
		m, _ := e.(map[string]any)
		status, _ := m["status"].(string)
		at, _ := m["at"].(time.Time)
		out = append(out, step{Status: status, At: at})
	}
	return out
}

// decodeMembers reads the items of a group's living message.
func decodeMembers(raw []json.RawMessage) ([]*item, error) {
	var out []*item
	for i, r := range raw {
		it, _, err := decodeItem(store.Hold{ID: int64(i), Body: r})
		if err != nil {
			return nil, err
		}
		out = append(out, it)
	}
	return out, nil
}
