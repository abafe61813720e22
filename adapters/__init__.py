"""Platform adapters: each translates its platform's events to the neutral conversation and back."""
