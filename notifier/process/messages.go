package process

import (
	"log/slog"
	"strings"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/render"
	"github.com/fcnotify/fcnotify/notifier/store"
)

// genericTemplate is the built-in template used when a rule's own
// template fails at run time.
const genericTemplate = "generic"

// messages matches the rules and renders one message per channel. A
// channel named by several matching rules gets the first rule's message
// only, so one event never posts twice to the same place.
func (p *Processor) messages(log *slog.Logger, ev *notifier.Event, tr notifier.Transition, data map[string]any) []store.OutboxMessage {
	matches, errs := p.Rules.Match(ev, tr, data)
	for _, err := range errs {
		log.Error("rule condition failed", "err", err)
	}

	var out []store.OutboxMessage
	seen := map[string]bool{}
	for _, m := range matches {
		tmpl := m.Template
		if tmpl == "" {
			tmpl = render.DefaultTemplateFor(ev.Name)
		}
		for _, ch := range m.Channels {
			if seen[ch] {
				continue
			}
			seen[ch] = true
			msg := p.render(log.With("rule", m.Rule, "channel", ch), p.Platforms[ch], tmpl, data, m.Mentions)
			out = append(out, store.OutboxMessage{
				Channel: ch, InboxID: ev.InboxID, Rule: m.Rule,
				Document: ev.Document, Message: *msg,
			})
		}
	}
	return out
}

// render renders a message and never fails: a template that breaks at run
// time is logged, and the alert goes out with the generic template, or as
// a bare title when even that fails.
func (p *Processor) render(log *slog.Logger, platform notifier.Platform, tmpl string, data map[string]any, mentions []notifier.Mention) *notifier.Message {
	msg, err := p.Renderer.Render(platform, tmpl, data, mentions)
	if err == nil {
		return msg
	}
	log.Error("template failed, sending the generic message instead", "template", tmpl, "err", err)

	msg, err = p.Renderer.Render(platform, genericTemplate, data, mentions)
	if err == nil {
		return msg
	}
	log.Error("generic template failed, sending a bare title", "err", err)

	title := stringOf(data, "event") + " " + stringOf(data, "document")
	fallback := title
	if platform == notifier.PlatformSlack {
		fallback = slackEscaper.Replace(title)
	}
	return &notifier.Message{Title: title, Fallback: fallback, Mentions: mentions}
}

// slackEscaper escapes the three characters Slack reads as markup in
// plain message text.
var slackEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

func stringOf(data map[string]any, key string) string {
	s, _ := data[key].(string)
	return s
}
