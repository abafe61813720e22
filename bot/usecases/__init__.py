"""One function per thing a person can do; each authorises, applies the rules and stores."""
