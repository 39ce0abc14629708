package config

import (
	"strconv"

	"gopkg.in/yaml.v3"
)

// maxNodes bounds the node count of a document with its aliases expanded,
// far above any real configuration, so a few lines of nested aliases
// cannot make decoding take exponential time and memory.
const maxNodes = 100_000

// includedFile is a file read on behalf of the configuration, such as a
// template file, with the lines of the paths it holds.
type includedFile struct {
	file  string
	lines map[string]int
}

// recordLines adds the line of every path under n to lines, keeping the
// first line of a path written twice. The line of a mapping entry is that
// of its key, and the line of a list item that of the item. Aliases are
// not followed, so paths reached only through an alias or a merge key
// fall back to their nearest written ancestor.
func recordLines(lines map[string]int, n *yaml.Node, path string) {
	switch n.Kind {
	case yaml.DocumentNode:
		for _, child := range n.Content {
			recordLines(lines, child, path)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			key := n.Content[i]
			if key.Kind != yaml.ScalarNode || key.ShortTag() == "!!merge" {
				continue
			}
			child := joinPath(path, key.Value)
			if _, ok := lines[child]; !ok {
				lines[child] = key.Line
			}
			recordLines(lines, n.Content[i+1], child)
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			child := indexPath(path, i)
			if _, ok := lines[child]; !ok {
				lines[child] = item.Line
			}
			recordLines(lines, item, child)
		}
	}
}

// sizeChecker counts the nodes of a document with aliases expanded,
// visiting each node once.
type sizeChecker struct {
	sizes    map[*yaml.Node]int
	visiting map[*yaml.Node]bool
	cycle    *yaml.Node
}

// checkSize returns a problem when an alias is used inside its own anchor
// or the document expands to more than maxNodes nodes.
func checkSize(root *yaml.Node) *Problem {
	c := sizeChecker{sizes: map[*yaml.Node]int{}, visiting: map[*yaml.Node]bool{}}
	size := c.size(root)
	if c.cycle != nil {
		return &Problem{Line: c.cycle.Line, Message: "alias " + strconv.Quote("*"+c.cycle.Value) + " is used inside its own anchor", Hint: "an anchor cannot contain itself"}
	}
	if size > maxNodes {
		return &Problem{Line: root.Line, Message: "the document expands to more than " + strconv.Itoa(maxNodes) + " values through aliases", Hint: "use fewer nested aliases"}
	}
	return nil
}

func (c *sizeChecker) size(n *yaml.Node) int {
	if c.cycle != nil {
		return 0
	}
	if size, ok := c.sizes[n]; ok {
		return size
	}
	c.visiting[n] = true
	size := 1
	if n.Kind == yaml.AliasNode && n.Alias != nil {
		if c.visiting[n.Alias] {
			c.cycle = n
			return 0
		}
		size += c.size(n.Alias)
	}
	for _, child := range n.Content {
		size = min(size+c.size(child), maxNodes+1)
	}
	c.visiting[n] = false
	c.sizes[n] = size
	return size
}

// mappingKeys returns the keys of the mapping at key under root, in file
// order, or nil when there is none.
func mappingKeys(root *yaml.Node, key string) []string {
	if root == nil {
		return nil
	}
	top := resolveAlias(root)
	if top.Kind != yaml.MappingNode {
		return nil
	}
	own, _ := splitMerges(top)
	for _, p := range own {
		if p.key != key {
			continue
		}
		m := resolveAlias(p.value)
		if m.Kind != yaml.MappingNode {
			return nil
		}
		inner, _ := splitMerges(m)
		keys := make([]string, 0, len(inner))
		for _, q := range inner {
			keys = append(keys, q.key)
		}
		return keys
	}
	return nil
}
