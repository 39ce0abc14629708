package slack

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	slackgo "github.com/slack-go/slack"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/textcut"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// typicalMessage is a bench alert as the renderer produces it for Slack.
func typicalMessage() *notifier.Message {
	return &notifier.Message{
		Title:    "Bench bench-mumbai-1 is Broken",
		TitleURL: "https://frappecloud.com/dashboard/benches/bench-mumbai-1",
		Text:     "*bench-mumbai-1* went from *Active* to *Broken*. R&amp;D &lt;prod&gt;",
		Fields: []notifier.Field{
			{Name: "Cluster", Value: "Mumbai", Inline: true},
			{Name: "Group", Value: "erp-prod", Inline: true},
			{Name: "Server", Value: "f1-mumbai.frappe.cloud", Inline: true},
		},
		Color:     "#d93f0b",
		Footer:    "Acme Corp · 2024-05-01 10:00 UTC",
		Timestamp: time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC),
		Links: []notifier.Link{
			{Text: "Open bench", URL: "https://frappecloud.com/dashboard/benches/bench-mumbai-1"},
			{Text: "Open group", URL: "https://frappecloud.com/dashboard/groups/erp-prod"},
		},
		Fallback: "Bench bench-mumbai-1 is Broken",
		Mentions: []notifier.Mention{
			{Kind: notifier.MentionUser, ID: "U0123ABCD"},
			{Kind: notifier.MentionGroup, ID: "S0456EFGH"},
		},
	}
}

func TestPayloadGolden(t *testing.T) {
	msg := typicalMessage()
	body, err := PayloadJSON(msg)
	if err != nil {
		t.Fatalf("PayloadJSON() error = %v", err)
	}
	if !reflect.DeepEqual(msg, typicalMessage()) {
		t.Errorf("PayloadJSON() changed the message: %+v", msg)
	}
	var got bytes.Buffer
	if err := json.Indent(&got, body, "", "  "); err != nil {
		t.Fatalf("indent payload: %v", err)
	}
	got.WriteByte('\n')

	path := filepath.Join("testdata", "payload.json")
	if *update {
		if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
			t.Fatalf("write golden file: %v", err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run with -update to create it): %v", err)
	}
	if got.String() != string(want) {
		t.Errorf("payload differs from %s (run with -update to accept):\n%s", path, got.String())
	}
}

