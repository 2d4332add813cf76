"""Demo rows of this part: progress notes by the provider's staff and reviews of ended contracts, idempotent."""

from cases import demo_reviews
from cases.models import ContractState, GoalRating, Review, TaskNote
from juwe.lib.seeding import SeedContext
from tests.cases.reviews.factories import make_contract


def test_seed_writes_notes_and_reviews_once(users, org, help_case, contract):
    ended = make_contract(help_case, provider=org.provider_a, state=ContractState.ENDED)
    make_contract(help_case, provider=org.provider_a, state=ContractState.DRAFT)
    ctx = SeedContext(quiet=True)
    demo_reviews.seed(ctx)
    notes = TaskNote.objects.count()
    assert notes > 0
    assert not TaskNote.objects.filter(task__contract__state=ContractState.DRAFT).exists()
    assert TaskNote.objects.filter(task__party="provider", written_by=users.provider_staff).exists()
    review = Review.objects.get()
    assert review.contract == ended and review.decision == "end" and review.end_state == "counselling"
    assert GoalRating.objects.filter(review=review).count() == ended.goals.count()
    demo_reviews.seed(SeedContext(quiet=True))
    assert (TaskNote.objects.count(), Review.objects.count(), GoalRating.objects.count()) == (notes, 1, 2)
