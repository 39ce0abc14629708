package schedule

import (
	"context"
	"fmt"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// alertStuck queues an alert for every rule with `for:` and every
// document that has held one of the rule's statuses for the rule's
// duration, once per stay. The rule's other matchers are checked
// against the document's last event, so a document that does not match
// them now is checked again at the next tick.
func (s *Scheduler) alertStuck(ctx context.Context, now time.Time) (int, error) {
	queued := 0
	for _, rule := range s.opts.Rules.HeldRules() {
		n, err := s.alertRule(ctx, rule, now)
		queued += n
		if err != nil {
			return queued, fmt.Errorf("rule %q: %w", rule.Name, err)
		}
	}
	return queued, nil
}

func (s *Scheduler) alertRule(ctx context.Context, rule rules.RuleInfo, now time.Time) (int, error) {
	q := store.StuckQuery{
		Rule: rule.Name, Statuses: rule.To, Doctypes: rule.Doctypes,
		Events: rule.Events, Before: now.Add(-rule.For),
	}
	queued := 0
	for range maxBatches {
		docs, err := s.opts.Store.StuckCandidates(ctx, q, batchSize)
		if err != nil {
			return queued, err
		}
		var alerts []store.StuckAlert
		for _, doc := range docs {
			alert, ok, err := s.stuckAlert(rule, doc, now)
			if err != nil {
				return queued, err
			}
			if ok {
				alerts = append(alerts, alert)
			}
		}
		n, err := s.opts.Store.QueueStuckAlerts(ctx, alerts)
		queued += n
		if err != nil || len(docs) < batchSize {
			return queued, err
		}
		last := docs[len(docs)-1]
		q.After = &store.StuckCursor{StatusSince: last.StatusSince, Doctype: last.Doctype, Name: last.Name}
	}
	return queued, nil
}

// stuckAlert builds the alert of a rule for a document, and reports
// whether the rule's matchers accept the document's last event. A
// `when:` condition that fails is logged and does not fire.
func (s *Scheduler) stuckAlert(rule rules.RuleInfo, doc store.InventoryRow, now time.Time) (store.StuckAlert, bool, error) {
	it, err := inventory.StuckAlert(doc, rule.Name, now, s.opts.SourceZone)
	if err != nil {
		return store.StuckAlert{}, false, err
	}
	ev, err := payload.Parse(it.Body, s.opts.SourceZone)
	if err != nil {
		return store.StuckAlert{}, false, fmt.Errorf("read last event of %s %q: %w", doc.Doctype, doc.Name, err)
	}
	ev.Received = now

	tr := notifier.Transition{Kind: notifier.KindChange, From: doc.PreviousStatus, To: doc.Status}
	if doc.PreviousStatus == "" {
		tr.Kind = notifier.KindFirst
	}
	opts := s.opts.View
	opts.Now = now
	_, ok, err := s.opts.Rules.MatchHeld(rule.Name, ev, tr, view.Build(ev, tr, opts))
	if err != nil {
		s.logConditionError(rule.Name, doc, err)
	}
	if !ok {
		return store.StuckAlert{}, false, nil
	}

	s.opts.Logger.Info("stuck-state alert due", "rule", rule.Name, "doctype", doc.Doctype,
		"document", doc.Name, "status", doc.Status, "stuck_for", now.Sub(doc.StatusSince).Truncate(time.Second))
	return store.StuckAlert{
		Doctype: doc.Doctype, Name: doc.Name, StatusSince: doc.StatusSince,
		Rule: rule.Name, Event: it, At: now,
	}, true, nil
}

// maxFailures bounds the stays remembered by logConditionError.
const maxFailures = 10_000

// logConditionError logs a failed `when:` condition once per rule and
// stay, because the scheduler evaluates it again at every tick.
func (s *Scheduler) logConditionError(rule string, doc store.InventoryRow, err error) {
	key := rule + "|" + doc.Doctype + "|" + doc.Name + "|" + doc.StatusSince.String()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failures[key] {
		return
	}
	if len(s.failures) >= maxFailures {
		clear(s.failures)
	}
	s.failures[key] = true
	s.opts.Logger.Error("rule condition failed", "rule", rule, "doctype", doc.Doctype,
		"document", doc.Name, "err", err)
}
