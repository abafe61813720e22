"""Answers to commands and buttons; each checks who is acting and what they may do."""
