// Package handoff has a worker that waits for its last instruction: a value
// handed over on an unbuffered channel or the close of its quit channel.
// The test that gives the instruction returns at once, without waiting for
// the worker to finish -- the worker is runnable, not parked, when the test
// (and often the whole test binary) ends. Tools that decide by sleeping and
// then looking are prone to flag it.
package handoff

import "sync/atomic"

// Worker handles one job per message until told to quit.
type Worker struct {
	jobs    chan int
	quit    chan struct{}
	handled int64
}

// StartWorker starts the worker's goroutine.
func StartWorker() *Worker {
	w := &Worker{jobs: make(chan int), quit: make(chan struct{})}
	go w.loop()
	return w
}

func (w *Worker) loop() {
	for {
		select {
		case j := <-w.jobs:
			if j < 0 { // a negative job is the last one
				return
			}
			atomic.AddInt64(&w.handled, 1)
		case <-w.quit:
			return
		}
	}
}

// Submit hands one job to the worker; it returns once the worker took it.
func (w *Worker) Submit(j int) { w.jobs <- j }

// Quit tells the worker to return, without waiting for it.
func (w *Worker) Quit() { close(w.quit) }

// Handled is the number of jobs handled so far.
func (w *Worker) Handled() int64 { return atomic.LoadInt64(&w.handled) }

// Once runs f on a goroutine that first waits for a go-ahead; the returned
// function gives it and returns at once.
func Once(f func()) (goAhead func()) {
	ch := make(chan struct{})
	go func() {
		<-ch
		f()
	}()
	return func() { ch <- struct{}{} }
}
