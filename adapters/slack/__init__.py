"""Slack: a slack-bolt ``AsyncApp`` on the project's aiohttp server (or Socket Mode).

``SlackAdapter`` (``app.py``) receives and answers; ``SlackSender`` (``sender.py``) sends for the
delivery engine. ``manifest.yaml`` creates the Slack app in one step (see ``docs/slack.md``).
"""
