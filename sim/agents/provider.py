"""The releasing lab as a provider: the doors it runs to its models, and its access controls.

A size behind the hosted interface or the API is reached through the provider; a gated size
by approved applicants; public weights by anyone. The provider vets (identity checks keep a
share of each malicious kind out: at a gated download always, at the interfaces with
know-your-customer on), limits (the hosted interface's low volume, the API's rate limit),
monitors (catches a share of the misuse through its interfaces), revokes (cuts off the
accounts it flags, after a delay; the actor returns on a new account after some weeks), marks
(watermarks its interfaces' output) and safeguards (its models refuse some misuse; the
safeguards of downloaded weights can be fine-tuned away). What each door is worth to an actor
and what it costs is the actor's choice (sim/agents/malicious.py). With every control off and
only the levels before the gradient in use, the doors are exactly those of that model.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.schema.access_controls import AccessControls


@dataclass
class Doors:
    """The provider's doors this week, one entry per size (they change only with access)."""

    interface: np.ndarray  # bool: behind the hosted interface or the API
    gated: np.ndarray  # bool: weights for approved applicants
    vetted: np.ndarray  # bool: identity checks keep each kind's kyc_kept_out share out
    cap: np.ndarray  # items a week one account gets through the door (inf: no cap)
    catch: np.ndarray  # share of misuse through the door the provider catches
    uptime: np.ndarray  # share of weeks an abuser's account works (revocation)
    price: np.ndarray  # price per item, as a share of running the weights oneself
    marked: np.ndarray  # bool: the door's output carries a watermark
    safeguarded: np.ndarray  # bool: the lab's model, whose safeguards cut misuse capacity
    tunable: np.ndarray  # bool: the lab's weights in hand, whose safeguards can be tuned away


class Provider:
    """The doors to the lab's models and the controls on them; recomputed when access moves."""

    def __init__(self, model):
        self.model = model
        self.controls: AccessControls = model.spec.access_controls
        self.seen_version = -1
        self.current: Doors | None = None

    def doors(self) -> Doors:
        w = self.model.world
        if w.access_version != self.seen_version or self.current is None:
            self.seen_version = w.access_version
            self.current = self.open_doors()
        return self.current

    def open_doors(self) -> Doors:
        w, c = self.model.world, self.controls
        interface = w.api | w.hosted
        # public weights are the lab's model unless another lab's replication made them public
        lab_weights = w.gated | (w.public & (w.public_route_code != w.REPLICATED))
        tuning = c.fine_tuning.enabled
        return Doors(
            interface=interface,
            gated=w.gated,
            vetted=self.vet(interface, w.gated),
            cap=self.limit(w.hosted, w.api),
            catch=self.monitor(w.hosted, w.api),
            uptime=self.revoke(w.hosted, w.api),
            price=np.where(interface, self.model.spec.costs.api_price_share, 1.0),
            marked=interface & c.watermark.enabled,
            safeguarded=(interface | lab_weights) & tuning,
            tunable=lab_weights & tuning,
        )

    def vet(self, interface: np.ndarray, gated: np.ndarray) -> np.ndarray:
        """Identity checks: every gated download vets its applicants; the interfaces check
        their customers when know-your-customer is on."""
        return gated | (interface & self.controls.know_your_customer.enabled)

    def limit(self, hosted: np.ndarray, api: np.ndarray) -> np.ndarray:
        """Items a week one account gets: the hosted interface's low volume always, the API's
        rate limit when it is on."""
        c = self.controls
        cap = np.where(hosted, c.hosted.items_per_week, np.inf)
        if c.rate_limit.enabled:
            cap = np.where(api, c.rate_limit.items_per_week, cap)
        return cap

    def monitor(self, hosted: np.ndarray, api: np.ndarray) -> np.ndarray:
        """Share of misuse the provider's use policy catches on each door (it sees every
        hosted request; API requests come in bulk)."""
        return (api * self.model.spec.defenders.api_monitoring
                + hosted * self.controls.hosted.monitoring)

    def revoke(self, hosted: np.ndarray, api: np.ndarray) -> np.ndarray:
        """Share of weeks an abuser's account works when flagged accounts are cut off: flagged
        with weekly chance equal to the door's monitoring share (1 / catch weeks on average),
        cut off delay_weeks later, then new_account_weeks without output before a new one."""
        rev = self.controls.revocation
        uptime = np.ones(len(hosted))
        if not rev.enabled:
            return uptime
        catch = self.monitor(hosted, api)
        flagged = catch > 0
        lasts = 1 / np.where(flagged, catch, 1.0) + rev.delay_weeks
        return np.where(flagged, lasts / (lasts + rev.new_account_weeks), uptime)
