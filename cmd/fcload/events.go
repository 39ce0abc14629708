package main

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strconv"
	"time"
)

// fixtureFiles holds one Frappe Cloud request body per event case, byte
// for byte as the sender puts it on the wire. Webhook Validate is left
// out because fcnotify neither stores nor posts it.
//
//go:embed fixtures/*.json
var fixtureFiles embed.FS

// tokenPattern finds the request tokens in a posted chat message.
var tokenPattern = regexp.MustCompile(`fcl[0-9]{9}`)

// frappeTime is the layout of Frappe Cloud datetimes: no zone, microseconds.
const frappeTime = "2006-01-02 15:04:05.000000"

// slot is a part of a body that changes with every request.
type slot int

const (
	slotNone slot = iota
	slotName
	slotModified
	slotSite
)

// piece is literal text followed by the value of a slot.
type piece struct {
	text string
	slot slot
}

// fixture is one event body cut around the values that make each request
// unique, so rendering it keeps the sender's exact byte format.
type fixture struct {
	file   string
	name   string // the document name in the file
	site   string // the site of a Site Plan Change, "" otherwise
	pieces []piece
}

// eventSource turns the fixtures into unique request bodies. It is safe
// for concurrent use because it is never changed after newEventSource.
type eventSource struct {
	fixtures []fixture
	shards   int
	base     time.Time
}

// newEventSource reads the embedded fixtures. Bodies made with shards
// above 1 carry a "load_shard" field that rules use to spread events over
// that many channels.
func newEventSource(shards int, base time.Time) (*eventSource, error) {
	files, err := fs.Glob(fixtureFiles, "fixtures/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)

	src := &eventSource{shards: shards, base: base}
	for _, file := range files {
		raw, err := fixtureFiles.ReadFile(file)
		if err != nil {
			return nil, err
		}
		fx, err := cutFixture(path.Base(file), raw)
		if err != nil {
			return nil, err
		}
		src.fixtures = append(src.fixtures, fx)
	}
	if len(src.fixtures) == 0 {
		return nil, fmt.Errorf("no fixtures embedded under fixtures/")
	}
	return src, src.check()
}

// cutFixture finds the first "name", "modified" and, for plan changes,
// "site" members of the document and cuts the body around their values.
func cutFixture(file string, raw []byte) (fixture, error) {
	doc, err := documentOf(raw)
	if err != nil {
		return fixture{}, fmt.Errorf("fixture %q: %w", file, err)
	}
	fx := fixture{file: file, name: doc["name"]}
	if doc["doctype"] == "Site Plan Change" {
		fx.site = doc["site"]
	}

	rest := string(raw)
	for _, member := range []struct {
		key   string
		value string
		slot  slot
	}{{"name", fx.name, slotName}, {"modified", doc["modified"], slotModified}, {"site", fx.site, slotSite}} {
		if member.value == "" {
			continue
		}
		quoted := fmt.Sprintf("%q: %q", member.key, member.value)
		at := bytes.Index([]byte(rest), []byte(quoted))
		if at < 0 {
			return fixture{}, fmt.Errorf("fixture %q: member %s not found", file, quoted)
		}
		cut := at + len(quoted) - len(strconv.Quote(member.value))
		fx.pieces = append(fx.pieces, piece{text: rest[:cut], slot: member.slot})
		rest = rest[at+len(quoted):]
	}
	fx.pieces = append(fx.pieces, piece{text: rest})
	return fx, nil
}

// documentOf returns the string members of the document in a body, with
// or without the {"event", "data"} wrapper.
func documentOf(raw []byte) (map[string]string, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, err
	}
	if data, ok := top["data"]; ok {
		if err := json.Unmarshal(data, &top); err != nil {
			return nil, fmt.Errorf("decode data: %w", err)
		}
	}

	doc := map[string]string{}
	for key, value := range top {
		var s string
		if json.Unmarshal(value, &s) == nil {
			doc[key] = s
		}
	}
	if doc["name"] == "" || doc["modified"] == "" {
		return nil, fmt.Errorf(`document has no "name" or "modified" string member`)
	}
	return doc, nil
}

// request is one unique body and the token that identifies it in posts.
type request struct {
	seq   int
	token string
	file  string
	body  []byte
}

// token returns the marker that request seq carries in its document name.
func token(seq int) string { return fmt.Sprintf("fcl%09d", seq) }

// build returns the body of request seq, made from the fixtures in turn.
// The document name, and the site of a plan change, end in the request's
// token, and modified is one microsecond later than in request seq-1.
func (s *eventSource) build(seq int) request {
	fx := s.fixtures[seq%len(s.fixtures)]
	tok := token(seq)
	modified := s.modified(seq)

	var buf bytes.Buffer
	for _, p := range fx.pieces {
		buf.WriteString(p.text)
		switch p.slot {
		case slotName:
			buf.WriteString(strconv.Quote(fx.name + "-" + tok))
			if s.shards > 1 {
				fmt.Fprintf(&buf, `, "load_shard": %q`, shardLabel(seq%s.shards))
			}
		case slotModified:
			buf.WriteString(strconv.Quote(modified))
		case slotSite:
			buf.WriteString(strconv.Quote(fx.site + "-" + tok))
		}
	}
	return request{seq: seq, token: tok, file: fx.file, body: buf.Bytes()}
}

func (s *eventSource) modified(seq int) string {
	return s.base.Add(time.Duration(seq) * time.Microsecond).Format(frappeTime)
}

// shardLabel names shard i in channel names and in the "load_shard" field.
func shardLabel(i int) string { return fmt.Sprintf("%03d", i) }

// check renders every fixture once and verifies that the document name
// and modified time were replaced, so a fixture that changes shape fails
// here instead of posting messages without tokens.
func (s *eventSource) check() error {
	for i, fx := range s.fixtures {
		req := s.build(i)
		doc, err := documentOf(req.body)
		if err != nil {
			return fmt.Errorf("fixture %q after rewriting: %w", fx.file, err)
		}
		if doc["name"] != fx.name+"-"+req.token {
			return fmt.Errorf("fixture %q: name not rewritten, got %q", fx.file, doc["name"])
		}
		if doc["modified"] != s.modified(i) {
			return fmt.Errorf("fixture %q: modified not rewritten, got %q", fx.file, doc["modified"])
		}
	}
	return nil
}
