"""Persistence of the Circles domain: async SQLAlchemy 2 Core tables, repositories, migrations."""
