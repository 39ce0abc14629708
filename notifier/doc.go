// Package notifier holds the types that the steps of fcnotify's flow pass
// to each other: a received Event, the Transition it caused, the Message
// rendered for a channel, and the Sender that delivers it.
//
// The flow is receive → parse → state → rules → render → deliver, one
// package per step under this directory. Each step imports this package
// and the steps below it, never a step above.
package notifier
