package inventory

import (
	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// Template data keys that the inventory fills for Site Plan Change
// events. view.Build sets them from the payload alone; Enrich completes
// them from what the inventory knew of the site before the event.
const (
	KeyPreviousPlan = "previous_plan"
	KeyNewPlan      = "new_plan"
	KeySiteWasTrial = "site_was_trial"
)

// Enrich completes the plan keys of a Site Plan Change's template data
// from site, the site's row before the event (known is false when the
// site was never seen):
//   - previous_plan is the payload's from_plan, or the site's plan when
//     from_plan is empty and the change is not the site's Initial Plan;
//   - site_was_trial is true when the previous plan is a trial plan or
//     the site had a trial end date.
//
// Other events are left as they are.
func Enrich(data map[string]any, ev *notifier.Event, site store.InventoryRow, known bool) {
	if ev.Doctype != DoctypePlanChange {
		return
	}
	previous := ev.Text("from_plan")
	if previous == "" && known && ev.Text("type") != "Initial Plan" {
		previous = site.Plan
	}
	data[KeyPreviousPlan] = previous
	data[KeyNewPlan] = ev.Text("to_plan")
	data[KeySiteWasTrial] = (previous != "" && IsTrialPlan(previous)) || (known && site.TrialEnd != "")
}
