/* `goleash snapshot PID`: the goroutines of a running gc program, read
 * while all its threads are stopped for a moment, written as a goleash
 * dump. With a minimum park time, two samples that far apart: a goroutine
 * is parked for at least that long only if the second sample finds it
 * parked at the same place without having been woken in between (the
 * runtime counts every descheduling of a goroutine: trackingSeq). */
#ifndef GOLEASH_GC_SNAPSHOT_H
#define GOLEASH_GC_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct gc_snapshot_opts {
    int64_t min_park_ns;      /* > 0: sample twice, this far apart */
    const char *dump_path;
} gc_snapshot_opts;

typedef struct gc_snapshot_stats {
    int64_t pause_ns[2];      /* how long the process was stopped, per sample */
    size_t goroutines;        /* in the last sample */
    size_t threads;
} gc_snapshot_stats;

/* 0, or -1 with why (the process is never left stopped). */
int gc_snapshot(pid_t pid, const gc_snapshot_opts *o, gc_snapshot_stats *stats, char *why, size_t whylen);

#endif
