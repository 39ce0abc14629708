// Package render turns the template data of an event into a
// notifier.Message for one platform.
//
// A template has parts: title, url, text, fields, color, footer and
// links, each Go text/template source. Every part is compiled once per
// platform, with missingkey=error, when the Renderer is built. Before a
// part runs, every string in the data is escaped for the markup the part
// is written in, so a payload value shows literally and cannot ping or
// break the layout:
//
//   - Slack mrkdwn (text, field names and values, footer): & < > become
//     entities, and a zero-width space follows each * _ ~ `.
//   - Discord markdown (text, title, field names and values, link
//     texts): markup characters are backslash-escaped.
//   - Plain text: nothing is escaped. Slack shows titles and link texts
//     as plain_text, and Discord shows footers without markdown, so
//     those parts are plain, as are every console part, URLs and colours.
//
// In every flavor but plain, @everyone, @here and @channel get a
// zero-width space after the @. The links map is never escaped because
// its values are URLs. Discord embed titles render markdown, so a
// Discord Message.Title carries backslash escapes.
//
// Templates may call sprig's text functions except env, expandenv and
// getHostByName, and these helpers, which write the markup of the part
// they are called in and render "" for an absent value:
//
//	bold x, italic x, code x     emphasis and code spans
//	codeblock [lang] x           a fenced block that x cannot close
//	link url text                a link, or the text alone without a URL
//	icon status, color status    an emoji and a #rrggbb colour
//	duration d                   "41s", "4m 12s", "1h 3m", "2d 4h"
//	ago t                        "3 minutes ago", "in 2 days"
//	datetime t, date t           "2026-08-19 09:16 UTC", "2026-08-19"
//	now                          the renderer's clock
//	tail n x, truncate n x       the last n lines, the first n characters
//	planDelta from to            "+USD 15/month" between two plan names
//
// Missing keys are errors, so optional payload fields are read with
// `index .data "name"`, which gives nil when the field is absent.
package render

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
	"github.com/fcnotify/fcnotify/notifier/config"
)

// Options sets what helpers need beyond the template data.
type Options struct {
	// DisplayZone is the zone datetime and date show times in, or UTC
	// when nil.
	DisplayZone *time.Location
	// Now is the clock that ago and now read, or time.Now when nil.
	Now func() time.Time
}

// Renderer renders messages from compiled templates. It does not change
// after New returns and is safe for concurrent use.
type Renderer struct {
	templates map[string]map[notifier.Platform]*compiled
}

// New compiles the built-in templates and then the configured ones; a
// configured template replaces a built-in one of the same name. When any
// template fails to compile, New returns a TemplateErrors listing all of
// them and no Renderer.
func New(configured map[string]config.Template, opts Options) (*Renderer, error) {
	if opts.DisplayZone == nil {
		opts.DisplayZone = time.UTC
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}

	all, err := builtinTemplates()
	if err != nil {
		return nil, err
	}
	for name, t := range configured {
		all[name] = t
	}

	c := newCompiler(opts.DisplayZone, opts.Now)
	r := &Renderer{templates: make(map[string]map[notifier.Platform]*compiled, len(all))}
	for _, name := range sortedNames(all) {
		if ct := c.compile(name, all[name]); ct != nil {
			r.templates[name] = ct
		}
	}
	if len(c.errs) > 0 {
		return nil, c.errs
	}
	return r, nil
}

// Names returns the names of all templates, built-in and configured, in
// order.
func (r *Renderer) Names() []string { return sortedNames(r.templates) }

// Has reports whether a template of that name exists.
func (r *Renderer) Has(name string) bool {
	_, ok := r.templates[name]
	return ok
}

