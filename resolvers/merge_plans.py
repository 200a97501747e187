"""A merge worked out in memory (DOMAIN.md rule 21): who keeps which value, which link moves
or folds, which account moves or is deactivated, and what history will say.

The kept contact's values win; a value it lacks is taken from the first merged contact that
has one, and `fieldChoices` take a field from a given merged contact. Links move to the kept
contact; two links to one organisation become one (the kept link's values win, what it lacks
is filled in, recipient flags add up, sites and types join). Memberships and accounts move
too; a second account of a kind cannot (one per contact) and is deactivated on its merged
contact. Each merged contact becomes MERGED with `mergedInto` set. Nothing here touches the
database: `merge_writes` writes a plan, `unmerges` reads one back.
"""

import copy
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from db.models import ContactStatus
from resolvers.card_fields import CONTACT_FIELDS
from resolvers.global_ids import to_global_id
from resolvers.history_text import Difference, differences, ids_text
from resolvers.merge_states import ContactState, LinkState
from resolvers.search import tokens_text
from resolvers.text import fold

# The contact's own fields a merge combines (its state fields are the merge's to set).
MERGEABLE = {
    field.name: field.column
    for field in CONTACT_FIELDS
    if field.name not in ("status", "disappearedOn", "disappearanceReason")
}
_LINK_VALUES = ("function", "department", "email", "phone", "mobile", "fax", "extension", "left_on")
_LINK_FLAGS = (
    "receives_invoices",
    "receives_invoices_all_sites",
    "receives_reminders",
    "receives_reminders_all_sites",
)


@dataclass(frozen=True)
class FieldChoice:
    """Take `field` (a GraphQL name) from `from_contact_id` (None: an id that names no contact)."""

    field: str
    from_contact_id: int | None


@dataclass
class Plan:
    """A merge worked out in memory: every state before and after, and what moves where."""

    kept_before: ContactState
    kept: ContactState
    merged_before: list[ContactState]
    merged: list[ContactState]
    moved_links: dict[int, int] = field(default_factory=dict)  # link id -> the contact it came from
    folded_links: dict[int, int] = field(default_factory=dict)  # merged link id -> the link it joined
    moved_accounts: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (account, from)
    deactivated: list[tuple[str, int]] = field(default_factory=list)

    def changes(self) -> list[Difference]:
        """Each contact's differences, and which contacts were folded into which (so that the
        kept contact's history tells of the merge even when nothing it shows changed)."""
        merged_ids = [state.id for state in self.merged]
        found = shown_changes(self.kept_before, self.kept)
        found.append(Difference(self.kept.id, None, "mergedIds", None, ids_text("Contact", merged_ids)))
        for before, after in zip(self.merged_before, self.merged, strict=True):
            found.extend(shown_changes(before, after))
            found.append(
                Difference(after.id, None, "mergedInto", None, to_global_id("Contact", self.kept.id))
            )
        return found


def shown_changes(before: ContactState, after: ContactState) -> list[Difference]:
    """History's differences between two states of one contact."""
    return differences(before.id, before.shown(), after.shown())


def plan_merge(
    kept_before: ContactState,
    merged_before: list[ContactState],
    choices: Sequence[FieldChoice],
    now: datetime,
) -> Plan:
    kept = copy.deepcopy(kept_before)
    plan = Plan(kept_before, kept, merged_before, [copy.deepcopy(state) for state in merged_before])
    _combine_fields(kept, merged_before, choices)
    for before, after in zip(merged_before, plan.merged, strict=True):
        _take_links(plan, before)
        kept.affairs |= before.affairs
        kept.targets |= before.targets
        for event_id, status in before.events.items():
            kept.events.setdefault(event_id, status)
        _take_accounts(plan, before, after)
        after.values.update(
            status=ContactStatus.MERGED,
            merged_into_id=kept.id,
            version=before.values["version"] + 1,
            updated_at=now,
        )
        after.links, after.affairs, after.targets, after.events = [], set(), set(), {}
    kept.links.sort(key=lambda link: int(link.values["id"]))
    kept.values.update(version=kept_before.values["version"] + 1, updated_at=now)
    _refresh_keys(kept)
    return plan


def _combine_fields(kept: ContactState, merged: list[ContactState], choices: Sequence[FieldChoice]) -> None:
    for column in MERGEABLE.values():
        if kept.values[column] is None:
            given = (state.values[column] for state in merged if state.values[column] is not None)
            kept.values[column] = next(given, None)
    by_id = {state.id: state for state in merged}
    for choice in choices:
        assert choice.from_contact_id is not None
        column = MERGEABLE[choice.field]
        kept.values[column] = by_id[choice.from_contact_id].values[column]


def _take_links(plan: Plan, merged: ContactState) -> None:
    for link in merged.links:
        target = plan.kept.link_to(link.organization_id)
        if target is None:
            moved = copy.deepcopy(link)
            moved.values.update(contact_id=plan.kept.id, is_primary=False)
            plan.kept.links.append(moved)
            plan.moved_links[int(link.values["id"])] = merged.id
        else:
            _fold(target, link)
            plan.folded_links[int(link.values["id"])] = int(target.values["id"])


def _fold(target: LinkState, other: LinkState) -> None:
    """Two links to one organisation become one: the target's values win, the other fills gaps."""
    for column in _LINK_VALUES:
        if target.values[column] is None:
            target.values[column] = other.values[column]
    for flag in _LINK_FLAGS:
        target.values[flag] = bool(target.values[flag] or other.values[flag])
    target.sites |= other.sites
    target.types |= other.types


def _take_accounts(plan: Plan, before: ContactState, after: ContactState) -> None:
    for kind, (account_id, active) in before.accounts.items():
        if kind not in plan.kept.accounts:
            plan.kept.accounts[kind] = (account_id, active)
            plan.moved_accounts[kind] = (account_id, before.id)
            del after.accounts[kind]
        elif active:
            plan.deactivated.append((kind, account_id))
            after.accounts[kind] = (account_id, False)


def _refresh_keys(state: ContactState) -> None:
    """The sort keys and search tokens `refresh_contact_keys` would write, from memory."""
    values = state.values
    values["last_name_key"], values["first_name_key"] = fold(values["last_name"]), fold(values["first_name"])
    extra = [
        text
        for link in state.links
        for text in (link.values["email"], link.values["function"], link.organization_name)
    ]
    values["search_tokens"] = tokens_text(values["last_name"], values["first_name"], values["email"], *extra)
