/* heap: the estimate, and populating the heap leaves malloc working. */
#include "config.h"
#include "tap.h"
#include "heap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int
main (void)
{
  /* a fixed part plus four bytes per byte, bounded */
  size_t small = hr_heap_estimate (0);
  ok (small >= 64 * 1024 && small <= 512 * 1024, "the fixed part: %zu bytes", small);
  check_int ((long) hr_heap_estimate (1024), ==, (long) (small + 4 * 1024));
  size_t huge = hr_heap_estimate ((size_t) -1);
  ok (huge == hr_heap_estimate (SIZE_MAX / 2) && huge >= hr_heap_estimate (4 * 1024 * 1024),
      "bounded: %zu bytes however large the file", huge);

  check_int (hr_heap_prefault (0), ==, -EINVAL);
  check_int (hr_heap_prefault (huge + 1), ==, -EINVAL);

  /* Linux 5.14 and later populate; older kernels (and malloc
   * replacements without mallopt) say EINVAL, and nothing breaks */
  int r = hr_heap_prefault (hr_heap_estimate (1024 * 1024));
  ok (r == 0 || r == -EINVAL, "populate 4 MB: %d", r);

  /* the heap serves blocks after it, large ones included */
  char *blocks[64];
  for (size_t i = 0; i < 64; i++)
    {
      blocks[i] = malloc (1000 + i * 1000);
      if (blocks[i])
        memset (blocks[i], (int) i, 1000 + i * 1000);
    }
  bool all = true;
  for (size_t i = 0; i < 64; i++)
    all = all && blocks[i] && (unsigned char) blocks[i][999 + i * 1000] == i;
  ok (all, "64 blocks from 1 KB to 64 KB allocated and written");
  for (size_t i = 0; i < 64; i++)
    free (blocks[i]);
  char *big = malloc (8 * 1024 * 1024);
  ok (big != NULL, "an 8 MB block");
  if (big)
    big[8 * 1024 * 1024 - 1] = 1;
  free (big);
  return done_testing ();
}