// DefaultTemplateFor returns the name of the built-in template for an
// event name: one for each Frappe Cloud event, "generic" for any other.
// A payload sent without the {"event", "data"} wrapper is named after
// its doctype, so the doctypes of those events map the same way.
func DefaultTemplateFor(event string) string {
	switch event {
	case notifier.EventSiteStatus, "Site":
		return "site-status"
	case notifier.EventSitePlanChange:
		return "site-plan-change"
	case notifier.EventDeployStatus, "Deploy Candidate Build", "Deploy Candidate":
		return "deploy-status"
	case notifier.EventBenchStatus, "Bench":
		return "bench-status"
	case "Site Trial Expiry":
		return "site-trial-expiry"
	}
	return "generic"
}

// Render renders a template for a platform. data is the map view.Build
// returns. Render does not modify it, but a template that calls sprig's
// set, unset or merge on it does. mentions are copied to the message
// as they are. Any error is a *TemplateError naming the template, part
// and platform, except for an unknown template or platform.
func (r *Renderer) Render(platform notifier.Platform, name string, data map[string]any, mentions []notifier.Mention) (*notifier.Message, error) {
	byPlatform, ok := r.templates[name]
	if !ok {
		return nil, fmt.Errorf("template %q not found: name a configured or built-in template", name)
	}
	ct, ok := byPlatform[platform]
	if !ok {
		return nil, fmt.Errorf("platform %q is not supported: use slack, discord or console", platform)
	}

	run := &execution{name: name, platform: platform, data: data}
	msg, err := run.message(ct)
	if err != nil {
		return nil, err
	}
	if len(mentions) > 0 {
		msg.Mentions = append([]notifier.Mention(nil), mentions...)
	}
	return msg, nil
}

// execution is one Render call: the data, escaped for each flavor on
// first use, and a buffer shared by its parts.
type execution struct {
	name     string
	platform notifier.Platform
	data     map[string]any
	escaped  [3]map[string]any
	buf      bytes.Buffer
}

func (x *execution) message(ct *compiled) (*notifier.Message, error) {
	var msg notifier.Message
	var err error
	single := []struct {
		part *part
		dst  *string
	}{
		{ct.title, &msg.Title},
		{ct.url, &msg.TitleURL},
		{ct.text, &msg.Text},
		{ct.color, &msg.Color},
		{ct.footer, &msg.Footer},
	}
	for _, s := range single {
		if *s.dst, err = x.run(s.part); err != nil {
			return nil, err
		}
	}
	if msg.Fields, err = x.fields(ct.fields); err != nil {
		return nil, err
	}
	if msg.Links, err = x.links(ct.links); err != nil {
		return nil, err
	}

	if msg.TitleURL != "" && !isMessageURL(msg.TitleURL) {
		return nil, x.fail(ct.url, errNotWebURL)
	}
	if msg.Title == "" {
		msg.Title = x.fallbackTitle(ct.title)
	}
	if msg.Color, err = x.color(msg.Color); err != nil {
		return nil, x.fail(ct.color, err)
	}
	msg.Timestamp = x.timestamp()
	msg.Fallback = x.fallback(msg.Title)
	return &msg, nil
}

var errNotWebURL = errors.New("rendered a value that is not an absolute http or https URL without spaces")

// isMessageURL reports whether a rendered URL part can go into a message
// as it is. Unlike the link helper, which encodes spaces, URL parts are
// used verbatim, so whitespace makes them invalid.
func isMessageURL(s string) bool {
	return isWebURL(s) && !strings.ContainsAny(s, " \t\r\n")
}

func (x *execution) fields(parts []fieldParts) ([]notifier.Field, error) {
	var out []notifier.Field
	for _, f := range parts {
		value, err := x.run(f.value)
		if err != nil {
			return nil, err
		}
		if value == "" {
			// A field whose value renders empty is left out.
			continue
		}
		name, err := x.run(f.name)
		if err != nil {
			return nil, err
		}
		if name == "" {
			return nil, x.fail(f.name, errors.New("rendered empty while the value did not: give the field a name that is never empty"))
		}
		out = append(out, notifier.Field{Name: name, Value: value, Inline: f.inline})
	}
	return out, nil
}

