package fcevents

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"
)

// Timed is one webhook body and when Frappe Cloud sends it.
type Timed struct {
	At   time.Time
	Body []byte
	// Doctype, Document and Status describe the body.
	Doctype  string
	Document string
	Status   string
	// Repeat is set for a body that repeats the last status of its
	// document with the same modified time.
	Repeat bool
}

// DayShape sizes an agency's day.
type DayShape struct {
	Sites   int
	Groups  int
	Servers int
	Teams   int
	Deploys int
	// Installs is how many sites install an app during the day.
	Installs int
}

// AgencyDay is the shape of the benchmark's day: 500 sites on 40 release
// groups, each group with a bench on each of 12 servers, 20 deploys and
// 60 app installs.
var AgencyDay = DayShape{Sites: 500, Groups: 40, Servers: 12, Teams: 5, Deploys: 20, Installs: 60}

// day builds the events of one day. Its fields are the state of the
// agency as the day goes on.
type day struct {
	rng    *rand.Rand
	shape  DayShape
	start  time.Time
	events []Timed

	sites []Site
	// benches are the current benches by group, then server; initial
	// are those of the warm-up, and history the roll-outs since.
	benches [][]Bench
	initial [][]Bench
	history [][]rollOut
	serial  int
}

// Day returns a day of events for an agency of the given shape,
// generated from seed, in the order Frappe Cloud sends them. Warm-up
// holds the events that make every site and bench known as Active before
// the day starts at start; the day holds 24 hours of:
//
//   - deploys: a build goes Pending, Preparing and Running, repeats
//     Running every five seconds while it builds, and ends in Success.
//     Then a new bench on every server goes Pending, Installing and
//     Active, the old ones are archived, and each site of the group is
//     updated (Pending, then Active again);
//   - app installs: a site goes Active, Installing and Active;
//   - three incidents: a server fails, so its bench of every group and
//     the sites on them turn Broken and recover 20 minutes later; one
//     deploy ends in Failure; and one site flaps between Broken and
//     Active five times in two hours.
func Day(seed uint64, shape DayShape, start time.Time) (warmUp, events []Timed) {
	// A seeded generator, so one seed always gives the same day.
	d := &day{rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), shape: shape, start: start} //nolint:gosec
	d.populate()
	warmUp = d.warmUp(start.Add(-time.Hour))

	// Deploys run in time order, so each roll-out replaces the benches
	// that the one before it created.
	failing := d.rng.IntN(shape.Deploys)
	groups := d.rng.Perm(shape.Groups)
	times := make([]time.Time, shape.Deploys)
	for i := range times {
		times[i] = d.randomTime(23 * time.Hour)
	}
	slices.SortFunc(times, time.Time.Compare)
	for i, t := range times {
		d.deploy(groups[i%len(groups)], t, i == failing)
	}
	for range shape.Installs {
		d.install(d.rng.IntN(len(d.sites)), d.randomTime(23*time.Hour))
	}
	d.outage(d.rng.IntN(shape.Servers), d.randomTime(20*time.Hour))
	d.flap(d.rng.IntN(len(d.sites)), d.randomTime(20*time.Hour))

	slices.SortStableFunc(d.events, func(a, b Timed) int { return a.At.Compare(b.At) })
	return warmUp, d.events
}

func (d *day) randomTime(within time.Duration) time.Time {
	return d.start.Add(time.Duration(d.rng.Int64N(int64(within))))
}

func (d *day) populate() {
	s := d.shape
	d.benches = make([][]Bench, s.Groups)
	d.initial = make([][]Bench, s.Groups)
	d.history = make([][]rollOut, s.Groups)
	for g := range s.Groups {
		d.benches[g] = make([]Bench, s.Servers)
		for srv := range s.Servers {
			d.benches[g][srv] = d.newBench(g, srv)
		}
		d.initial[g] = d.benches[g]
	}
	for i := range s.Sites {
		g, srv := i%s.Groups, i%s.Servers
		d.sites = append(d.sites, Site{
			Name:   fmt.Sprintf("site%04d.example.com", i+1),
			Group:  groupName(g),
			Bench:  d.benches[g][srv].Name,
			Team:   fmt.Sprintf("team-%04x", 0x7f3a+g%s.Teams),
			Server: serverName(srv),
		})
	}
}

func groupName(g int) string    { return fmt.Sprintf("bench-%04d", g+1) }
func serverName(srv int) string { return fmt.Sprintf("f%d.example.com", srv+1) }

func (d *day) newBench(g, srv int) Bench {
	d.serial++
	return Bench{Name: fmt.Sprintf("%s-%06d-f%d", groupName(g), d.serial, srv+1), Group: groupName(g)}
}

func (d *day) warmUp(at time.Time) []Timed {
	var out []Timed
	for _, row := range d.benches {
		for _, b := range row {
			out = append(out, d.bench(b, "Active", at))
		}
	}
	for _, s := range d.sites {
		out = append(out, d.site(s, "Active", at))
	}
	return out
}

func (d *day) site(s Site, status string, at time.Time) Timed {
	return Timed{At: at, Body: SiteStatus(s, status, at), Doctype: "Site", Document: s.Name, Status: status}
}

func (d *day) bench(b Bench, status string, at time.Time) Timed {
	return Timed{At: at, Body: BenchStatus(b, status, at), Doctype: "Bench", Document: b.Name, Status: status}
}

func (d *day) add(events ...Timed) { d.events = append(d.events, events...) }

// seconds returns a random duration between lo and hi seconds.
func (d *day) seconds(lo, hi int) time.Duration {
	return time.Duration(lo+d.rng.IntN(hi-lo+1)) * time.Second
}
