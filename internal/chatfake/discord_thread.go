package chatfake

import (
	"encoding/json"
	"net/http"
)

// startThread starts a thread from a message, as Discord's Start Thread
// from Message does: the thread's id is the message's id, and messages
// are then posted to the channel with that id. It returns 201 with the
// thread channel, 404 code 10008 for an unknown message, and 400 code
// 160004 when the message already has a thread.
func (d *Discord) startThread(w http.ResponseWriter, r *http.Request) {
	if !d.checkBot(w, r) {
		return
	}
	var body struct {
		Name string `json:"name"`
	}
	if json.NewDecoder(r.Body).Decode(&body) != nil || body.Name == "" || len([]rune(body.Name)) > 100 {
		writeDiscordError(w, http.StatusBadRequest, 50035, "Invalid Form Body")
		return
	}

	channel, message := r.PathValue("channel"), r.PathValue("message")
	d.msgMu.Lock()
	found := d.messages[message] == channel
	_, started := d.threads[message]
	if found && !started {
		d.threads[message] = channel
	}
	d.msgMu.Unlock()

	switch {
	case !found:
		writeDiscordError(w, http.StatusNotFound, 10008, "Unknown Message")
	case started:
		writeDiscordError(w, http.StatusBadRequest, 160004, "A thread has already been created for this message")
	default:
		writeJSON(w, http.StatusCreated, map[string]any{"id": message, "type": 11, "parent_id": channel, "name": body.Name})
	}
}

// Threads returns the ids of the threads started, each with the channel
// of the message it was started from.
func (d *Discord) Threads() map[string]string {
	d.msgMu.Lock()
	defer d.msgMu.Unlock()
	out := make(map[string]string, len(d.threads))
	for id, channel := range d.threads {
		out[id] = channel
	}
	return out
}
