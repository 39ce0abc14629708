package discord

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/textcut"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

const (
	userID = "123456789012345678"
	roleID = "876543210987654321"
)

// typicalMessage is a bench alert as the renderer produces it for Discord.
func typicalMessage() *notifier.Message {
	return &notifier.Message{
		Title:    "Bench bench-mumbai-1 is Broken",
		TitleURL: "https://frappecloud.com/dashboard/benches/bench-mumbai-1",
		Text:     "**bench\\-mumbai\\-1** went from **Active** to **Broken**.",
		Fields: []notifier.Field{
			{Name: "Cluster", Value: "Mumbai", Inline: true},
			{Name: "Group", Value: "erp\\-prod", Inline: true},
			{Name: "Server", Value: "f1\\-mumbai.frappe.cloud", Inline: true},
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
			{Kind: notifier.MentionUser, ID: userID},
			{Kind: notifier.MentionRole, ID: roleID},
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
		name        string
		mentions    []notifier.Mention
		wantContent string
		wantUsers   []string
		wantRoles   []string
	}{
		{"none", nil, "", nil, nil},
		{"user and role", []notifier.Mention{{Kind: notifier.MentionUser, ID: userID}, {Kind: notifier.MentionRole, ID: roleID}}, "<@" + userID + "> <@&" + roleID + ">", []string{userID}, []string{roleID}},
		{"duplicate", []notifier.Mention{{Kind: notifier.MentionUser, ID: userID}, {Kind: notifier.MentionUser, ID: userID}}, "<@" + userID + ">", []string{userID}, nil},
		{"group has no discord form", []notifier.Mention{{Kind: notifier.MentionGroup, ID: "S123"}}, "", nil, nil},
		{"markup in id dropped", []notifier.Mention{{Kind: notifier.MentionUser, ID: "1> @everyone <@2"}}, "", nil, nil},
		{"empty id dropped", []notifier.Mention{{Kind: notifier.MentionRole, ID: ""}}, "", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Payload(&notifier.Message{Title: "t", Mentions: tt.mentions})
			if p.Content != tt.wantContent {
				t.Errorf("Content = %q, want %q", p.Content, tt.wantContent)
			}
			if !slices.Equal(p.AllowedMentions.Users, tt.wantUsers) {
				t.Errorf("Users = %q, want %q", p.AllowedMentions.Users, tt.wantUsers)
			}
			if !slices.Equal(p.AllowedMentions.Roles, tt.wantRoles) {
				t.Errorf("Roles = %q, want %q", p.AllowedMentions.Roles, tt.wantRoles)
			}
			if p.AllowedMentions.Parse == nil || len(p.AllowedMentions.Parse) != 0 {
				t.Errorf("Parse = %#v, want empty and non-nil", p.AllowedMentions.Parse)
			}
		})
	}
}

