"""The adapter kit: outbound mechanics that every chat platform needs, written once.

- ``split``: a long text in parts that fit the platform's message length, measured the platform's
  way (Telegram counts UTF-16 code units, Slack the characters of its escaped ``mrkdwn``).
- ``send``: the parts of one reply sent in order, a rate-limit answer after the first part waited
  out (capped) rather than re-queued; and the "first edit replaces the pressed message, later
  parts are new messages" rule for answers to a button.

It knows no platform: no SDK, no other adapter (import-linter checks both). Telegram and Slack
import it; the console adapter needs none of it.
"""
