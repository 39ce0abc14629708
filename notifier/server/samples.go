package server

import (
	"embed"
	"fmt"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/payload"
	"github.com/fcnotify/fcnotify/notifier/render"
)

// samples holds one realistic payload per event kind, named after the
// default template of that kind, for checking templates at load time.
//
//go:embed samples/*.json
var samples embed.FS

// SampleEvent returns the sample event for an event name: the matching
// Frappe Cloud sample, or the generic one renamed for unknown names.
func SampleEvent(name string, zone *time.Location) (*notifier.Event, error) {
	kind := render.DefaultTemplateFor(name)
	body, err := samples.ReadFile("samples/" + kind + ".json")
	if err != nil {
		return nil, fmt.Errorf("read sample for %q: %w", name, err)
	}
	ev, err := payload.Parse(body, zone)
	if err != nil {
		return nil, fmt.Errorf("parse sample for %q: %w", name, err)
	}
	if name != "*" {
		ev.Name = name
	}
	return ev, nil
}

// sampleEvents lists the event names to check a rule against: its own,
// or every known event and one unknown event for a rule that takes all.
func sampleEvents(events []string) []string {
	if events != nil {
		return events
	}
	return []string{
		notifier.EventSiteStatus, notifier.EventSitePlanChange, notifier.EventDeployStatus,
		notifier.EventBenchStatus, "Site Backup Status Update",
	}
}
