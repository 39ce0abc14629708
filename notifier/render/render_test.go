package render

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"text/template"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
)

var builtinNames = []string{
	"bench-status", "deploy-status", "digest", "generic", "group", "note",
	"site-plan-change", "site-status", "site-trial-expiry", "stuck-state",
}

func TestNewNamesAndHas(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{"custom": {Text: "x"}})

	want := append([]string{"bench-status", "custom"}, builtinNames[1:]...)
	if got := r.Names(); !reflect.DeepEqual(got, want) {
		t.Errorf("Names() = %q, want %q", got, want)
	}
	for _, name := range want {
		if !r.Has(name) {
			t.Errorf("Has(%q) = false, want true", name)
		}
	}
	if r.Has("missing") {
		t.Error(`Has("missing") = true, want false`)
	}
}

func TestNewConfiguredOverridesBuiltin(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{"site-status": {Title: "custom {{ .site }}"}})
	msg := mustRender(t, r, notifier.PlatformConsole, "site-status", probeData("site1.example.com"))
	if msg.Title != "custom site1.example.com" {
		t.Errorf("title = %q, want the configured template's", msg.Title)
	}
	if msg.Text != "" {
		t.Errorf("text = %q, want none: the built-in parts must not leak in", msg.Text)
	}
}

func TestNewReportsEveryTemplateError(t *testing.T) {
	_, err := New(map[string]config.Template{
		"b-bad": {
			Title:  "{{ .site ",
			Text:   "{{ nosuchfunc }}",
			Fields: []config.TemplateField{{Name: "", Value: "x"}, {Name: "ok", Value: "{{ end }}"}},
			Links:  []config.TemplateLink{{Text: "Open", URL: ""}},
		},
		"a-empty": {Footer: "only a footer"},
		"c-good":  {Text: "fine"},
	}, Options{})

	var errs TemplateErrors
	if !errors.As(err, &errs) {
		t.Fatalf("New error = %v, want TemplateErrors", err)
	}
	want := []struct{ template, part string }{
		{"a-empty", ""},
		{"b-bad", "fields[0].name"},
		{"b-bad", "links[0].url"},
		{"b-bad", "title"},
		{"b-bad", "text"},
		{"b-bad", "fields[1].value"},
	}
	if len(errs) != len(want) {
		t.Fatalf("got %d errors, want %d:\n%v", len(errs), len(want), errs)
	}
	for i, w := range want {
		if errs[i].Template != w.template || errs[i].Part != w.part {
			t.Errorf("error %d names %q %q, want %q %q", i, errs[i].Template, errs[i].Part, w.template, w.part)
		}
		if errs[i].Platform != "" {
			t.Errorf("error %d names platform %q, want none for a compile error", i, errs[i].Platform)
		}
	}
	if got := errs[3].Error(); !strings.HasPrefix(got, `template "b-bad" title: `) {
		t.Errorf("error text = %q, want it to start with the template and part", got)
	}
}

func TestDefaultTemplateFor(t *testing.T) {
	tests := []struct{ event, want string }{
		{notifier.EventSiteStatus, "site-status"},
		{notifier.EventSitePlanChange, "site-plan-change"},
		{notifier.EventDeployStatus, "deploy-status"},
		{notifier.EventBenchStatus, "bench-status"},
		{"Site", "site-status"},
		{"Bench", "bench-status"},
		{"Deploy Candidate Build", "deploy-status"},
		{"Deploy Candidate", "deploy-status"},
		{"Site Backup Status Update", "generic"},
		{"", "generic"},
	}
	for _, tt := range tests {
		t.Run(tt.event, func(t *testing.T) {
			if got := DefaultTemplateFor(tt.event); got != tt.want {
				t.Errorf("DefaultTemplateFor(%q) = %q, want %q", tt.event, got, tt.want)
			}
		})
	}
}

