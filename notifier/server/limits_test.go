package server

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	slackgo "github.com/slack-go/slack"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/discord"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/slack"
	"github.com/fcnotify/fcnotify/notifier/view"
)

// oversized is a value far over every platform limit, with multi-byte
// characters and markup that must survive cutting.
var oversized = strings.Repeat("é東🚀 <@U1> &amp; *b* `c` ", 800)

// bloat replaces every string in a sample event with an oversized one
// and adds a build log of 200 long lines.
func bloat(ev *notifier.Event) {
	for k, v := range ev.Fields {
		if _, ok := v.(string); ok {
			ev.Fields[k] = oversized
		}
	}
	ev.Document, ev.Team = oversized, oversized
	ev.Fields["build_error"] = strings.Repeat(strings.Repeat("x", 300)+" ```\n", 200)
	ev.Fields["label"] = oversized
	ev.Status = "Failure"
}

func TestDefaultTemplatesFitPlatformLimits(t *testing.T) {
	r, err := render.New(nil, render.Options{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 8, 30, 12, 0, 0, 0, time.UTC)
	events := []string{
		notifier.EventSiteStatus, notifier.EventSitePlanChange, notifier.EventDeployStatus,
		notifier.EventBenchStatus, "Site Trial Expiry", "Site Backup Status Update",
	}
	for _, event := range events {
		t.Run(event, func(t *testing.T) {
			ev, err := SampleEvent(event, time.UTC)
			if err != nil {
				t.Fatal(err)
			}
			bloat(ev)
			tr := notifier.Transition{Kind: notifier.KindChange, From: oversized, To: ev.Status}
			data := view.Build(ev, tr, view.Options{DashboardURL: "https://frappecloud.com/dashboard", Now: now})
			tmpl := render.DefaultTemplateFor(event)

			msg, err := r.Render(notifier.PlatformSlack, tmpl, data, nil)
			if err != nil {
				t.Fatalf("render for Slack: %v", err)
			}
			if n := utf8.RuneCountInString(msg.Text); n <= slack.MaxSectionText {
				t.Fatalf("rendered text has %d characters: the sample is not oversized", n)
			}
			checkSlackLimits(t, slack.Payload(msg))

			msg, err = r.Render(notifier.PlatformDiscord, tmpl, data, nil)
			if err != nil {
				t.Fatalf("render for Discord: %v", err)
			}
			checkDiscordLimits(t, discord.Payload(msg))
		})
	}
}

func atMost(t *testing.T, what, s string, limit int) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(s); n > limit {
		t.Errorf("%s has %d characters, over the limit of %d", what, n, limit)
	}
}

func checkSlackLimits(t *testing.T, m *slackgo.WebhookMessage) {
	t.Helper()
	atMost(t, "Slack text", m.Text, slack.MaxMessageText)
	for _, a := range m.Attachments {
		if n := len(a.Blocks.BlockSet); n > slack.MaxBlocks {
			t.Errorf("Slack blocks = %d, over %d", n, slack.MaxBlocks)
		}
		for _, b := range a.Blocks.BlockSet {
			checkSlackBlock(t, b)
		}
	}
}

func checkSlackBlock(t *testing.T, b slackgo.Block) {
	t.Helper()
	switch x := b.(type) {
	case *slackgo.HeaderBlock:
		atMost(t, "Slack header", x.Text.Text, slack.MaxHeaderText)
	case *slackgo.SectionBlock:
		if x.Text != nil {
			atMost(t, "Slack section text", x.Text.Text, slack.MaxSectionText)
		}
		if len(x.Fields) > slack.MaxSectionFields {
			t.Errorf("Slack section fields = %d, over %d", len(x.Fields), slack.MaxSectionFields)
		}
		for _, f := range x.Fields {
			atMost(t, "Slack field", f.Text, slack.MaxFieldText)
		}
	case *slackgo.ActionBlock:
		for _, e := range x.Elements.ElementSet {
			if btn, ok := e.(*slackgo.ButtonBlockElement); ok {
				atMost(t, "Slack button text", btn.Text.Text, slack.MaxButtonText)
				atMost(t, "Slack button URL", btn.URL, slack.MaxButtonURL)
			}
		}
	case *slackgo.ContextBlock:
		if n := len(x.ContextElements.Elements); n > slack.MaxContextElements {
			t.Errorf("Slack context elements = %d, over %d", n, slack.MaxContextElements)
		}
		for _, e := range x.ContextElements.Elements {
			if txt, ok := e.(*slackgo.TextBlockObject); ok {
				atMost(t, "Slack context text", txt.Text, slack.MaxSectionText)
			}
		}
	}
}

func checkDiscordLimits(t *testing.T, p *discordgo.WebhookParams) {
	t.Helper()
	atMost(t, "Discord content", p.Content, discord.MaxContent)
	total := 0
	for _, e := range p.Embeds {
		atMost(t, "Discord title", e.Title, discord.MaxTitle)
		atMost(t, "Discord description", e.Description, discord.MaxDescription)
		total += utf8.RuneCountInString(e.Title) + utf8.RuneCountInString(e.Description)
		if len(e.Fields) > discord.MaxFields {
			t.Errorf("Discord fields = %d, over %d", len(e.Fields), discord.MaxFields)
		}
		for _, f := range e.Fields {
			atMost(t, "Discord field name", f.Name, discord.MaxFieldName)
			atMost(t, "Discord field value", f.Value, discord.MaxFieldValue)
			total += utf8.RuneCountInString(f.Name) + utf8.RuneCountInString(f.Value)
		}
		if e.Footer != nil {
			atMost(t, "Discord footer", e.Footer.Text, discord.MaxFooter)
			total += utf8.RuneCountInString(e.Footer.Text)
		}
	}
	if total > discord.MaxEmbedsTotal {
		t.Errorf("Discord embeds hold %d characters, over %d", total, discord.MaxEmbedsTotal)
	}
}
