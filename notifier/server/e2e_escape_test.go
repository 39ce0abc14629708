package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// jsonStrings collects every string in a decoded JSON value.
func jsonStrings(v any, out *[]string) {
	switch x := v.(type) {
	case string:
		*out = append(*out, x)
	case []any:
		for _, e := range x {
			jsonStrings(e, out)
		}
	case map[string]any:
		for _, e := range x {
			jsonStrings(e, out)
		}
	}
}

func TestHostileLabelPingsNobody(t *testing.T) {
	const siteRules = `
rules:
  - name: site
    match: {event: Site Status Update}
    notify: [ops, devs]
`
	label := "<!channel> @everyone @here <@U123> <#C1> *bold* _it_ ~x~ `code` & [x](http://evil.example)"
	s := startStack(t, siteRules, "", nil, nil)
	s.post(variant(t, "site-status-unicode.json", "label", label))
	s.settle()

	if len(s.slack.Requests()) != 1 || len(s.discord.Requests()) != 1 {
		t.Fatalf("posts: Slack %d, Discord %d, want 1 each", len(s.slack.Requests()), len(s.discord.Requests()))
	}

	var slackBody map[string]any
	if err := json.Unmarshal(s.slack.Requests()[0].Body, &slackBody); err != nil {
		t.Fatal(err)
	}
	var texts []string
	jsonStrings(slackBody, &texts)
	all := strings.Join(texts, "\n")
	for _, live := range []string{"<!channel>", "<@U123>", "<#C1>", "<http://evil.example"} {
		if strings.Contains(all, live) {
			t.Errorf("Slack message contains live markup %q", live)
		}
	}
	if !strings.Contains(all, "&lt;!channel&gt;") {
		t.Errorf("Slack message lost the escaped label: %s", all)
	}

	var discordBody struct {
		Content         string `json:"content"`
		AllowedMentions struct {
			Parse []string `json:"parse"`
			Users []string `json:"users"`
			Roles []string `json:"roles"`
		} `json:"allowed_mentions"`
	}
	raw := s.discord.Requests()[0].Body
	if err := json.Unmarshal(raw, &discordBody); err != nil {
		t.Fatal(err)
	}
	if discordBody.AllowedMentions.Parse == nil || len(discordBody.AllowedMentions.Parse) != 0 {
		t.Errorf("allowed_mentions.parse = %v, want []", discordBody.AllowedMentions.Parse)
	}
	if len(discordBody.AllowedMentions.Users)+len(discordBody.AllowedMentions.Roles) != 0 {
		t.Errorf("allowed_mentions lists ids: %+v", discordBody.AllowedMentions)
	}
	if discordBody.Content != "" {
		t.Errorf("content = %q, want empty: only a rule's mentions go there", discordBody.Content)
	}
	var dtexts []string
	var decoded any
	json.Unmarshal(raw, &decoded)
	jsonStrings(decoded, &dtexts)
	dall := strings.Join(dtexts, "\n")
	for _, live := range []string{"@everyone", "@here", "<@U123>", "[x](http://evil.example)"} {
		if strings.Contains(dall, live) {
			t.Errorf("Discord message contains live markup %q", live)
		}
	}
}
