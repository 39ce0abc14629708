package render

import (
	"testing"
	"time"
)

func testHelpers(f flavor) helpers {
	return helpers{flavor: f, zone: time.UTC, now: func() time.Time { return testNow }}
}

// byFlavor is an expected output on each flavor.
type byFlavor struct{ slack, discord, plain string }

func (b byFlavor) of(f flavor) string {
	switch f {
	case flavorSlack:
		return b.slack
	case flavorDiscord:
		return b.discord
	}
	return b.plain
}

var flavorNames = map[flavor]string{flavorPlain: "plain", flavorSlack: "slack", flavorDiscord: "discord"}

// checkFlavors runs fn on every flavor and compares with want.
func checkFlavors(t *testing.T, want byFlavor, fn func(h helpers) string) {
	t.Helper()
	for f, name := range flavorNames {
		if got := fn(testHelpers(f)); got != want.of(f) {
			t.Errorf("%s: got %q, want %q", name, got, want.of(f))
		}
	}
}

func TestHelperBoldItalic(t *testing.T) {
	tests := []struct {
		name   string
		in     any
		bold   byFlavor
		italic byFlavor
	}{
		{"word", "Broken", byFlavor{"*Broken*", "**Broken**", "Broken"}, byFlavor{"_Broken_", "*Broken*", "Broken"}},
		{"spaces trimmed", " Active ", byFlavor{"*Active*", "**Active**", "Active"}, byFlavor{"_Active_", "*Active*", "Active"}},
		{"empty", "", byFlavor{}, byFlavor{}},
		{"nil", nil, byFlavor{}, byFlavor{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFlavors(t, tt.bold, func(h helpers) string { return h.bold(tt.in) })
			checkFlavors(t, tt.italic, func(h helpers) string { return h.italic(tt.in) })
		})
	}
}

func TestHelperCode(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want byFlavor
	}{
		{"id", "bench-0019", byFlavor{"`bench-0019`", "`bench-0019`", "bench-0019"}},
		{"markers kept literal", "a_b*c", byFlavor{"`a_b*c`", "`a_b*c`", "a_b*c"}},
		{"mention stays text", "<@U1>", byFlavor{"`&lt;@U1&gt;`", "`<@U1>`", "<@U1>"}},
		{"everyone", "@everyone", byFlavor{"`@" + zw + "everyone`", "`@" + zw + "everyone`", "@everyone"}},
		{"one backtick", "a`b", byFlavor{"a`" + zw + "b", "`` a`b ``", "a`b"}},
		{"double backtick", "a``b", byFlavor{"a`" + zw + "`" + zw + "b", "a\\`\\`b", "a``b"}},
		{"empty", "", byFlavor{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Templates pass escaped data to helpers, so escape first.
			checkFlavors(t, tt.want, func(h helpers) string { return h.code(h.flavor.escape(tt.raw)) })
		})
	}
}

func TestHelperCodeblock(t *testing.T) {
	const fence = "```"
	tests := []struct {
		name string
		args []string // the last one is raw text, escaped before the call
		want byFlavor
	}{
		{
			"lines",
			[]string{"one\ntwo\n"},
			byFlavor{fence + "\none\ntwo\n" + fence, fence + "\none\ntwo\n" + fence, "    one\n    two"},
		},
		{
			"language",
			[]string{"python", "x = 1"},
			byFlavor{fence + "\nx = 1\n" + fence, fence + "python\nx = 1\n" + fence, "    x = 1"},
		},
		{
			"language cleaned",
			[]string{"py\n<@U1>", "x"},
			byFlavor{fence + "\nx\n" + fence, fence + "pyU1\nx\n" + fence, "    x"},
		},
		{
			"fence in text",
			[]string{"a ``` b"},
			byFlavor{
				fence + "\na `" + zw + "`" + zw + "` b\n" + fence,
				fence + "\na `" + zw + "`" + zw + "` b\n" + fence,
				"    a ``` b",
			},
		},
		{
			"entities and markers",
			[]string{"x > *y* & <!here>"},
			byFlavor{
				fence + "\nx &gt; *y* &amp; &lt;!here&gt;\n" + fence,
				fence + "\nx > *y* & <!here>\n" + fence,
				"    x > *y* & <!here>",
			},
		},
		{"blank", []string{" \n"}, byFlavor{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFlavors(t, tt.want, func(h helpers) string {
				args := make([]any, len(tt.args))
				for i, a := range tt.args {
					args[i] = a
				}
				args[len(args)-1] = h.flavor.escape(tt.args[len(tt.args)-1])
				got, err := h.codeblock(args...)
				if err != nil {
					t.Fatalf("codeblock: %v", err)
				}
				return got
			})
		})
	}
}

