"""The contract page's part of cases.reviews: progress notes per task and the review (or its link)."""

from __future__ import annotations

import datetime as dt

from django import template

from cases import reviews
from cases.models import ContractState
from cases.reviews_forms import TaskNoteForm

register = template.Library()


@register.inclusion_tag("cases/reviews/_extras.html", takes_context=True)
def contract_review_extras(context, contract) -> dict:
    """Four queries at most (tasks, notes, review, ratings), whatever the number of tasks and notes."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if contract is None or contract.state == ContractState.DRAFT or user is None:
        return {"show": False}
    tasks = reviews.tasks_with_notes(contract)
    if contract.state != ContractState.ENDED and user.has_perm("cases.add_task_note", contract):
        for task in tasks:
            task.note_form = TaskNoteForm(task_id=task.pk)
    review = reviews.review_of(contract)
    return {
        "show": True,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "contract": contract,
        "tasks": tasks,
        "review": review,
        "review_due": reviews.is_review_due(contract, review),
        "review_from": contract.approved_until - dt.timedelta(days=reviews.REVIEW_LEAD_DAYS),
        "overdue": review is None and contract.state == ContractState.ACTIVE and reviews.is_overdue(contract),
        "may_review": review is None and contract.state == ContractState.ACTIVE
        and user.has_perm("cases.record_review", contract),
    }
