"""Schema extensions: limits checked before anything runs, error masking, query statistics."""

import logging
from collections.abc import Iterator

from graphql import GraphQLError
from strawberry.extensions import (
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)

from db.engine import QueryStats, current_stats
from schema.context import Context

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5_000
CACHED_DOCUMENTS = 256

log = logging.getLogger("carnet.graphql")


def is_unexpected(error: GraphQLError) -> bool:
    """Mask only what nobody meant to say: validation, limits and refusals stay readable."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError)


class MaskUnexpectedErrors(MaskErrors):
    """An unexpected exception reads "Internal error" with the request id, and is logged in full."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_unexpected, error_message="Internal error.")

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        context = self.execution_context.context
        request_id = context.request_id if isinstance(context, Context) else "-"
        log.error("request %s failed at %s", request_id, error.path, exc_info=error.original_error)
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_ERROR", "requestId": request_id}
        return masked


class QueryStatsExtension(SchemaExtension):
    """Counts the SQL statements of a request; reports them when CARNET_QUERY_STATS is on."""

    def on_operation(self) -> Iterator[None]:
        self.stats = QueryStats()
        token = current_stats.set(self.stats)
        try:
            yield
        finally:
            current_stats.reset(token)

    def get_results(self) -> dict[str, object]:
        context = self.execution_context.context
        if not (isinstance(context, Context) and context.report_query_stats):
            return {}
        return {
            "queryStats": {
                "sqlStatements": self.stats.statements,
                "sqlMs": round(self.stats.seconds * 1000, 3),
            }
        }


EXTENSIONS = [
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    lambda: ParserCache(maxsize=CACHED_DOCUMENTS),
    lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
    lambda: QueryDepthLimiter(max_depth=MAX_DEPTH),
    lambda: MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
    MaskUnexpectedErrors,
    QueryStatsExtension,
]
