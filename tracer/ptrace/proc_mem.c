/* Remote memory (proc_mem.h). */
#include "ptrace/proc_mem.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <unistd.h>

enum { BATCH = 512 };

void gc_mem_init(gc_mem *m, pid_t pid, uint64_t bias)
{
    memset(m, 0, sizeof *m);
    m->pid = pid;
    m->memfd = -1;
    m->bias = bias;
}

void gc_mem_close(gc_mem *m)
{
    if (m->memfd >= 0)
        close(m->memfd);
    m->memfd = -1;
}

static int read_procmem(gc_mem *m, uint64_t addr, void *out, size_t len)
{
    if (m->memfd < 0) {
        char path[64];
        snprintf(path, sizeof path, "/proc/%d/mem", (int)m->pid);
        m->memfd = open(path, O_RDONLY | O_CLOEXEC);
        if (m->memfd < 0)
            return -1;
    }
    size_t done = 0;
    while (done < len) {
        ssize_t r = pread(m->memfd, (char *)out + done, len - done, (off_t)(addr + done));
        if (r <= 0)
            return -1;
        done += (size_t)r;
    }
    return 0;
}

int gc_mem_read(gc_mem *m, uint64_t addr, void *out, size_t len)
{
    if (len == 0)
        return 0;
    struct iovec local = {out, len}, remote = {(void *)(uintptr_t)addr, len};
    m->calls++;
    ssize_t r = process_vm_readv(m->pid, &local, 1, &remote, 1, 0);
    if (r == (ssize_t)len) {
        m->bytes_read += len;
        return 0;
    }
    if (r < 0 && errno != EPERM && errno != ENOSYS)
        return -1;
    /* A partial read crossed into an unmapped page, or the call is not
     * allowed here: /proc/PID/mem tells which bytes are really there. */
    return read_procmem(m, addr, out, len);
}

size_t gc_mem_read_batch(gc_mem *m, const gc_mem_req *reqs, size_t n, unsigned char *ok)
{
    size_t good = 0;
    for (size_t at = 0; at < n; at += BATCH) {
        size_t k = n - at < BATCH ? n - at : BATCH;
        struct iovec local[BATCH], remote[BATCH];
        size_t total = 0;
        for (size_t i = 0; i < k; i++) {
            local[i] = (struct iovec){reqs[at + i].out, reqs[at + i].len};
            remote[i] = (struct iovec){(void *)(uintptr_t)reqs[at + i].addr, reqs[at + i].len};
            total += reqs[at + i].len;
        }
        m->calls++;
        ssize_t r = process_vm_readv(m->pid, local, k, remote, k, 0);
        if (r == (ssize_t)total) {
            m->bytes_read += total;
            if (ok)
                memset(ok + at, 1, k);
            good += k;
            continue;
        }
        /* Some request failed: the batch call stops at the first bad one,
         * so read them one by one to tell which. */
        for (size_t i = 0; i < k; i++) {
            const gc_mem_req *q = &reqs[at + i];
            int fine = gc_mem_read(m, q->addr, q->out, q->len) == 0;
            if (!fine)
                memset(q->out, 0, q->len);
            if (ok)
                ok[at + i] = (unsigned char)fine;
            good += (size_t)fine;
        }
    }
    return good;
}

int gc_mem_u64(gc_mem *m, uint64_t addr, uint64_t *out)
{
    return gc_mem_read(m, addr, out, sizeof *out);
}

int gc_mem_write_u32(gc_mem *m, uint64_t addr, uint32_t v)
{
    uint64_t word_addr = addr & ~(uint64_t)7;
    errno = 0;
    long word = ptrace(PTRACE_PEEKDATA, m->pid, (void *)(uintptr_t)word_addr, NULL);
    if (errno)
        return -1;
    if (addr & 3)
        return -1; /* never for an int32 the compiler aligned */
    unsigned char bytes[8];
    memcpy(bytes, &word, 8);
    memcpy(bytes + (addr - word_addr), &v, 4);
    memcpy(&word, bytes, 8);
    return ptrace(PTRACE_POKEDATA, m->pid, (void *)(uintptr_t)word_addr, (void *)word) == 0 ? 0 : -1;
}

int gc_mem_exe_bias(pid_t pid, uint64_t file_entry, uint64_t *bias)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/auxv", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    Elf64_auxv_t av[128];
    ssize_t n = read(fd, av, sizeof av);
    close(fd);
    for (ssize_t i = 0; n > 0 && i < n / (ssize_t)sizeof av[0]; i++)
        if (av[i].a_type == AT_ENTRY) {
            *bias = av[i].a_un.a_val - file_entry;
            return 0;
        }
    return -1;
}
