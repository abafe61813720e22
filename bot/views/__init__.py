"""Texts shown to people, built from domain objects in the reader's language."""
