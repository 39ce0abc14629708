// Package crashtest supports tests that drive fcnotify as Frappe Cloud
// would: it makes unique webhook bodies from the recorded fixtures, and
// builds, starts, signals and kills the fcnotify binary.
package crashtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
)

// TokenPattern matches the token that Events writes into each body. A
// chat message of an event carries its token in the document name.
var TokenPattern = regexp.MustCompile(`fcx[0-9]{6}`)

// Event is one unique webhook body and the token that identifies it in
// the chat messages it causes.
type Event struct {
	Token string
	Body  []byte
}

// fixture is one recorded body with the values that Events changes.
type fixture struct {
	body []byte
	name string
	// site is set for Site Plan Change, whose messages name the site
	// rather than the document.
	site string
}

// Events returns n unique bodies made from the fixtures in dir, taken in
// turn in file-name order. Body i is fixture i modulo the number of
// fixtures with the token fcx<i> appended to its document name, and to
// the site of a plan change, so no two bodies are alike and every one is
// a first sighting of its document. Webhook Validate, which posts nothing,
// is left out.
func Events(dir string, n int) ([]Event, error) {
	fixtures, err := readFixtures(dir)
	if err != nil {
		return nil, err
	}
	events := make([]Event, n)
	for i := range events {
		fx := fixtures[i%len(fixtures)]
		token := fmt.Sprintf("fcx%06d", i)
		body := replaceFirst(fx.body, "name", fx.name, fx.name+"-"+token)
		if fx.site != "" {
			body = replaceFirst(body, "site", fx.site, fx.site+"-"+token)
		}
		events[i] = Event{Token: token, Body: body}
	}
	return events, nil
}

func readFixtures(dir string) ([]fixture, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(files)

	var fixtures []fixture
	for _, file := range files {
		body, err := os.ReadFile(file)
		if err != nil {
			return nil, err
		}
		doc, event, err := document(body)
		if err != nil {
			return nil, fmt.Errorf("fixture %q: %w", file, err)
		}
		if event == "Webhook Validate" {
			continue
		}
		fx := fixture{body: body, name: doc["name"]}
		if doc["doctype"] == "Site Plan Change" {
			fx.site = doc["site"]
		}
		if !bytes.Contains(body, member("name", fx.name)) {
			return nil, fmt.Errorf("fixture %q: document name %q not found as written", file, fx.name)
		}
		fixtures = append(fixtures, fx)
	}
	if len(fixtures) == 0 {
		return nil, fmt.Errorf("no fixtures in %q: expected Frappe Cloud webhook bodies named *.json", dir)
	}
	return fixtures, nil
}

// document returns the string members of a body's document, with or
// without the {"event", "data"} wrapper, and the event name when wrapped.
func document(body []byte) (map[string]string, string, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		return nil, "", err
	}
	var event string
	if raw, ok := top["event"]; ok {
		_ = json.Unmarshal(raw, &event)
	}
	if data, ok := top["data"]; ok {
		top = nil
		if err := json.Unmarshal(data, &top); err != nil {
			return nil, "", fmt.Errorf("decode data: %w", err)
		}
	}

	doc := map[string]string{}
	for key, raw := range top {
		var s string
		if json.Unmarshal(raw, &s) == nil {
			doc[key] = s
		}
	}
	if doc["name"] == "" && event != "Webhook Validate" {
		return nil, "", fmt.Errorf(`document has no "name" string member`)
	}
	return doc, event, nil
}

// member returns the bytes of a JSON member as Frappe Cloud writes it.
func member(key, value string) []byte {
	return []byte(strconv.Quote(key) + ": " + strconv.Quote(value))
}

func replaceFirst(body []byte, key, old, replacement string) []byte {
	return bytes.Replace(body, member(key, old), member(key, replacement), 1)
}
