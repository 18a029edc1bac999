"""Secrets and the tokens made from them: the server key, sealed values, signed tokens."""
