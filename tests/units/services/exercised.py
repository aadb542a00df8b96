"""What a property test exercised: decisions applied by kind and refused by
reason, reported to hypothesis (`--hypothesis-show-statistics`) and counted, so
that a run which applied nothing fails instead of passing."""

from collections import Counter

from django.core.exceptions import ValidationError
from hypothesis import event


def tally_applied(tally: Counter, kind: str, reversed_: bool = False) -> None:
    event(f"applied: {kind}")
    tally["applied"] += 1
    tally[f"applied {kind}"] += 1
    if reversed_:
        event("reversed")
        tally["reversed"] += 1


def refused(tally: Counter, kind: str, error: ValidationError) -> None:
    """A refusal, by the rule that refused it (its first message)."""
    reason = error.messages[0] if error.messages else "?"
    event(f"refused {kind}: {reason[:70]}")
    tally["refused"] += 1


def assert_exercised(tally: Counter, examples: int, kinds: int = 5) -> None:
    """At least one applied decision per two examples, of at least `kinds` kinds,
    and some reversed."""
    applied_kinds = [key for key in tally if key.startswith("applied ")]
    summary = dict(tally)
    print(f"exercised: {summary}")  # shown with -s, and in every failure below
    assert tally["applied"] >= examples // 2, summary
    assert len(applied_kinds) >= kinds, summary
    assert tally["reversed"] > 0, summary
