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
// rule and channel, in the order they arrived. Its data holds the values
// the members share, the members themselves under items, and count,
// noun, by, first, last and rule.
func (d *decider) composeGroup(members []*item, g *rules.Grouping) *item {
	first := members[0]
	datas := make([]map[string]any, len(members))
	list := make([]any, len(members))
	for i, m := range members {
		datas[i], list[i] = m.Data, m.Data
	}

	data := commonData(datas)
	data["now"] = d.now
	data["count"] = len(members)
	data["items"] = list
	data["more"] = 0
	data["noun"] = nounOf(datas)
	data["rule"] = first.Rule
	data["first"], data["last"] = receivedSpan(members)
	by := map[string]any{}
	if g != nil {
		_, by = calm.GroupKey(g.By, first.Data)
	}
	data["by"] = by

	tmpl := rules.DefaultGroupTemplate
	if g != nil {
		tmpl = g.Template
	}
	return &item{Rule: first.Rule, Channel: first.Channel, InboxID: first.InboxID, Template: tmpl,
		Mentions: first.Mentions, Data: data, Received: first.Received, calm: first.calm}
}

// composeDigest returns the item of a digest of messages held for quiet
// hours, the first of them received at since, about events events. Each
// listed item is the data of one message, with count, noun, first and
// last set as a group's are, so one template line reads both.
func (d *decider) composeDigest(items []*item, since time.Time, events int) *item {
	list := make([]any, len(items))
	for i, it := range items {
		data := maps.Clone(it.Data)
		if _, grouped := data["count"]; !grouped {
			data["count"] = 1
			data["noun"] = nounOf([]map[string]any{data})
			data["first"], data["last"] = it.Received, it.Received
			data["rule"] = it.Rule
		}
		list[i] = data
	}

	first := items[0]
	data := map[string]any{
		"channel": first.Channel,
		"noun":    "messages",
		"count":   len(items),
		"events":  events,
		"items":   list,
		"more":    0,
		"since":   since,
		"until":   d.now,
		"now":     d.now,
	}
	return &item{Rule: first.Rule, Channel: first.Channel, InboxID: first.InboxID, Template: digestTemplate,
		Data: data, Received: since}
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

func receivedSpan(items []*item) (first, last any) {
	var lo, hi time.Time
	for _, it := range items {
		if it.Received.IsZero() {
			continue
		}
		if lo.IsZero() || it.Received.Before(lo) {
			lo = it.Received
		}
		if it.Received.After(hi) {
			hi = it.Received
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
