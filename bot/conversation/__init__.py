"""The neutral conversation: what adapters hand to the core and what the core hands back."""
