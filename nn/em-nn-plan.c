/* SPDX-License-Identifier: Apache-2.0 */
/* Arena planning: greedy by decreasing size, each buffer at the lowest
 * aligned offset that does not collide with an already placed buffer whose
 * lifetime intersects its own.
 *
 * The lowest valid offset is always 0 or the aligned end of some placed,
 * conflicting buffer: if offset o is valid and o − ALIGN is not, the buffer
 * that blocks o − ALIGN must end in (o − ALIGN, o], so o is its aligned end.
 * Trying those candidates in any order and keeping the smallest valid one
 * is therefore exact, and needs no sorted gap list — O(n³) for n buffers,
 * which is nothing for the tens of tensors a model has. */
#include "em-nn-program.h"

static uint64_t
align_up (uint64_t v)
{
  return (v + EM_NN_ARENA_ALIGN - 1u) / EM_NN_ARENA_ALIGN * EM_NN_ARENA_ALIGN;
}

static int
lifetimes_meet (const int32_t *first, const int32_t *last, int32_t a, int32_t b)
{
  return first[a] <= last[b] && first[b] <= last[a];
}

/* Whether [off, off + size) is free of every placed buffer alive at the
 * same time as buffer `me`. */
static int
fits (uint64_t off, int32_t me, const uint32_t *sizes, const int32_t *first, const int32_t *last,
      const uint32_t *offsets, const int32_t *placed, uint32_t n_placed)
{
  uint32_t j;

  if (sizes[me] == 0)
    return 1;
  for (j = 0; j < n_placed; j++)
    {
      int32_t o = placed[j];
      uint64_t start = offsets[o], end = start + sizes[o];
      if (sizes[o] == 0 || !lifetimes_meet (first, last, me, o))
        continue;
      if (off < end && start < off + sizes[me])
        return 0;
    }
  return 1;
}

uint32_t
em_nn_plan_arena (uint32_t n, const uint32_t *sizes, const int32_t *first,
                  const int32_t *last, uint32_t *offsets, int32_t *scratch)
{
  int32_t *order = scratch;       /* [n] buffers by decreasing size */
  int32_t *placed = scratch + n;  /* [n] buffers placed so far */
  uint64_t arena = 0;
  uint32_t i, j;

  /* Insertion sort, stable: equal sizes keep index order, so the plan is
   * deterministic. */
  for (i = 0; i < n; i++)
    {
      int32_t b = (int32_t) i;
      j = i;
      while (j > 0 && sizes[order[j - 1]] < sizes[b])
        {
          order[j] = order[j - 1];
          j--;
        }
      order[j] = b;
    }

  for (i = 0; i < n; i++)
    {
      int32_t me = order[i];
      uint64_t best = 0;
      int found = fits (0, me, sizes, first, last, offsets, placed, i);

      /* When 0 fits, every candidate is >= best and the scan skips them. */
      for (j = 0; j < i; j++)
        {
          int32_t o;
          uint64_t cand;
          o = placed[j];
          if (!lifetimes_meet (first, last, me, o))
            continue;
          cand = align_up ((uint64_t) offsets[o] + sizes[o]);
          if (found && cand >= best)
            continue;
          if (fits (cand, me, sizes, first, last, offsets, placed, i))
            {
              best = cand;
              found = 1;
            }
        }
      offsets[me] = (uint32_t) best;
      placed[i] = me;
      if (best + sizes[me] > arena)
        arena = best + sizes[me];
    }
  return (uint32_t) align_up (arena);
}
