package process

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/calm"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// noteTemplate renders the line that shows a message's history and
// repeats, which is appended to the message's text.
const noteTemplate = "note"

// route sends an item on after the repeat and settle checks: into its
// group's window when the rule groups, else to deliver.
func (d *decider) route(it *item) error {
	if it.calm != nil && it.calm.Group != nil {
		return d.holdGroup(it)
	}
	return d.deliver(it)
}

// holdGroup adds an item to the open group of its rule, channel and key,
// or opens a group that closes the group's wait from now.
func (d *decider) holdGroup(it *item) error {
	g := it.calm.Group
	key, _ := calm.GroupKey(g.By, it.Data)
	due, err := d.openGroupDue(it, key)
	if err != nil {
		return err
	}
	if due.IsZero() {
		due = d.now.Add(g.Wait)
	}

	body, err := encodeItem(it, "", nil)
	if err != nil {
		return err
	}
	d.changes.Hold = append(d.changes.Hold, store.Hold{
		Kind: store.HoldGroup, Channel: it.Channel,
		Rule: it.Rule, Key: key, Document: it.Document, InboxID: it.InboxID, Due: due, Body: body,
	})
	d.p.Calm.Metrics.countHeld(it.Channel, store.HoldGroup)
	return nil
}

// openGroupDue returns when the open group of an item closes, or the
// zero time when none is open.
func (d *decider) openGroupDue(it *item, key string) (time.Time, error) {
	for _, h := range d.changes.Hold {
		if h.Kind == store.HoldGroup && h.Channel == it.Channel && h.Rule == it.Rule && h.Key == key && h.Due.After(d.now) {
			return h.Due, nil
		}
	}
	open, err := d.p.Calm.Held.Holds(d.ctx, store.HoldFilter{
		Kind: store.HoldGroup, Channel: it.Channel,
		Rule: it.Rule, Key: key, DueAfter: d.now,
	})
	if err != nil || len(open) == 0 {
		return time.Time{}, err
	}
	return open[0].Due, nil
}

// deliver queues an item as an edit of or a reply to its document's
// living message, holds it for quiet hours, or queues it as a new
// message, in that order. Quiet hours do not hold an edit, because it
// changes a message already in the channel and sends no notification.
func (d *decider) deliver(it *item) error {
	mode, living := d.livingMode(it)
	if living {
		rec, found, err := d.p.Calm.Held.Living(d.ctx, it.Rule, it.Channel, it.Document)
		if err != nil {
			return err
		}
		if found && d.now.Sub(rec.Updated) < livingWindow {
			return d.queueLinked(it, mode, rec)
		}
	}

	if until, quiet := d.quietUntil(it); quiet {
		return d.holdQuiet(it, until)
	}
	index := d.queue(it)
	if living {
		history := itemHistory(it)
		if len(history) == 0 {
			history = transitionHistory(it.Data, d.now)
		}
		return d.startLiving(it, it.Document, index, heldBody{History: history}, d.now)
	}
	return nil
}

// livingMode returns how later messages change an item's first message,
// and false when they do not: the rule sets neither update nor thread,
// the item has no document, or the channel cannot edit or reply as the
// rule requests.
func (d *decider) livingMode(it *item) (string, bool) {
	if it.calm == nil || it.Document == "" {
		return "", false
	}
	ch := d.p.Calm.Channels[it.Channel]
	switch {
	case it.calm.Living == rules.LivingUpdate && ch.CanEdit:
		return store.LinkEdit, true
	case it.calm.Living == rules.LivingThread && ch.CanReply:
		return store.LinkReply, true
	}
	return "", false
}

// queueLinked queues an item as an edit of or a reply to a living
// message and adds its status to the living message's history, which
// the item's data shows.
func (d *decider) queueLinked(it *item, mode string, rec store.LivingMessage) error {
	var body heldBody
	if err := json.Unmarshal(rec.Body, &body); err != nil {
		d.log.Warn("living message record cannot be read, starting its history again",
			"rule", it.Rule, "channel", it.Channel, "err", err)
	}
	history := body.History
	for _, s := range itemHistory(it) {
		history = withStep(history, s.Status, s.At)
	}
	if to, _ := it.Data["to"].(string); to != "" {
		history = withStep(history, to, d.now)
	}
	it.setData(map[string]any{"history": historyData(history)})

	index := d.queue(it)
	d.changes.Links = append(d.changes.Links, store.Link{Index: index, Mode: mode, Root: rec.Root})
	body.History = history
	return d.saveLiving(rec, body)
}

