"""Delivery: everything the bot sends on its own goes through one outbox (DESIGN.md, "Delivery").

- ``planner``: turns the schedule into outbox rows when they are due (reminders, feedback prompts,
  delivery reports), idempotently;
- ``notices`` and ``usecases``: enqueue change notices and broadcasts directly;
- ``render``: how each kind of message reads, rendered at send time;
- ``dispatcher``: claims due rows, sends them through the recipient's adapter under the
  platform's rate limit, records the outcome;
- ``service``: APScheduler waking the dispatcher inside ``python -m bot run`` (``service.start``);
- ``python -m bot dispatch``: one pass from the command line (``bot.delivery.cli``).
"""
