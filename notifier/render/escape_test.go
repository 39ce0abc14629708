package render

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
	"github.com/fcnotify/fcnotify/notifier/view"
)

const zw = zeroWidthSpace

// probeTemplate prints a hostile value in every kind of part.
var probeTemplate = config.Template{
	Title:  "{{ .site }}",
	Text:   `Label: {{ index .data "label" }}`,
	Footer: "{{ .site }}",
	Fields: []config.TemplateField{{Name: "Site", Value: "{{ .site }}"}},
	Links:  []config.TemplateLink{{Text: "{{ .site }}", URL: "{{ .links.site }}"}},
}

// probeData is the template data of a site whose name and label are both
// value.
func probeData(value string) map[string]any {
	ev := &notifier.Event{
		Name:     notifier.EventSiteStatus,
		Doctype:  "Site",
		Document: value,
		Status:   "Active",
		Fields:   map[string]any{"label": value},
	}
	tr := notifier.Transition{Kind: notifier.KindFirst, To: "Active"}
	return view.Build(ev, tr, view.Options{DashboardURL: testDashboard, Now: testNow})
}

func TestRenderEscapesPayloadValues(t *testing.T) {
	tests := []struct {
		name    string
		value   string
		slack   string
		discord string
	}{
		{"slack channel ping", "<!channel>", "&lt;!channel&gt;", `\<!channel\>`},
		{"slack user mention", "<@U123>", "&lt;@U123&gt;", `\<@U123\>`},
		{"everyone", "@everyone", "@" + zw + "everyone", "@" + zw + "everyone"},
		{"here", "@here", "@" + zw + "here", "@" + zw + "here"},
		{"channel link", "<#C1>", "&lt;#C1&gt;", `\<#C1\>`},
		{"discord role", "<@&42>", "&lt;@&amp;42&gt;", `\<@&42\>`},
		{"discord timestamp", "<t:1700000000:R>", "&lt;t:1700000000:R&gt;", `\<t:1700000000:R\>`},
		{"markers", "*_~`", "*" + zw + "_" + zw + "~" + zw + "`" + zw, "\\*\\_\\~\\`"},
		{
			"emphasis pairs", "*bold* _x_ ~y~ `z`",
			"*" + zw + "bold*" + zw + " _" + zw + "x_" + zw + " ~" + zw + "y~" + zw + " `" + zw + "z`" + zw,
			"\\*bold\\* \\_x\\_ \\~y\\~ \\`z\\`",
		},
		{"ampersand", "R&D", "R&amp;D", "R&D"},
		{"masked link", "[x](http://evil)", "[x](http://evil)", `\[x\]\(http://evil\)`},
		{"ipv6 address", "2001:db8::1", "2001:db8::1", "2001:db8::1"},
		{"arabic text", "موقع الشركة", "موقع الشركة", "موقع الشركة"},
		{"spoiler", "||secret||", "||secret||", `\|\|secret\|\|`},
		{"backslash", `a\b`, `a\b`, `a\\b`},
		{"heading", "# big", "# big", `\# big`},
		{"bullet", "- item", "- item", `\- item`},
		{"subtext", "-# small", "-# small", `\-# small`},
		{"numbered list", "1. one", "1. one", `1\. one`},
		{"quote", "> quoted", "&gt; quoted", `\> quoted`},
		{"hyphenated name", "bench-0019-000059-f3", "bench-0019-000059-f3", "bench-0019-000059-f3"},
	}

	r := newTestRenderer(t, map[string]config.Template{"probe": probeTemplate})
	for _, tt := range tests {
		data := probeData(tt.value)
		t.Run(tt.name+"/slack", func(t *testing.T) {
			msg := mustRender(t, r, notifier.PlatformSlack, "probe", data)
			if want := "Label: " + tt.slack; msg.Text != want {
				t.Errorf("text = %q, want %q", msg.Text, want)
			}
			if msg.Title != tt.value {
				t.Errorf("title = %q, want the plain value %q", msg.Title, tt.value)
			}
			if msg.Footer != tt.slack {
				t.Errorf("footer = %q, want %q", msg.Footer, tt.slack)
			}
			if msg.Fields[0].Value != tt.slack {
				t.Errorf("field value = %q, want %q", msg.Fields[0].Value, tt.slack)
			}
			if msg.Links[0].Text != tt.value {
				t.Errorf("link text = %q, want the plain value %q", msg.Links[0].Text, tt.value)
			}
		})
		t.Run(tt.name+"/discord", func(t *testing.T) {
			msg := mustRender(t, r, notifier.PlatformDiscord, "probe", data)
			if want := "Label: " + tt.discord; msg.Text != want {
				t.Errorf("text = %q, want %q", msg.Text, want)
			}
			if msg.Title != tt.discord {
				t.Errorf("title = %q, want %q", msg.Title, tt.discord)
			}
			if msg.Footer != tt.value {
				t.Errorf("footer = %q, want the plain value %q", msg.Footer, tt.value)
			}
			if msg.Fields[0].Value != tt.discord {
				t.Errorf("field value = %q, want %q", msg.Fields[0].Value, tt.discord)
			}
			if msg.Links[0].Text != tt.discord {
				t.Errorf("link text = %q, want %q", msg.Links[0].Text, tt.discord)
			}
		})
		t.Run(tt.name+"/console", func(t *testing.T) {
			msg := mustRender(t, r, notifier.PlatformConsole, "probe", data)
			if want := "Label: " + tt.value; msg.Text != want {
				t.Errorf("text = %q, want %q", msg.Text, want)
			}
			if msg.Title != tt.value {
				t.Errorf("title = %q, want %q", msg.Title, tt.value)
			}
		})
	}
}

