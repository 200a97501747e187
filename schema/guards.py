"""Schema extensions: limits checked before anything runs, error masking, query statistics,
and each distinct document parsed and validated once."""

import logging
from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import DocumentNode, GraphQLError, GraphQLSchema, parse
from graphql.validation import ASTValidationRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.schema.schema import validate_document

from db.engine import QueryStats, current_stats
from schema.context import Context
from schema.cost import MAX_EXPANDED_SELECTIONS, CostGuard, expanded_selections, too_many_selections
from schema.error_codes import CodedErrors, ErrorCode, coded, parse_error
from schema.input_guard import InputGuard, long_number
from schema.introspection import PortalIntrospection

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5_000
CACHED_DOCUMENTS = 256

log = logging.getLogger("carnet.graphql")

# The limits' rules, made once. Strawberry's limiters make a new rule class per instance, that is
# per request, so the set of rules was new every time and no validation cache could ever hit.
LIMIT_RULES: tuple[type[ASTValidationRule], ...] = (
    *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
    *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
)


class Limits(AddValidationRules):
    """Depth and aliases, checked with the rest of validation (so cached with it)."""

    def __init__(self) -> None:
        super().__init__(list(LIMIT_RULES))


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _parsed(query: str, max_tokens: int | None) -> DocumentNode:
    return parse(query, max_tokens=max_tokens)


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _validated(
    schema: GraphQLSchema, query: str, max_tokens: int | None, rules: tuple[type[Any], ...]
) -> list[GraphQLError]:
    """The limits first (QUERY_TOO_COMPLEX): a document over them is not validated further;
    then the rest of validation (GRAPHQL_VALIDATION_FAILED)."""
    document = _parsed(query, max_tokens)
    if (number_error := long_number(document)) is not None:
        return [number_error]
    expanded = expanded_selections(document)
    if expanded > MAX_EXPANDED_SELECTIONS:  # before the validators, which expand fragments naively
        return [too_many_selections(expanded)]
    limits = tuple(rule for rule in rules if rule in LIMIT_RULES)
    too_complex = validate_document(schema, document, limits) if limits else []
    if too_complex:
        return [coded(error, ErrorCode.QUERY_TOO_COMPLEX) for error in too_complex]
    rest = tuple(rule for rule in rules if rule not in LIMIT_RULES)
    return [
        coded(error, ErrorCode.GRAPHQL_VALIDATION_FAILED)
        for error in validate_document(schema, document, rest)
    ]


class DocumentCache(SchemaExtension):
    """Parse and validate each distinct query text once, in bounded LRU caches.

    Keyed by the text itself: Strawberry's ParserCache/ValidationCache key validation by the
    parsed document, and hashing a document walks its whole tree on every request.
    Validation of a large document costs milliseconds (measured: ~4 ms for the reference
    query); a client sends the same few documents again and again.
    """

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            try:
                context.graphql_document = _parsed(context.query, context.parse_options.get("max_tokens"))
            except GraphQLError as error:  # answered past every extension: coded here
                raise parse_error(error) from None
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.pre_execution_errors is None:
            errors = _validated(
                context.schema._schema,
                context.query,
                context.parse_options.get("max_tokens"),
                context.validation_rules,
            )
            context.pre_execution_errors = list(errors)  # a copy: the cached list is everyone's
        yield


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
        masked.extensions = {"code": ErrorCode.INTERNAL_SERVER_ERROR.value, "requestId": request_id}
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


EXTENSIONS: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
    CodedErrors,  # first in, so last out: it sees every error the others made or left
    lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
    Limits,
    DocumentCache,
    MaskUnexpectedErrors,
    QueryStatsExtension,
    InputGuard,
    PortalIntrospection,
    CostGuard,
]
