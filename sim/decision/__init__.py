"""The decision summary of a comparison: a bottom line a policymaker can defend.

A `Decision` is plain data (JSON-serialisable): the bottom line, the assumptions it rests on,
and a list of parts. Each part is a section with its own sentence of the bottom line, its own
table (rows of plain values), the units of its columns and notes on what its numbers mean.
A part is made by one function of `Inputs` in `PARTS` (sim.decision.summary), one module per
part; adding a part is adding one function there.

- expected net value per strategy, with the 90% confidence interval of its mean (t interval
  over replicates: how well the simulation pins the expectation down, not the spread of
  single outcomes);
- against the best: the paired difference (same random numbers) of the best strategy's net
  value against every other strategy's, with its 90% confidence interval; when the interval
  against the runner-up contains 0 the bottom line says the two cannot be told apart at this
  number of replicates, and roughly how many would separate them;
- probability of being best: the share of replicates in which a strategy has the highest net
  value of the compared strategies (paired: same random numbers; ties shared), and, when the
  strategy best most often is not the best in expectation, what each of the two means;
- harm risk: 95th percentile of harm across replicates and the mean of the worst 10% of
  replicates (spreads of single outcomes), and harm by kind of malicious actor;
- break-even harm weights: net value = benefit - w x harm, so each strategy's expected net value
  is a line in w (its mean benefit and mean harm over replicates). The upper envelope of the
  lines, computed exactly, gives every weight at which the strategy with the highest expected
  net value changes; a paired bootstrap over replicates (seeded from the scenario's seed)
  recomputes each weight from resampled means and gives its 90% interval;
- the frontier (pareto): the strategies that no other beats on both expected harm and
  expected benefit, beside the harm-weight range where each is best;
- value of information: what the lab's learning is worth to each evidence-gated strategy, and
  what knowing the true world would be worth (sim.information);
- what would change it: with a finished sweep (`Results.sweep`), which of the sweep's
  assumptions decide the best strategy most and where this scenario lies on the sweep's map,
  and whether that agrees with this comparison (sim.sweep.drivers); without one, that the
  answer holds every other assumption at one value, and the command that measures which
  matter.

Only the compared strategies (scenario.strategies) are ranked; the 'closed' run added for
marginal harm when it is not listed is not.
"""

from sim.decision.basis import (
    assumptions_of,
    basis_heading,
    differences,
    discounting_text,
    file_replicates,
    inputs_text,
    reference_name,
    replicates_text,
    rests_on,
)
from sim.decision.break_even import (
    break_even,
    break_even_intervals,
    flips_in_words,
    resampled_means,
    upper_envelope,
)
from sim.decision.expected import (
    against_best,
    expected_best,
    expected_value,
    probability_best,
    replicates_to_separate,
    separate_in_words,
    tied_strategies,
)
from sim.decision.harm_risk import harm_risk
from sim.decision.learning import value_of_information
from sim.decision.pareto import beaten_on_both, pareto
from sim.decision.part import LEVEL, SHARE_UNIT, Decision, Inputs, Part
from sim.decision.summary import PARTS, decide
from sim.decision.what_would_change import SWEEP_COMMAND, what_would_change_it

__all__ = ["LEVEL", "PARTS", "SHARE_UNIT", "SWEEP_COMMAND", "Decision", "Inputs", "Part",
           "against_best", "assumptions_of", "basis_heading", "beaten_on_both", "break_even",
           "break_even_intervals", "decide", "differences", "discounting_text", "expected_best",
           "expected_value", "file_replicates", "flips_in_words", "harm_risk", "inputs_text",
           "pareto", "probability_best", "reference_name", "replicates_text",
           "replicates_to_separate", "resampled_means", "rests_on", "separate_in_words",
           "tied_strategies", "upper_envelope", "value_of_information", "what_would_change_it"]
