package fcevents

import (
	"fmt"
	"time"
)

// deploy adds a build of group g that starts at t, and when it succeeds
// the new benches, the archived old ones and the site updates.
func (d *day) deploy(g int, t time.Time, fails bool) {
	dep := Deploy{
		Name:      fmt.Sprintf("%010x", d.rng.Uint64()>>24),
		Candidate: fmt.Sprintf("deploy-%04d-%06d", g+1, d.rng.IntN(1_000_000)),
		Group:     groupName(g),
		Team:      fmt.Sprintf("team-%04x", 0x7f3a+g%d.shape.Teams),
	}
	status := func(s string, at time.Time) Timed {
		return Timed{At: at, Body: DeployStatus(dep, s, at), Doctype: "Deploy Candidate Build", Document: dep.Name, Status: s}
	}
	d.add(status("Pending", t), status("Preparing", t.Add(20*time.Second)))

	running := t.Add(40 * time.Second)
	d.add(status("Running", running))
	built := running.Add(d.seconds(150, 240))
	for at := running.Add(5 * time.Second); at.Before(built); at = at.Add(5 * time.Second) {
		// Build steps send the same document again.
		body := DeployRepeat(dep, "Running", running, int(at.Sub(running)/time.Second))
		d.add(Timed{At: at, Body: body, Doctype: "Deploy Candidate Build", Document: dep.Name, Status: "Running", Repeat: true})
	}
	if fails {
		d.add(status("Failure", built))
		return
	}
	d.add(status("Success", built))
	d.rollOut(g, built)
}

// rollOut adds the new benches of group g after a successful build at t,
// the archiving of the old ones, and the update of the group's sites.
func (d *day) rollOut(g int, t time.Time) {
	old := d.benches[g]
	d.benches[g] = make([]Bench, len(old))
	d.history[g] = append(d.history[g], rollOut{at: t, benches: d.benches[g]})
	for srv := range old {
		b := d.newBench(g, srv)
		d.benches[g][srv] = b
		start := t.Add(time.Duration(srv*2) * time.Second)
		installing := start.Add(d.seconds(20, 40))
		active := installing.Add(d.seconds(90, 150))
		d.add(d.bench(b, "Pending", start), d.bench(b, "Installing", installing), d.bench(b, "Active", active))
	}

	moved := t.Add(5 * time.Minute)
	for srv, b := range old {
		d.add(d.bench(b, "Archived", moved.Add(time.Duration(srv*3)*time.Second)))
	}
	for i := range d.sites {
		s := &d.sites[i]
		if s.Group != groupName(g) {
			continue
		}
		pending := moved.Add(d.seconds(0, 60))
		active := pending.Add(d.seconds(40, 100))
		d.add(d.site(*s, "Pending", pending))
		for srv, b := range old {
			if s.Bench == b.Name {
				s.Bench = d.benches[g][srv].Name
			}
		}
		d.add(d.site(*s, "Active", active))
	}
}

// install adds an app install on site i at t.
func (d *day) install(i int, t time.Time) {
	s := d.sites[i]
	d.add(d.site(s, "Installing", t), d.site(s, "Active", t.Add(d.seconds(30, 150))))
}

// outage adds a failure of server srv at t: its bench of every group and
// the sites on them turn Broken, and all recover 20 minutes later.
func (d *day) outage(srv int, t time.Time) {
	recovered := t.Add(20 * time.Minute)
	for g := range d.benches {
		b := d.benchAt(g, srv, t)
		at := t.Add(d.seconds(0, 20))
		d.add(d.bench(b, "Broken", at), d.bench(b, "Active", recovered.Add(d.seconds(0, 30))))
	}
	for _, s := range d.sites {
		if s.Server != serverName(srv) {
			continue
		}
		at := t.Add(d.seconds(10, 40))
		d.add(d.site(s, "Broken", at), d.site(s, "Active", recovered.Add(d.seconds(30, 90))))
	}
}

// flap adds a site that turns Broken for three minutes five times, 20
// minutes apart, starting at t.
func (d *day) flap(i int, t time.Time) {
	s := d.sites[i]
	for range 5 {
		d.add(d.site(s, "Broken", t), d.site(s, "Active", t.Add(3*time.Minute)))
		t = t.Add(23 * time.Minute)
	}
}

// rollOut is when a group's new benches were created.
type rollOut struct {
	at      time.Time
	benches []Bench
}

// benchAt returns the bench of group g on server srv at t: the newest
// created before t.
func (d *day) benchAt(g, srv int, t time.Time) Bench {
	b := d.initial[g][srv]
	for _, r := range d.history[g] {
		if r.at.Before(t) {
			b = r.benches[srv]
		}
	}
	return b
}
