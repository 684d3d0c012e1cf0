//go:build failing

package failing

// Expectations checked by tests/e2e/run_gate.py (exact; lines are in failing.go):
// gate: result=FAIL leaked=1 groups=1 tags=failing test_failed=TestFailsAndLeaks
// gate-group: count=1 reason="chan receive" category=chan-receive blocked=example.com/gate/failing.Subscribe..func1 at=failing.go:14 created=example.com/gate/failing.Subscribe

import (
	"os"
	"testing"
	"time"
)

// TestFailsAndLeaks fails on its own and also leaks:
//
//	leaks: 1 goroutine parked in chan receive at failing.go:14 (Subscribe.func1)
//
// The test binary exits 1 with "--- FAIL: TestFailsAndLeaks"; that failure
// must stay visible, leak report or not.
func TestFailsAndLeaks(t *testing.T) {
	select {
	case v := <-Subscribe(make(chan int)):
		t.Logf("got %d", v)
	case <-time.After(time.Millisecond):
		t.Errorf("value never arrived")
	}
}

// TestExitsThree leaks the same way and then exits the binary with its own
// status 3 (run alone, with -test.run TestExitsThree): `goleash run` must
// keep 3.
func TestExitsThree(t *testing.T) {
	if os.Getenv("GATE_EXIT_THREE") != "1" {
		t.Skip("set GATE_EXIT_THREE=1")
	}
	select {
	case <-Subscribe(make(chan int)):
	case <-time.After(time.Millisecond):
	}
	os.Exit(3)
}
