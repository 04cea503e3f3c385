/* Populating the heap ahead of a parse.
 *
 * Parsing, hardening and serializing a config allocates about four times the
 * file's size in small blocks, and malloc touches each new page for the
 * first time as it goes: a page fault per 4 KiB. On virtual machines a
 * fault costs 10 to 70 µs (13.5 µs on the machine of bench/README.md), and
 * a 1 MB config made 1,400 of them. hr_heap_prefault() grows the heap once
 * and has the kernel populate it in one madvise(MADV_POPULATE_WRITE) call,
 * about half the cost per page and no trap per page. */
#ifndef HARDRUN_HEAP_H
#define HARDRUN_HEAP_H

#include <stddef.h>

/* What parsing and hardening a document of SIZE bytes is expected to
 * allocate: a fixed part (the seccomp filter, buffers) and four bytes per
 * byte of input. */
size_t hr_heap_estimate (size_t size);

/* Makes BYTES of heap available without page faults: malloc keeps its
 * heap (no trimming, no mmap for blocks below 64 MiB), and the pages are
 * populated. Returns 0, or negative errno when the kernel cannot populate
 * (before Linux 5.14: -EINVAL), in which case the pages fault in as
 * usual. */
int hr_heap_prefault (size_t bytes);

#endif
