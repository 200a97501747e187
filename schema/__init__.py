"""The GraphQL surface: types, inputs, payloads, permissions, the Query and Mutation roots."""
