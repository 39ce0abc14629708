package inventory

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// ScheduledEndpoint is the inbox endpoint of the events the scheduler
// creates. Webhook endpoint names cannot contain "@", so no request can
// deliver an event that passes for a scheduled one.
const ScheduledEndpoint = "@scheduler"

// EventTrialExpiry is the name and doctype of a trial reminder.
const EventTrialExpiry = "Site Trial Expiry"

// StuckTemplate is the built-in template of a stuck-state alert whose
// rule names none.
const StuckTemplate = "stuck-state"

// Kinds of scheduled events.
const (
	ScheduledTrial = "trial"
	ScheduledStuck = "stuck"
)

// Scheduled identifies the trial or the stay that a scheduled event is
// about. It travels in the event body under "scheduled", beside "event"
// and "data".
type Scheduled struct {
	Kind string `json:"kind"`

	// Site, TrialEnd and Days identify a trial reminder.
	Site     string `json:"site,omitempty"`
	TrialEnd string `json:"trial_end,omitempty"`
	Days     int    `json:"days,omitempty"`

	// Rule, Doctype, Name and StatusSince identify a stuck-state alert:
	// the rule and the stay of the document in its status, with From the
	// status before it. StatusSince is in Unix nanoseconds, as stored.
	Rule        string `json:"rule,omitempty"`
	Doctype     string `json:"doctype,omitempty"`
	Name        string `json:"name,omitempty"`
	StatusSince int64  `json:"status_since,omitempty"`
	From        string `json:"from,omitempty"`
}

// body is a scheduled event: the webhook form plus what it is for.
type body struct {
	Event     string         `json:"event"`
	Data      map[string]any `json:"data"`
	Scheduled Scheduled      `json:"scheduled"`
}

// TrialReminder returns the Site Trial Expiry event for a site's trial
// ending in days, received at. Its data holds the site, team, plan,
// trial_end_date, days_left and, when known, the site's status (as
// site_status), group, bench, cluster and server. Its document name is
// "site|trial end|days", and its digest is derived from the same three
// values, so a second reminder for them is a duplicate in the inbox.
func TrialReminder(site store.InventoryRow, days int, at time.Time) (store.InboxItem, error) {
	name := site.Name + "|" + site.TrialEnd + "|" + strconv.Itoa(days)
	data := map[string]any{
		"doctype":        EventTrialExpiry,
		"name":           name,
		"site":           site.Name,
		"team":           site.Team,
		"plan":           site.Plan,
		"trial_end_date": site.TrialEnd,
		"days_left":      days,
		"site_status":    site.Status,
		"group":          site.Group,
		"bench":          site.Bench,
		"cluster":        site.Cluster,
		"server":         site.Server,
	}
	dropEmpty(data)
	scheduled := Scheduled{Kind: ScheduledTrial, Site: site.Name, TrialEnd: site.TrialEnd, Days: days}
	return item("trial|"+name, body{Event: EventTrialExpiry, Data: data, Scheduled: scheduled}, site.Team, at)
}

// StuckAlert returns the event of a stuck-state alert, which is the
// document's last event again with three more data fields. stuck_for is
// how long the document has held its status, in Frappe Cloud's H:MM:SS
// form. since is when the stay began, in zone and Frappe Cloud's
// datetime form. team is the inventory's team, added when the event
// carried none. The digest is derived from the rule and the stay, so the
// alert is accepted once per stay.
func StuckAlert(doc store.InventoryRow, rule string, now time.Time, zone *time.Location) (store.InboxItem, error) {
	data := map[string]any{}
	if len(doc.Data) > 0 {
		if err := json.Unmarshal(doc.Data, &data); err != nil {
			return store.InboxItem{}, fmt.Errorf("read last event of %s %q: %w", doc.Doctype, doc.Name, err)
		}
	}
	if team, _ := data["team"].(string); (team == "" || team == "None") && doc.Team != "" {
		data["team"] = doc.Team
	}
	data["stuck_for"] = notifier.FormatDuration(now.Sub(doc.StatusSince).Truncate(time.Second))
	data["since"] = doc.StatusSince.In(zone).Format(notifier.DatetimeLayout)

	since := doc.StatusSince.UnixNano()
	scheduled := Scheduled{
		Kind: ScheduledStuck, Rule: rule, Doctype: doc.Doctype, Name: doc.Name,
		StatusSince: since, From: doc.PreviousStatus,
	}
	key := "stuck|" + rule + "|" + doc.Doctype + "|" + doc.Name + "|" + strconv.FormatInt(since, 10)
	return item(key, body{Event: doc.Event, Data: data, Scheduled: scheduled}, doc.Team, now)
}

// ParseScheduled reads what a scheduled event is for from its body.
func ParseScheduled(raw []byte) (Scheduled, error) {
	var b struct {
		Scheduled *Scheduled `json:"scheduled"`
	}
	if err := json.Unmarshal(raw, &b); err != nil {
		return Scheduled{}, fmt.Errorf("read scheduled event: %w", err)
	}
	switch {
	case b.Scheduled == nil:
		return Scheduled{}, errors.New("read scheduled event: scheduled is missing")
	case b.Scheduled.Kind != ScheduledTrial && b.Scheduled.Kind != ScheduledStuck:
		return Scheduled{}, fmt.Errorf("read scheduled event: unknown kind %q", b.Scheduled.Kind)
	}
	return *b.Scheduled, nil
}

// DataOf returns the `data` object of a webhook body, or the whole body
// when it came without the {"event", "data"} wrapper.
func DataOf(raw []byte) (json.RawMessage, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("read event data: %w", err)
	}
	if _, wrapped := top["event"]; wrapped {
		return top["data"], nil
	}
	return json.RawMessage(raw), nil
}

func item(key string, b body, team string, at time.Time) (store.InboxItem, error) {
	raw, err := json.Marshal(b)
	if err != nil {
		return store.InboxItem{}, fmt.Errorf("encode scheduled event: %w", err)
	}
	sum := sha256.Sum256([]byte(key))
	return store.InboxItem{
		Digest: hex.EncodeToString(sum[:]), Endpoint: ScheduledEndpoint, Team: team,
		Body: raw, Received: at,
	}, nil
}

func dropEmpty(data map[string]any) {
	for k, v := range data {
		if v == "" {
			delete(data, k)
		}
	}
}
