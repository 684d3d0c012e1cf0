// A gccgo service for run_watch_gccgo.py: "leak" leaks one goroutine every
// 100ms (blocked on a channel nobody sends on), "clean" only churns
// short-lived goroutines. Prints "ready", then runs until killed.
package main

import (
	"fmt"
	"os"
	"time"
)

func leaker(ch chan int) {
	<-ch // leaks here
}

func churn() {
	for {
		done := make(chan int)
		go func() { done <- 1 }()
		<-done
		time.Sleep(5 * time.Millisecond)
	}
}

func main() {
	go churn()
	fmt.Println("ready")
	for {
		if len(os.Args) > 1 && os.Args[1] == "leak" {
			go leaker(make(chan int))
		}
		time.Sleep(100 * time.Millisecond)
	}
}
