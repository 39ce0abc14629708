package textcut

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCut(t *testing.T) {
	tests := []struct {
		name   string
		in     string
		max    int
		markup Markup
		want   string
	}{
		{"fits unchanged", "hello", 5, Slack, "hello"},
		{"empty fits", "", 0, Slack, ""},
		{"zero max", "hello", 0, Slack, ""},
		{"negative max", "hello", -3, Plain, ""},
		{"one leaves ellipsis", "hello", 1, Plain, "…"},
		{"ascii", "hello world", 8, Plain, "hello w…"},
		{"two-byte runes", "ééééé", 3, Slack, "éé…"},
		{"three-byte runes", "東京東京", 3, Discord, "東京…"},
		{"four-byte runes", "🚀🚀🚀", 2, Slack, "🚀…"},
		{"combining mark kept with base", "e\u0301e\u0301e\u0301", 4, Plain, "e\u0301…"},
		{"zwj sequence kept whole", "👩\u200d💻👩\u200d💻", 4, Plain, "👩\u200d💻…"},
		{"variation selector kept", "❤\ufe0f❤\ufe0f", 3, Plain, "❤\ufe0f…"},
		{"slack entity whole", "a &amp; b", 5, Slack, "a …"},
		{"slack entity fits", "a &amp; b", 8, Slack, "a &amp;…"},
		{"numeric entity whole", "x &#60; y", 6, Slack, "x …"},
		{"hex entity whole", "x &#x3c; y", 6, Slack, "x …"},
		{"plain cuts entity text", "a &amp; b", 5, Plain, "a &a…"},
		{"bare ampersand", "a & b c", 4, Slack, "a &…"},
		{"slack mention whole", "hi <@U123> there", 6, Slack, "hi …"},
		{"slack link whole", "see <https://x.io/a|docs> now", 12, Slack, "see …"},
		{"unclosed angle bracket", "a < b c d", 4, Slack, "a <…"},
		{"discord role whole", "hey <@&123456> ok", 8, Discord, "hey …"},
		{"code block closed", "```abcdef```", 8, Slack, "```a…```"},
		{"code block closed discord", "```go\nx := 1\n```", 10, Discord, "```go\n…```"},
		{"inline code closed", "say `hello world` now", 10, Slack, "say `hel…`"},
		{"closed code needs no closer", "`a` bcdefgh", 6, Slack, "`a` b…"},
		{"single backtick inside block", "```a`bcdefg```", 9, Slack, "```a`…```"},
		{"no room for closer", "```abcdef```", 4, Slack, "…"},
		{"discord escape whole", `ab\*cd`, 4, Discord, "ab…"},
		{"backslash literal in code", "`a\\`bcdef", 5, Discord, "`a\\`…"},
		{"discord masked link whole", "go [site](https://x.io) now", 10, Discord, "go …"},
		{"slack keeps brackets apart", "go [site](x) now", 6, Slack, "go [s…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Cut(tt.in, tt.max, tt.markup)
			if got != tt.want {
				t.Errorf("Cut(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
			}
			if tt.max >= 0 && Len(got) > tt.max {
				t.Errorf("Cut(%q, %d) has %d characters", tt.in, tt.max, Len(got))
			}
		})
	}
}

func TestLen(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"", 0},
		{"abc", 3},
		{"é東🚀", 3},
		{"&amp;", 5},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Len(tt.in); got != tt.want {
				t.Errorf("Len(%q) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func FuzzCut(f *testing.F) {
	for _, seed := range []string{"hello &amp; <@U1> ```code``` `x` 東🚀", `\*a\_ [a](b)`, "e\u0301\u200d"} {
		f.Add(seed, 5)
	}
	f.Fuzz(func(t *testing.T, s string, max int) {
		if !utf8.ValidString(s) || max > 1<<16 {
			t.Skip()
		}
		for _, markup := range []Markup{Plain, Slack, Discord} {
			got := Cut(s, max, markup)
			if max >= 0 && Len(got) > max {
				t.Fatalf("Cut(%q, %d, %d) = %q has %d characters", s, max, markup, got, Len(got))
			}
			if !utf8.ValidString(got) {
				t.Fatalf("Cut(%q, %d, %d) = %q is not valid UTF-8", s, max, markup, got)
			}
			if got == s {
				continue
			}
			prefix, _, ok := strings.Cut(got, Ellipsis)
			if max > 0 && (!ok || !strings.HasPrefix(s, prefix)) {
				t.Fatalf("Cut(%q, %d, %d) = %q does not start with a prefix of the input", s, max, markup, got)
			}
		}
	})
}
