"""Jama Connect and Jama Connect Interchange (JCI) emulator for tests and the demo.

Behaviour that mirrors documented Jama behaviour cites the fact in ``shared/docs/jama-facts.md``
(tagged [DOC]); behaviour the project defines itself is tagged [MODEL] in ``docs/api-contract.yaml``.
"""
