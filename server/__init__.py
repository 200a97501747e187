"""The composition root: settings, authentication, the Starlette app and the `carnet` CLI."""
