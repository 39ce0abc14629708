package config

import (
	"strconv"
	"strings"
	"time"
)

// Defaults of the keys that make channels calmer.
const (
	// DefaultGroupWait is how long a group collects events when its rule
	// sets group without wait.
	DefaultGroupWait = Duration(30 * time.Second)
)

// Group gathers the messages of a rule that share the values of By into
// one message per channel. The window of a group opens with its first
// event and closes Wait later, so no event of the group waits longer
// than Wait. An event that arrives after that starts a new group.
type Group struct {
	// By lists template data keys, such as group, status or team, or
	// dotted paths into nested keys, such as names.group or
	// data.cluster. Events with equal values of every key share a group;
	// an empty list puts every event of the rule in one group.
	By StringList `yaml:"by"`
	// Wait is the length of the window, default 30s.
	Wait Duration `yaml:"wait"`
	// MaxWait, default Wait, is how long after its first event a group's
	// message may still grow. A later group with the same key that starts
	// within MaxWait edits that message to list every event, when the
	// channel can edit messages. MaxWait cannot be shorter than Wait.
	MaxWait Duration `yaml:"max_wait"`
	// Template renders a group of two or more events, default "group". A
	// group of one event is rendered with the rule's own template.
	Template string `yaml:"template"`
}

// QuietHours is when a channel or a rule holds its messages. Quiet time
// is the daily window from From to To, which may cross midnight, and all
// of every day listed in Weekdays, both in Zone. Validation fills the
// fields after Weekdays.
type QuietHours struct {
	// Zone is an IANA time zone name, default time.display_zone.
	Zone string `yaml:"zone"`
	// From and To are "HH:MM" on a 24-hour clock. Set both or neither.
	From string `yaml:"from"`
	To   string `yaml:"to"`
	// Weekdays lists days that are quiet all day: mon, tue, wed, thu,
	// fri, sat, sun, or the full names.
	Weekdays StringList `yaml:"weekdays"`

	// Location is Zone, loaded.
	Location *time.Location `yaml:"-"`
	// Daily is set when From and To are. Start and End are From and To
	// as offsets from midnight.
	Daily      bool          `yaml:"-"`
	Start, End time.Duration `yaml:"-"`
	// Days marks the quiet weekdays, indexed by time.Weekday.
	Days [7]bool `yaml:"-"`
}

var weekdayNames = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
	"sunday": time.Sunday, "monday": time.Monday, "tuesday": time.Tuesday, "wednesday": time.Wednesday,
	"thursday": time.Thursday, "friday": time.Friday, "saturday": time.Saturday,
}

// validateCalm fills the defaults of the keys that make channels calmer
// and checks them. It runs after loadZones, so it can default a quiet
// zone to the display zone.
func (c *Config) validateCalm() Problems {
	var problems Problems
	for _, name := range c.ChannelOrder {
		ch := c.Channels[name]
		if ch.Quiet != nil {
			problems = append(problems, c.validateQuiet("channels."+name+".quiet", ch.Quiet)...)
		}
	}
	for i := range c.Rules {
		problems = append(problems, c.validateRuleCalm(i, &c.Rules[i])...)
	}
	return problems
}

func (c *Config) validateRuleCalm(i int, r *Rule) Problems {
	var problems Problems
	base := indexPath("rules", i)
	if r.Update && r.Thread {
		problems = append(problems, c.Problem(base+".thread", "update and thread are both set", "set update to edit the first message, or thread to reply under it, not both"))
	}
	if r.Quiet != nil {
		problems = append(problems, c.validateQuiet(base+".quiet", r.Quiet)...)
	}
	if r.Group == nil {
		return problems
	}

	g := r.Group
	setDefault(&g.Wait, DefaultGroupWait)
	setDefault(&g.MaxWait, g.Wait)
	if g.MaxWait < g.Wait {
		problems = append(problems, c.Problem(base+".group.max_wait", "max_wait "+g.MaxWait.String()+" is shorter than wait "+g.Wait.String(), "raise max_wait, or leave it out to use wait"))
	}
	if g.Template != "" && g.Template != "group" && !c.isTemplate(g.Template) {
		problems = append(problems, c.Problem(base+".group.template", "unknown template "+strconv.Quote(g.Template), "known templates are group, "+strings.Join(c.templateNames(), ", ")))
	}
	for j, key := range g.By {
		if strings.TrimSpace(key) == "" {
			problems = append(problems, c.Problem(indexPath(base+".group.by", j), "empty group key", "name a template data key, such as group or status"))
		}
	}
	return problems
}

