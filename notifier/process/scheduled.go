package process

import (
	"context"
	"log/slog"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// processScheduled handles an event that the scheduler created. A trial
// reminder goes through the rules like any event. A stuck-state alert
// goes to the channels of the rule that raised it, and only there. Both
// are dropped when the inventory shows that they no longer apply
// because an event processed in between ended the trial or the stay.
// Neither changes the state of documents.
func (p *Processor) processScheduled(ctx context.Context, it store.InboxItem, ev *notifier.Event, done store.Completion) error {
	log := p.Logger.With("inbox_id", it.ID, "event", ev.Name, "document", ev.Document)
	// The endpoint only marks the event as scheduled; templates see none.
	ev.Endpoint = ""

	s, err := inventory.ParseScheduled(it.Body)
	if err != nil {
		log.Error("scheduled event cannot be read, skipping it", "err", err)
		_, err := p.store.Complete(ctx, done)
		return err
	}
	applies, err := p.stillApplies(ctx, s)
	if err != nil {
		return err
	}

	var tr notifier.Transition
	var data map[string]any
	switch {
	case !applies:
		log.Info("scheduled event no longer applies, dropping it", "scheduled", s.Kind, "rule", s.Rule)
	case s.Kind == inventory.ScheduledTrial:
		tr = notifier.Transition{Kind: notifier.KindFirst}
		data = view.Build(ev, tr, p.viewOptions(done.At))
		done.Messages = p.messages(log, ev, tr, data)
	default:
		tr = notifier.Transition{Kind: notifier.KindChange, From: s.From, To: ev.Status}
		if s.From == "" {
			tr.Kind = notifier.KindFirst
		}
		data = view.Build(ev, tr, p.viewOptions(done.At))
		done.Messages = p.ruleMessages(log.With("rule", s.Rule), s.Rule, ev, data)
	}
	if len(done.Messages) > 0 {
		// Mutes, quiet hours and the other noise controls apply to
		// scheduled events as to any other.
		release, err := p.calmDown(ctx, log, ev, tr, data, &done)
		if err != nil {
			return err
		}
		defer release()
	}

	log.Debug("scheduled event processed", "scheduled", s.Kind, "messages", len(done.Messages))
	if _, err := p.store.Complete(ctx, done); err != nil {
		return err
	}
	p.Queued(channelsOf(done.Messages))
	return nil
}

// stillApplies reports whether the inventory still shows the trial or
// the stay that a scheduled event is about. Without an inventory every
// scheduled event applies.
func (p *Processor) stillApplies(ctx context.Context, s inventory.Scheduled) (bool, error) {
	if p.Inventory == nil {
		return true, nil
	}
	if s.Kind == inventory.ScheduledTrial {
		site, known, err := p.Inventory.Snapshot(ctx, inventory.DoctypeSite, s.Site)
		return known && !site.Archived && site.TrialEnd == s.TrialEnd, err
	}
	doc, known, err := p.Inventory.Snapshot(ctx, s.Doctype, s.Name)
	return known && !doc.Archived && doc.StatusSince.UnixNano() == s.StatusSince, err
}

// ruleMessages renders one message per channel of a rule, with its
// template or the stuck-state one. A rule removed from the configuration
// since the alert was raised sends nothing.
func (p *Processor) ruleMessages(log *slog.Logger, name string, ev *notifier.Event, data map[string]any) []store.OutboxMessage {
	info, ok := p.Rules.Rule(name)
	if !ok {
		log.Warn("rule of a stuck-state alert is no longer configured, dropping the alert")
		return nil
	}
	tmpl := info.Template
	if tmpl == "" {
		tmpl = inventory.StuckTemplate
	}

	var out []store.OutboxMessage
	seen := map[string]bool{}
	for _, ch := range info.Channels {
		if seen[ch] {
			continue
		}
		seen[ch] = true
		msg := p.render(log.With("channel", ch), p.Platforms[ch], tmpl, data, info.Mentions)
		out = append(out, store.OutboxMessage{
			Channel: ch, InboxID: ev.InboxID, Rule: name,
			Document: ev.Document, Message: *msg,
		})
	}
	return out
}
