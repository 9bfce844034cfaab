"""The campaign queue and the claim (docs/dialler.md).

- ``hours``: which zone keys are inside a campaign's calling window at an instant.
- ``eligibility``: ``refresh_queue`` keeps ``blocked`` and ``zone_key`` true; ``enqueue``.
- ``claim``: ``claim_next_donor``, the dialler's hot path.
- ``leases``: renew, release and expire leases.
- ``explain``: why nobody is callable (the manager's Out-of-Data view).
"""
