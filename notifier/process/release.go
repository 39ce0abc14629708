package process

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
)

const (
	// releaseBatch is how many due rows one release reads. A group with
	// more members due at once goes out as more than one message.
	releaseBatch = 512
	// releaseIdle is how long the releaser waits when nothing is held.
	// The processor wakes it when it holds something, so this only
	// matters for rows that another process wrote.
	releaseIdle = time.Minute
	// releaseRetry is the wait after the store failed.
	releaseRetry = time.Second
)

// RunReleaser moves held messages to the outbox when they are due, until
// ctx is cancelled. It waits on the clock for the earliest due time, and
// the processor wakes it when it holds something new. Each release is
// one transaction, so after a crash a held row is either still held or
// queued. RunReleaser returns at once when the noise controls are off.
func (p *Processor) RunReleaser(ctx context.Context) {
	if p.Calm.Held == nil {
		return
	}
	p.initHold()
	for ctx.Err() == nil {
		wait, err := p.releaseDue(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			p.Logger.Error("release held messages failed, will retry", "retry_in", releaseRetry, "err", err)
			wait = releaseRetry
		}
		if wait > 0 {
			p.sleepReleaser(ctx, wait)
		}
	}
}

// releaseDue releases the rows that are due and returns how long until
// the next one is: zero when more may be due already.
func (p *Processor) releaseDue(ctx context.Context) (time.Duration, error) {
	now := p.Clock.Now()
	next, found, err := p.Calm.Held.NextDue(ctx)
	if err != nil {
		return 0, err
	}
	if !found {
		return releaseIdle, nil
	}
	if next.After(now) {
		return next.Sub(now), nil
	}

	p.hold.mu.Lock()
	defer p.hold.mu.Unlock()
	rows, err := p.Calm.Held.DueHolds(ctx, now, releaseBatch)
	if err != nil {
		return 0, err
	}
	d := p.newDecider(ctx, p.Logger, now)
	for _, bucket := range buckets(rows) {
		if err := d.release(bucket); err != nil {
			return 0, err
		}
	}
	if _, err := p.Calm.Held.Release(ctx, d.msgs, d.changes, now); err != nil {
		return 0, err
	}
	p.Logger.Debug("held messages released", "rows", len(rows), "messages", len(d.msgs))
	p.Queued(channelsOf(d.msgs))
	return 0, nil
}

func (p *Processor) sleepReleaser(ctx context.Context, d time.Duration) {
	timer, stop := p.Clock.Timer(d)
	defer stop()
	select {
	case <-timer:
	case <-p.hold.wakeC:
	case <-ctx.Done():
	}
}

// buckets splits due rows into what is released together: the members of
// one group, the messages of one channel held for the same quiet time,
// and each settle hold alone. Buckets keep the order of their first row.
func buckets(rows []store.Hold) [][]store.Hold {
	type key struct {
		kind, channel, rule, group string
		due                        int64
		id                         int64
	}
	index := map[key]int{}
	var out [][]store.Hold
	for _, h := range rows {
		k := key{kind: h.Kind, channel: h.Channel, due: h.Due.UnixNano()}
		switch h.Kind {
		case store.HoldGroup:
			k.rule, k.group = h.Rule, h.Key
		case store.HoldQuiet:
		default:
			k.id = h.ID
		}
		i, ok := index[k]
		if !ok {
			i = len(out)
			index[k] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], h)
	}
	return out
}

// settledData returns the data a released settle hold is shown with. The
// message goes from the status the document left to the one it ended in,
// with every step between as history, so "Active → Installing → Broken"
// reads as Active → Broken.
func settledData(body *heldBody) map[string]any {
	kv := map[string]any{"history": historyData(body.History)}
	if n := len(body.History); n > 0 {
		last := body.History[n-1].Status
		kv["from"], kv["to"], kv["status"] = body.Normal, last, last
	}
	return kv
}

// release decides what a bucket of due rows becomes. Rows that cannot be
// read are logged and dropped, so they do not block the rows after them.
func (d *decider) release(bucket []store.Hold) error {
	var items []*item
	for _, h := range bucket {
		d.changes.Delete = append(d.changes.Delete, h.ID)
		it, body, err := decodeItem(h)
		if err != nil {
			d.log.Error("held message cannot be read, dropping it", "held_id", h.ID, "rule", h.Rule,
				"channel", h.Channel, "err", err)
			continue
		}
		it.calm = d.p.hold.calm[it.Rule]
		if h.Kind == store.HoldSettle {
			it.setData(settledData(body))
		}
		items = append(items, it)
	}
	if len(items) == 0 {
		return nil
	}

	switch bucket[0].Kind {
	case store.HoldSettle:
		d.log.Info("settle time over, the document did not return to its former status",
			"rule", items[0].Rule, "channel", items[0].Channel, "document", items[0].Document)
		return d.route(items[0])
	case store.HoldGroup:
		return d.releaseGroup(bucket[0].Key, items)
	default:
		return d.releaseQuiet(items)
	}
}