func TestRenderRuntimeErrors(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{
		"missing-key": {Text: "{{ .data.nosuch }}"},
		"no-value":    {Title: "t", Fields: []config.TemplateField{{Name: "Plan", Value: `{{ index .data "nosuch" }}`}}},
		"bad-call":    {Text: `{{ datetime "yesterday" }}`},
		"bad-color":   {Text: "x", Color: "red"},
		"bad-url":     {Text: "x", Links: []config.TemplateLink{{Text: "Go", URL: "ftp://example.com"}}},
		"bad-title":   {Text: "x", URL: "/relative"},
		"empty-name":  {Fields: []config.TemplateField{{Name: "{{ .endpoint }}", Value: "x"}}},
	})
	tests := []struct {
		template, part, contains string
	}{
		{"missing-key", "text", `map has no entry for key "nosuch"`},
		{"no-value", "fields[0].value", `rendered "<no value>"`},
		{"bad-call", "text", "error calling datetime: expected a time such as .modified, got string"},
		{"bad-color", "color", `rendered "red": a colour must be #rrggbb`},
		{"bad-url", "links[0].url", "not an absolute http or https URL"},
		{"bad-title", "url", "not an absolute http or https URL"},
		{"empty-name", "fields[0].name", "rendered empty"},
	}
	data := probeData("site1.example.com")
	for _, tt := range tests {
		for _, p := range platforms {
			t.Run(tt.template+"/"+string(p), func(t *testing.T) {
				_, err := r.Render(p, tt.template, data, nil)
				var te *TemplateError
				if !errors.As(err, &te) {
					t.Fatalf("error = %v, want a *TemplateError", err)
				}
				if te.Template != tt.template {
					t.Errorf("Template = %q, want %q", te.Template, tt.template)
				}
				if te.Part != tt.part {
					t.Errorf("Part = %q, want %q", te.Part, tt.part)
				}
				if te.Platform != p {
					t.Errorf("Platform = %q, want %q", te.Platform, p)
				}
				if !strings.Contains(err.Error(), tt.contains) {
					t.Errorf("error = %q, want it to contain %q", err.Error(), tt.contains)
				}
			})
		}
	}
}

func TestRenderUnknownTemplateAndPlatform(t *testing.T) {
	r := newTestRenderer(t, nil)
	data := probeData("site1.example.com")

	_, err := r.Render(notifier.PlatformSlack, "nosuch", data, nil)
	if err == nil || err.Error() != `template "nosuch" not found: name a configured or built-in template` {
		t.Errorf("unknown template error = %v", err)
	}
	_, err = r.Render("teams", "generic", data, nil)
	if err == nil || err.Error() != `platform "teams" is not supported: use slack, discord or console` {
		t.Errorf("unknown platform error = %v", err)
	}
}

func TestRenderPayloadNoValueText(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{"probe": probeTemplate})
	msg := mustRender(t, r, notifier.PlatformConsole, "probe", probeData("<no value>"))
	if msg.Text != "Label: <no value>" {
		t.Errorf("text = %q, want the payload's own text", msg.Text)
	}
}

func TestRenderAssembly(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{"t": {
		Title: "  {{ if false }}x{{ end }}  ",
		Text:  "\n  body  \n",
		Fields: []config.TemplateField{
			{Name: "Kept", Value: " {{ .site }} ", Inline: true},
			{Name: "Dropped", Value: "{{ .endpoint }}"},
		},
		Links: []config.TemplateLink{
			{Text: "Open", URL: "{{ .links.site }}"},
			{Text: "Group", URL: "{{ .links.group }}"},
			{Text: "{{ .endpoint }}", URL: "https://example.com/x"},
		},
	}})
	data := probeData("site1.example.com")
	mentions := []notifier.Mention{{Kind: notifier.MentionUser, ID: "U1"}}

	msg, err := r.Render(notifier.PlatformSlack, "t", data, mentions)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	want := &notifier.Message{
		Title:  "Site Status Update site1.example.com",
		Text:   "body",
		Fields: []notifier.Field{{Name: "Kept", Value: "site1.example.com", Inline: true}},
		Color:  "#2eb886",
		Links: []notifier.Link{
			{Text: "Open", URL: testDashboard + "/sites/site1.example.com"},
			{Text: "Open link", URL: "https://example.com/x"},
		},
		Fallback: "Site Status Update site1.example.com",
		Mentions: mentions,
	}
	if !reflect.DeepEqual(msg, want) {
		t.Errorf("message =\n%+v\nwant\n%+v", msg, want)
	}

	mentions[0].ID = "changed"
	if msg.Mentions[0].ID != "U1" {
		t.Error("message shares the caller's mentions slice, want a copy")
	}
}

