package render

import (
	"path/filepath"
	"testing"
)

// benchFixtures are the recorded bodies each default template is
// measured with: the richest body of its event.
var benchFixtures = map[string]string{
	"site-status":      "site-status-unicode.json",
	"site-plan-change": "site-plan-change-upgrade.json",
	"deploy-status":    "deploy-failure.json",
	"bench-status":     "bench-status-archiving-pending.json",
	"generic":          "event-unknown-future.json",
}

func BenchmarkRender(b *testing.B) {
	r := newTestRenderer(b, nil)
	for _, name := range sortedNames(benchFixtures) {
		_, data := fixtureData(b, filepath.Join(fixtureDir, benchFixtures[name]))
		for _, p := range platforms {
			b.Run(name+"/"+string(p), func(b *testing.B) {
				b.ReportAllocs()
				for b.Loop() {
					if _, err := r.Render(p, name, data, nil); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}
