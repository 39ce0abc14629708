package process

import (
	"context"
	"fmt"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// Process handles one inbox row and records the result. An event that
// cannot be parsed is logged and marked processed: it was checked when it
// was accepted, so this only happens after a format change.
func (p *Processor) Process(ctx context.Context, it store.InboxItem) error {
	now := p.Clock.Now()
	done := store.Completion{InboxID: it.ID, At: now}

	ev, err := payload.Parse(it.Body, p.SourceZone)
	if err != nil {
		p.Logger.Error("stored event cannot be parsed, skipping it", "inbox_id", it.ID, "err", err)
		_, err := p.store.Complete(ctx, done)
		return err
	}
	ev.InboxID, ev.Endpoint, ev.Received = it.ID, it.Endpoint, it.Received
	if notifier.IsHandshake(ev.Name) {
		_, err := p.store.Complete(ctx, done)
		return err
	}
	if it.Endpoint == inventory.ScheduledEndpoint {
		return p.processScheduled(ctx, it, ev, done)
	}

	if err := p.inferTeam(ctx, ev, it.Team); err != nil {
		return fmt.Errorf("infer team: %w", err)
	}
	tr, state, err := p.compare(ctx, ev, now)
	if err != nil {
		return err
	}
	done.Document = state
	done.Teams = learnTeams(ev)
	site, siteKnown, err := p.recordInventory(ctx, ev, tr, it.Body, &done)
	if err != nil {
		return err
	}

	log := p.Logger.With("inbox_id", it.ID, "event", ev.Name, "document", ev.Document)
	data := view.Build(ev, tr, p.viewOptions(now))
	inventory.Enrich(data, ev, site, siteKnown)
	done.Messages = p.messages(log, ev, tr, data)
	release, err := p.calmDown(ctx, log, ev, tr, data, &done)
	if err != nil {
		return err
	}
	defer release()

	log.Debug("event processed", "kind", tr.Kind, "from", tr.From, "to", tr.To,
		"team", ev.Team, "messages", len(done.Messages))
	if _, err := p.store.Complete(ctx, done); err != nil {
		return err
	}
	p.Queued(channelsOf(done.Messages))
	return nil
}

// compare computes the transition and the state to record, nil when the
// event does not become the document's last known version.
func (p *Processor) compare(ctx context.Context, ev *notifier.Event, now time.Time) (notifier.Transition, *store.DocumentState, error) {
	if ev.Document == "" || ev.Doctype == "" {
		return notifier.Transition{Kind: notifier.KindFirst, To: ev.Status}, nil, nil
	}
	prev, known, err := p.store.Document(ctx, ev.Doctype, ev.Document)
	if err != nil {
		return notifier.Transition{}, nil, fmt.Errorf("read state of %s %q: %w", ev.Doctype, ev.Document, err)
	}

	tr := transition(ev, prev, known)
	if !writesState(tr.Kind) {
		return tr, nil, nil
	}
	return tr, &store.DocumentState{
		Doctype: ev.Doctype, Name: ev.Document, Status: ev.Status,
		Modified: ev.Modified, Team: ev.Team, Updated: now,
	}, nil
}

func (p *Processor) viewOptions(now time.Time) view.Options {
	opts := p.View
	opts.Now = now
	return opts
}

func channelsOf(msgs []store.OutboxMessage) []string {
	seen := map[string]bool{}
	var out []string
	for _, m := range msgs {
		if !seen[m.Channel] {
			seen[m.Channel] = true
			out = append(out, m.Channel)
		}
	}
	return out
}
