"""The terminal chat: try every flow without any platform account; the tests drive it too."""
