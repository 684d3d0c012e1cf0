// A gccgo c-shared library whose one function runs a goroutine, for
// run_dlopen_local.py: hosts load it with RTLD_LOCAL while libgoleash.so is
// preloaded.
package main

import "C"

import "time"

//export Spawn
func Spawn() C.int {
	done := make(chan int)
	go func() { time.Sleep(time.Millisecond); done <- 1 }()
	return C.int(<-done + 41)
}

func main() {}
