package render

import (
	"maps"
	"slices"
	"strings"
)

// flavor is the markup a rendered part is written in. Every part of a
// message is executed with data escaped for its flavor and with helpers
// that write that flavor's markup.
type flavor int

const (
	// flavorPlain is text shown as it is: console output, Slack header
	// and button text (plain_text objects), Discord embed footers, and
	// URLs. Payload values are not escaped.
	flavorPlain flavor = iota
	// flavorSlack is Slack mrkdwn.
	flavorSlack
	// flavorDiscord is Discord markdown.
	flavorDiscord
)

const zeroWidthSpace = "\u200b"

// slackEntities escapes the three characters Slack treats as control
// characters. Slack documents no other escapes, and escaping `<` alone
// disarms every mention, channel, command and link form, because all of
// them only work inside <…>.
var slackEntities = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escapeSlack escapes entities and defuses emphasis. Slack has no
// escape for *, _, ~ and `, so a zero-width space goes after each of
// them: a marker followed by it no longer starts or ends a span, and the
// text still reads the same.
// NOTE: Slack does not document its parser; the zero-width space keeps
// pairs from forming today, but Slack could change that.
func escapeSlack(s string) string {
	var b strings.Builder
	copied := 0 // bytes of s already written to b
	for i := 0; i < len(s); i++ {
		var rep string
		switch s[i] {
		case '&':
			rep = "&amp;"
		case '<':
			rep = "&lt;"
		case '>':
			rep = "&gt;"
		case '*', '_', '~', '`':
			rep = s[i:i+1] + zeroWidthSpace
		default:
			continue
		}
		if copied == 0 && b.Len() == 0 {
			b.Grow(len(s) + 16)
		}
		b.WriteString(s[copied:i])
		b.WriteString(rep)
		copied = i + 1
	}
	if b.Len() > 0 {
		b.WriteString(s[copied:])
		s = b.String()
	}
	return guardMentions(s)
}

// unescapeSlack inverts escapeSlack.
func unescapeSlack(s string) string {
	if !strings.ContainsAny(s, "&"+zeroWidthSpace) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	copied := 0 // bytes of s already written to b
	for i := 0; i < len(s); i++ {
		switch {
		case s[i] == '&':
			if rep, n := slackEntity(s[i:]); n > 0 {
				b.WriteString(s[copied:i])
				b.WriteByte(rep)
				i += n - 1
				copied = i + 1
			}
		case i > 0 && strings.HasPrefix(s[i:], zeroWidthSpace) && strings.IndexByte("*_~`@", s[i-1]) >= 0:
			b.WriteString(s[copied:i])
			i += len(zeroWidthSpace) - 1
			copied = i + 1
		}
	}
	b.WriteString(s[copied:])
	return b.String()
}

// slackEntity returns the character an entity at the start of s stands
// for and the entity's length, or 0 when s starts with none.
func slackEntity(s string) (byte, int) {
	switch {
	case strings.HasPrefix(s, "&amp;"):
		return '&', 5
	case strings.HasPrefix(s, "&lt;"):
		return '<', 4
	case strings.HasPrefix(s, "&gt;"):
		return '>', 4
	}
	return 0, 0
}

// mentionGuard breaks the bare words that ping a whole channel. Slack
// parses them only with link_names or in a non-verbatim block, and
// Discord only when allowed_mentions allows it. The senders turn both
// off, so this is a second guard.
var mentionGuard = strings.NewReplacer(
	"@here", "@"+zeroWidthSpace+"here",
	"@channel", "@"+zeroWidthSpace+"channel",
	"@everyone", "@"+zeroWidthSpace+"everyone",
)

// escape makes raw text show literally in the flavor's markup.
func (f flavor) escape(s string) string {
	switch f {
	case flavorSlack:
		return escapeSlack(s)
	case flavorDiscord:
		return escapeDiscord(s)
	}
	return s
}

// unescape inverts escape: unescape(escape(s)) == s for every s that has
// no zero-width space of its own after a character escape marks with one.
func (f flavor) unescape(s string) string {
	switch f {
	case flavorSlack:
		return unescapeSlack(s)
	case flavorDiscord:
		return unescapeDiscord(s)
	}
	return s
}

// discordAlways are the characters escaped wherever they appear: the
// backslash itself, the emphasis, code, spoiler and masked-link markers,
// `<`, which starts user, role, channel, timestamp and emoji tags, and
// `>`, which starts a block quote.
const discordAlways = "\\*_~`|[]()<>"

// isDiscordAlways is discordAlways as a lookup table, because the
// escaper consults it for every byte of long build logs.
var isDiscordAlways = func() (table [256]bool) {
	for i := range len(discordAlways) {
		table[discordAlways[i]] = true
	}
	return table
}()

