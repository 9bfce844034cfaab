"""The schema the migrations leave behind, as the database reports it (both databases)."""

import pytest
from django.db import connection

from donorcall.donors.models import ConsentEvent, ConsentState, DonorEvent
from donorcall.giving.models import Donation

pytestmark = pytest.mark.django_db

# Tables whose donor foreign key is served by a composite index that leads with donor_id.
COVERED = [
    (ConsentEvent, "consent_latest_idx"),
    (ConsentState, "consent_state_unique"),
    (DonorEvent, "donor_event_idx"),
    (Donation, "donation_donor_idx"),
]


def constraints_of(model) -> dict[str, dict]:
    with connection.cursor() as cursor:
        return connection.introspection.get_constraints(cursor, model._meta.db_table)


@pytest.mark.parametrize(("model", "covering"), COVERED, ids=lambda v: getattr(v, "__name__", v))
def test_donor_key_has_one_index_and_keeps_its_constraint(model, covering):
    constraints = constraints_of(model)
    on_donor_alone = [
        name
        for name, spec in constraints.items()
        if spec["index"] and spec["columns"] == ["donor_id"] and not spec["foreign_key"]
    ]
    assert on_donor_alone == []
    assert constraints[covering]["columns"][0] == "donor_id"
    foreign = [spec for spec in constraints.values() if spec["foreign_key"]]
    assert ("donors_donor", "id") in [tuple(spec["foreign_key"]) for spec in foreign]
