package chatfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"
	"unicode/utf8"
)

// discordMessage is the part of a message body that the fake checks.
type discordMessage struct {
	Content string         `json:"content"`
	Embeds  []discordEmbed `json:"embeds"`
}

type discordEmbed struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Footer      *struct {
		Text string `json:"text"`
	} `json:"footer"`
	Fields []struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	} `json:"fields"`
}

// decodeMessage reads a message body and checks it against Discord's
// size limits. When it fails it responds as Discord does and returns false.
// An edit may be empty, a new message (create) may not.
func decodeMessage(w http.ResponseWriter, r *http.Request, create bool) (map[string]json.RawMessage, bool) {
	var raw map[string]json.RawMessage
	var msg discordMessage
	body, _ := io.ReadAll(r.Body)
	if json.Unmarshal(body, &raw) != nil || json.Unmarshal(body, &msg) != nil {
		writeDiscordError(w, http.StatusBadRequest, 50109, "The request body contains invalid JSON.")
		return nil, false
	}
	if create && msg.Content == "" && len(msg.Embeds) == 0 {
		writeDiscordError(w, http.StatusBadRequest, 50006, "Cannot send an empty message")
		return nil, false
	}
	if problem := checkLimits(msg); problem != "" {
		writeJSON(w, http.StatusBadRequest, map[string]any{
			"message": "Invalid Form Body",
			"code":    50035,
			"errors":  map[string]string{"detail": problem},
		})
		return nil, false
	}
	return raw, true
}

// checkLimits returns what breaks Discord's documented message limits, or
// "" when nothing does.
func checkLimits(msg discordMessage) string {
	count := utf8.RuneCountInString
	switch {
	case count(msg.Content) > 2000:
		return "content: must be 2000 or fewer in length"
	case len(msg.Embeds) > 10:
		return "embeds: must be 10 or fewer in length"
	}

	total := 0
	for i, e := range msg.Embeds {
		footer := ""
		if e.Footer != nil {
			footer = e.Footer.Text
		}
		switch {
		case count(e.Title) > 256:
			return fmt.Sprintf("embeds.%d.title: must be 256 or fewer in length", i)
		case count(e.Description) > 4096:
			return fmt.Sprintf("embeds.%d.description: must be 4096 or fewer in length", i)
		case count(footer) > 2048:
			return fmt.Sprintf("embeds.%d.footer.text: must be 2048 or fewer in length", i)
		case len(e.Fields) > 25:
			return fmt.Sprintf("embeds.%d.fields: must be 25 or fewer in length", i)
		}
		total += count(e.Title) + count(e.Description) + count(footer)

		for j, f := range e.Fields {
			switch {
			case f.Name == "" || count(f.Name) > 256:
				return fmt.Sprintf("embeds.%d.fields.%d.name: must be between 1 and 256 in length", i, j)
			case f.Value == "" || count(f.Value) > 1024:
				return fmt.Sprintf("embeds.%d.fields.%d.value: must be between 1 and 1024 in length", i, j)
			}
			total += count(f.Name) + count(f.Value)
		}
	}
	if total > 6000 {
		return "embeds: embed size exceeds maximum size of 6000"
	}
	return ""
}

// messageObject returns the message Discord responds with, echoing the
// content and embeds that were sent.
func messageObject(id, channel, webhookID string, sent map[string]json.RawMessage) map[string]any {
	msg := map[string]any{
		"id":         id,
		"type":       0,
		"channel_id": channel,
		"content":    "",
		"embeds":     []any{},
		"timestamp":  time.Now().UTC().Format(time.RFC3339Nano),
		"author":     map[string]any{"id": "400000000000000001", "username": "fcnotify", "bot": true},
	}
	for _, key := range []string{"content", "embeds"} {
		if value, ok := sent[key]; ok && string(value) != "null" {
			msg[key] = value
		}
	}
	if webhookID != "" {
		msg["webhook_id"] = webhookID
	}
	return msg
}