func TestRenderTimestamp(t *testing.T) {
	r := newTestRenderer(t, nil)
	modified := time.Date(2026, 8, 19, 9, 16, 2, 0, time.UTC)
	received := time.Date(2026, 8, 19, 9, 17, 0, 0, time.UTC)

	tests := []struct {
		name               string
		modified, received any
		want               time.Time
	}{
		{"modified", modified, received, modified},
		{"received when no modified", nil, received, received},
		{"neither", nil, nil, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := probeData("site1.example.com")
			data["modified"], data["received"] = tt.modified, tt.received
			msg := mustRender(t, r, notifier.PlatformDiscord, "site-status", data)
			if !msg.Timestamp.Equal(tt.want) {
				t.Errorf("Timestamp = %v, want %v", msg.Timestamp, tt.want)
			}
		})
	}
}

func TestRenderColor(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{
		"none":     {Text: "x"},
		"explicit": {Text: "x", Color: "#ABCDEF"},
		"helper":   {Text: "x", Color: `{{ color "Failure" }}`},
	})
	tests := []struct {
		template, to, want string
	}{
		{"none", "Broken", "#d93f0b"},
		{"none", "Archived", "#9e9e9e"},
		{"none", "", "#439fe0"},
		{"explicit", "Broken", "#abcdef"},
		{"helper", "Active", "#d93f0b"},
	}
	for _, tt := range tests {
		t.Run(tt.template+"/"+tt.to, func(t *testing.T) {
			data := probeData("site1.example.com")
			data["to"] = tt.to
			msg := mustRender(t, r, notifier.PlatformSlack, tt.template, data)
			if msg.Color != tt.want {
				t.Errorf("Color = %q, want %q", msg.Color, tt.want)
			}
		})
	}
}

func TestRenderDoesNotModifyData(t *testing.T) {
	r := newTestRenderer(t, nil)
	data := probeData("<@U1> *x*")
	before := data["site"]
	for _, p := range platforms {
		mustRender(t, r, p, "site-status", data)
	}
	if data["site"] != before {
		t.Errorf("data[site] = %q after Render, want %q", data["site"], before)
	}
	if got := data["data"].(map[string]any)["label"]; got != "<@U1> *x*" {
		t.Errorf("data.label = %q after Render, want it unchanged", got)
	}
}

func TestTemplateErrorText(t *testing.T) {
	_, err := New(map[string]config.Template{
		"x": {Title: "{{ .site "},
		"w": {Footer: "only a footer"},
	}, Options{})
	if err == nil {
		t.Fatal("New succeeded, want errors")
	}
	wantCompile := "template \"w\": has no title, text or fields: set at least one\n" +
		`template "x" title: line 1: unclosed action`
	if err.Error() != wantCompile {
		t.Errorf("compile errors =\n%s\nwant\n%s", err, wantCompile)
	}

	r := newTestRenderer(t, map[string]config.Template{
		"y": {Text: "{{ .data.nosuch }}"},
		"z": {Fields: []config.TemplateField{{Name: "Plan", Value: `{{ index .data "nosuch" }}`}}},
	})
	tests := []struct{ template, want string }{
		{"y", `template "y" text for discord: line 1:8: at <.data.nosuch>: map has no entry for key "nosuch"`},
		{"z", `template "z" fields[0].value for discord: rendered "<no value>" because a value is missing: test it with {{ with }} or give it a default`},
	}
	for _, tt := range tests {
		t.Run(tt.template, func(t *testing.T) {
			_, err := r.Render(notifier.PlatformDiscord, tt.template, probeData("site1.example.com"), nil)
			if err == nil || err.Error() != tt.want {
				t.Errorf("error = %v, want %s", err, tt.want)
			}
		})
	}
}

