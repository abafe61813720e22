"""The dialogs of Circles, each a small state machine (see ``bot.conversation.dialog``)."""
