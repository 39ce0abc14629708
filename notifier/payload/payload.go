// Package payload turns a Frappe Cloud webhook body into a
// *notifier.Event.
//
// Frappe Cloud sends {"event": "<name>", "data": {...}}. Older deliveries,
// and the example in its public docs, send the document alone. Such an
// event is named after the event Frappe Cloud sends for its doctype, or
// after the doctype itself when there is none. Both forms are accepted.
package payload

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/fcnotify/fcnotify/notifier"
)

// Error is a body that cannot be read as a webhook payload. Message states
// what is wrong in terms of the JSON the sender wrote. It never contains
// more of the body than one offending character, so a receiver may
// return it to the HTTP client as it is.
type Error struct {
	Message string
	err     error
}

func (e *Error) Error() string { return e.Message }

// Unwrap returns the decoder error behind a JSON syntax failure, or nil.
func (e *Error) Unwrap() error { return e.err }

const wrapperHint = `send {"event": ..., "data": {...}}`

// Parse reads a webhook body. Datetimes and dates, which Frappe Cloud
// writes without a zone, are read in loc, or in UTC when loc is nil.
//
// The event's Fields hold every data field that is present, converted as
// notifier.Event documents. Only top-level values are converted this way:
// inside lists and objects, numbers become int64 or float64 but strings,
// "None" and null stay as sent.
//
// A `modified` value that is not a datetime leaves Modified zero and is
// kept in Fields as text, so a malformed timestamp does not cost the
// delivery. Every error is an *Error.
func Parse(body []byte, loc *time.Location) (*notifier.Event, error) {
	if loc == nil {
		loc = time.UTC
	}

	top, err := decodeObject(body)
	if err != nil {
		return nil, err
	}

	name, data, err := unwrap(top)
	if err != nil {
		return nil, err
	}

	ev := &notifier.Event{Name: name}
	if err := identify(ev, data); err != nil {
		return nil, err
	}
	if ev.Name == "" {
		ev.Name = eventOf(ev.Doctype)
	}
	if ev.Name == "" {
		return nil, &Error{Message: "event name and doctype are both missing: " + wrapperHint}
	}

	normalize(data, loc)
	ev.Fields = data
	if t, ok := data["modified"].(time.Time); ok {
		ev.Modified = t
	}
	return ev, nil
}

// Digest returns the hex SHA-256 of a body. Two deliveries with the same
// digest are byte-identical, so the second is a redelivery.
func Digest(body []byte) string {
	sum := sha256.Sum256(body)
	return hex.EncodeToString(sum[:])
}

// decodeObject decodes the whole body, which must be one JSON object.
// Numbers stay json.Number so whole numbers keep their precision.
func decodeObject(body []byte) (map[string]any, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()

	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, syntaxError(err, len(body))
	}
	rest := bytes.TrimLeft(body[dec.InputOffset():], " \t\r\n")
	if len(rest) > 0 {
		// Offsets count from 1, as json.SyntaxError's do.
		at := len(body) - len(rest) + 1
		return nil, &Error{Message: fmt.Sprintf("body is not valid JSON: unexpected data after the top-level value at byte %d", at)}
	}

	obj, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{Message: "body must be a JSON object, got " + jsonType(v)}
	}
	return obj, nil
}

func syntaxError(err error, size int) *Error {
	var se *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return &Error{Message: fmt.Sprintf("body is not valid JSON: %s at byte %d", se.Error(), se.Offset), err: err}
	case errors.Is(err, io.EOF):
		return &Error{Message: "body is empty: " + wrapperHint, err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &Error{Message: fmt.Sprintf("body is not valid JSON: unexpected end of input after byte %d", size), err: err}
	}
	return &Error{Message: "body is not valid JSON: " + err.Error(), err: err}
}

// unwrap returns the event name and the document. A body with an "event"
// key is the wrapped form; any other body is the document itself.
func unwrap(top map[string]any) (string, map[string]any, error) {
	rawName, wrapped := top["event"]
	if !wrapped {
		return "", top, nil
	}

	name, ok := rawName.(string)
	if !ok {
		return "", nil, &Error{Message: "event must be a string"}
	}

	rawData, ok := top["data"]
	if !ok {
		return "", nil, &Error{Message: "data is missing: " + wrapperHint}
	}
	data, ok := rawData.(map[string]any)
	if !ok {
		return "", nil, &Error{Message: "data must be a JSON object, got " + jsonType(rawData)}
	}
	return name, data, nil
}

// identify copies the fields that name the document the event is about.
// They are read before normalisation, so a document named like a date
// keeps its name as sent.
func identify(ev *notifier.Event, data map[string]any) error {
	targets := []struct {
		key string
		dst *string
	}{
		{"doctype", &ev.Doctype},
		{"name", &ev.Document},
		{"team", &ev.Team},
		{"status", &ev.Status},
	}
	for _, t := range targets {
		s, err := identityText(data, t.key)
		if err != nil {
			return err
		}
		*t.dst = s
	}
	return nil
}

func identityText(data map[string]any, key string) (string, error) {
	v, ok := data[key]
	if !ok || v == nil {
		return "", nil
	}
	s, ok := v.(string)
	if !ok {
		return "", &Error{Message: fmt.Sprintf("data.%s must be a string, got %s", key, jsonType(v))}
	}
	if s == noneText {
		return "", nil
	}
	return s, nil
}

// jsonType names the JSON type of a decoded value.
func jsonType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case json.Number:
		return "number"
	case bool:
		return "boolean"
	}
	return fmt.Sprintf("%T", v)
}

// eventsByDoctype names the event Frappe Cloud sends for each doctype, so
// an unwrapped document matches the same rules as a wrapped one.
var eventsByDoctype = map[string]string{
	"Site":                   notifier.EventSiteStatus,
	"Site Plan Change":       notifier.EventSitePlanChange,
	"Bench":                  notifier.EventBenchStatus,
	"Deploy Candidate Build": notifier.EventDeployStatus,
	"Deploy Candidate":       notifier.EventDeployStatus,
}

func eventOf(doctype string) string {
	if name, ok := eventsByDoctype[doctype]; ok {
		return name
	}
	return doctype
}