func TestRenderFallbackEscapesSlackEntities(t *testing.T) {
	r := newTestRenderer(t, map[string]config.Template{"probe": probeTemplate})
	data := probeData("<!channel> & *x*")

	tests := []struct {
		platform notifier.Platform
		want     string
	}{
		{notifier.PlatformSlack, "&lt;!channel&gt; &amp; *x*"},
		{notifier.PlatformDiscord, `\<!channel\> & \*x\*`},
		{notifier.PlatformConsole, "<!channel> & *x*"},
	}
	for _, tt := range tests {
		t.Run(string(tt.platform), func(t *testing.T) {
			msg := mustRender(t, r, tt.platform, "probe", data)
			if msg.Fallback != tt.want {
				t.Errorf("fallback = %q, want %q", msg.Fallback, tt.want)
			}
		})
	}
}

func TestEscapeDataNested(t *testing.T) {
	modified := time.Date(2026, 8, 19, 9, 16, 0, 0, time.UTC)
	in := map[string]any{
		"site":     "<@U1>",
		"modified": modified,
		"names":    map[string]any{"team": "<!here>"},
		"links":    map[string]any{"site": "https://example.com/a?b=1&c=<2>"},
		"data": map[string]any{
			"tags":        []any{"*x*", int64(3)},
			"meta":        map[string]any{"owner": "a&b"},
			"retry_count": int64(2),
		},
	}

	out := escapeData(in, flavorSlack)

	tests := []struct {
		name string
		got  any
		want any
	}{
		{"top-level string", out["site"], "&lt;@U1&gt;"},
		{"time", out["modified"], modified},
		{"names", out["names"].(map[string]any)["team"], "&lt;!here&gt;"},
		{"links untouched", out["links"].(map[string]any)["site"], "https://example.com/a?b=1&c=<2>"},
		{"string in list", out["data"].(map[string]any)["tags"].([]any)[0], "*" + zw + "x*" + zw},
		{"number in list", out["data"].(map[string]any)["tags"].([]any)[1], int64(3)},
		{"string in object", out["data"].(map[string]any)["meta"].(map[string]any)["owner"], "a&amp;b"},
		{"number", out["data"].(map[string]any)["retry_count"], int64(2)},
		{"input unchanged", in["site"], "<@U1>"},
		{"nested input unchanged", in["data"].(map[string]any)["tags"].([]any)[0], "*x*"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %#v, want %#v", tt.got, tt.want)
			}
		})
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	values := []string{
		"", "plain", "<!channel> <@U1> <#C1>", "*_~`|[]()<>\\", "&amp; &lt;",
		"# h\n- b\n+ c\n-# s\n12. n\n> q", "@everyone @here @channel",
		"a\\*b", "1.5", "-x", "موقع الشركة 🚀",
	}
	for _, f := range []flavor{flavorPlain, flavorSlack, flavorDiscord} {
		for _, v := range values {
			if got := f.unescape(f.escape(v)); got != v {
				t.Errorf("flavor %d: unescape(escape(%q)) = %q", f, v, got)
			}
		}
	}
}

func TestSprigEnvironmentFunctionsRemoved(t *testing.T) {
	for _, name := range []string{"env", "expandenv", "getHostByName"} {
		t.Run(name, func(t *testing.T) {
			for _, f := range []flavor{flavorPlain, flavorSlack, flavorDiscord} {
				if _, ok := funcMap(f, time.UTC, time.Now)[name]; ok {
					t.Errorf("flavor %d still has %q", f, name)
				}
			}

			_, err := New(map[string]config.Template{"t": {Text: "{{ " + name + ` "HOME" }}`}}, Options{})
			var errs TemplateErrors
			if !errors.As(err, &errs) {
				t.Fatalf("New error = %v, want TemplateErrors", err)
			}
			if len(errs) != 1 {
				t.Fatalf("got %d errors, want 1: %v", len(errs), errs)
			}
			if errs[0].Template != "t" || errs[0].Part != "text" {
				t.Errorf("error names %q %q, want template \"t\" part \"text\"", errs[0].Template, errs[0].Part)
			}
			if want := `function "` + name + `" not defined`; !strings.Contains(errs[0].Error(), want) {
				t.Errorf("error = %q, want it to contain %q", errs[0].Error(), want)
			}
		})
	}
}

func mustRender(t *testing.T, r *Renderer, p notifier.Platform, name string, data map[string]any) *notifier.Message {
	t.Helper()
	msg, err := r.Render(p, name, data, nil)
	if err != nil {
		t.Fatalf("Render(%s, %q): %v", p, name, err)
	}
	return msg
}

func TestEscapeDataTypedCollections(t *testing.T) {
	in := map[string]any{
		"names": map[string]string{"team": "<!here>", "group": "plain"},
		"tags":  []string{"plain", "*x*"},
	}
	out := escapeData(in, flavorDiscord)

	names := out["names"].(map[string]string)
	if names["team"] != `\<!here\>` {
		t.Errorf("names.team = %q, want %q", names["team"], `\<!here\>`)
	}
	if names["group"] != "plain" {
		t.Errorf("names.group = %q, want %q", names["group"], "plain")
	}
	if tags := out["tags"].([]string); tags[1] != `\*x\*` {
		t.Errorf("tags[1] = %q, want %q", tags[1], `\*x\*`)
	}
	if in["names"].(map[string]string)["team"] != "<!here>" {
		t.Error("input map was modified")
	}
}

func TestEscapeDataSharesUnchanged(t *testing.T) {
	in := map[string]any{"site": "site1.example.com", "names": map[string]any{"team": "Acme"}}
	out := escapeData(in, flavorSlack)
	out["extra"] = true
	if _, ok := in["extra"]; !ok {
		t.Error("escapeData copied a map with nothing to escape, want it shared")
	}
}
