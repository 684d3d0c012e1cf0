// One leaked goroutine per process (fanout/parent.go starts 40).
package main

var never = make(chan int)

func childLeak() { <-never }

func main() {
	go childLeak()
}
