package deadlines

import (
	"testing"
	"time"
)

// No test here leaks: tickers and timers are stopped, and no goroutine is
// left waiting on a stopped one.

func TestHeartbeatStopped(t *testing.T) {
	t.Parallel()
	h := StartHeartbeat(time.Millisecond)
	time.Sleep(4 * time.Millisecond)
	h.Stop()
}

func TestHeartbeatCleanup(t *testing.T) {
	t.Parallel()
	h := StartHeartbeat(time.Millisecond)
	t.Cleanup(func() { h.Stop() })
}

func TestTimerStoppedBeforeFiring(t *testing.T) {
	tm := time.NewTimer(time.Hour)
	if !tm.Stop() {
		t.Fatal("timer fired early")
	}
}

func TestAfterFuncStopped(t *testing.T) {
	fired := make(chan struct{})
	tm := time.AfterFunc(time.Hour, func() { close(fired) })
	if !tm.Stop() {
		t.Fatal("AfterFunc fired early")
	}
}

func TestTimerFires(t *testing.T) {
	t.Parallel()
	tm := time.NewTimer(time.Millisecond)
	<-tm.C
}

func TestTimeoutSelect(t *testing.T) {
	t.Parallel()
	res := make(chan int, 1)
	go func() { res <- 42 }()
	select {
	case v := <-res:
		if v != 42 {
			t.Fatalf("got %d", v)
		}
	case <-time.After(time.Second):
		t.Fatal("timed out")
	}
}
