// Package view builds the data that templates and `when:` conditions see
// for an event. The keys are public API: they are documented in
// docs/templates.md and only ever gain new members.
package view

import (
	"net/url"
	"strings"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

// Options holds what the data needs beyond the event itself.
type Options struct {
	// DashboardURL is the base of dashboard links, without a final slash.
	DashboardURL string
	// Names maps ids to display names, by kind: "teams", "groups",
	// "benches", "servers".
	Names map[string]map[string]string
	// Now is the time relative times are measured from.
	Now time.Time
}

// Build returns the template data for an event and its transition. Every
// key is present: absent strings are "" and absent times nil. A template
// can therefore test them with `if`, and never prints "<no value>" for a
// documented key. The returned map is new and the caller may change it.
func Build(ev *notifier.Event, tr notifier.Transition, opts Options) map[string]any {
	data := make(map[string]any, len(ev.Fields))
	for k, v := range ev.Fields {
		data[k] = v
	}

	group := ev.Text("group")
	site := siteOf(ev)
	bench := benchOf(ev)
	server := ev.Text("server")

	return map[string]any{
		"event":     ev.Name,
		"doctype":   ev.Doctype,
		"document":  ev.Document,
		"team":      ev.Team,
		"team_name": nameOf(opts.Names, "teams", ev.Team),
		"status":    ev.Status,
		"from":      tr.From,
		"to":        tr.To,
		"kind":      string(tr.Kind),
		"changed":   tr.Changed(),
		"modified":  timeOrNil(ev.Modified),
		"received":  timeOrNil(ev.Received),
		"now":       opts.Now,
		"endpoint":  ev.Endpoint,
		"site":      site,
		"group":     group,
		"bench":     bench,
		"server":    server,
		"cluster":   ev.Text("cluster"),
		"deploy":    deployOf(ev),
		"names": map[string]any{
			"team":   nameOf(opts.Names, "teams", ev.Team),
			"group":  nameOf(opts.Names, "groups", group),
			"bench":  nameOf(opts.Names, "benches", bench),
			"server": nameOf(opts.Names, "servers", server),
		},
		"links": links(ev, opts.DashboardURL, site, group, bench, server),
		"data":  data,

		// Plans of a Site Plan Change, "" for other events. The processor
		// completes them, and site_was_trial, from its inventory.
		"previous_plan":  ev.Text("from_plan"),
		"new_plan":       ev.Text("to_plan"),
		"site_was_trial": false,

		// The noise controls fill these after the rules have matched, so
		// conditions always see them empty.
		"repeats":      0,
		"repeat_since": nil,
		"history":      []any{},
	}
}

// siteOf returns the site an event is about: the document itself for
// Site events, the `site` field for plan changes, backups and the like.
func siteOf(ev *notifier.Event) string {
	if ev.Doctype == "Site" {
		return ev.Document
	}
	return ev.Text("site")
}

func benchOf(ev *notifier.Event) string {
	if ev.Doctype == "Bench" {
		return ev.Document
	}
	return ev.Text("bench")
}

// deployOf returns the readable deploy id. Deploy Candidate Build names
// are opaque, so the id people know is in `deploy_candidate`; older
// payloads of doctype Deploy Candidate carry it as the name.
func deployOf(ev *notifier.Event) string {
	switch ev.Doctype {
	case "Deploy Candidate Build":
		if dc := ev.Text("deploy_candidate"); dc != "" {
			return dc
		}
		return ev.Document
	case "Deploy Candidate":
		return ev.Document
	}
	return ""
}

func links(ev *notifier.Event, base, site, group, bench, server string) map[string]any {
	l := map[string]any{
		"site":     join(base, "sites", site),
		"group":    join(base, "groups", group),
		"bench":    join(base, "benches", bench),
		"server":   join(base, "servers", server),
		"deploy":   "",
		"document": "",
	}
	if strings.HasPrefix(ev.Doctype, "Deploy Candidate") && group != "" && ev.Document != "" {
		l["deploy"] = join(base, "groups", group, "deploys", ev.Document)
	}

	switch ev.Doctype {
	case "Site":
		l["document"] = l["site"]
	case "Bench":
		l["document"] = l["bench"]
	case "Deploy Candidate Build", "Deploy Candidate":
		l["document"] = l["deploy"]
	case "Site Plan Change":
		l["document"] = l["site"]
	default:
		switch {
		case site != "":
			l["document"] = l["site"]
		case group != "":
			l["document"] = l["group"]
		}
	}
	return l
}

// join builds a dashboard URL, or "" when any id is missing so templates
// can leave the link out.
func join(base string, parts ...string) string {
	var b strings.Builder
	b.WriteString(base)
	for i, p := range parts {
		if p == "" {
			return ""
		}
		b.WriteByte('/')
		if i%2 == 0 {
			b.WriteString(p)
			continue
		}
		b.WriteString(url.PathEscape(p))
	}
	return b.String()
}

func nameOf(names map[string]map[string]string, kind, id string) string {
	if n := names[kind][id]; n != "" {
		return n
	}
	return id
}

func timeOrNil(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}
