"""Actions: the only code that writes state; transports parse, call one, and serialize."""