func TestHelperCodeblockArguments(t *testing.T) {
	h := testHelpers(flavorSlack)
	if _, err := h.codeblock(); err == nil {
		t.Error("codeblock() succeeded, want an error")
	}
	if _, err := h.codeblock("a", "b", "c"); err == nil {
		t.Error("codeblock with three arguments succeeded, want an error")
	}
}

func TestHelperLink(t *testing.T) {
	const site = "https://frappecloud.com/dashboard/sites/site1.example.com"
	tests := []struct {
		name  string
		url   string
		label string // raw, escaped before the call like template data
		want  byFlavor
	}{
		{
			"site", site, "site1.example.com",
			byFlavor{"<" + site + "|site1.example.com>", "[site1.example.com](" + site + ")", "site1.example.com (" + site + ")"},
		},
		{"no url", "", "site1", byFlavor{"site1", "site1", "site1"}},
		{"not a web url", "javascript:alert(1)", "x", byFlavor{"x", "x", "x"}},
		{"no label", site, "", byFlavor{"<" + site + "|" + site + ">", "[" + site + "](" + site + ")", site}},
		{
			"label with markup", site, "a|b > [c]",
			byFlavor{"<" + site + "|a∣b &gt; [c]>", "[a\\|b \\> \\[c\\]](" + site + ")", "a|b > [c] (" + site + ")"},
		},
		{
			"url with separators", "https://example.com/a b?x=1&y=(2)|", "x",
			byFlavor{
				"<https://example.com/a%20b?x=1&amp;y=(2)%7C|x>",
				"[x](https://example.com/a%20b?x=1&y=%282%29|)",
				"x (https://example.com/a b?x=1&y=(2)|)",
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFlavors(t, tt.want, func(h helpers) string { return h.link(tt.url, h.flavor.escape(tt.label)) })
		})
	}
}

func TestHelperDurationAgoDates(t *testing.T) {
	zone := time.FixedZone("IST", 5*3600+1800)
	h := helpers{flavor: flavorSlack, zone: zone, now: func() time.Time { return testNow }}
	discord := h
	discord.flavor = flavorDiscord
	at := time.Date(2026, 8, 19, 9, 16, 2, 0, time.UTC)
	day := time.Date(2026, 8, 28, 0, 0, 0, 0, time.UTC)

	tests := []struct {
		name string
		fn   func(any) (string, error)
		in   any
		want string
	}{
		{"duration", h.duration, 4*time.Minute + 12*time.Second, "4m 12s"},
		{"duration seconds", h.duration, int64(41), "41s"},
		{"duration nil", h.duration, nil, ""},
		{"ago past", h.ago, testNow.Add(-3 * time.Minute), "3 minutes ago"},
		{"ago future", h.ago, testNow.Add(49 * time.Hour), "in 2 days"},
		{"ago nil", h.ago, nil, ""},
		{
			"datetime in zone", h.datetime, at,
			"<!date^1787130962^{date_short_pretty} {time}|2026-08-19 14:46 IST>",
		},
		{"datetime in zone on Discord", discord.datetime, at, "2026-08-19 14:46 IST"},
		{"datetime nil", h.datetime, nil, ""},
		{"datetime empty text", h.datetime, "", ""},
		{"date of datetime in zone", h.date, time.Date(2026, 8, 19, 20, 0, 0, 0, time.UTC), "2026-08-20"},
		{"date of calendar date", h.date, day, "2026-08-28"},
		{"date nil", h.date, nil, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.fn(tt.in)
			if err != nil {
				t.Fatalf("error: %v", err)
			}
			if got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestHelperWrongType(t *testing.T) {
	h := testHelpers(flavorPlain)
	tests := []struct {
		name string
		fn   func(any) (string, error)
		in   any
	}{
		{"duration of text", h.duration, "soon"},
		{"ago of number", h.ago, int64(3)},
		{"datetime of text", h.datetime, "2026-08-19"},
		{"date of bool", h.date, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.fn(tt.in); err == nil {
				t.Errorf("succeeded, want an error naming the type")
			}
		})
	}
}

func TestHelperTruncate(t *testing.T) {
	tests := []struct {
		name string
		n    int
		raw  string
		want byFlavor
	}{
		{"short", 10, "abc", byFlavor{"abc", "abc", "abc"}},
		{"runes", 4, "Zürich", byFlavor{"Zür…", "Zür…", "Zür…"}},
		{"escape not split", 3, "<@U1>", byFlavor{"&lt;@…", "\\<@…", "<@…"}},
		{"marker not split", 2, "*x*", byFlavor{"*" + zw + "…", "\\*…", "*…"}},
		{"zero", 0, "abc", byFlavor{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkFlavors(t, tt.want, func(h helpers) string { return h.truncate(tt.n, h.flavor.escape(tt.raw)) })
		})
	}
}
