"""The inner loops of the array-backed populations, compiled with numba.

Every step, each population lets newly passed thresholds join and splits its active actors
over the sizes they reach (sim/agents/population.py explains the method). In plain Python
these loops would be most of a run's time; compiled, they cost microseconds. The arithmetic
follows the plain-numpy formulation step by step (a bincount of the joiners added to the
level sums, a running prefix sum, block sums), so it gives the same floating-point numbers.
The explicit signatures compile when this module is imported; numba caches the machine code
beside this file (cache=True), so only the first import on a machine pays for compiling.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit("void(f8[:], f8[:], f8[:], i8[:], i8[:], i8[:], i8[:], f8[:], f8[:], f8[:, :, :], "
      "f8[:, :, :])", cache=True)
def join(step_hazards, hazard, thresholds, offsets, joined, n_active, level, weight, weight_r,
         level_sums, cum):
    """Add each row's hazard for this step; let actors whose threshold it passes join.

    Row k's waiting actors are entries offsets[k]:offsets[k + 1] of thresholds (ascending),
    level, weight and weight_r (weight x compute); joined[k] of them have joined. Updates
    level_sums (rows, 2, levels) and its prefix sums cum (rows, 2, levels + 1) in place."""
    rows, levels = level_sums.shape[0], level_sums.shape[2]
    for k in range(rows):
        hazard[k] += step_hazards[k]
        lo = offsets[k]
        upto = np.searchsorted(thresholds[lo:offsets[k + 1]], hazard[k], side="right")
        if upto <= joined[k]:
            continue
        added = np.zeros((2, levels))
        for j in range(lo + joined[k], lo + upto):
            added[0, level[j]] += weight[j]
            added[1, level[j]] += weight_r[j]
        n_active[k] += upto - joined[k]
        joined[k] = upto
        for m in range(2):
            total = 0.0
            for i in range(levels):
                level_sums[k, m, i] += added[m, i]
                total += level_sums[k, m, i]
                cum[k, m, i + 1] = total


@njit("void(f8[:], f8[:], f8[:], f8[:, :], f8[:])", cache=True)
def allocate(costs, values, level_resources, cum, share):
    """Write into share[s] the sum over active actors choosing size s of weight x
    min(1, compute / cost_s), for one row. costs ascending; values <= 0: not reachable.

    The chosen sizes, and the lowest compute at which each is chosen, form the upper envelope
    of the payoffs value_s x min(1, r / cost_s). For sizes a < b (c_a < c_b), b pays strictly
    more than a above the crossing r* = v_a c_b / v_b when v_b > v_a (from 0 if b pays more per
    unit of compute even below c_a; never if v_b <= v_a). Sizes are taken cheapest first onto a
    stack: a newcomer that wins over the top size's whole interval removes it. Each chosen
    size's actors are one block of compute levels, summed with the prefix sums cum
    (2, levels + 1) of row level_resources."""
    n_sizes = costs.shape[0]
    share[:] = 0.0
    sizes = np.empty(n_sizes, np.int64)
    lows = np.empty(n_sizes + 1)
    n = 0
    for b in range(n_sizes):
        v_b = values[b]
        if v_b <= 0:
            continue
        c_b = costs[b]
        placed = False
        while n > 0:
            v_a = values[sizes[n - 1]]
            if v_b <= v_a:  # b never pays more than the top size, so it is never chosen
                placed = True
                break
            r = 0.0 if v_b * costs[sizes[n - 1]] > v_a * c_b else v_a * c_b / v_b
            if r > lows[n - 1]:
                sizes[n] = b
                lows[n] = r
                n += 1
                placed = True
                break
            n -= 1  # b wins over the top size's whole interval
        if not placed:
            sizes[n] = b
            lows[n] = 0.0
            n += 1
    if n == 0:
        return
    lows[n] = np.inf
    i_hi = np.searchsorted(level_resources, lows[0])
    for k in range(n):  # contiguous: each block starts where the last ended
        s, i_lo, hi, cost = sizes[k], i_hi, lows[k + 1], costs[sizes[k]]
        i_hi = np.searchsorted(level_resources, hi)
        if cost <= lows[k]:
            i_c = i_lo
        elif cost >= hi:
            i_c = i_hi
        else:
            i_c = np.searchsorted(level_resources, cost)
        partial = (cum[1, i_c] - cum[1, i_lo]) / cost  # actors below full volume
        share[s] = partial + cum[0, i_hi] - cum[0, i_c]  # plus actors at full volume


@njit("b1(i8[:], f8[:], b1[:], b1[:], b1[:, :], b1[:], f8[:], f8, f8[:, :], f8[:], f8[:, :], "
      "f8[:], f8[:, :], f8[:, :, :], f8[:, :], b1[:], f8[:])", cache=True)
def misuse(n_active, p_detect, public, api, own, uses_api, detectable, api_monitoring, capacity,
           volume, harm_per_item, costs, level_resources, cum, tallies, reached, harm_by_kind):
    """One step of every kind of malicious actor (rows of own, capacity, ...): each active
    actor uses the reachable size with the most undetected impact. Writes this step's items,
    detected items and harm per size into the rows of tallies (summed in kind order), marks
    sizes reached, writes each kind's harm; returns whether a size was reached for the first
    time."""
    n_sizes = p_detect.shape[0]
    values, p_kind, share = np.empty(n_sizes), np.empty(n_sizes), np.empty(n_sizes)
    items, detected, harm = tallies[0], tallies[1], tallies[2]
    tallies[:] = 0.0
    first = False
    for k in range(n_active.shape[0]):
        harm_by_kind[k] = 0.0
        if n_active[k] == 0:
            continue
        for s in range(n_sizes):
            via_api = uses_api[k] and api[s] and not own[k, s]
            if not (public[s] or own[k, s] or via_api):
                values[s] = 0.0
                p_kind[s] = 0.0
                continue
            first = first or not reached[s]
            reached[s] = True
            p = p_detect[s] * detectable[k]
            if via_api:  # the API provider's use policy catches some of what platforms miss
                p += (1 - p) * api_monitoring
            values[s] = capacity[k, s] * (1 - p)
            p_kind[s] = p
        allocate(costs, values, level_resources[k], cum[k], share)
        total = 0.0
        for s in range(n_sizes):
            if share[s] != 0.0:
                n_items = volume[k] * share[s]
                n_detected = n_items * p_kind[s]
                h = (n_items - n_detected) * harm_per_item[k, s]
                items[s] += n_items
                detected[s] += n_detected
                harm[s] += h
                total += h
        harm_by_kind[k] = total
    return first
