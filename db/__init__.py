"""SQLAlchemy only: the models, the engine and session factories, the migrations."""