// validateQuiet checks quiet hours and fills their parsed fields.
func (c *Config) validateQuiet(base string, q *QuietHours) Problems {
	var problems Problems
	if q.Zone == "" {
		q.Zone = c.Time.Display
		q.Location = c.Time.DisplayLocation
	} else {
		loc, err := time.LoadLocation(q.Zone)
		if err != nil {
			problems = append(problems, c.Problem(base+".zone", "unknown time zone "+strconv.Quote(q.Zone), "write an IANA name like Asia/Kolkata, or UTC"))
		}
		q.Location = loc
	}

	problems = append(problems, c.parseQuietWindow(base, q)...)
	for j, day := range q.Weekdays {
		d, ok := weekdayNames[strings.ToLower(strings.TrimSpace(day))]
		if !ok {
			problems = append(problems, c.Problem(indexPath(base+".weekdays", j), "unknown weekday "+strconv.Quote(day), "write mon, tue, wed, thu, fri, sat or sun"))
			continue
		}
		q.Days[d] = true
	}
	if q.Days == [7]bool{true, true, true, true, true, true, true} {
		problems = append(problems, c.Problem(base+".weekdays", "every day is quiet", "leave at least one day out, or the messages would never be sent"))
	}
	if q.From == "" && q.To == "" && len(q.Weekdays) == 0 {
		problems = append(problems, c.Problem(base, "quiet hours set no time", `set from and to, such as from: "22:00" and to: "07:00", or weekdays, such as [sat, sun]`))
	}
	return problems
}

func (c *Config) parseQuietWindow(base string, q *QuietHours) Problems {
	switch {
	case q.From == "" && q.To == "":
		return nil
	case q.From == "":
		return Problems{c.Problem(base+".from", "missing from for to "+strconv.Quote(q.To), `set both from and to, such as from: "22:00" and to: "07:00"`)}
	case q.To == "":
		return Problems{c.Problem(base+".to", "missing to for from "+strconv.Quote(q.From), `set both from and to, such as from: "22:00" and to: "07:00"`)}
	}

	var problems Problems
	start, okStart := parseTimeOfDay(q.From)
	if !okStart {
		problems = append(problems, c.Problem(base+".from", "invalid time "+strconv.Quote(q.From), timeOfDayHint))
	}
	end, okEnd := parseTimeOfDay(q.To)
	if !okEnd {
		problems = append(problems, c.Problem(base+".to", "invalid time "+strconv.Quote(q.To), timeOfDayHint))
	}
	if okStart && okEnd && start == end {
		problems = append(problems, c.Problem(base+".to", "from and to are both "+strconv.Quote(q.From), "a window needs two different times; list weekdays for whole days"))
	}
	q.Daily, q.Start, q.End = len(problems) == 0, start, end
	return problems
}

const timeOfDayHint = `write the time as "HH:MM" on a 24-hour clock, such as "07:00" or "22:30"`

// parseTimeOfDay reads "HH:MM" (or "H:MM") as an offset from midnight.
func parseTimeOfDay(s string) (time.Duration, bool) {
	hours, minutes, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok || len(minutes) != 2 || len(hours) < 1 || len(hours) > 2 {
		return 0, false
	}
	h, errH := strconv.Atoi(hours)
	m, errM := strconv.Atoi(minutes)
	if errH != nil || errM != nil || h < 0 || h > 23 || m < 0 || m > 59 || hours[0] == '+' || minutes[0] == '+' {
		return 0, false
	}
	return time.Duration(h)*time.Hour + time.Duration(m)*time.Minute, true
}
