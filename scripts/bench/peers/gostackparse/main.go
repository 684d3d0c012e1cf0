// gostackparse: what a user of github.com/DataDog/gostackparse runs on a
// goroutine dump: gostackparse.Parse. It does not group; goroutines and
// the number of distinct stacks (by function and file:line) are printed
// for a sanity check, the grouping done here with a plain map.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"github.com/DataDog/gostackparse"
)

func main() {
	f, err := os.Open(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	gs, errs := gostackparse.Parse(bufio.NewReaderSize(f, 1<<20))
	groups := map[string]int{}
	var b strings.Builder
	for _, g := range gs {
		b.Reset()
		b.WriteString(g.State)
		for _, fr := range g.Stack {
			fmt.Fprintf(&b, "|%s %s:%d", fr.Func, fr.File, fr.Line)
		}
		groups[b.String()]++
	}
	fmt.Printf("goroutines=%d groups=%d errors=%d\n", len(gs), len(groups), len(errs))
}
