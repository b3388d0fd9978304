"""The vocabulary is typed and says what it stores: each status's name is its database value, and the
workflow's tables use nothing else."""

import pytest

from services import workflow
from services.kernel.vocabulary import ApplicationStatus, RegistrationStatus, RequestStatus, RequestType, Role


@pytest.mark.parametrize("enum", [ApplicationStatus, RequestStatus, RegistrationStatus])
def test_a_status_is_named_as_it_is_stored(enum):
    assert all(member.name == member.value for member in enum)
    assert all(getattr(workflow, member.name) is member for member in enum)


def test_the_workflow_tables_use_the_vocabulary():
    kinds = {
        RequestType.application: set(ApplicationStatus),
        RequestType.forced: set(RequestStatus),
        # 系统终止 closes requests on a registration; an important-info change is on the enterprise
        RequestType.info_change: set(RequestStatus) - {RequestStatus.REQ_TERMINATED},
    }
    assert set(workflow.STATUS_LABELS) == set(RequestType)
    for kind, statuses in kinds.items():
        assert set(workflow.STATUS_LABELS[kind]) == set(statuses), kind
        for t in workflow.TRANSITIONS[kind]:
            assert t.target in statuses and t.sources <= set(statuses), (kind, t.action)
            assert t.roles <= set(Role)
    assert set(workflow.REGISTRATION_LABELS) == set(RegistrationStatus)
