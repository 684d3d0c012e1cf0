// The parent of a mixed process tree: leaks one goroutine, then runs the
// program named by its first argument (built with the other compiler) and
// exits with its status.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"time"
)

var never = make(chan int)

func parentLeak() {
	<-never // leaks: nobody sends
}

func main() {
	go parentLeak()
	cmd := exec.Command(os.Args[1])
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
	err := cmd.Run()
	time.Sleep(20 * time.Millisecond)
	fmt.Println("parent done", err)
}
