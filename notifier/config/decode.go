package config

import (
	"errors"
	"reflect"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// decoder fills Go values from a YAML node tree, strictly. A key that the
// target struct does not name, a duplicate key or a value of the wrong
// kind is a Problem at its path and line. Decoding then goes on, so one
// pass finds every problem. yaml.v3's own strict mode (KnownFields)
// reports "field x not found in type config.Match" without the path, and
// its type errors quote the value, which may be a secret.
type decoder struct {
	file     string
	problems Problems
}

var unmarshalerType = reflect.TypeFor[yaml.Unmarshaler]()

func (d *decoder) add(line int, path, message, hint string) {
	d.problems = append(d.problems, Problem{File: d.file, Line: line, Path: path, Message: message, Hint: hint})
}

// decode stores n into out. The tree must be free of alias cycles, which
// checkSize ensures.
func (d *decoder) decode(n *yaml.Node, path string, out reflect.Value) {
	if n.Kind == yaml.AliasNode {
		// Problems with the value belong where the alias is used, not at
		// its anchor.
		target := *resolveAlias(n)
		target.Line = n.Line
		n = &target
	}
	if out.CanAddr() && out.Addr().Type().Implements(unmarshalerType) {
		err := out.Addr().Interface().(yaml.Unmarshaler).UnmarshalYAML(n)
		d.addError(err, n, path)
		return
	}
	if isNull(n) {
		d.decodeNull(out)
		return
	}

	switch out.Kind() {
	case reflect.Pointer:
		if out.IsNil() {
			out.Set(reflect.New(out.Type().Elem()))
		}
		d.decode(n, path, out.Elem())
	case reflect.Struct:
		d.decodeStruct(n, path, out)
	case reflect.Map:
		d.decodeMap(n, path, out)
	case reflect.Slice:
		d.decodeSlice(n, path, out)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			d.add(n.Line, path, "expected a string, found "+kindName(n), "")
			return
		}
		out.SetString(n.Value)
	case reflect.Int, reflect.Int64:
		if n.Kind != yaml.ScalarNode || n.Decode(out.Addr().Interface()) != nil {
			d.add(n.Line, path, "expected a whole number", "")
		}
	case reflect.Bool:
		if n.Kind != yaml.ScalarNode || n.Decode(out.Addr().Interface()) != nil {
			d.add(n.Line, path, "expected true or false", "")
		}
	default:
		panic("config: no decoding for " + out.Type().String())
	}
}

// decodeNull clears out, except that a key written without a value for
// a struct pointer, such as "console:", sets an empty struct, because
// writing the key asks for that part.
func (d *decoder) decodeNull(out reflect.Value) {
	if out.Kind() == reflect.Pointer && out.Type().Elem().Kind() == reflect.Struct {
		out.Set(reflect.New(out.Type().Elem()))
		return
	}
	out.Set(reflect.Zero(out.Type()))
}

// addError records an error from a yaml.Unmarshaler, which is a Problem
// relative to the value when it comes from this package.
func (d *decoder) addError(err error, n *yaml.Node, path string) {
	if err == nil {
		return
	}
	var p Problem
	if !errors.As(err, &p) {
		d.add(n.Line, path, err.Error(), "")
		return
	}
	if p.Line == 0 {
		p.Line = n.Line
	}
	p.File, p.Path = d.file, joinPath(path, p.Path)
	d.problems = append(d.problems, p)
}

func (d *decoder) decodeStruct(n *yaml.Node, path string, out reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, path, "expected a mapping, found "+kindName(n), "")
		return
	}
	fields, known := structFields(out.Type())
	for _, pair := range d.pairs(n, path) {
		i, ok := fields[pair.key]
		if !ok {
			d.add(pair.keyNode.Line, path, unknownKeyMessage(pair.key, known), "")
			continue
		}
		d.decode(pair.value, joinPath(path, pair.key), out.Field(i))
	}
}

func (d *decoder) decodeMap(n *yaml.Node, path string, out reflect.Value) {
	if n.Kind != yaml.MappingNode {
		d.add(n.Line, path, "expected a mapping, found "+kindName(n), "")
		return
	}
	if out.IsNil() {
		out.Set(reflect.MakeMap(out.Type()))
	}
	for _, pair := range d.pairs(n, path) {
		elem := reflect.New(out.Type().Elem()).Elem()
		d.decode(pair.value, joinPath(path, pair.key), elem)
		out.SetMapIndex(reflect.ValueOf(pair.key).Convert(out.Type().Key()), elem)
	}
}

func (d *decoder) decodeSlice(n *yaml.Node, path string, out reflect.Value) {
	if n.Kind != yaml.SequenceNode {
		d.add(n.Line, path, "expected a list, found "+kindName(n), "write a list, such as [a, b], even for one item")
		return
	}
	slice := reflect.MakeSlice(out.Type(), len(n.Content), len(n.Content))
	for i, item := range n.Content {
		d.decode(item, indexPath(path, i), slice.Index(i))
	}
	out.Set(slice)
}

// pair is one entry of a YAML mapping.
type pair struct {
	key            string
	keyNode, value *yaml.Node
}

// pairs returns the entries of a mapping, followed by the entries that
// its "<<" merge keys bring in. An own key hides a merged key of the same
// name, and an earlier merged mapping hides a later one. A key written
// twice in the mapping itself, or a key that is not a scalar, is a
// problem.
func (d *decoder) pairs(n *yaml.Node, path string) []pair {
	own, merged := splitMerges(n)
	var out []pair
	seen := map[string]int{}
	for _, p := range own {
		if p.keyNode.Kind != yaml.ScalarNode {
			d.add(p.keyNode.Line, path, "expected a string key, found "+kindName(p.keyNode), "")
			continue
		}
		if line, dup := seen[p.key]; dup {
			d.add(p.keyNode.Line, joinPath(path, p.key), "duplicate key "+strconv.Quote(p.key)+" (first written on line "+strconv.Itoa(line)+")", "")
			continue
		}
		seen[p.key] = p.keyNode.Line
		out = append(out, p)
	}
	for _, m := range merged {
		if m.Kind != yaml.MappingNode {
			d.add(m.Line, path, "a merge key (<<) must name a mapping, found "+kindName(m), "")
			continue
		}
		for _, p := range d.pairs(m, path) {
			if _, dup := seen[p.key]; !dup {
				seen[p.key] = p.keyNode.Line
				out = append(out, p)
			}
		}
	}
	return out
}

// splitMerges separates the entries of a mapping from the mappings its
// "<<" keys merge in.
func splitMerges(n *yaml.Node) (own []pair, merged []*yaml.Node) {
	for i := 0; i+1 < len(n.Content); i += 2 {
		key, value := resolveAlias(n.Content[i]), resolveAlias(n.Content[i+1])
		if key.Kind == yaml.ScalarNode && key.ShortTag() == "!!merge" {
			if value.Kind == yaml.SequenceNode {
				for _, item := range value.Content {
					merged = append(merged, resolveAlias(item))
				}
			} else {
				merged = append(merged, value)
			}
			continue
		}
		own = append(own, pair{key: key.Value, keyNode: key, value: n.Content[i+1]})
	}
	return own, merged
}

// structFields maps the YAML keys of a struct type to field indexes and
// lists the keys in field order. Fields tagged "-" or without a yaml tag
// are left out.
func structFields(t reflect.Type) (map[string]int, []string) {
	fields := map[string]int{}
	var known []string
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if !f.IsExported() || name == "" || name == "-" {
			continue
		}
		fields[name] = i
		known = append(known, name)
	}
	return fields, known
}
