package calm

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Tags of the values that plain JSON cannot tell apart. Each is the one
// key of an object that stands for a value of its type.
const (
	tagTime     = "$time"
	tagDuration = "$duration"
	tagInt      = "$int"
	// tagMap wraps an object of the data itself whose only key starts
	// with "$", so it is not read as a tag.
	tagMap = "$map"
)

// EncodeData returns template data as JSON that DecodeData turns back
// into values of the same Go types. Plain JSON would turn times into
// strings and durations and whole numbers into float64, and helpers such
// as duration and datetime would then fail on held data. EncodeData
// accepts the types that view.Build and notifier.Event fields use: nil,
// string, bool, int, int64, float64, time.Time, time.Duration, []any,
// []string, map[string]any and map[string]string. Any other type is an
// error.
func EncodeData(data map[string]any) ([]byte, error) {
	tagged, err := tag(data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(tagged)
}

// DecodeData reads data written by EncodeData. Lists come back as []any,
// objects as map[string]any and ints as int64.
func DecodeData(b []byte) (map[string]any, error) {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decode held data: %w", err)
	}
	out, err := untagMap(raw)
	if err != nil {
		return nil, fmt.Errorf("decode held data: %w", err)
	}
	return out, nil
}

func tag(v any) (any, error) {
	switch x := v.(type) {
	case nil, string, bool, float64:
		return x, nil
	case int:
		return map[string]any{tagInt: strconv.Itoa(x)}, nil
	case int64:
		return map[string]any{tagInt: strconv.FormatInt(x, 10)}, nil
	case time.Time:
		return map[string]any{tagTime: x.Format(time.RFC3339Nano)}, nil
	case time.Duration:
		return map[string]any{tagDuration: strconv.FormatInt(int64(x), 10)}, nil
	case []string:
		out := make([]any, len(x))
		for i, s := range x {
			out[i] = s
		}
		return out, nil
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			t, err := tag(e)
			if err != nil {
				return nil, err
			}
			out[i] = t
		}
		return out, nil
	case map[string]string:
		m := make(map[string]any, len(x))
		for k, s := range x {
			m[k] = s
		}
		return wrapMap(m), nil
	case map[string]any:
		m := make(map[string]any, len(x))
		for k, e := range x {
			t, err := tag(e)
			if err != nil {
				return nil, fmt.Errorf("key %q: %w", k, err)
			}
			m[k] = t
		}
		return wrapMap(m), nil
	}
	return nil, fmt.Errorf("value of type %T cannot be held", v)
}

// wrapMap protects an object that would read as a tag.
func wrapMap(m map[string]any) any {
	if len(m) != 1 {
		return m
	}
	for k := range m {
		if strings.HasPrefix(k, "$") {
			return map[string]any{tagMap: m}
		}
	}
	return m
}

func untag(v any) (any, error) {
	switch x := v.(type) {
	case []any:
		for i, e := range x {
			u, err := untag(e)
			if err != nil {
				return nil, err
			}
			x[i] = u
		}
		return x, nil
	case map[string]any:
		return untagObject(x)
	}
	return v, nil
}

func untagObject(m map[string]any) (any, error) {
	if len(m) != 1 {
		return untagMap(m)
	}
	for k, e := range m {
		switch k {
		case tagMap:
			inner, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("invalid %s value of type %T, expected an object", tagMap, e)
			}
			return untagMap(inner)
		case tagTime, tagDuration, tagInt:
			return untagScalar(k, e)
		}
	}
	return untagMap(m)
}

func untagMap(m map[string]any) (map[string]any, error) {
	for k, e := range m {
		u, err := untag(e)
		if err != nil {
			return nil, err
		}
		m[k] = u
	}
	return m, nil
}

func untagScalar(kind string, v any) (any, error) {
	s, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("invalid %s value of type %T, expected a string", kind, v)
	}
	switch kind {
	case tagTime:
		return time.Parse(time.RFC3339Nano, s)
	case tagDuration:
		n, err := strconv.ParseInt(s, 10, 64)
		return time.Duration(n), err
	default:
		return strconv.ParseInt(s, 10, 64)
	}
}
