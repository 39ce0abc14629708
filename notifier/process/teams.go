package process

import (
	"context"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// Kinds of keys a team is learned for.
const (
	teamOfSite  = "site"
	teamOfGroup = "group"
)

// inferTeam fills the team of events that carry none (Bench, Site Plan
// Change): first from the secret the event arrived with, then from what
// Site and Deploy events taught about its release group or site.
func (p *Processor) inferTeam(ctx context.Context, ev *notifier.Event, bound string) error {
	if ev.Team != "" {
		return nil
	}
	if bound != "" {
		ev.Team = bound
		return nil
	}

	lookups := []struct{ kind, key string }{
		{teamOfSite, siteOf(ev)},
		{teamOfGroup, ev.Text("group")},
	}
	for _, l := range lookups {
		if l.key == "" {
			continue
		}
		team, err := p.store.Team(ctx, l.kind, l.key)
		if err != nil {
			return err
		}
		if team != "" {
			ev.Team = team
			return nil
		}
	}
	return nil
}

// learnTeams returns what an event that carries its own team teaches
// about its site and release group.
func learnTeams(ev *notifier.Event) []store.TeamFact {
	if ev.Team == "" || ev.Fields["team"] == nil {
		return nil
	}
	var facts []store.TeamFact
	if site := siteOf(ev); site != "" {
		facts = append(facts, store.TeamFact{Kind: teamOfSite, Key: site, Team: ev.Team})
	}
	if group := ev.Text("group"); group != "" {
		facts = append(facts, store.TeamFact{Kind: teamOfGroup, Key: group, Team: ev.Team})
	}
	return facts
}

func siteOf(ev *notifier.Event) string {
	if ev.Doctype == "Site" {
		return ev.Document
	}
	return ev.Text("site")
}
