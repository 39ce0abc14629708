package render

import (
	"testing"
	"time"
)

func TestFormatDuration(t *testing.T) {
	tests := []struct {
		in   time.Duration
		want string
	}{
		{0, "0s"},
		{481 * time.Millisecond, "0s"},
		{41*time.Second + 794*time.Millisecond, "41s"},
		{4*time.Minute + 12*time.Second + 481*time.Millisecond, "4m 12s"},
		{5 * time.Minute, "5m"},
		{time.Hour + 3*time.Minute + 59*time.Second, "1h 3m"},
		{2 * time.Hour, "2h"},
		{52*time.Hour + 10*time.Minute, "2d 4h"},
		{-90 * time.Second, "-1m 30s"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := formatDuration(tt.in); got != tt.want {
				t.Errorf("formatDuration(%v) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestRelative(t *testing.T) {
	tests := []struct {
		offset time.Duration // from now to the time shown
		want   string
	}{
		{-20 * time.Second, "just now"},
		{20 * time.Second, "just now"},
		{-time.Minute, "1 minute ago"},
		{-3*time.Minute - 50*time.Second, "3 minutes ago"},
		{-5 * time.Hour, "5 hours ago"},
		{-24 * time.Hour, "1 day ago"},
		{2*24*time.Hour + 3*time.Hour, "in 2 days"},
		{5*24*time.Hour + 12*time.Hour, "in 5 days"},
		{-65 * 24 * time.Hour, "2 months ago"},
		{-700 * 24 * time.Hour, "1 year ago"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := relative(testNow.Add(tt.offset), testNow); got != tt.want {
				t.Errorf("relative(now%+v) = %q, want %q", tt.offset, got, tt.want)
			}
		})
	}
}

func TestPlanDelta(t *testing.T) {
	tests := []struct {
		name     string
		from, to any
		want     string
	}{
		{"upgrade", "USD 10", "USD 25", "+USD 15/month"},
		{"downgrade", "USD 50", "USD 25", "-USD 25/month"},
		{"decimals", "INR 750.50", "INR 1000", "+INR 249.50/month"},
		{"same price", "USD 10", "USD 10", ""},
		{"trial", "Trial", "USD 10", ""},
		{"initial plan", "", "USD 10", ""},
		{"currencies differ", "USD 10", "INR 800", ""},
		{"absent", nil, nil, ""},
		{"no space", "USD10", "USD 12", "+USD 2/month"},
		{"lower-case currency", "usd 10", "usd 25", ""},
		{"exponent", "USD 1e3", "USD 10", ""},
		{"trailing dot", "USD 10.", "USD 25", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := planDelta(tt.from, tt.to); got != tt.want {
				t.Errorf("planDelta(%v, %v) = %q, want %q", tt.from, tt.to, got, tt.want)
			}
		})
	}
}

func TestPlanDeltaEscapedForDiscord(t *testing.T) {
	// A leading "-" is not a bullet without a space after it.
	h := testHelpers(flavorDiscord)
	if got := h.planDelta("USD 50", "USD 25"); got != "-USD 25/month" {
		t.Errorf("planDelta = %q, want %q", got, "-USD 25/month")
	}
}

func TestLastLines(t *testing.T) {
	tests := []struct {
		name string
		n    int
		in   string
		want string
	}{
		{"fewer lines", 15, "a\nb", "a\nb"},
		{"last two", 2, "a\nb\nc\n", "b\nc"},
		{"trailing breaks", 1, "a\nb\n\n\r\n", "b"},
		{"zero", 0, "a", ""},
		{"empty", 3, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := lastLines(tt.n, tt.in); got != tt.want {
				t.Errorf("lastLines(%d, %q) = %q, want %q", tt.n, tt.in, got, tt.want)
			}
		})
	}
}

func TestStatusStyles(t *testing.T) {
	tests := []struct {
		status      any
		icon, color string
	}{
		{"Broken", "🔴", "#d93f0b"},
		{"Failure", "🔴", "#d93f0b"},
		{"Active", "✅", "#2eb886"},
		{"Success", "✅", "#2eb886"},
		{"Pending", "⏳", "#daa038"},
		{"Scheduled", "⏳", "#daa038"},
		{"Draft", "⏳", "#daa038"},
		{"Installing", "🔄", "#daa038"},
		{"Updating", "🔄", "#daa038"},
		{"Preparing", "🔄", "#daa038"},
		{"Running", "🔄", "#daa038"},
		{"Recovering", "🔄", "#daa038"},
		{"Suspended", "⏸️", "#9e9e9e"},
		{"Inactive", "⏸️", "#9e9e9e"},
		{"Archived", "🗄️", "#9e9e9e"},
		{"Upgrade", "⬆️", "#2eb886"},
		{"Downgrade", "⬇️", "#daa038"},
		{"Initial Plan", "🆕", "#439fe0"},
		{"Something New", "ℹ️", "#439fe0"},
		{"", "ℹ️", "#439fe0"},
		{nil, "ℹ️", "#439fe0"},
	}
	for _, tt := range tests {
		t.Run(text(tt.status), func(t *testing.T) {
			if got := statusIcon(tt.status); got != tt.icon {
				t.Errorf("icon = %q, want %q", got, tt.icon)
			}
			if got := statusColor(tt.status); got != tt.color {
				t.Errorf("color = %q, want %q", got, tt.color)
			}
		})
	}
}