func (x *execution) links(parts []linkParts) ([]notifier.Link, error) {
	var out []notifier.Link
	for _, l := range parts {
		u, err := x.run(l.url)
		if err != nil {
			return nil, err
		}
		if u == "" {
			// A link whose URL renders empty is left out.
			continue
		}
		if !isMessageURL(u) {
			return nil, x.fail(l.url, errNotWebURL)
		}
		label, err := x.run(l.text)
		if err != nil {
			return nil, err
		}
		if label == "" {
			label = "Open link"
		}
		out = append(out, notifier.Link{Text: label, URL: u})
	}
	return out, nil
}

// run executes one part and trims its output. A nil part renders "".
func (x *execution) run(p *part) (string, error) {
	if p == nil {
		return "", nil
	}
	if p.tmpl == nil {
		return p.static, nil
	}
	data := x.dataFor(p.flavor)
	x.buf.Reset()
	if err := p.tmpl.Execute(&x.buf, data); err != nil {
		return "", x.fail(p, err)
	}
	out := strings.TrimSpace(x.buf.String())

	// A nil value prints as "<no value>". Escaped payload text cannot
	// contain it, and plain payload text rarely does, so look there
	// before blaming the template.
	if strings.Contains(out, noValue) && !containsText(data, noValue) {
		return "", x.fail(p, errNoValue)
	}
	return out, nil
}

const noValue = "<no value>"

var errNoValue = errors.New(`rendered "<no value>" because a value is missing: test it with {{ with }} or give it a default`)

func (x *execution) dataFor(f flavor) map[string]any {
	if x.escaped[f] == nil {
		x.escaped[f] = escapeData(x.data, f)
	}
	return x.escaped[f]
}

func (x *execution) fail(p *part, err error) error {
	path := ""
	if p != nil {
		path = p.path
	}
	return newTemplateError(x.name, path, x.platform, err)
}

// fallbackTitle is "<event> <document>", in the title's flavor.
func (x *execution) fallbackTitle(title *part) string {
	f := flavorOf(x.platform, kindTitle)
	if title != nil {
		f = title.flavor
	}
	s := strings.TrimSpace(text(x.data["event"]) + " " + text(x.data["document"]))
	return f.escape(s)
}

var hexColor = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// color checks a rendered colour, or picks the colour of the status the
// document moved to when the part rendered nothing.
func (x *execution) color(c string) (string, error) {
	if c == "" {
		return statusColor(x.data["to"]), nil
	}
	if !hexColor.MatchString(c) {
		return "", fmt.Errorf("rendered %q: a colour must be #rrggbb", c)
	}
	return strings.ToLower(c), nil
}

// timestamp is the document's modified time, or when fcnotify received
// the event when the payload carried none.
func (x *execution) timestamp() time.Time {
	if t, ok := x.data["modified"].(time.Time); ok {
		return t
	}
	t, _ := x.data["received"].(time.Time)
	return t
}

// fallback is the title on one line. On Slack it is notification text,
// where only & < > need escaping; on Discord the title is already
// escaped.
func (x *execution) fallback(title string) string {
	line := strings.Join(strings.Fields(title), " ")
	if x.platform == notifier.PlatformSlack {
		return slackEntities.Replace(line)
	}
	return line
}

// containsText reports whether any string in v, however deeply nested,
// contains sub.
func containsText(v any, sub string) bool {
	switch x := v.(type) {
	case string:
		return strings.Contains(x, sub)
	case map[string]any:
		for _, e := range x {
			if containsText(e, sub) {
				return true
			}
		}
	case []any:
		for _, e := range x {
			if containsText(e, sub) {
				return true
			}
		}
	case map[string]string:
		for _, e := range x {
			if strings.Contains(e, sub) {
				return true
			}
		}
	}
	return false
}
