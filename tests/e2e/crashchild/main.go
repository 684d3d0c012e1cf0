// A test suite's pattern: the program runs itself as a child that must
// crash (a panic nobody recovers, with a goroutine left blocked), checks
// that it did, and exits 0. Under goleash the child's parked goroutine is a
// note, not a leak of the passing program (run_crash_child.py).
package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

func child() {
	block := make(chan int)
	go func() { <-block }() // parked when the crash comes
	time.Sleep(10 * time.Millisecond)
	panic("the child crashes on purpose")
}

func main() {
	if os.Getenv("CRASH_CHILD") == "1" {
		child()
		return
	}
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "CRASH_CHILD=1")
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 2 {
		fmt.Println("the child did not crash:", err)
		os.Exit(1)
	}
	fmt.Println("the child crashed as expected")
}
