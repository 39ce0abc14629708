package process

import (
	"encoding/json"
	"fmt"
	"maps"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/calm"
	"github.com/fcnotify/fcnotify/notifier/rules"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// item is one message on its way through the noise controls: the data
// it is rendered from, and how. An item is rendered when it is queued,
// so a held item keeps its data and not a rendered message.
type item struct {
	Rule     string
	Channel  string
	Document string
	InboxID  int64
	Template string
	Mentions []notifier.Mention
	Data     map[string]any
	// Received is when fcnotify received the item's event, or the first
	// event of a group.
	Received time.Time

	// calm is the rule's options, nil when it sets none or no longer
	// exists.
	calm *rules.Calm
	// rendered is the message rendered by the rules step for Data as it
	// was then; it is dropped when Data changes.
	rendered *notifier.Message
}

// step is one status in a document's history. At is zero when the time
// the document reached the status is not known.
type step struct {
	Status string    `json:"status"`
	At     time.Time `json:"at,omitzero"`
}

// heldBody is the JSON form of a held row's body and of a living
// message's record.
type heldBody struct {
	Template string             `json:"template"`
	Mentions []notifier.Mention `json:"mentions,omitempty"`
	Received time.Time          `json:"received,omitzero"`
	Data     json.RawMessage    `json:"data,omitempty"`

	// Normal is the status a settle hold waits for the document to
	// return to.
	Normal string `json:"normal,omitempty"`
	// History is the statuses of a settle hold or a living message.
	History []step `json:"history,omitempty"`
	// Members are the items of a group whose message a later group may
	// edit, as heldBody JSON each.
	Members []json.RawMessage `json:"members,omitempty"`
}

// encodeItem returns the body of a held row for it.
func encodeItem(it *item, normal string, history []step) ([]byte, error) {
	data, err := calm.EncodeData(it.Data)
	if err != nil {
		return nil, fmt.Errorf("encode data of rule %q: %w", it.Rule, err)
	}
	return json.Marshal(heldBody{
		Template: it.Template, Mentions: it.Mentions, Received: it.Received,
		Data: data, Normal: normal, History: history,
	})
}

// decodeItem reads the item of a held row.
func decodeItem(h store.Hold) (*item, *heldBody, error) {
	var body heldBody
	if err := json.Unmarshal(h.Body, &body); err != nil {
		return nil, nil, fmt.Errorf("decode held message %d: %w", h.ID, err)
	}
	data, err := calm.DecodeData(body.Data)
	if err != nil {
		return nil, nil, fmt.Errorf("held message %d: %w", h.ID, err)
	}
	it := &item{
		Rule: h.Rule, Channel: h.Channel, Document: h.Document, InboxID: h.InboxID,
		Template: body.Template, Mentions: body.Mentions, Data: data, Received: body.Received,
	}
	return it, &body, nil
}

// historyData returns a history as template data: a list of maps with
// status and at, at nil when unknown.
func historyData(history []step) []any {
	out := make([]any, len(history))
	for i, s := range history {
		var at any
		if !s.At.IsZero() {
			at = s.At
		}
		out[i] = map[string]any{"status": s.Status, "at": at}
	}
	return out
}

// withStep appends a status to a history unless it repeats the last one.
func withStep(history []step, status string, at time.Time) []step {
	if n := len(history); n > 0 && history[n-1].Status == status {
		return history
	}
	return append(history, step{Status: status, At: at})
}

// setData replaces keys of an item's data and drops the rendered
// message. It copies the map first, so the data of other items stays as
// it was.
func (it *item) setData(kv map[string]any) {
	it.Data = maps.Clone(it.Data)
	maps.Copy(it.Data, kv)
	it.rendered = nil
}
