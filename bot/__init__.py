"""The Circles application: use cases, conversations, delivery, configuration and the CLI."""
