package deadlines

import (
	"sync/atomic"
	"time"
)

// Heartbeat counts ticks on its own goroutine until Stop.
type Heartbeat struct {
	beats int64
	stop  chan struct{}
	done  chan struct{}
}

// StartHeartbeat ticks every interval.
func StartHeartbeat(interval time.Duration) *Heartbeat {
	h := &Heartbeat{stop: make(chan struct{}), done: make(chan struct{})}
	go h.run(time.NewTicker(interval))
	return h
}

func (h *Heartbeat) run(t *time.Ticker) {
	defer close(h.done)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			atomic.AddInt64(&h.beats, 1)
		case <-h.stop:
			return
		}
	}
}

// Stop ends the heartbeat goroutine and waits for it.
func (h *Heartbeat) Stop() int64 {
	close(h.stop)
	<-h.done
	return atomic.LoadInt64(&h.beats)
}
