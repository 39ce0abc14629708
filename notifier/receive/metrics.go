package receive

import "github.com/prometheus/client_golang/prometheus"

// Metrics counts webhook requests by outcome. A nil *Metrics counts
// nothing.
type Metrics struct {
	requests *prometheus.CounterVec
}

// NewMetrics registers the webhook counters with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{requests: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "fcnotify_webhooks_total",
		Help: "Webhook requests by outcome (accepted, duplicate, handshake, unauthorized, invalid, ...).",
	}, []string{"outcome"})}
	reg.MustRegister(m.requests)
	return m
}

func (m *Metrics) count(outcome string) {
	if m != nil {
		m.requests.WithLabelValues(outcome).Inc()
	}
}
