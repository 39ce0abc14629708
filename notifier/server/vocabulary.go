package server

import (
	"fmt"
	"slices"
	"strings"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
)

// statusesByEvent lists the statuses Frappe Cloud's doctypes can have,
// from the status options of Site, Bench and Deploy Candidate Build. Site
// Plan Change documents have no status: rules match their `type` field.
var statusesByEvent = map[string][]string{
	notifier.EventSiteStatus: {
		"Pending", "Installing", "Updating", "Recovering", "Active",
		"Inactive", "Broken", "Archived", "Suspended",
	},
	notifier.EventBenchStatus:    {"Pending", "Installing", "Updating", "Active", "Broken", "Archived"},
	notifier.EventDeployStatus:   {"Draft", "Scheduled", "Pending", "Preparing", "Running", "Success", "Failure"},
	notifier.EventSitePlanChange: nil,
}

// otherEvents are the event names besides those above that fcnotify
// sends itself.
var otherEvents = []string{"Site Trial Expiry"}

// VocabularyWarnings returns a warning for each rule that names an event
// or a status that fcnotify does not know. Such a rule is valid, because
// Frappe Cloud may add events, but a misspelled name never matches.
func (c *Compiled) VocabularyWarnings() config.Problems {
	cfg := c.Config
	var warnings config.Problems
	for i, r := range cfg.Rules {
		base := fmt.Sprintf("rules[%d].match", i)
		var statuses []string
		checkable := len(r.Match.Event) > 0
		for j, event := range r.Match.Event {
			known, ok := statusesByEvent[event]
			if !ok {
				checkable = false
			}
			switch {
			case ok:
				statuses = append(statuses, known...)
			case event != "*" && !slices.Contains(otherEvents, event):
				warnings = append(warnings, cfg.Problem(fmt.Sprintf("%s.event[%d]", base, j),
					fmt.Sprintf("%q is not an event Frappe Cloud sends today: the rule matches it only if it arrives", event),
					"known events are "+strings.Join(knownEvents(), ", ")))
			}
		}
		if !checkable {
			continue
		}
		warnings = append(warnings, unknownStatuses(cfg, base+".from", r.Match.From, statuses)...)
		warnings = append(warnings, unknownStatuses(cfg, base+".to", r.Match.To, statuses)...)
	}
	return warnings
}

func unknownStatuses(cfg *config.Config, path string, list config.StringList, known []string) config.Problems {
	var warnings config.Problems
	for i, status := range list {
		if status == "" || slices.Contains(known, status) {
			continue
		}
		hint := "these events carry no status: match a field instead, such as fields: {type: Upgrade}"
		if len(known) > 0 {
			hint = "statuses are " + strings.Join(slices.Compact(slices.Sorted(slices.Values(known))), ", ")
		}
		warnings = append(warnings, cfg.Problem(fmt.Sprintf("%s[%d]", path, i),
			fmt.Sprintf("no event of this rule has the status %q, so it never matches", status), hint))
	}
	return warnings
}

func knownEvents() []string {
	names := slices.Sorted(func(yield func(string) bool) {
		for name := range statusesByEvent {
			if !yield(name) {
				return
			}
		}
	})
	return append(names, otherEvents...)
}
