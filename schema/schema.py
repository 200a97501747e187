"""The Query and Mutation roots, composed from the domain modules, and the schema built from them."""

import strawberry
from graphql import GraphQLError
from strawberry.schema.config import StrawberryConfig
from strawberry.types import ExecutionContext

from schema.accounts import AccountMutations
from schema.audit import AuditEntry, AuditQueries
from schema.batches import BatchMutations
from schema.compiled.execution import CompiledExecutor
from schema.contact_edits import CardMutations
from schema.contact_lists import ContactListQueries
from schema.contacts import Contact, ContactLink, ExternalCollaborator, ExtranetUser
from schema.duplicate_groups import DuplicateGroupQueries
from schema.erasure import ErasureMutations
from schema.guards import EXTENSIONS
from schema.lifecycle import LifecycleMutations
from schema.links import LinkMutations
from schema.lookups import LookupQueries
from schema.memberships import MembershipMutations
from schema.merges import ContactMerge, MergeMutations
from schema.normalization import NormalizationMutations
from schema.organization_mutations import OrganizationMutations
from schema.organizations import Affair, Client, OrganizationQueries, Site, Supplier, ThirdParty
from schema.personal_data import PersonalDataQueries
from schema.recipients import RecipientQueries
from schema.reference import Event, ReferenceQueries, Target
from schema.reference_mutations import ReferenceMutations
from schema.viewer import ViewerQueries


@strawberry.type
class Query(
    ViewerQueries,
    LookupQueries,
    ContactListQueries,
    OrganizationQueries,
    ReferenceQueries,
    RecipientQueries,
    DuplicateGroupQueries,
    PersonalDataQueries,
    AuditQueries,
):
    pass


@strawberry.type
class Mutation(
    CardMutations,
    LifecycleMutations,
    LinkMutations,
    OrganizationMutations,
    ReferenceMutations,
    BatchMutations,
    MembershipMutations,
    NormalizationMutations,
    AccountMutations,
    MergeMutations,
    ErasureMutations,
):
    pass


# Every type `node` can return, including those only reachable through the Node interface.
NODE_TYPES = [
    Client,
    Supplier,
    ThirdParty,
    Site,
    Affair,
    Target,
    Event,
    Contact,
    ExtranetUser,
    ExternalCollaborator,
    ContactMerge,
    AuditEntry,
]


class CarnetSchema(strawberry.Schema):
    """Errors are logged once, where they are understood.

    An unexpected one is logged with its stack and the request id by MaskUnexpectedErrors; a
    caller's mistake (validation, limits, permissions) is answered, not logged. Strawberry's
    own logging would log both again, SQL parameters (contact e-mails) and whole documents included.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return None


schema = CarnetSchema(
    query=Query,
    mutation=Mutation,
    types=[*NODE_TYPES, ContactLink],
    extensions=EXTENSIONS,
    config=StrawberryConfig(auto_camel_case=True),
    execution_context_class=CompiledExecutor,
)
