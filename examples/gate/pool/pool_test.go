package pool

// Expectations checked by tests/e2e/run_gate.py (exact; lines are in pool.go):
// gate: result=FAIL leaked=4 groups=2
// gate-group: count=3 reason="chan receive" category=chan-receive blocked=example.com/gate/pool.Pool.work at=pool.go:43 created=example.com/gate/pool.Pool.supervise
// gate-group: count=1 reason="chan receive" category=chan-receive blocked=example.com/gate/pool.Pool.supervise at=pool.go:35 created=example.com/gate/pool.Start

import "testing"

// TestSumStopped is clean: Stop ends the whole goroutine tree.
func TestSumStopped(t *testing.T) {
	p := Start(2)
	defer p.Stop()
	if got := p.Sum([]int{1, 2, 3}); got != 14 {
		t.Fatalf("Sum = %d, want 14", got)
	}
}

// TestSumForgetsStop leaks the pool's goroutine tree (test -> Start ->
// supervise -> work):
//
//	leaks: 3 goroutines parked in chan receive at pool.go:43 (work, range p.jobs)
//	leaks: 1 goroutine  parked in chan receive at pool.go:35 (supervise, <-p.quit)
//
// 4 goroutines in 2 groups. The feeder goroutine in Sum has sent every value
// and returned; nothing else is left.
func TestSumForgetsStop(t *testing.T) {
	p := Start(3)
	if got := p.Sum([]int{1, 2, 3, 4}); got != 30 {
		t.Fatalf("Sum = %d, want 30", got)
	}
}
