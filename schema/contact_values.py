"""The contact card's value types (civility, status, social profiles), and the card's lazy name.

Apart from the card (schema/contacts.py), which lies above the types that point back to it in
the import order: a change's contact, a participant, a candidate duplicate, an organisation's
contacts and interlocutors. Those name the card with `strawberry.lazy` and reach it through
`schema.node` (load_node, show_node), so that schema modules import one way.
"""

from enum import Enum
from typing import TYPE_CHECKING, Annotated

import strawberry

from db import models
from resolvers import contacts

if TYPE_CHECKING:
    from schema.contacts import Contact, ContactLink

LazyContact = Annotated["Contact", strawberry.lazy("schema.contacts")]
LazyLink = Annotated["ContactLink", strawberry.lazy("schema.contacts")]

Civility = models.Civility
strawberry.enum(Civility, name="Civility")  # decorates in place: annotate with the class
ContactStatus = models.ContactStatus
strawberry.enum(ContactStatus, name="ContactStatus")  # decorates in place: annotate with the class


@strawberry.enum
class SocialNetwork(Enum):
    LINKEDIN = "LINKEDIN"


@strawberry.type
class SocialProfile:
    network: SocialNetwork
    url: str
    generated: bool = strawberry.field(description="true: a people-search link built from the contact's name")


def linkedin_search(first_name: str | None, last_name: str, organization: str | None) -> list[SocialProfile]:
    """A contact without a LinkedIn URL of its own: a people search for its name and primary organisation."""
    url = contacts.linkedin_search_url(first_name, last_name, organization)
    return [SocialProfile(network=SocialNetwork.LINKEDIN, url=url, generated=True)]