func TestPayloadMentions(t *testing.T) {
	tests := []struct {
		name     string
		fallback string
		mentions []notifier.Mention
		want     string
	}{
		{"none", "alert", nil, "alert"},
		{"user and group", "alert", []notifier.Mention{{Kind: notifier.MentionUser, ID: "U1"}, {Kind: notifier.MentionGroup, ID: "S2"}}, "<@U1> <!subteam^S2> alert"},
		{"duplicate", "alert", []notifier.Mention{{Kind: notifier.MentionUser, ID: "U1"}, {Kind: notifier.MentionUser, ID: "U1"}}, "<@U1> alert"},
		{"role has no slack form", "alert", []notifier.Mention{{Kind: notifier.MentionRole, ID: "123"}}, "alert"},
		{"markup in id dropped", "alert", []notifier.Mention{{Kind: notifier.MentionUser, ID: "U1> <!channel"}}, "alert"},
		{"empty id dropped", "alert", []notifier.Mention{{Kind: notifier.MentionGroup, ID: ""}}, "alert"},
		{"mentions without fallback", "", []notifier.Mention{{Kind: notifier.MentionUser, ID: "U1"}}, "<@U1> T &amp; &lt;x&gt;"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			msg := &notifier.Message{Title: "T & <x>", Fallback: tt.fallback, Mentions: tt.mentions}
			if got := Payload(msg).Text; got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestPayloadVerbatim checks that payload text which the renderer escaped
// cannot ping: every mrkdwn object is verbatim and no setting makes Slack
// parse names.
func TestPayloadVerbatim(t *testing.T) {
	msg := &notifier.Message{
		Title:  "site &lt;!channel&gt;",
		Text:   "&lt;!channel&gt; @here @everyone #general",
		Fields: []notifier.Field{{Name: "label", Value: "@here", Inline: true}, {Name: "note", Value: "#ops"}},
		Footer: "@channel",
	}
	p := Payload(msg)

	var objects []*slackgo.TextBlockObject
	for _, block := range blocksOf(t, p) {
		switch b := block.(type) {
		case *slackgo.SectionBlock:
			if b.Text != nil {
				objects = append(objects, b.Text)
			}
			objects = append(objects, b.Fields...)
		case *slackgo.ContextBlock:
			for _, e := range b.ContextElements.Elements {
				objects = append(objects, e.(*slackgo.TextBlockObject))
			}
		}
	}
	if len(objects) != 4 {
		t.Fatalf("got %d mrkdwn objects, want 4", len(objects))
	}
	for i, o := range objects {
		if o.Type != slackgo.MarkdownType {
			t.Errorf("object %d type = %q, want %q", i, o.Type, slackgo.MarkdownType)
		}
		if !o.Verbatim {
			t.Errorf("object %d (%q) is not verbatim", i, o.Text)
		}
	}

	body, err := PayloadJSON(msg)
	if err != nil {
		t.Fatalf("PayloadJSON() error = %v", err)
	}
	if bytes.Contains(body, []byte("link_names")) {
		t.Errorf("payload sends link_names: %s", body)
	}
	if bytes.Contains(body, []byte(`"parse"`)) {
		t.Errorf("payload sends parse: %s", body)
	}
	if got := strings.Count(string(body), `"verbatim":true`); got != 4 {
		t.Errorf("payload has %d verbatim objects, want 4", got)
	}
}

func TestPayloadLayout(t *testing.T) {
	p := Payload(typicalMessage())
	blocks := blocksOf(t, p)

	wantTypes := []slackgo.MessageBlockType{slackgo.MBTHeader, slackgo.MBTSection, slackgo.MBTSection, slackgo.MBTAction, slackgo.MBTContext}
	if len(blocks) != len(wantTypes) {
		t.Fatalf("got %d blocks, want %d", len(blocks), len(wantTypes))
	}
	for i, want := range wantTypes {
		if got := blocks[i].BlockType(); got != want {
			t.Errorf("block %d type = %q, want %q", i, got, want)
		}
	}
	if got := p.Attachments[0].Color; got != "#d93f0b" {
		t.Errorf("Color = %q, want %q", got, "#d93f0b")
	}
	header := blocks[0].(*slackgo.HeaderBlock).Text
	if header.Type != slackgo.PlainTextType {
		t.Errorf("header type = %q, want %q", header.Type, slackgo.PlainTextType)
	}
	if header.Emoji == nil || !*header.Emoji {
		t.Errorf("header emoji = %v, want true", header.Emoji)
	}
}

func TestPayloadEmptyParts(t *testing.T) {
	p := Payload(&notifier.Message{Fallback: "only text", Fields: []notifier.Field{{}}, Links: []notifier.Link{{Text: "no url"}}})
	if got := len(blocksOf(t, p)); got != 0 {
		t.Errorf("got %d blocks, want 0", got)
	}
	if p.Text != "only text" {
		t.Errorf("Text = %q, want %q", p.Text, "only text")
	}
}

func blocksOf(t *testing.T, p *slackgo.WebhookMessage) []slackgo.Block {
	t.Helper()
	if len(p.Attachments) != 1 {
		t.Fatalf("got %d attachments, want 1", len(p.Attachments))
	}
	return p.Attachments[0].Blocks.BlockSet
}

// sectionText returns the text of the first section block.
func sectionText(t *testing.T, p *slackgo.WebhookMessage) string {
	t.Helper()
	for _, b := range blocksOf(t, p) {
		if s, ok := b.(*slackgo.SectionBlock); ok && s.Text != nil {
			return s.Text.Text
		}
	}
	t.Fatal("no section with text")
	return ""
}

// buttonsOf returns the buttons of the actions block.
func buttonsOf(t *testing.T, p *slackgo.WebhookMessage) []*slackgo.ButtonBlockElement {
	t.Helper()
	var out []*slackgo.ButtonBlockElement
	for _, b := range blocksOf(t, p) {
		if a, ok := b.(*slackgo.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				out = append(out, e.(*slackgo.ButtonBlockElement))
			}
		}
	}
	return out
}

func headerText(t *testing.T, p *slackgo.WebhookMessage) string {
	return blocksOf(t, p)[0].(*slackgo.HeaderBlock).Text.Text
}

func firstFieldText(t *testing.T, p *slackgo.WebhookMessage) string {
	return blocksOf(t, p)[0].(*slackgo.SectionBlock).Fields[0].Text
}

func firstButtonText(t *testing.T, p *slackgo.WebhookMessage) string {
	return buttonsOf(t, p)[0].Text.Text
}

func footerText(t *testing.T, p *slackgo.WebhookMessage) string {
	elements := blocksOf(t, p)[0].(*slackgo.ContextBlock).ContextElements.Elements
	return elements[0].(*slackgo.TextBlockObject).Text
}

func topLevelText(_ *testing.T, p *slackgo.WebhookMessage) string { return p.Text }

func TestPayloadTextLimits(t *testing.T) {
	repeat := strings.Repeat
	tests := []struct {
		name string
		msg  notifier.Message
		get  func(*testing.T, *slackgo.WebhookMessage) string
		max  int
		want string
	}{
		{
			name: "header with two-byte runes",
			msg:  notifier.Message{Title: repeat("é", 200)},
			get:  headerText,
			max:  MaxHeaderText,
			want: repeat("é", 149) + "…",
		},
		{
			name: "header with emoji at cut",
			msg:  notifier.Message{Title: repeat("a", 148) + "🚀🚀🚀"},
			get:  headerText,
			max:  MaxHeaderText,
			want: repeat("a", 148) + "🚀…",
		},
		{
			name: "section with entity at cut",
			msg:  notifier.Message{Text: repeat("東", 2997) + "&amp;tail"},
			get:  sectionText,
			max:  MaxSectionText,
			want: repeat("東", 2997) + "…",
		},
		{
			name: "section with mention at cut",
			msg:  notifier.Message{Text: repeat("x", 2996) + "<@U1> tail"},
			get:  sectionText,
			max:  MaxSectionText,
			want: repeat("x", 2996) + "…",
		},
		{
			name: "section with code block at cut",
			msg:  notifier.Message{Text: "```" + repeat("y", 3100) + "```"},
			get:  sectionText,
			max:  MaxSectionText,
			want: "```" + repeat("y", 2993) + "…```",
		},
		{
			name: "field with emoji",
			msg:  notifier.Message{Fields: []notifier.Field{{Name: "n", Value: repeat("🚀", 2100), Inline: true}}},
			get:  firstFieldText,
			max:  MaxFieldText,
			want: "*n*\n" + repeat("🚀", 1995) + "…",
		},
		{
			name: "wide field uses section limit",
			msg:  notifier.Message{Fields: []notifier.Field{{Name: "n", Value: repeat("é", 3100)}}},
			get:  sectionText,
			max:  MaxSectionText,
			want: "*n*\n" + repeat("é", 2995) + "…",
		},
		{
			name: "button text",
			msg:  notifier.Message{Links: []notifier.Link{{Text: repeat("東", 80), URL: "https://x.io"}}},
			get:  firstButtonText,
			max:  MaxButtonText,
			want: repeat("東", 74) + "…",
		},
		{
			name: "footer with entity at cut",
			msg:  notifier.Message{Footer: repeat("f", 2997) + "&gt;&gt;"},
			get:  footerText,
			max:  maxContextText,
			want: repeat("f", 2997) + "…",
		},
		{
			name: "top text with mention at cut",
			msg:  notifier.Message{Fallback: repeat("é", 3995) + "<@U1>", Mentions: []notifier.Mention{{Kind: notifier.MentionUser, ID: "U9"}}},
			get:  topLevelText,
			max:  MaxMessageText,
			want: "<@U9> " + repeat("é", 3993) + "…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := PayloadJSON(&tt.msg)
			if err != nil {
				t.Fatalf("PayloadJSON() error = %v", err)
			}
			if !json.Valid(body) {
				t.Fatalf("PayloadJSON() is not valid JSON")
			}

			got := tt.get(t, Payload(&tt.msg))
			if n := textcut.Len(got); n > tt.max {
				t.Errorf("text has %d characters, max %d", n, tt.max)
			}
			if got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPayloadCountLimits(t *testing.T) {
	fields := func(n int, inline bool) []notifier.Field {
		out := make([]notifier.Field, n)
		for i := range out {
			out[i] = notifier.Field{Name: "n", Value: "v", Inline: inline}
		}
		return out
	}
	links := func(n int, url string) []notifier.Link {
		out := make([]notifier.Link, n)
		for i := range out {
			out[i] = notifier.Link{Text: "open", URL: url}
		}
		return out
	}
	fieldCounts := func(t *testing.T, p *slackgo.WebhookMessage) []int {
		var counts []int
		for _, b := range blocksOf(t, p) {
			if s, ok := b.(*slackgo.SectionBlock); ok && len(s.Fields) > 0 {
				counts = append(counts, len(s.Fields))
			}
		}
		return counts
	}

	tests := []struct {
		name string
		msg  notifier.Message
		get  func(*testing.T, *slackgo.WebhookMessage) int
		want int
	}{
		{"ten fields fill one section", notifier.Message{Fields: fields(10, true)}, func(t *testing.T, p *slackgo.WebhookMessage) int { return len(fieldCounts(t, p)) }, 1},
		{"eleven fields spill", notifier.Message{Fields: fields(11, true)}, func(t *testing.T, p *slackgo.WebhookMessage) int { return fieldCounts(t, p)[1] }, 1},
		{"first section holds ten", notifier.Message{Fields: fields(11, true)}, func(t *testing.T, p *slackgo.WebhookMessage) int { return fieldCounts(t, p)[0] }, MaxSectionFields},
		{"blocks capped", notifier.Message{Title: "t", Text: "x", Fields: fields(80, false), Links: links(1, "https://x.io"), Footer: "f"}, func(t *testing.T, p *slackgo.WebhookMessage) int { return len(blocksOf(t, p)) }, MaxBlocks},
		{"actions kept when capped", notifier.Message{Fields: fields(80, false), Links: links(1, "https://x.io"), Footer: "f"}, func(t *testing.T, p *slackgo.WebhookMessage) int { return len(buttonsOf(t, p)) }, 1},
		{"buttons capped", notifier.Message{Links: links(30, "https://x.io")}, func(t *testing.T, p *slackgo.WebhookMessage) int { return len(buttonsOf(t, p)) }, MaxActionElements},
		{"long button url dropped", notifier.Message{Links: links(1, "https://x.io/"+strings.Repeat("p", MaxButtonURL))}, func(t *testing.T, p *slackgo.WebhookMessage) int { return len(buttonsOf(t, p)) }, 0},
		{"button url at limit kept", notifier.Message{Links: links(1, "https://x.io/"+strings.Repeat("p", MaxButtonURL-13))}, func(t *testing.T, p *slackgo.WebhookMessage) int { return len(buttonsOf(t, p)) }, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := PayloadJSON(&tt.msg)
			if err != nil {
				t.Fatalf("PayloadJSON() error = %v", err)
			}
			if !json.Valid(body) {
				t.Fatalf("PayloadJSON() is not valid JSON")
			}
			if got := tt.get(t, Payload(&tt.msg)); got != tt.want {
				t.Errorf("got %d, want %d", got, tt.want)
			}
		})
	}
}

func TestPayloadCappedKeepsTail(t *testing.T) {
	fields := make([]notifier.Field, 80)
	for i := range fields {
		fields[i] = notifier.Field{Name: "n", Value: "v"}
	}
	blocks := blocksOf(t, Payload(&notifier.Message{Title: "t", Fields: fields, Links: []notifier.Link{{Text: "a", URL: "https://x.io"}}, Footer: "f"}))

	if got := blocks[len(blocks)-2].BlockType(); got != slackgo.MBTAction {
		t.Errorf("second to last block = %q, want %q", got, slackgo.MBTAction)
	}
	if got := blocks[len(blocks)-1].BlockType(); got != slackgo.MBTContext {
		t.Errorf("last block = %q, want %q", got, slackgo.MBTContext)
	}
}
