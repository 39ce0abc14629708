package deliver

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/fcnotify/fcnotify/notifier"
)

// Metrics counts delivery outcomes per channel. A nil *Metrics counts
// nothing.
type Metrics struct {
	sentTotal    *prometheus.CounterVec
	retriedTotal *prometheus.CounterVec
	failedTotal  *prometheus.CounterVec
	trimmedTotal *prometheus.CounterVec
}

// NewMetrics registers the delivery counters with reg.
func NewMetrics(reg prometheus.Registerer) *Metrics {
	m := &Metrics{
		sentTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcnotify_messages_sent_total",
			Help: "Messages the chat platform accepted.",
		}, []string{"channel"}),
		retriedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcnotify_send_retries_total",
			Help: "Failed sends that will be retried, by failure class.",
		}, []string{"channel", "class"}),
		failedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcnotify_messages_dead_lettered_total",
			Help: "Messages moved to the dead-letter state, by the class of their last failure.",
		}, []string{"channel", "class"}),
		trimmedTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "fcnotify_messages_backlog_dropped_total",
			Help: "Pending messages dead-lettered because the channel's backlog was over its limit.",
		}, []string{"channel"}),
	}
	reg.MustRegister(m.sentTotal, m.retriedTotal, m.failedTotal, m.trimmedTotal)
	return m
}

func (m *Metrics) sent(channel string) {
	if m != nil {
		m.sentTotal.WithLabelValues(channel).Inc()
	}
}

func (m *Metrics) retried(channel string, class notifier.Class) {
	if m != nil {
		m.retriedTotal.WithLabelValues(channel, string(class)).Inc()
	}
}

func (m *Metrics) failed(channel string, class notifier.Class) {
	if m != nil {
		m.failedTotal.WithLabelValues(channel, string(class)).Inc()
	}
}

func (m *Metrics) trimmed(channel string, n int) {
	if m != nil {
		m.trimmedTotal.WithLabelValues(channel).Add(float64(n))
	}
}