// escapeDiscord backslash-escapes Discord markdown. Headings ("# "),
// bullets ("- ", "+ "), subtext ("-# ") and numbered lists ("1. ") only
// count at the start of a line and before a space, so their markers are
// escaped only there: a hyphen inside a bench name means nothing, and
// escaping every one would make the raw text hard to read. A value may be
// printed at the start of a line, so its own start counts as one.
func escapeDiscord(s string) string {
	var b strings.Builder
	copied := 0 // bytes of s already written to b
	changed := false
	lineStart := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		at := -1 // where a backslash goes, if anywhere
		switch {
		case isDiscordAlways[c]:
			at = i
		case lineStart && c != ' ' && c != '\t' && c != '\n':
			at = lineMarker(s, i)
		}
		if at >= 0 {
			b.WriteString(s[copied:at])
			b.WriteByte('\\')
			copied = at
			changed = true
		}
		lineStart = c == '\n' || (lineStart && (c == ' ' || c == '\t'))
	}
	if changed {
		b.WriteString(s[copied:])
		s = b.String()
	}
	return guardMentions(s)
}

// lineMarker returns where a backslash must go to keep the text at s[i],
// the first character of a line, from starting a heading, bullet,
// subtext or numbered list. It returns -1 when the text starts none.
func lineMarker(s string, i int) int {
	j := i
	switch c := s[i]; {
	case c == '#':
		for j < len(s) && s[j] == '#' {
			j++
		}
	case c == '-' || c == '+':
		j++
		if c == '-' && j < len(s) && s[j] == '#' {
			for j < len(s) && s[j] == '#' {
				j++
			}
		}
	case c >= '0' && c <= '9':
		for j < len(s) && s[j] >= '0' && s[j] <= '9' {
			j++
		}
		if j == len(s) || s[j] != '.' {
			return -1
		}
		i = j // the dot is escaped, as "1\. "
		j++
	default:
		return -1
	}
	if j < len(s) && s[j] != ' ' && s[j] != '\t' {
		return -1
	}
	return i
}

func guardMentions(s string) string {
	// Replace allocates even when nothing matches, and most text with an
	// @ is an e-mail address.
	if !strings.Contains(s, "@here") && !strings.Contains(s, "@channel") && !strings.Contains(s, "@everyone") {
		return s
	}
	return mentionGuard.Replace(s)
}

// unescapeDiscord drops the backslashes escapeDiscord added and the
// zero-width spaces of the mention guard.
func unescapeDiscord(s string) string {
	if strings.Contains(s, zeroWidthSpace) {
		s = strings.ReplaceAll(s, "@"+zeroWidthSpace, "@")
	}
	if !strings.Contains(s, `\`) {
		return s
	}

	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && isDiscordEscapable(s[i+1]) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func isDiscordEscapable(c byte) bool {
	return strings.IndexByte(discordAlways+"#-+.", c) >= 0
}

// escapeData returns view data with every string escaped for the
// flavor, however deeply it is nested in maps and lists. The links map is
// left as it is because its values are dashboard URLs that helpers and
// URL parts need unchanged. Times, numbers and booleans are not text and
// stay as they are. The input is not modified: a map or list that has a
// string to escape is copied, and one that has none is shared.
func escapeData(data map[string]any, f flavor) map[string]any {
	if f == flavorPlain {
		return data
	}
	var out map[string]any
	for k, v := range data {
		if k == "links" {
			continue
		}
		if e, changed := escapeValue(v, f); changed {
			if out == nil {
				out = maps.Clone(data)
			}
			out[k] = e
		}
	}
	if out == nil {
		return data
	}
	return out
}

// escapeValue returns v escaped and whether that differs from v.
func escapeValue(v any, f flavor) (any, bool) {
	switch x := v.(type) {
	case string:
		e := f.escape(x)
		// Escaping only ever adds characters.
		return e, len(e) != len(x)
	case map[string]any:
		var out map[string]any
		for k, e := range x {
			if esc, changed := escapeValue(e, f); changed {
				if out == nil {
					out = maps.Clone(x)
				}
				out[k] = esc
			}
		}
		return orOriginal(out, x)
	case []any:
		var out []any
		for i, e := range x {
			if esc, changed := escapeValue(e, f); changed {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = esc
			}
		}
		return orOriginal(out, x)
	case map[string]string:
		var out map[string]string
		for k, e := range x {
			if esc := f.escape(e); len(esc) != len(e) {
				if out == nil {
					out = maps.Clone(x)
				}
				out[k] = esc
			}
		}
		return orOriginal(out, x)
	case []string:
		var out []string
		for i, e := range x {
			if esc := f.escape(e); len(esc) != len(e) {
				if out == nil {
					out = slices.Clone(x)
				}
				out[i] = esc
			}
		}
		return orOriginal(out, x)
	}
	// Times, durations, numbers and booleans are not text.
	return v, false
}

// orOriginal returns the copy and true when there is one, else the
// original and false.
func orOriginal[T map[string]any | []any | map[string]string | []string](copied, original T) (any, bool) {
	if copied == nil {
		return original, false
	}
	return copied, true
}
