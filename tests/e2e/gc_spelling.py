"""How the gc toolchain spells what the tests' headers spell as gccgo does.

The end-to-end headers name functions and wait reasons as the gccgo runs
report them. A gc build of the same program is checked against the same
headers: names and reasons are compared in the headers' spelling."""

import re

# gc 1.20+ names the sync wait that gccgo and gc 1.19 call semacquire.
REASONS = {"semacquire": {"semacquire", "sync.Mutex.Lock", "sync.RWMutex.Lock",
                          "sync.RWMutex.RLock", "sync.WaitGroup.Wait"}}
# A gc timerCtx does not say whether WithTimeout or WithDeadline made it.
CTX_KINDS = {"timeout": {"timeout", "deadline"}}


def canon(name):
    """main.(*T).M -> main.T.M; a closure main.f.func1 -> main.f..func1."""
    if not isinstance(name, str):
        return name
    name = re.sub(r"\(\*([^)]*)\)", r"\1", name)
    return re.sub(r"(?<!\.)\.func(\d)", r"..func\1", name)


def reason_ok(expected, actual):
    return actual in REASONS.get(expected, {expected})


def ctx_kind_ok(expected, actual):
    return actual in CTX_KINDS.get(expected, {expected})
