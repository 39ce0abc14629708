// Package textcut shortens chat text to a platform's length limit without
// breaking its markup.
//
// Slack and Discord count a text's length in characters. This package
// counts Unicode code points (runes), so a cut text never contains a broken
// UTF-8 sequence.
package textcut

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Ellipsis marks the place where Cut removed text. It counts as one
// character.
const Ellipsis = "…"

// Markup is the markup language of a text. It decides which runs of
// characters Cut keeps whole.
type Markup int

const (
	// Plain text has no markup. Cut keeps only characters whole.
	Plain Markup = iota
	// Slack is Slack mrkdwn: entities (&amp; &lt; &gt;), <…> tokens
	// (links, mentions, dates) and ` or ``` code.
	Slack
	// Discord is Discord markdown: <…> tokens (mentions, timestamps),
	// [text](url) links, backslash escapes and ` or ``` code.
	Discord
)

// Len returns the length of s as the platforms count it: in characters.
func Len(s string) int {
	return utf8.RuneCountInString(s)
}

// Cut returns s unchanged when it has at most max characters. Otherwise
// it returns the longest prefix that, with Ellipsis and whatever closes a
// code span or block the prefix leaves open, has at most max characters.
// The cut falls between characters, never inside a character with its
// combining marks, an entity, a <…> token, a Discord [text](url) link or a
// Discord backslash escape. A max of zero or less returns "".
func Cut(s string, max int, markup Markup) string {
	if Len(s) <= max {
		return s
	}
	if max <= 0 {
		return ""
	}

	var (
		code      codeState
		count     int
		best      int
		bestClose string
	)
	for i := 0; i < len(s); {
		end := atomEnd(s, i, markup, code)
		if markup != Plain && s[i] == '`' {
			code = code.advance(end - i)
		}
		count += Len(s[i:end])
		if count+1 > max {
			break
		}

		closer := code.closer()
		if count+1+Len(closer) <= max {
			best, bestClose = end, closer
		}
		i = end
	}
	return s[:best] + Ellipsis + bestClose
}

// atomEnd returns the end of the indivisible run of s that starts at i.
func atomEnd(s string, i int, markup Markup, code codeState) int {
	if markup == Plain {
		return characterEnd(s, i)
	}

	switch s[i] {
	case '`':
		return i + len(s[i:]) - len(strings.TrimLeft(s[i:], "`"))
	case '&':
		if n := entityLen(s[i:]); n > 0 {
			return i + n
		}
	case '<':
		if n := tokenLen(s[i:], '<', '>'); n > 0 {
			return i + n
		}
	case '\\':
		// Inside code a backslash is literal, so it escapes nothing.
		if markup == Discord && code.fence == 0 && i+1 < len(s) {
			return characterEnd(s, i+1)
		}
	case '[':
		if markup == Discord {
			if n := maskedLinkLen(s[i:]); n > 0 {
				return i + n
			}
		}
	}
	return characterEnd(s, i)
}

// characterEnd returns the end of the rune at i together with the
// combining marks, variation selectors, skin-tone modifiers and
// zero-width-joined runes that follow it, so an accent or an emoji
// sequence is not split from its base.
func characterEnd(s string, i int) int {
	_, size := utf8.DecodeRuneInString(s[i:])
	end := i + size
	for end < len(s) {
		r, size := utf8.DecodeRuneInString(s[end:])
		switch {
		case r == '\u200d' && end+size < len(s):
			_, next := utf8.DecodeRuneInString(s[end+size:])
			end += size + next
		case unicode.In(r, unicode.Mn, unicode.Me) || isVariationSelector(r) || isSkinTone(r):
			end += size
		default:
			return end
		}
	}
	return end
}

func isVariationSelector(r rune) bool { return r >= '\ufe00' && r <= '\ufe0f' }

func isSkinTone(r rune) bool { return r >= 0x1f3fb && r <= 0x1f3ff }

// entityLen returns the length of the HTML character reference that s
// starts with (&amp;, &#60;, &#x3c;), or 0 when it starts with none.
func entityLen(s string) int {
	const maxName = 10
	body := s[1:]
	isDigit := func(c byte) bool { return c >= '0' && c <= '9' }
	isHex := func(c byte) bool {
		return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
	}
	isLetter := func(c byte) bool { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }

	valid := isLetter
	switch {
	case strings.HasPrefix(body, "#x"), strings.HasPrefix(body, "#X"):
		body, valid = body[2:], isHex
	case strings.HasPrefix(body, "#"):
		body, valid = body[1:], isDigit
	}

	n := 0
	for n < len(body) && n < maxName && valid(body[n]) {
		n++
	}
	if n == 0 || n >= len(body) || body[n] != ';' {
		return 0
	}
	return len(s) - len(body) + n + 1
}

// tokenLen returns the length of the open…close run that s starts with,
// or 0 when the run is not closed on the same line or contains another
// open character.
func tokenLen(s string, open, close byte) int {
	for j := 1; j < len(s); j++ {
		switch s[j] {
		case close:
			return j + 1
		case open, '\n':
			return 0
		}
	}
	return 0
}

// maskedLinkLen returns the length of the [text](url) link that s starts
// with, or 0 when s does not start with one on a single line.
func maskedLinkLen(s string) int {
	text := tokenLen(s, '[', ']')
	if text == 0 || text >= len(s) || s[text] != '(' {
		return 0
	}
	target := tokenLen(s[text:], '(', ')')
	if target == 0 {
		return 0
	}
	return text + target
}

// codeState tracks whether a text position is inside code. fence is the
// number of backticks that opened the code, 0 outside code.
type codeState struct {
	fence int
}

// advance returns the state after a run of n backticks. A run of three or
// more opens or closes a code block, and inside a block shorter runs are
// literal. Outside a block, a shorter run opens inline code that a run of
// the same length closes.
func (c codeState) advance(n int) codeState {
	switch {
	case c.fence >= 3:
		if n >= 3 {
			return codeState{}
		}
		return c
	case c.fence > 0:
		if n == c.fence {
			return codeState{}
		}
		return c
	case n >= 3:
		return codeState{fence: 3}
	default:
		return codeState{fence: n}
	}
}

// closer returns the backticks that close the open code, if any.
func (c codeState) closer() string {
	return strings.Repeat("`", c.fence)
}
