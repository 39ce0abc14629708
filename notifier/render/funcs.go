package render

import (
	"fmt"
	"strings"
	"text/template"
	"time"

	"github.com/Masterminds/sprig/v3"

	"github.com/fcnotify/fcnotify/notifier"
)

// removedSprigFuncs are sprig functions templates may not call: they read
// the process environment, where secrets live, or resolve host names
// over the network.
var removedSprigFuncs = []string{"env", "expandenv", "getHostByName"}

// helpers are the template functions of one flavor. Their text results
// are already in the flavor's markup.
type helpers struct {
	flavor flavor
	zone   *time.Location
	now    func() time.Time
}

// funcMap returns sprig's text functions without removedSprigFuncs, plus
// fcnotify's helpers for the flavor. The helpers date, ago, duration and
// now replace sprig's functions of the same names: they take the values
// the template data holds and measure from the renderer's clock.
func funcMap(f flavor, zone *time.Location, now func() time.Time) template.FuncMap {
	m := sprig.TxtFuncMap()
	for _, name := range removedSprigFuncs {
		delete(m, name)
	}

	h := helpers{flavor: f, zone: zone, now: now}
	for name, fn := range map[string]any{
		"bold":      h.bold,
		"italic":    h.italic,
		"code":      h.code,
		"codeblock": h.codeblock,
		"link":      h.link,
		"icon":      statusIcon,
		"color":     statusColor,
		"duration":  h.duration,
		"ago":       h.ago,
		"datetime":  h.datetime,
		"date":      h.date,
		"now":       h.now,
		"tail":      lastLines,
		"truncate":  h.truncate,
		"planDelta": h.planDelta,
	} {
		m[name] = fn
	}
	return m
}

// bold wraps text in strong emphasis. Plain parts get the text alone.
func (h helpers) bold(v any) string {
	s := strings.TrimSpace(text(v))
	if s == "" {
		return ""
	}
	switch h.flavor {
	case flavorSlack:
		return "*" + s + "*"
	case flavorDiscord:
		return "**" + s + "**"
	}
	return s
}

// italic wraps text in emphasis. Plain parts get the text alone.
func (h helpers) italic(v any) string {
	s := strings.TrimSpace(text(v))
	if s == "" {
		return ""
	}
	switch h.flavor {
	case flavorSlack:
		return "_" + s + "_"
	case flavorDiscord:
		return "*" + s + "*"
	}
	return s
}

// code shows text in a code span. Text that contains a backtick cannot
// be put in a Slack code span, nor a double backtick in a Discord one,
// so it is shown escaped instead, without the monospace font.
func (h helpers) code(v any) string {
	raw := h.flavor.unescape(text(v))
	if raw == "" {
		return ""
	}
	switch h.flavor {
	case flavorSlack:
		if strings.Contains(raw, "`") {
			return h.flavor.escape(raw)
		}
		// Slack decodes entities inside code spans, so < still needs them.
		return "`" + guardMentions(slackEntities.Replace(raw)) + "`"
	case flavorDiscord:
		if !strings.Contains(raw, "`") {
			return "`" + guardMentions(raw) + "`"
		}
		if !strings.Contains(raw, "``") {
			return "`` " + guardMentions(raw) + " ``"
		}
		return h.flavor.escape(raw)
	}
	return raw
}

// codeblock shows text in a fenced code block: `codeblock text` or
// `codeblock "lang" text`, so `.x | codeblock "python"` works too. The
// language is used by Discord only. Runs of backticks in the text are
// split with zero-width spaces so that the text cannot close the fence.
func (h helpers) codeblock(args ...any) (string, error) {
	var lang string
	switch len(args) {
	case 1:
	case 2:
		lang = text(args[0])
	default:
		return "", fmt.Errorf("codeblock takes a text and an optional language first, got %d arguments", len(args))
	}

	raw := strings.TrimRight(h.flavor.unescape(text(args[len(args)-1])), "\r\n")
	if strings.TrimSpace(raw) == "" {
		return "", nil
	}
	switch h.flavor {
	case flavorSlack:
		return "```\n" + guardMentions(slackEntities.Replace(breakFences(raw))) + "\n```", nil
	case flavorDiscord:
		return "```" + cleanLanguage(lang) + "\n" + guardMentions(breakFences(raw)) + "\n```", nil
	}
	return "    " + strings.ReplaceAll(raw, "\n", "\n    "), nil
}

