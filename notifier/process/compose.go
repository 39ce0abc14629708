package process

import (
	"log/slog"
	"maps"
	"reflect"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/calm"
	"github.com/fcnotify/fcnotify/notifier/rules"
)

// Templates of composed messages.
const (
	digestTemplate = "digest"
)

// maxListed is the maximum number of items a group or digest message
// lists. The rest are counted in "more", because a list of hundreds of
// sites is too long to read.
const maxListed = 50

// listTextLimit is the length of message text, in characters, that a
// list is cut to fit: the text of a Slack section block (3,000, as
// slack.MaxSectionText) and a Discord embed description (4,096). The
// console has no limit, so it gets the larger one.
var listTextLimit = map[notifier.Platform]int{
	notifier.PlatformSlack:   3000,
	notifier.PlatformDiscord: 4096,
	notifier.PlatformConsole: 4096,
}

// composeGroup returns the item of a group message for members of one
// rule and channel, in the order they arrived.
func (d *decider) composeGroup(members []*item, g *rules.Grouping) *item {
	first := members[0]
	datas := make([]map[string]any, len(members))
	for i, m := range members {
		datas[i] = m.Data
	}
	var by []string
	tmpl := rules.DefaultGroupTemplate
	if g != nil {
		by, tmpl = g.By, g.Template
	}
	return &item{
		Rule: first.Rule, Channel: first.Channel, InboxID: first.InboxID, Template: tmpl,
		Mentions: first.Mentions, Data: GroupData(datas, by, first.Rule, d.now), Received: first.Received,
		calm: first.calm,
	}
}

// GroupData returns the template data of a group message for the data
// of its events, in the order they arrived. It holds the values that
// every event shares, the events themselves under items, and count,
// more, noun, by (the values of the by paths), first and last (when the
// first and last event were received), rule and now. It does not change
// datas.
func GroupData(datas []map[string]any, by []string, rule string, now time.Time) map[string]any {
	list := make([]any, len(datas))
	for i, d := range datas {
		list[i] = d
	}
	_, key := calm.GroupKey(by, datas[0])

	data := commonData(datas)
	data["now"] = now
	data["count"] = len(datas)
	data["items"] = list
	data["more"] = 0
	data["noun"] = nounOf(datas)
	data["rule"] = rule
	data["by"] = key
	data["first"], data["last"] = receivedSpan(datas)
	return data
}

// composeDigest returns the item of a digest of messages held for quiet
// hours, the first of them received at since, about events events.
func (d *decider) composeDigest(items []*item, since time.Time, events int) *item {
	datas := make([]map[string]any, len(items))
	names := make([]string, len(items))
	for i, it := range items {
		datas[i], names[i] = it.Data, it.Rule
	}
	first := items[0]
	return &item{
		Rule: first.Rule, Channel: first.Channel, InboxID: first.InboxID, Template: digestTemplate,
		Data: DigestData(first.Channel, datas, names, since, d.now, events), Received: since,
	}
}

// DigestData returns the template data of a digest of the messages a
// channel held for quiet hours, from their data (oldest first) and the
// names of their rules. Each listed item is the data of one message. A
// single event's data gets count 1, noun, first, last and rule as a
// group's has them, so one template line reads both. since is when the
// first held event was received, now when quiet hours ended, and events
// how many events the messages stand for.
func DigestData(channel string, datas []map[string]any, ruleNames []string, since, now time.Time, events int) map[string]any {
	list := make([]any, len(datas))
	for i, d := range datas {
		data := maps.Clone(d)
		if _, grouped := data["count"]; !grouped {
			first, last := receivedSpan([]map[string]any{data})
			data["count"] = 1
			data["noun"] = nounOf([]map[string]any{data})
			data["first"], data["last"] = first, last
			data["rule"] = ruleNames[i]
		}
		list[i] = data
	}
	return map[string]any{
		"channel": channel,
		"noun":    "messages",
		"count":   len(datas),
		"events":  events,
		"items":   list,
		"more":    0,
		"since":   since,
		"until":   now,
		"now":     now,
	}
}

