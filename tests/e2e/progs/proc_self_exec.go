// The program re-executes itself as a child (GOLEASH_E2E_CHILD=1). The child
// leaks 2 goroutines, the parent 1: goleash run must report 3 leaked
// goroutines from 2 distinct pids.
// expect: exit=1 leaked=3 groups=2 pids=2
// group: count=2 category=chan-receive reason="chan receive" blocked=main.childWorker created=main.child line=22 created_line=37
// group: count=1 category=chan-receive reason="chan receive" blocked=main.parentWorker created=main.main line=29 created_line=56
package main

import (
	"fmt"
	"os"
	"os/exec"
	"sync"
	"time"
)

var started sync.WaitGroup

func childWorker(in chan int) {
	started.Done()
	var v int
	v = <-in // leaks here (child, 2 goroutines)
	fmt.Println("never", v)
}

func parentWorker(in chan string) {
	started.Done()
	var s string
	s = <-in // leaks here (parent, 1 goroutine)
	fmt.Println("never", s)
}

func child() {
	in := make(chan int)
	started.Add(2)
	for i := 0; i < 2; i++ {
		go childWorker(in)
	}
	started.Wait()
	time.Sleep(50 * time.Millisecond)
	fmt.Println("child done")
}

func main() {
	if os.Getenv("GOLEASH_E2E_CHILD") == "1" {
		child()
		return
	}
	self, err := os.Executable()
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	in := make(chan string)
	started.Add(1)
	go parentWorker(in)
	started.Wait()
	cmd := exec.Command(self)
	cmd.Env = append(os.Environ(), "GOLEASH_E2E_CHILD=1")
	cmd.Stdout = os.Stdout
	// The child's stderr (its own goleash report, when run under the shim
	// directly) goes to ours; its exit status (23 under the shim) is ignored.
	cmd.Stderr = os.Stderr
	_ = cmd.Run()
	time.Sleep(50 * time.Millisecond)
	fmt.Println("parent done")
}
