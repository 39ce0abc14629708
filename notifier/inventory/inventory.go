// Package inventory keeps the latest known snapshot of each site,
// bench, release group and deploy, built from the events that mention
// them. Frappe Cloud reports a change once, and some changes never: the
// snapshot is what lets fcnotify remind of a trial's end and notice a
// document that stays in a state too long.
//
// Rows derives the snapshot rows an event writes; the processor stores
// them in the transaction of the event. The package also defines the
// synthetic events the scheduler creates from the snapshot, and the
// table and JSON forms of `fcnotify sites`.
package inventory

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// Kinds of inventory rows.
const (
	KindSite   = "site"
	KindBench  = "bench"
	KindGroup  = "group"
	KindDeploy = "deploy"
)

// Doctypes that the inventory reads or writes. Frappe Cloud sends no
// event about a release group itself; its row is built from the events
// of its sites, benches and deploys.
const (
	DoctypeSite       = "Site"
	DoctypeBench      = "Bench"
	DoctypeGroup      = "Release Group"
	DoctypePlanChange = "Site Plan Change"
)

// StatusArchived is the status of archived sites and benches. Frappe
// Cloud archives a site without an event, by renaming it with the
// ArchivedSuffix.
const (
	StatusArchived = "Archived"
	ArchivedSuffix = ".archived"
)

// kinds maps the doctypes whose events carry the document itself to
// their kind.
var kinds = map[string]string{
	DoctypeSite:              KindSite,
	DoctypeBench:             KindBench,
	"Deploy Candidate Build": KindDeploy,
	"Deploy Candidate":       KindDeploy,
}

// Lookup returns the current row of a document, and false when there is
// none.
type Lookup func(doctype, name string) (store.InventoryRow, bool, error)

// Rows returns the rows that an event writes: its document's row, the
// row of its release group, and for a Site Plan Change the row of its
// site. Only events that become their document's last known version
// (tr.Kind first, change or update) write rows; repeats and stale
// events write none. data is the event's `data` object as received.
//
// A site renamed with ArchivedSuffix also marks the row of its former
// name archived.
func Rows(ev *notifier.Event, tr notifier.Transition, data json.RawMessage, lookup Lookup) ([]store.InventoryRow, error) {
	if tr.Kind != notifier.KindFirst && tr.Kind != notifier.KindChange && tr.Kind != notifier.KindUpdate {
		return nil, nil
	}
	if ev.Doctype == DoctypePlanChange {
		return planChangeRows(ev, lookup)
	}
	kind, ok := kinds[ev.Doctype]
	if !ok || ev.Document == "" {
		return nil, nil
	}

	row, err := documentRow(ev, tr, kind, data, lookup)
	if err != nil {
		return nil, err
	}
	rows := []store.InventoryRow{row}

	if base, renamed := strings.CutSuffix(ev.Document, ArchivedSuffix); renamed && kind == KindSite {
		former, known, err := lookup(DoctypeSite, base)
		if err != nil {
			return nil, err
		}
		if known && !former.Archived {
			former.Archived = true
			former.LastSeen = ev.Received
			rows = append(rows, former)
		}
	}

	if row.Group != "" {
		group, err := groupRow(ev, row.Group, lookup)
		if err != nil {
			return nil, err
		}
		rows = append(rows, group)
	}
	return rows, nil
}

