"""Schema extensions: limits checked before anything runs, error masking, query statistics,
and each distinct document parsed and validated once."""

import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Hashable, Iterator
from typing import Any, Generic, TypeVar

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

from db.statements import QueryStats, current_stats
from schema.context import Context
from schema.cost import MAX_EXPANDED_SELECTIONS, CostGuard, expanded_selections, too_many_selections
from schema.document_thread import in_thread
from schema.error_codes import CodedErrors, ErrorCode, coded, parse_error
from schema.input_guard import InputGuard, long_number
from schema.introspection import PortalIntrospection

MAX_DEPTH = 10
MAX_ALIASES = 30
MAX_TOKENS = 5_000
CACHED_DOCUMENTS = 256
# The texts behind the cached documents, in characters, all together: 256 documents of 5,000
# tokens each would keep some 4 million AST nodes alive, so size bounds the caches as well as count.
CACHED_TEXT = 1_000_000

log = logging.getLogger("carnet.graphql")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

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


class TextCache(Generic[K, V]):
    """Values by the text they were made from, least recently used out first, bounded by count
    and by the texts' total length; hits and misses counted (tests read them). Used from the
    event loop only."""

    def __init__(
        self, text_of: Callable[[K], str], size: int = CACHED_DOCUMENTS, text: int = CACHED_TEXT
    ) -> None:
        self.size, self.text = size, text
        self.hits = self.misses = 0
        self._text_of = text_of
        self._held = 0  # characters of the texts held now
        self._values: OrderedDict[K, V] = OrderedDict()

    def get(self, key: K) -> V | None:
        value = self._values.get(key)
        if value is None:
            self.misses += 1
            return None
        self.hits += 1
        self._values.move_to_end(key)
        return value

    def put(self, key: K, value: V) -> None:
        length = len(self._text_of(key))
        if length > self.text or key in self._values:
            return  # a text larger than the whole cache would only push every other one out
        self._values[key] = value
        self._held += length
        while len(self._values) > self.size or self._held > self.text:
            oldest, _ = self._values.popitem(last=False)
            self._held -= len(self._text_of(oldest))

    def __len__(self) -> int:
        return len(self._values)


PARSED: TextCache[tuple[str, int | None], DocumentNode] = TextCache(lambda key: key[0])
VALIDATED: TextCache[tuple[GraphQLSchema, str, int | None, tuple[type[Any], ...]], list[GraphQLError]] = (
    TextCache(lambda key: key[1])
)


async def parsed(query: str, max_tokens: int | None) -> DocumentNode:
    """The document of `query`, parsed in the document thread the first time it is seen."""
    key = (query, max_tokens)
    document = PARSED.get(key)
    if document is None:
        document = await in_thread("parse", parse, query, max_tokens=max_tokens)
        PARSED.put(key, document)
    return document


async def validated(
    schema: GraphQLSchema,
    query: str,
    document: DocumentNode,
    max_tokens: int | None,
    rules: tuple[type[Any], ...],
) -> list[GraphQLError]:
    """The validation errors of `document` (the text `query`), found in the document thread the
    first time the text is seen."""
    key = (schema, query, max_tokens, rules)
    errors = VALIDATED.get(key)
    if errors is None:
        errors = await in_thread("validate", validation_errors, schema, document, rules)
        VALIDATED.put(key, errors)
    return errors


def validation_errors(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[Any], ...]
) -> list[GraphQLError]:
    """The limits first (QUERY_TOO_COMPLEX): a document over them is not validated further;
    then the rest of validation (GRAPHQL_VALIDATION_FAILED)."""
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
    """Parse and validate each distinct query text once, in bounded LRU caches, and off the loop.

    Keyed by the text itself: Strawberry's ParserCache/ValidationCache key validation by the
    parsed document, and hashing a document walks its whole tree on every request.
    Validation of a large document costs milliseconds (measured: ~4 ms for the reference
    query; up to ~1 s for a contrived one of 5,000 tokens); a client sends the same few
    documents again and again. A text not seen yet is parsed and validated in the document
    thread (schema.document_thread): the loop keeps answering meanwhile.
    """

    async def on_parse(self) -> AsyncIterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            try:
                context.graphql_document = await parsed(
                    context.query, context.parse_options.get("max_tokens")
                )
            except GraphQLError as error:  # answered past every extension: coded here
                raise parse_error(error) from None
        yield

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.query is not None and document is not None and context.pre_execution_errors is None:
            errors = await validated(
                context.schema._schema,
                context.query,
                document,
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
