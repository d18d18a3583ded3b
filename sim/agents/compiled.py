"""The inner loops of the array-backed populations, compiled with numba.

Every step, each population lets newly passed thresholds join and splits its active actors
over the options they reach (sim/agents/population.py explains the method). In plain Python
these loops would be most of a run's time; compiled, they cost microseconds. What the loops
compute is defined per actor in tests/test_population.py (every actor choosing for itself),
which checks these kernels against it. The rules that use them (which options an actor has,
what each is worth, what comes of the choice) are written in the actors' own files; the
malicious actors' weekly arithmetic (`options`, `tally`) runs here as one loop over kinds and
sizes, equal to the numpy functions beside their rule (tests/test_malicious.py). The
explicit signatures compile when this module is imported; numba caches the machine code
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


@njit(cache=True)
def _envelope(costs, values, level_resources, cum, share, count):
    """Write into share[s] the sum over active actors choosing option s of weight x
    min(1, compute / cost_s), and into count[s] their weight, for one row. costs ascending
    (0: full volume whatever the compute); values <= 0: not reachable.

    The chosen options, and the lowest compute at which each is chosen, form the upper
    envelope of the payoffs value_s x min(1, r / cost_s). For options a < b (c_a <= c_b), b
    pays strictly more than a above the crossing r* = v_a c_b / v_b when v_b > v_a (from 0 if
    b pays more per unit of compute even below c_a; never if v_b <= v_a). Options are taken
    cheapest first onto a stack: a newcomer that wins over the top option's whole interval
    removes it. Each chosen option's actors are one block of compute levels, summed with the
    prefix sums cum (2, levels + 1) of row level_resources."""
    n_options = costs.shape[0]
    share[:] = 0.0
    count[:] = 0.0
    chosen = np.empty(n_options, np.int64)
    lows = np.empty(n_options + 1)
    n = 0
    for b in range(n_options):
        v_b = values[b]
        if v_b <= 0:
            continue
        c_b = costs[b]
        placed = False
        while n > 0:
            v_a = values[chosen[n - 1]]
            if v_b <= v_a:  # b never pays more than the top option, so it is never chosen
                placed = True
                break
            r = 0.0 if v_b * costs[chosen[n - 1]] > v_a * c_b else v_a * c_b / v_b
            if r > lows[n - 1]:
                chosen[n] = b
                lows[n] = r
                n += 1
                placed = True
                break
            n -= 1  # b wins over the top option's whole interval
        if not placed:
            chosen[n] = b
            lows[n] = 0.0
            n += 1
    if n == 0:
        return
    lows[n] = np.inf
    i_hi = np.searchsorted(level_resources, lows[0])
    for k in range(n):  # contiguous: each block starts where the last ended
        s, i_lo, hi, cost = chosen[k], i_hi, lows[k + 1], costs[chosen[k]]
        i_hi = np.searchsorted(level_resources, hi)
        if cost <= lows[k]:
            i_c = i_lo
        elif cost >= hi:
            i_c = i_hi
        else:
            i_c = np.searchsorted(level_resources, cost)
        partial = (cum[1, i_c] - cum[1, i_lo]) / cost if i_c > i_lo else 0.0  # below full volume
        share[s] = partial + cum[0, i_hi] - cum[0, i_c]  # plus actors at full volume
        count[s] = cum[0, i_hi] - cum[0, i_lo]


@njit("void(f8[:, :], f8[:, :], f8[:, :], f8[:, :, :], f8[:, :], f8[:, :])", cache=True)
def choose(costs, values, level_resources, cum, share, count):
    """For every row (population): each active actor takes the option with the highest
    value_s x min(1, r / cost_s). Writes per row and option the volume share and the weight
    of the actors choosing it (sim/agents/population.py). Costs may come in any order."""
    rows, n_options = costs.shape
    c, v = np.empty(n_options), np.empty(n_options)
    sh, cnt = np.empty(n_options), np.empty(n_options)
    for k in range(rows):
        order = np.argsort(costs[k], kind="mergesort")
        for i in range(n_options):
            c[i] = costs[k, order[i]]
            v[i] = values[k, order[i]]
        _envelope(c, v, level_resources[k], cum[k], sh, cnt)
        for i in range(n_options):
            share[k, order[i]] = sh[i]
            count[k, order[i]] = cnt[i]


@njit("void(f8[:], i8[:, :], f8[:, :], f8[:, :], f8[:, :], f8[:, :], f8, f8[:, :], f8[:, :], "
      "f8[:, :])", cache=True)
def options(p_detect, p_index, detect_scale, api_catch, reach_value, base_costs, cost_factor,
            escape, values, costs):
    """The malicious actors' options this week, per kind and option o (a door to a size):
    the share of items that escape detection, escape = 1 - (p_detect[p_index] x detect_scale
    + api_catch); what an item is worth, values[:, 1 + o] = reach_value x escape; what it
    costs, costs[:, 1 + o] = base_costs x cost_factor. p_detect holds the platforms' chance
    of detecting each size's output, then (with watermarks) of its marked output; p_index
    says which applies. Column 0 (the substitute) is left as it is.
    sim.agents.malicious.options_numpy is the same in numpy (tests/test_malicious.py)."""
    kinds, n_options = escape.shape
    for k in range(kinds):
        for o in range(n_options):
            e = 1.0 - (p_detect[p_index[k, o]] * detect_scale[k, o] + api_catch[k, o])
            escape[k, o] = e
            values[k, 1 + o] = reach_value[k, o] * e
            costs[k, 1 + o] = base_costs[k, o] * cost_factor


@njit("void(f8[:], f8[:, :], f8[:, :], f8[:, :], f8[:, :], f8[:, :], f8[:], i8[:], f8[:, :], "
      "f8[:, :], i8)", cache=True)
def tally(effort, share, count, escape, output, harm_per_item, forgone, size_of, by_size,
          harm_record, step):
    """What the malicious actors' choice comes to this week. Per kind k and option o (a door
    to size s = size_of[o]): items = effort_k x share[k, 1 + o] x output (the share of the
    door's full volume an account gets: rate limits, revocation); undetected = items x
    escape; gross harm = undetected x harm_per_item; harm = gross - count[k, 1 + o] x
    forgone_k (the substitute given up). Writes by_size (4, sizes): items, detected, gross
    harm, harm summed over kinds in kind order, and harm_record[:, step]: harm per kind summed
    over options in order. sim.agents.malicious.tally_numpy is the same in numpy
    (tests/test_malicious.py)."""
    kinds, n_options = escape.shape
    sizes = by_size.shape[1]
    by_size[:] = 0.0
    undetected = np.zeros(sizes)
    for k in range(kinds):
        kind_harm = 0.0
        for o in range(n_options):
            s = size_of[o]
            items = effort[k] * share[k, 1 + o] * output[k, o]
            escaped = items * escape[k, o]
            gross = escaped * harm_per_item[k, o]
            harm = gross - count[k, 1 + o] * forgone[k]
            by_size[0, s] += items
            undetected[s] += escaped
            by_size[2, s] += gross
            by_size[3, s] += harm
            kind_harm += harm
        harm_record[k, step] = kind_harm
    for s in range(sizes):
        by_size[1, s] = by_size[0, s] - undetected[s]