// documentRow merges an event about a site, bench or deploy into the
// document's row.
func documentRow(ev *notifier.Event, tr notifier.Transition, kind string, data json.RawMessage, lookup Lookup) (store.InventoryRow, error) {
	row, known, err := lookup(ev.Doctype, ev.Document)
	if err != nil {
		return store.InventoryRow{}, err
	}
	if !known {
		row = store.InventoryRow{Doctype: ev.Doctype, Name: ev.Document}
	}
	row.Kind = kind

	if !known || row.Status != ev.Status {
		// tr.From also covers a document seen before the inventory
		// existed, which has state but no row yet.
		row.PreviousStatus = ""
		if tr.From != ev.Status {
			row.PreviousStatus = tr.From
		}
		row.Status = ev.Status
		row.StatusSince = ev.Received
	}
	if ev.Team != "" {
		row.Team = ev.Team
	}
	setText(&row.Group, ev.Text("group"))
	setText(&row.Cluster, ev.Text("cluster"))
	setText(&row.Server, ev.Text("server"))

	switch kind {
	case KindSite:
		setText(&row.Bench, ev.Text("bench"))
		if plan := ev.Text("plan"); plan != "" && !ev.Modified.Before(row.PlanAt) {
			row.Plan, row.PlanAt = plan, ev.Modified
		}
		setTrial(&row, trialEndOf(ev, row.Plan), ev.Received)
	case KindDeploy:
		row.Deploy = ev.Document
		setText(&row.Deploy, ev.Text("deploy_candidate"))
	}

	row.Event = ev.Name
	row.Data = data
	row.Modified = ev.Modified
	row.LastSeen = ev.Received
	row.Archived = row.Status == StatusArchived ||
		(kind == KindSite && strings.HasSuffix(row.Name, ArchivedSuffix))
	return row, nil
}

// planChangeRows applies a Site Plan Change to its site's row, creating
// the row when the site was never seen. A plan older than the one the
// row has, by `modified`, is ignored.
func planChangeRows(ev *notifier.Event, lookup Lookup) ([]store.InventoryRow, error) {
	site := ev.Text("site")
	if site == "" {
		return nil, nil
	}
	row, known, err := lookup(DoctypeSite, site)
	if err != nil {
		return nil, err
	}
	if !known {
		row = store.InventoryRow{Doctype: DoctypeSite, Name: site, Kind: KindSite}
	}

	if plan := ev.Text("to_plan"); plan != "" && !ev.Modified.Before(row.PlanAt) {
		row.Plan, row.PlanAt = plan, ev.Modified
		if !IsTrialPlan(plan) {
			setTrial(&row, "", ev.Received)
		}
	}
	if row.Team == "" {
		row.Team = ev.Team
	}
	row.LastSeen = ev.Received
	return []store.InventoryRow{row}, nil
}

// groupRow records that an event mentioned a release group, and the
// team it belongs to when the event names one.
func groupRow(ev *notifier.Event, group string, lookup Lookup) (store.InventoryRow, error) {
	row, known, err := lookup(DoctypeGroup, group)
	if err != nil {
		return store.InventoryRow{}, err
	}
	if !known {
		row = store.InventoryRow{Doctype: DoctypeGroup, Name: group, Kind: KindGroup}
	}
	if ev.Team != "" {
		row.Team = ev.Team
	}
	setText(&row.Cluster, ev.Text("cluster"))
	row.Event = ev.Name
	row.LastSeen = ev.Received
	return row, nil
}

// IsTrialPlan reports whether a site plan is a trial. Frappe Cloud
// names its trial plan "Trial"; any plan whose name contains "trial",
// in any case, counts. An unknown plan ("") counts too, so a site whose
// first event carries a trial end date but no plan is reminded.
func IsTrialPlan(plan string) bool {
	return plan == "" || strings.Contains(strings.ToLower(plan), "trial")
}

// trialEndOf returns the trial end date of a Site event as YYYY-MM-DD,
// or "" when the event has none or the site is not on a trial plan.
func trialEndOf(ev *notifier.Event, plan string) string {
	end, ok := ev.Fields["trial_end_date"].(time.Time)
	if !ok || !IsTrialPlan(plan) {
		return ""
	}
	return end.Format(notifier.DateLayout)
}

// setTrial sets the trial end date and, when it changes, when it was
// learned.
func setTrial(row *store.InventoryRow, end string, at time.Time) {
	if end == row.TrialEnd {
		return
	}
	row.TrialEnd = end
	row.TrialSince = time.Time{}
	if end != "" {
		row.TrialSince = at
	}
}

// setText replaces a text field only with a value the event carries, so
// an event that leaves a field out keeps the value of an earlier one.
func setText(field *string, value string) {
	if value != "" {
		*field = value
	}
}
