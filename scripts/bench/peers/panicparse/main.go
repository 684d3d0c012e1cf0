// panicparse: what a user of github.com/maruel/panicparse/v2 runs on a
// goroutine dump: stack.ScanSnapshot, then Aggregate (grouping like
// goleash's). Options are the cheapest (no argument naming, which is
// O(n²), no source lookups) so the comparison is the parser's own speed.
// Prints goroutines and groups, for a sanity check against goleash.
package main

import (
	"bufio"
	"fmt"
	"io"
	"os"

	"github.com/maruel/panicparse/v2/stack"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	s, _, err := stack.ScanSnapshot(bufio.NewReaderSize(f, 1<<20), io.Discard, &stack.Opts{})
	if err != nil && err != io.EOF {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	if s == nil {
		fmt.Fprintln(os.Stderr, "no snapshot")
		os.Exit(2)
	}
	a := s.Aggregate(stack.AnyPointer)
	fmt.Printf("goroutines=%d groups=%d\n", len(s.Goroutines), len(a.Buckets))
}
