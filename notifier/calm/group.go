package calm

import (
	"encoding/json"
	"strings"

	"github.com/fcnotify/fcnotify/notifier"
)

// Lookup returns the value at a dotted path of template data, such as
// "group", "names.group" or "data.cluster", and false when a part of the
// path is missing or is not a map.
func Lookup(data map[string]any, path string) (any, bool) {
	var cur any = data
	for part := range strings.SplitSeq(path, ".") {
		switch m := cur.(type) {
		case map[string]any:
			v, ok := m[part]
			if !ok {
				return nil, false
			}
			cur = v
		case map[string]string:
			v, ok := m[part]
			if !ok {
				return nil, false
			}
			cur = v
		default:
			return nil, false
		}
	}
	return cur, true
}

// GroupKey returns the key of the group an event joins: the text forms
// of the values at the paths in by, in order, as a JSON list. A missing
// value counts as "", so events that all lack it share a group. It also
// returns the values by path, which grouped messages show.
func GroupKey(by []string, data map[string]any) (string, map[string]any) {
	texts := make([]string, len(by))
	values := make(map[string]any, len(by))
	for i, path := range by {
		v, _ := Lookup(data, path)
		texts[i] = notifier.FormatValue(v)
		values[path] = texts[i]
	}
	key, _ := json.Marshal(texts)
	return string(key), values
}