// releaseGroup sends the members of a closed group window as one message.
// When the rule's max_wait is longer than its wait and the channel can
// edit, a group that starts within max_wait of an earlier one with the
// same key edits the earlier group's message to list both.
func (d *decider) releaseGroup(key string, members []*item) error {
	first := members[0]
	grouping := groupingOf(first.calm)
	growing := grouping != nil && grouping.MaxWait > grouping.Wait && d.p.Calm.Channels[first.Channel].CanEdit
	livingKey := "group:" + key
	if growing {
		if grown, err := d.growGroup(livingKey, members, grouping); err != nil || grown {
			return err
		}
	}
	if !growing && len(members) == 1 {
		return d.deliver(first)
	}

	it := first
	if len(members) > 1 {
		it = d.composeGroup(members, grouping)
	}
	if until, quiet := d.quietUntil(it); quiet {
		return d.holdQuiet(it, until)
	}
	index := d.queue(it)
	if !growing {
		return nil
	}
	body, err := membersBody(members)
	if err != nil {
		return err
	}
	started := first.Received
	for _, m := range members {
		if !m.Received.IsZero() && m.Received.Before(started) {
			started = m.Received
		}
	}
	return d.startLiving(it, livingKey, index, body, started)
}

func groupingOf(c *rules.Calm) *rules.Grouping {
	if c == nil {
		return nil
	}
	return c.Group
}

// growGroup edits the message of an earlier group with the same key
// when this group started within max_wait of that one. It reports false
// when there is no such message.
func (d *decider) growGroup(livingKey string, members []*item, g *rules.Grouping) (bool, error) {
	first := members[0]
	rec, found, err := d.p.Calm.Held.Living(d.ctx, first.Rule, first.Channel, livingKey)
	if err != nil || !found || !first.Received.Before(rec.Started.Add(g.MaxWait)) {
		return false, err
	}
	var body heldBody
	if err := json.Unmarshal(rec.Body, &body); err != nil {
		d.log.Warn("group message record cannot be read, posting a new message", "rule", first.Rule,
			"channel", first.Channel, "err", err)
		return false, nil
	}
	earlier, err := decodeMembers(body.Members)
	if err != nil {
		d.log.Warn("group message record cannot be read, posting a new message", "rule", first.Rule,
			"channel", first.Channel, "err", err)
		return false, nil
	}

	for _, m := range earlier {
		m.Rule, m.Channel, m.calm = first.Rule, first.Channel, first.calm
	}
	all := append(earlier, members...)
	it := d.composeGroup(all, g)
	index := d.queue(it)
	d.changes.Links = append(d.changes.Links, store.Link{Index: index, Mode: store.LinkEdit, Root: rec.Root})
	grown, err := membersBody(all)
	if err != nil {
		return false, err
	}
	return true, d.saveLiving(rec, grown)
}

// releaseQuiet sends the messages held for one quiet time of a channel:
// one message as it is, more as one digest in the order their events
// arrived. Several messages about one document with the same rule are
// listed once, with the latest status and the statuses before it as
// history.
func (d *decider) releaseQuiet(items []*item) error {
	slices.SortStableFunc(items, func(a, b *item) int { return a.Received.Compare(b.Received) })
	events := 0
	for _, it := range items {
		events += max(1, intOf(it.Data["count"]))
	}
	since := items[0].Received

	items = collapseDocuments(items)
	if len(items) == 1 {
		return d.deliver(items[0])
	}
	d.queue(d.composeDigest(items, since, events))
	return nil
}

// collapseDocuments keeps the last item of each rule and document, with
// the statuses of the items it replaces as its history.
func collapseDocuments(items []*item) []*item {
	last := map[[2]string]int{}
	var out []*item
	for _, it := range items {
		if it.Document == "" {
			out = append(out, it)
			continue
		}
		k := [2]string{it.Rule, it.Document}
		i, seen := last[k]
		if !seen {
			last[k] = len(out)
			out = append(out, it)
			continue
		}
		history := itemHistory(out[i])
		if len(history) == 0 {
			history = transitionHistory(out[i].Data, out[i].Received)
		}
		for _, s := range transitionHistory(it.Data, it.Received) {
			history = withStep(history, s.Status, s.At)
		}
		it.setData(map[string]any{"history": historyData(history)})
		out[i] = it
	}
	return out
}

func membersBody(members []*item) (heldBody, error) {
	var body heldBody
	for _, m := range members {
		raw, err := encodeItem(m, "", nil)
		if err != nil {
			return heldBody{}, err
		}
		body.Members = append(body.Members, raw)
	}
	return body, nil
}
