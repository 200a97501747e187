"""The use cases: GraphQL-free async functions over an AsyncSession. The business rules live here."""
