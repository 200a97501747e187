"""Compiled execution of query documents: each distinct document (operation, `@skip`/`@include`
values) is compiled once into a plan of closures that builds the response, instead of
graphql-core walking the document again for every field of every object.

`CompiledExecutor` is graphql-core's executor with one method overridden; anything the
compiler does not support, or any error at all, goes to the stock executor, so that what a
client sees is always what the stock executor answers.
"""