// breakFences puts a zero-width space between adjacent backticks.
func breakFences(s string) string {
	if !strings.Contains(s, "``") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "``", "`"+zeroWidthSpace+"`"), "``", "`"+zeroWidthSpace+"`")
}

// cleanLanguage keeps a code block language to the characters language
// names use, so it cannot end the fence line or add markup.
func cleanLanguage(lang string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '+', r == '-', r == '_', r == '#':
			return r
		}
		return -1
	}, lang)
}

// link writes a link with a label: Slack <url|label>, Discord
// [label](url), plain "label (url)". A missing or non-http(s) URL gives
// the label alone, and a missing label shows the URL.
func (h helpers) link(target, label any) string {
	u := strings.TrimSpace(h.flavor.unescape(text(target)))
	name := strings.TrimSpace(h.flavor.unescape(text(label)))
	if !isWebURL(u) {
		return h.flavor.escape(name)
	}
	if name == "" {
		name = u
	}

	switch h.flavor {
	case flavorSlack:
		// The first | ends the URL. One in the label is swapped for a
		// look-alike, so Slack cannot read it as a second separator.
		label := strings.ReplaceAll(h.flavor.escape(name), "|", "∣")
		return "<" + slackURL.Replace(u) + "|" + label + ">"
	case flavorDiscord:
		return "[" + escapeDiscord(name) + "](" + discordURL.Replace(u) + ")"
	}
	if name == u {
		return u
	}
	return name + " (" + u + ")"
}

var (
	slackURL   = strings.NewReplacer("&", "&amp;", "<", "%3C", ">", "%3E", "|", "%7C", " ", "%20")
	discordURL = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E")
)

// isWebURL reports whether s is an absolute http or https URL with a
// host, the only links chat clients open.
func isWebURL(s string) bool {
	rest, ok := strings.CutPrefix(s, "https://")
	if !ok {
		rest, ok = strings.CutPrefix(s, "http://")
	}
	return ok && rest != "" && rest[0] != '/'
}

func (h helpers) duration(v any) (string, error) {
	d, ok, err := durationOf(v)
	if !ok {
		return "", err
	}
	return h.flavor.escape(formatDuration(d)), nil
}

func (h helpers) ago(v any) (string, error) {
	t, ok, err := timeOf(v)
	if !ok {
		return "", err
	}
	return relative(t, h.now()), nil
}

// datetime writes a time in the display zone, to the minute. In Slack
// mrkdwn it writes Slack's date token, which each reader sees in their own
// time zone, with the display-zone text as the fallback Slack requires
// (https://docs.slack.dev/messaging/formatting-message-text).
func (h helpers) datetime(v any) (string, error) {
	t, ok, err := timeOf(v)
	if !ok {
		return "", err
	}
	text := t.In(h.zone).Format("2006-01-02 15:04 MST")
	if h.flavor == flavorSlack {
		return fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", t.Unix(), text), nil
	}
	return text, nil
}

// date writes the day of a time: a calendar date as it is, any other
// time in the display zone.
func (h helpers) date(v any) (string, error) {
	t, ok, err := timeOf(v)
	if !ok {
		return "", err
	}
	if !isCalendarDate(t) {
		t = t.In(h.zone)
	}
	return t.Format(notifier.DateLayout), nil
}

// truncate shortens text to n runes, cutting the raw text so that an
// escape sequence is never split.
func (h helpers) truncate(n int, v any) string {
	return h.flavor.escape(cutRunes(n, h.flavor.unescape(text(v))))
}

func (h helpers) planDelta(from, to any) string {
	return h.flavor.escape(planDelta(h.flavor.unescape(text(from)), h.flavor.unescape(text(to))))
}
