"""The Circles domain: learning circles, their meetings, signups and RSVPs.

Pure Python. Nothing here touches a database, a chat platform or the system clock:
every rule that depends on time is handed ``now``.
"""