// TestPayloadSuppressesEveryone checks that mentions written in payload
// text cannot ping: allowed_mentions is sent as parse [] with no ids.
func TestPayloadSuppressesEveryone(t *testing.T) {
	msg := &notifier.Message{
		Title:  "@everyone",
		Text:   "&lt;!channel&gt; @everyone @here <@" + userID + "> <@&" + roleID + ">",
		Fields: []notifier.Field{{Name: "label", Value: "@here"}},
	}
	body, err := PayloadJSON(msg)
	if err != nil {
		t.Fatalf("PayloadJSON() error = %v", err)
	}

	var decoded struct {
		Content         *string                    `json:"content"`
		AllowedMentions map[string]json.RawMessage `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(body, &decoded); err != nil {
		t.Fatalf("decode payload: %v", err)
	}
	if got := string(decoded.AllowedMentions["parse"]); got != "[]" {
		t.Errorf("allowed_mentions.parse = %s, want []", got)
	}
	if _, ok := decoded.AllowedMentions["users"]; ok {
		t.Errorf("allowed_mentions has users: %s", decoded.AllowedMentions["users"])
	}
	if _, ok := decoded.AllowedMentions["roles"]; ok {
		t.Errorf("allowed_mentions has roles: %s", decoded.AllowedMentions["roles"])
	}
	if decoded.Content != nil {
		t.Errorf("content = %q, want none", *decoded.Content)
	}
}

func TestPayloadEmbed(t *testing.T) {
	e := Payload(typicalMessage()).Embeds[0]
	tests := []struct {
		name string
		got  any
		want any
	}{
		{"title", e.Title, "Bench bench-mumbai-1 is Broken"},
		{"url", e.URL, "https://frappecloud.com/dashboard/benches/bench-mumbai-1"},
		{"color", e.Color, 0xd93f0b},
		{"timestamp", e.Timestamp, "2024-05-01T10:00:00Z"},
		{"footer", e.Footer.Text, "Acme Corp · 2024-05-01 10:00 UTC"},
		{"fields", len(e.Fields), 3},
		{"inline", e.Fields[0].Inline, true},
		{"description", e.Description, "**bench\\-mumbai\\-1** went from **Active** to **Broken**.\n\n" +
			"[Open bench](https://frappecloud.com/dashboard/benches/bench-mumbai-1) · [Open group](https://frappecloud.com/dashboard/groups/erp-prod)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
			}
		})
	}
}

func TestPayloadParts(t *testing.T) {
	tests := []struct {
		name string
		msg  notifier.Message
		get  func(*discordgo.MessageEmbed) any
		want any
	}{
		{"color without hash", notifier.Message{Color: "00ff00"}, func(e *discordgo.MessageEmbed) any { return e.Color }, 0x00ff00},
		{"invalid color", notifier.Message{Color: "#zzzzzz"}, func(e *discordgo.MessageEmbed) any { return e.Color }, 0},
		{"short color", notifier.Message{Color: "#fff"}, func(e *discordgo.MessageEmbed) any { return e.Color }, 0},
		{"no timestamp", notifier.Message{}, func(e *discordgo.MessageEmbed) any { return e.Timestamp }, ""},
		{"timestamp in UTC", notifier.Message{Timestamp: time.Date(2024, 5, 1, 15, 30, 0, 0, time.FixedZone("IST", 19800))}, func(e *discordgo.MessageEmbed) any { return e.Timestamp }, "2024-05-01T10:00:00Z"},
		{"no footer", notifier.Message{}, func(e *discordgo.MessageEmbed) any { return e.Footer == nil }, true},
		{"empty field name", notifier.Message{Fields: []notifier.Field{{Value: "v"}}}, func(e *discordgo.MessageEmbed) any { return e.Fields[0].Name }, "\u200b"},
		{"empty field value", notifier.Message{Fields: []notifier.Field{{Name: "n"}}}, func(e *discordgo.MessageEmbed) any { return e.Fields[0].Value }, "\u200b"},
		{"empty field dropped", notifier.Message{Fields: []notifier.Field{{}}}, func(e *discordgo.MessageEmbed) any { return len(e.Fields) }, 0},
		{"links only", notifier.Message{Links: []notifier.Link{{Text: "a", URL: "https://x.io/a b(c)"}}}, func(e *discordgo.MessageEmbed) any { return e.Description }, "[a](https://x.io/a%20b%28c%29)"},
		{"link without text", notifier.Message{Links: []notifier.Link{{URL: "https://x.io"}}}, func(e *discordgo.MessageEmbed) any { return e.Description }, "[link](https://x.io)"},
		{"non-http link dropped", notifier.Message{Text: "t", Links: []notifier.Link{{Text: "a", URL: "javascript:alert(1)"}}}, func(e *discordgo.MessageEmbed) any { return e.Description }, "t"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.get(Payload(&tt.msg).Embeds[0]); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestPayloadTextLimits(t *testing.T) {
	repeat := strings.Repeat
	mentions := make([]notifier.Mention, 120)
	for i := range mentions {
		mentions[i] = notifier.Mention{Kind: notifier.MentionUser, ID: "1000000000000000" + string(rune('0'+i/100)) + string(rune('0'+i/10%10)) + string(rune('0'+i%10))}
	}

	tests := []struct {
		name string
		msg  notifier.Message
		get  func(*discordgo.WebhookParams) string
		max  int
		want string
	}{
		{
			name: "title with two-byte runes",
			msg:  notifier.Message{Title: repeat("é", 300)},
			get:  func(p *discordgo.WebhookParams) string { return p.Embeds[0].Title },
			max:  MaxTitle,
			want: repeat("é", 255) + "…",
		},
		{
			name: "description with masked link at cut",
			msg:  notifier.Message{Text: repeat("東", 4090) + "[site](https://x.io) tail"},
			get:  description0,
			max:  MaxDescription,
			want: repeat("東", 4090) + "…",
		},
		{
			name: "description with code block at cut",
			msg:  notifier.Message{Text: "```" + repeat("🚀", 5000) + "```"},
			get:  description0,
			max:  MaxDescription,
			want: "```" + repeat("🚀", 4089) + "…```",
		},
		{
			name: "description with escape at cut",
			msg:  notifier.Message{Text: repeat("a", 4094) + `\*b`},
			get:  description0,
			max:  MaxDescription,
			want: repeat("a", 4094) + "…",
		},
		{
			name: "description with entity at cut",
			msg:  notifier.Message{Text: repeat("a", 4093) + "&amp;b"},
			get:  description0,
			max:  MaxDescription,
			want: repeat("a", 4093) + "…",
		},
		{
			name: "description keeps links",
			msg:  notifier.Message{Text: repeat("é", 5000), Links: []notifier.Link{{Text: "a", URL: "https://x.io"}}},
			get:  description0,
			max:  MaxDescription,
			want: repeat("é", 4076) + "…\n\n[a](https://x.io)",
		},
		{
			name: "field name",
			msg:  notifier.Message{Fields: []notifier.Field{{Name: repeat("東", 300), Value: "v"}}},
			get:  func(p *discordgo.WebhookParams) string { return p.Embeds[0].Fields[0].Name },
			max:  MaxFieldName,
			want: repeat("東", 255) + "…",
		},
		{
			name: "field value with mention at cut",
			msg:  notifier.Message{Fields: []notifier.Field{{Name: "n", Value: repeat("🚀", 1020) + "<@" + userID + ">"}}},
			get:  func(p *discordgo.WebhookParams) string { return p.Embeds[0].Fields[0].Value },
			max:  MaxFieldValue,
			want: repeat("🚀", 1020) + "…",
		},
		{
			name: "footer",
			msg:  notifier.Message{Footer: repeat("é", 2100)},
			get:  func(p *discordgo.WebhookParams) string { return p.Embeds[0].Footer.Text },
			max:  MaxFooter,
			want: repeat("é", 2047) + "…",
		},
		{
			name: "content keeps whole mentions",
			msg:  notifier.Message{Mentions: mentions},
			get:  func(p *discordgo.WebhookParams) string { return p.Content },
			max:  MaxContent,
			// Each mention takes 22 characters and a space: 87 fit.
			want: mentionContent(mentions[:87]),
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

			got := tt.get(Payload(&tt.msg))
			if n := textcut.Len(got); n > tt.max {
				t.Errorf("text has %d characters, max %d", n, tt.max)
			}
			if got != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
		})
	}
}

func description0(p *discordgo.WebhookParams) string { return p.Embeds[0].Description }

func mentionContent(list []notifier.Mention) string {
	tokens := make([]string, len(list))
	for i, m := range list {
		tokens[i] = "<@" + m.ID + ">"
	}
	return strings.Join(tokens, " ")
}

func TestPayloadMentionIDLimit(t *testing.T) {
	mentions := make([]notifier.Mention, 2*MaxMentionIDs)
	for i := range MaxMentionIDs {
		mentions[2*i] = notifier.Mention{Kind: notifier.MentionUser, ID: strconv.Itoa(i + 1)}
		mentions[2*i+1] = notifier.Mention{Kind: notifier.MentionRole, ID: strconv.Itoa(i + 1)}
	}
	mentions = append(mentions, notifier.Mention{Kind: notifier.MentionUser, ID: "999"})
	p := Payload(&notifier.Message{Mentions: mentions})

	if got := len(p.AllowedMentions.Users); got != MaxMentionIDs {
		t.Errorf("got %d users, want %d", got, MaxMentionIDs)
	}
	if got := len(p.AllowedMentions.Roles); got != MaxMentionIDs {
		t.Errorf("got %d roles, want %d", got, MaxMentionIDs)
	}
	if got, want := strings.Count(p.Content, "<@"), 2*MaxMentionIDs; got != want {
		t.Errorf("content has %d mentions, want %d", got, want)
	}
	if strings.Contains(p.Content, "<@999>") {
		t.Errorf("content has the user over the limit: %q", p.Content)
	}
}

func TestPayloadTotalLimit(t *testing.T) {
	field := func(n int, value string) []notifier.Field {
		out := make([]notifier.Field, n)
		for i := range out {
			out[i] = notifier.Field{Name: "n", Value: value}
		}
		return out
	}
	long := strings.Repeat("é", MaxFieldValue)

	tests := []struct {
		name            string
		msg             notifier.Message
		wantFields      int
		wantDescription int
	}{
		{"thirty fields capped", notifier.Message{Fields: field(30, "v")}, MaxFields, 0},
		{"description shrinks first", notifier.Message{Text: strings.Repeat("a", 4096), Fields: field(3, long)}, 3, MaxEmbedsTotal - 3*(1+MaxFieldValue)},
		{"fields dropped when alone too long", notifier.Message{Text: "text", Fields: field(25, long)}, 5, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := Payload(&tt.msg)
			e := p.Embeds[0]
			if len(e.Fields) != tt.wantFields {
				t.Errorf("got %d fields, want %d", len(e.Fields), tt.wantFields)
			}
			if got := textcut.Len(e.Description); got != tt.wantDescription {
				t.Errorf("description has %d characters, want %d", got, tt.wantDescription)
			}
			if total := fixedLength(e) + textcut.Len(e.Description); total > MaxEmbedsTotal {
				t.Errorf("embed has %d characters, max %d", total, MaxEmbedsTotal)
			}
			body, err := PayloadJSON(&tt.msg)
			if err != nil {
				t.Fatalf("PayloadJSON() error = %v", err)
			}
			if !json.Valid(body) {
				t.Error("PayloadJSON() is not valid JSON")
			}
		})
	}
}
