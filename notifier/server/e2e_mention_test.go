package server

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRuleMentionPingsExactlyItsTargets checks that a rule's own mention
// reaches each platform in the place that notifies, and nothing else can
// ping.
func TestRuleMentionPingsExactlyItsTargets(t *testing.T) {
	const mentionRules = `
rules:
  - name: bench-broken
    match: {event: Bench Status Update, to: Broken}
    notify: [ops, devs]
    mention: [user:U024BE7LH, group:S0614TZR7, role:112233445566778899, user:998877665544332211]
`
	s := startStack(t, mentionRules, "", nil, nil)
	s.post(variant(t, "bench-status-broken.json", "cluster", "@everyone <@U999> <@&1>"))
	s.settle()

	var slackBody struct {
		Text string `json:"text"`
	}
	if err := json.Unmarshal(s.slack.Requests()[0].Body, &slackBody); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<@U024BE7LH>", "<!subteam^S0614TZR7>"} {
		if !strings.Contains(slackBody.Text, want) {
			t.Errorf("Slack text %q lacks the mention %s", slackBody.Text, want)
		}
	}
	if strings.Contains(string(s.slack.Requests()[0].Body), "<@U999>") {
		t.Error("Slack message contains the payload's <@U999> as a live mention")
	}

	var discordBody struct {
		Content         string `json:"content"`
		AllowedMentions struct {
			Parse []string `json:"parse"`
			Users []string `json:"users"`
			Roles []string `json:"roles"`
		} `json:"allowed_mentions"`
	}
	if err := json.Unmarshal(s.discord.Requests()[0].Body, &discordBody); err != nil {
		t.Fatal(err)
	}
	am := discordBody.AllowedMentions
	if len(am.Parse) != 0 || strings.Join(am.Users, ",") != "998877665544332211" ||
		strings.Join(am.Roles, ",") != "112233445566778899" {
		t.Errorf("allowed_mentions = %+v, want parse [] users [998877665544332211] roles [112233445566778899]", am)
	}
	if discordBody.Content != "<@998877665544332211> <@&112233445566778899>" &&
		discordBody.Content != "<@&112233445566778899> <@998877665544332211>" {
		t.Errorf("content = %q, want the two mentions only", discordBody.Content)
	}
}