// startLiving records the message at index as the living message of
// key, which later messages edit or reply to.
func (d *decider) startLiving(it *item, key string, index int, body heldBody, started time.Time) error {
	rec := store.LivingMessage{
		Rule: it.Rule, Channel: it.Channel, Key: key,
		Root: store.MessageRef{Index: index}, Started: started,
	}
	return d.saveLiving(rec, body)
}

func (d *decider) saveLiving(rec store.LivingMessage, body heldBody) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return err
	}
	rec.Body, rec.Updated = raw, d.now
	d.changes.Living = append(d.changes.Living, rec)
	return nil
}

// transitionHistory returns the from and to of an event's data as a
// history: the status the document left, with no time, then the new one.
func transitionHistory(data map[string]any, now time.Time) []step {
	from, _ := data["from"].(string)
	to, _ := data["to"].(string)
	var history []step
	if from != "" {
		history = append(history, step{Status: from})
	}
	if to != "" {
		history = withStep(history, to, now)
	}
	return history
}

// quietUntil returns when the quiet hours of the item's channel and rule
// that hold it now end, and false when none do. Urgent rules are never
// held.
func (d *decider) quietUntil(it *item) (time.Time, bool) {
	if it.calm != nil && it.calm.Urgent {
		return time.Time{}, false
	}
	var hours []*config.QuietHours
	if q := d.p.Calm.Channels[it.Channel].Quiet; q != nil {
		hours = append(hours, q)
	}
	if it.calm != nil && it.calm.Quiet != nil {
		hours = append(hours, it.calm.Quiet)
	}

	// Quiet hours of the channel and of the rule that touch make one
	// quiet time, so look again after each end. Two schedules that
	// together cover every day would never end: the bound stops the walk
	// after a few weeks of them.
	until := d.now
	for range maxQuietJoins {
		changed := false
		for _, q := range hours {
			if calm.Quiet(q, until) {
				until, changed = calm.QuietUntil(q, until), true
			}
		}
		if !changed {
			break
		}
	}
	return until, until.After(d.now)
}

// maxQuietJoins bounds how many ends of quiet hours quietUntil follows.
const maxQuietJoins = 32

// holdQuiet holds an item until quiet hours end.
func (d *decider) holdQuiet(it *item, until time.Time) error {
	body, err := encodeItem(it, "", nil)
	if err != nil {
		return err
	}
	d.changes.Hold = append(d.changes.Hold, store.Hold{
		Kind: store.HoldQuiet, Channel: it.Channel,
		Rule: it.Rule, Document: it.Document, InboxID: it.InboxID, Due: until, Body: body,
	})
	d.p.Calm.Metrics.countHeld(it.Channel, store.HoldQuiet)
	return nil
}

// queue renders an item and adds it to the messages to queue. It returns
// the message's index among them.
func (d *decider) queue(it *item) int {
	msg := d.render(it)
	d.msgs = append(d.msgs, store.OutboxMessage{
		Channel: it.Channel, InboxID: it.InboxID, Rule: it.Rule,
		Document: label(it), Message: *msg,
	})
	return len(d.msgs) - 1
}

// render returns the item's message: the one the rules step rendered
// when its data has not changed since, else a new one, with the note of
// its history and repeats appended.
func (d *decider) render(it *item) *notifier.Message {
	if it.rendered != nil {
		return it.rendered
	}
	platform := d.p.Platforms[it.Channel]
	log := d.log.With("rule", it.Rule, "channel", it.Channel)
	var msg *notifier.Message
	if _, listed := it.Data["items"]; listed {
		msg = d.renderList(log, platform, it)
	} else {
		msg = d.p.render(log, platform, it.Template, it.Data, it.Mentions)
	}
	d.appendNote(platform, it, msg)
	return msg
}

// appendNote adds the note line to a message that has a history of more
// than one change, or repeats to show.
func (d *decider) appendNote(platform notifier.Platform, it *item, msg *notifier.Message) {
	repeats, _ := it.Data["repeats"].(int)
	if r64, ok := it.Data["repeats"].(int64); ok {
		repeats = int(r64)
	}
	if repeats == 0 && len(itemHistory(it)) <= 2 {
		return
	}
	note, err := d.p.Renderer.Render(platform, noteTemplate, it.Data, nil)
	if err != nil {
		d.log.Error("note template failed, sending the message without it", "rule", it.Rule,
			"channel", it.Channel, "err", err)
		return
	}
	if note.Text != "" {
		msg.Text = strings.TrimSpace(msg.Text + "\n" + note.Text)
	}
}

// label is the outbox's document column for an item.
func label(it *item) string {
	if n := intOf(it.Data["count"]); n > 1 {
		noun, _ := it.Data["noun"].(string)
		return strconv.Itoa(n) + " " + noun
	}
	if doc, ok := it.Data["document"].(string); ok && doc != "" {
		return doc
	}
	return it.Document
}
