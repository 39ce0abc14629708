package config

import (
	"bytes"

	"gopkg.in/yaml.v3"
)

// Redacted returns the configuration as loaded, defaults included, as
// YAML with every secret shown as "[redacted]". Keys whose value is null
// or empty are left out. The `check` command prints it.
func (c *Config) Redacted() ([]byte, error) {
	var root yaml.Node
	if err := root.Encode(c); err != nil {
		return nil, err
	}
	prune(&root)

	var out bytes.Buffer
	enc := yaml.NewEncoder(&out)
	enc.SetIndent(2)
	if err := enc.Encode(&root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// prune removes the mapping entries under n whose value is null, "", or
// an empty list or mapping, and reports whether n itself is such a value.
// "console: {}" stays, because the key alone makes a console channel.
func prune(n *yaml.Node) bool {
	switch n.Kind {
	case yaml.ScalarNode:
		return n.Value == "" || isNull(n)
	case yaml.SequenceNode:
		for _, item := range n.Content {
			prune(item)
		}
		return len(n.Content) == 0
	case yaml.MappingNode:
		kept := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			if !prune(value) || (key.Value == "console" && value.Kind == yaml.MappingNode) {
				kept = append(kept, key, value)
			}
		}
		n.Content = kept
		return len(n.Content) == 0
	}
	return false
}
