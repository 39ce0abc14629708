package process

import (
	"context"
	"fmt"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/inventory"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// recordInventory adds the inventory rows an event writes to done. It
// returns the row of the event's site as it was before the event, for
// the plan keys of the template data, and false when the site has no
// row. An event that still has no team after inferTeam takes the team
// the inventory holds for its site or release group.
func (p *Processor) recordInventory(ctx context.Context, ev *notifier.Event, tr notifier.Transition, body []byte, done *store.Completion) (store.InventoryRow, bool, error) {
	if p.Inventory == nil {
		return store.InventoryRow{}, false, nil
	}

	// Reads are cached: the site's row is read for the template data and
	// again while deriving rows.
	cache := map[[2]string]store.InventoryRow{}
	lookup := func(doctype, name string) (store.InventoryRow, bool, error) {
		if row, ok := cache[[2]string{doctype, name}]; ok {
			return row, row.Doctype != "", nil
		}
		row, known, err := p.Inventory.Snapshot(ctx, doctype, name)
		if err != nil {
			return store.InventoryRow{}, false, err
		}
		cache[[2]string{doctype, name}] = row
		return row, known, nil
	}

	site, known, err := siteBefore(ev, lookup)
	if err != nil {
		return store.InventoryRow{}, false, err
	}
	if ev.Team == "" {
		ev.Team = site.Team
	}
	if ev.Team == "" && ev.Text("group") != "" {
		group, _, err := lookup(inventory.DoctypeGroup, ev.Text("group"))
		if err != nil {
			return store.InventoryRow{}, false, err
		}
		ev.Team = group.Team
	}

	data, err := inventory.DataOf(body)
	if err != nil {
		return store.InventoryRow{}, false, err
	}
	rows, err := inventory.Rows(ev, tr, data, lookup)
	if err != nil {
		return store.InventoryRow{}, false, fmt.Errorf("read inventory: %w", err)
	}
	done.Inventory = rows
	return site, known, nil
}

// siteBefore returns the inventory row of the site an event is about:
// the document of a Site event, the `site` field of other events.
func siteBefore(ev *notifier.Event, lookup inventory.Lookup) (store.InventoryRow, bool, error) {
	name := siteOf(ev)
	if name == "" {
		return store.InventoryRow{}, false, nil
	}
	row, known, err := lookup(inventory.DoctypeSite, name)
	if err != nil {
		return store.InventoryRow{}, false, fmt.Errorf("read inventory of site %q: %w", name, err)
	}
	return row, known, nil
}