func TestRenderConcurrent(t *testing.T) {
	r := newTestRenderer(t, nil)
	_, data := fixtureData(t, fixtureDir+"/deploy-failure.json")
	want := mustRender(t, r, notifier.PlatformSlack, "deploy-status", data)

	const workers = 8
	results := make(chan *notifier.Message, workers)
	errs := make(chan error, workers)
	for range workers {
		go func() {
			msg, err := r.Render(notifier.PlatformSlack, "deploy-status", data, nil)
			results <- msg
			errs <- err
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Errorf("Render: %v", err)
		}
		if got := <-results; !reflect.DeepEqual(got, want) {
			t.Errorf("concurrent message differs:\n%+v\nwant\n%+v", got, want)
		}
	}
}

func TestSiteStatusWording(t *testing.T) {
	tests := []struct {
		name        string
		tr          notifier.Transition
		title, text string
	}{
		{
			"first sighting",
			notifier.Transition{Kind: notifier.KindFirst, To: "Broken"},
			"🔴 site1.example.com is now Broken", "site1.example.com (" + testDashboard + "/sites/site1.example.com) is now Broken.",
		},
		{
			"change",
			notifier.Transition{Kind: notifier.KindChange, From: "Active", To: "Broken"},
			"🔴 site1.example.com Active → Broken", "site1.example.com (" + testDashboard + "/sites/site1.example.com) moved from Active to Broken.",
		},
		{
			"same status",
			notifier.Transition{Kind: notifier.KindUpdate, From: "Active", To: "Active"},
			"✅ site1.example.com is Active", "site1.example.com (" + testDashboard + "/sites/site1.example.com) is Active.",
		},
	}
	r := newTestRenderer(t, nil)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := sparseData(notifier.EventSiteStatus, "Site", "site1.example.com", tt.tr)
			msg := mustRender(t, r, notifier.PlatformConsole, "site-status", data)
			if msg.Title != tt.title {
				t.Errorf("title = %q, want %q", msg.Title, tt.title)
			}
			if first, _, _ := strings.Cut(msg.Text, "\n"); first != tt.text {
				t.Errorf("text = %q, want %q", first, tt.text)
			}
		})
	}
}

func TestTemplateErrorUnwrapsExecError(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{"y": {Text: "{{ .data.nosuch }}"}})
	_, err := r.Render(notifier.PlatformSlack, "y", probeData("site1.example.com"), nil)

	var te *TemplateError
	if !errors.As(err, &te) {
		t.Fatalf("error = %v, want a *TemplateError", err)
	}
	if want := `line 1:8: at <.data.nosuch>: map has no entry for key "nosuch"`; te.Err.Error() != want {
		t.Errorf("Err = %q, want %q", te.Err.Error(), want)
	}
	var execErr template.ExecError
	if !errors.As(err, &execErr) {
		t.Errorf("error does not unwrap to a template.ExecError")
	}
}

func TestRenderURLParts(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://frappecloud.com/dashboard/sites/a", true},
		{"http://localhost:8000/x", true},
		{"https://", false},
		{"https:///path", false},
		{"ftp://example.com", false},
		{"/dashboard/sites/a", false},
		{"https://example.com/a b", false},
		{"javascript:alert(1)", false},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			r := newTestRenderer(t, map[string]config.Template{"t": {Text: "x", URL: tt.url}})
			msg, err := r.Render(notifier.PlatformSlack, "t", probeData("site1.example.com"), nil)
			if tt.ok && (err != nil || msg.TitleURL != tt.url) {
				t.Errorf("Render = %v, %v; want title URL %q", msg, err, tt.url)
			}
			if !tt.ok && err == nil {
				t.Errorf("Render accepted %q, want an error", tt.url)
			}
		})
	}
}
