"""The Query and Mutation roots, composed from the domain modules, and the schema built from them."""

import strawberry
from strawberry.schema.config import StrawberryConfig

from schema.guards import EXTENSIONS
from schema.viewer import ViewerQueries


@strawberry.type
class Query(ViewerQueries):
    pass


schema = strawberry.Schema(
    query=Query,
    extensions=EXTENSIONS,
    config=StrawberryConfig(auto_camel_case=True),
)
