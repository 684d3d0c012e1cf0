/* Reading (and, for one runtime setting, writing) another process's memory:
 * process_vm_readv in batches, /proc/PID/mem when that is refused. */
#ifndef GOLEASH_PROC_MEM_H
#define GOLEASH_PROC_MEM_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

typedef struct gc_mem {
    pid_t pid;
    int memfd;            /* /proc/PID/mem, opened on first need; -1 none */
    uint64_t bias;        /* load bias: runtime address = linked address + bias */
    size_t bytes_read;    /* statistics for the pause figures */
    size_t calls;
} gc_mem;

void gc_mem_init(gc_mem *m, pid_t pid, uint64_t bias);
void gc_mem_close(gc_mem *m);

/* Reads len bytes at addr: 0, or -1 when any of it is unreadable. */
int gc_mem_read(gc_mem *m, uint64_t addr, void *out, size_t len);

/* A batch of reads; each failed one is zero-filled and flagged in ok[]
 * (may be NULL). Returns how many succeeded. */
typedef struct gc_mem_req {
    uint64_t addr;
    void *out;
    size_t len;
} gc_mem_req;
size_t gc_mem_read_batch(gc_mem *m, const gc_mem_req *reqs, size_t n, unsigned char *ok);

int gc_mem_u64(gc_mem *m, uint64_t addr, uint64_t *out);

/* Writes a 32-bit value (ptrace must be attached and the task stopped). */
int gc_mem_write_u32(gc_mem *m, uint64_t addr, uint32_t v);

/* The load bias of a running process's executable (PIE), from its auxv:
 * AT_ENTRY minus the file's entry point. 0 for a fixed-address binary. */
int gc_mem_exe_bias(pid_t pid, uint64_t file_entry, uint64_t *bias);

#endif
