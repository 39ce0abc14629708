package render

import (
	"strings"
	"testing"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// sparseData is the template data of an event that carries nothing but
// its name, doctype and document: every optional field is absent.
func sparseData(event, doctype, document string, tr notifier.Transition) map[string]any {
	ev := &notifier.Event{Name: event, Doctype: doctype, Document: document}
	return view.Build(ev, tr, view.Options{DashboardURL: testDashboard, Now: testNow})
}

func TestRenderDefaultsWithAbsentValues(t *testing.T) {
	events := []struct {
		template, event, doctype, document string
		title                              string // on the console
	}{
		{"site-status", notifier.EventSiteStatus, "Site", "site1.example.com", "ℹ️ site1.example.com"},
		{"site-plan-change", notifier.EventSitePlanChange, "Site Plan Change", "3b8e0f6a1c", "ℹ️ 3b8e0f6a1c"},
		{"deploy-status", notifier.EventDeployStatus, "Deploy Candidate Build", "x7k2m7q4ra", "ℹ️ Bench Deploy Status Update: deploy x7k2m7q4ra"},
		{"bench-status", notifier.EventBenchStatus, "Bench", "bench-0142-000213-f9", "ℹ️ Bench bench-0142-000213-f9"},
		{"generic", "Site Backup Status Update", "Site Backup", "n2c6v7b3xm", "ℹ️ Site Backup Status Update: n2c6v7b3xm"},
		{"generic", "Site Backup Status Update", "", "", "ℹ️ Site Backup Status Update"},
	}
	transitions := map[string]notifier.Transition{
		"zero":  {},
		"first": {Kind: notifier.KindFirst},
	}

	r := newTestRenderer(t, nil)
	for _, ev := range events {
		for trName, tr := range transitions {
			data := sparseData(ev.event, ev.doctype, ev.document, tr)
			for _, p := range platforms {
				t.Run(ev.template+"/"+ev.document+"/"+trName+"/"+string(p), func(t *testing.T) {
					msg := mustRender(t, r, p, ev.template, data)
					checkNoPlaceholders(t, msg)
					if p == notifier.PlatformConsole && msg.Title != ev.title {
						t.Errorf("title = %q, want %q", msg.Title, ev.title)
					}
				})
			}
		}
	}
}

// checkNoPlaceholders fails on any sign that an absent value leaked into
// a message: "<no value>", "None", an empty field, a dangling separator.
func checkNoPlaceholders(t *testing.T, msg *notifier.Message) {
	t.Helper()
	parts := map[string]string{"title": msg.Title, "text": msg.Text, "footer": msg.Footer, "fallback": msg.Fallback}
	for _, f := range msg.Fields {
		parts["field "+f.Name] = f.Value
		if strings.TrimSpace(f.Value) == "" {
			t.Errorf("field %q is empty", f.Name)
		}
	}
	for name, s := range parts {
		for _, bad := range []string{"<no value>", "None", "()", "``", " · ·", "  "} {
			if strings.Contains(s, bad) {
				t.Errorf("%s = %q, contains %q", name, s, bad)
			}
		}
		if strings.HasSuffix(s, "·") || strings.HasSuffix(s, ":") {
			t.Errorf("%s = %q, ends with a dangling separator", name, s)
		}
	}
	if msg.Title == "" {
		t.Error("title is empty")
	}
	for _, l := range msg.Links {
		if l.URL == "" {
			t.Errorf("link %q has no URL", l.Text)
		}
	}
}
