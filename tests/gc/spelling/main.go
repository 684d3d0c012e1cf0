// Two leaks whose functions gc and gccgo spell differently: a closure in a
// pointer-receiver method (gc main.(*pool).run.func1, gccgo
// main.pool.run..func1) and a pointer-receiver method (gc
// main.(*worker).loop, gccgo main.worker.loop). run_same_leak.py builds it
// with both compilers: each leak must keep one SARIF fingerprint.
package main

import "fmt"

type pool struct{ ch chan int }

func (p *pool) run() {
	go func() { <-p.ch }()
}

type worker struct{ ch chan int }

func (w *worker) loop() { w.ch <- 1 }

func main() {
	p := &pool{ch: make(chan int)}
	p.run()
	w := &worker{ch: make(chan int)}
	go w.loop()
	fmt.Println("spelling done")
}