// renderList renders a group or digest item with as many of its items
// as fit the platform's text limit, and at most maxListed.
func (d *decider) renderList(log *slog.Logger, platform notifier.Platform, it *item) *notifier.Message {
	all, _ := it.Data["items"].([]any)
	limit := listTextLimit[platform]
	try := func(n int) (*notifier.Message, bool) {
		data := maps.Clone(it.Data)
		data["items"], data["more"] = all[:n], len(all)-n
		msg := d.p.render(log, platform, it.Template, data, it.Mentions)
		return msg, limit == 0 || utf8.RuneCountInString(msg.Text) <= limit
	}

	n := min(len(all), maxListed)
	msg, fits := try(n)
	if fits {
		return msg
	}
	// Find the longest list that fits; a list of none always does, or
	// the sender cuts the text.
	low, high := 0, n-1
	for low < high {
		mid := (low + high + 1) / 2
		if _, ok := try(mid); ok {
			low = mid
		} else {
			high = mid - 1
		}
	}
	msg, _ = try(low)
	return msg
}

// commonData returns the keys of the first map with the value that every
// map shares, or the zero value of its type where they differ. The names,
// links and data maps are compared key by key.
func commonData(datas []map[string]any) map[string]any {
	out := make(map[string]any, len(datas[0]))
	for key, value := range datas[0] {
		values := make([]any, len(datas))
		for i, d := range datas {
			values[i] = d[key]
		}
		out[key] = commonValue(value, values)
	}
	return out
}

func commonValue(first any, values []any) any {
	if _, ok := first.(map[string]any); ok {
		nested := make([]map[string]any, 0, len(values))
		for _, v := range values {
			m, isMap := v.(map[string]any)
			if !isMap {
				return map[string]any{}
			}
			nested = append(nested, m)
		}
		return commonData(nested)
	}
	for _, v := range values[1:] {
		if !sameValue(first, v) {
			return zeroOf(first)
		}
	}
	return first
}

func sameValue(a, b any) bool {
	if ta, ok := a.(time.Time); ok {
		tb, ok := b.(time.Time)
		return ok && ta.Equal(tb)
	}
	return reflect.DeepEqual(a, b)
}

// zeroOf returns the value a template reads as empty for a key whose
// values differ.
func zeroOf(v any) any {
	switch v.(type) {
	case string:
		return ""
	case bool:
		return false
	case int, int64:
		return 0
	case []any:
		return []any{}
	}
	return nil
}

// nounOf names what the data describe, in the plural: benches, sites,
// deploys or plan changes when they share a doctype, else events.
func nounOf(datas []map[string]any) string {
	doctype, _ := datas[0]["doctype"].(string)
	for _, d := range datas[1:] {
		if dt, _ := d["doctype"].(string); dt != doctype {
			return "events"
		}
	}
	switch doctype {
	case "Bench":
		return "benches"
	case "Site":
		return "sites"
	case "Deploy Candidate Build", "Deploy Candidate":
		return "deploys"
	case "Site Plan Change":
		return "plan changes"
	}
	return "events"
}

// receivedSpan returns the earliest and latest received time in datas,
// or nil and nil when none has one.
func receivedSpan(datas []map[string]any) (first, last any) {
	var lo, hi time.Time
	for _, d := range datas {
		t, ok := d["received"].(time.Time)
		if !ok {
			continue
		}
		if lo.IsZero() || t.Before(lo) {
			lo = t
		}
		if t.After(hi) {
			hi = t
		}
	}
	if lo.IsZero() {
		return nil, nil
	}
	return lo, hi
}

func intOf(v any) int {
	switch n := v.(type) {
	case int:
		return n
	case int64:
		return int(n)
	case string:
		i, _ := strconv.Atoi(n)
		return i
	}
	return 0
}
