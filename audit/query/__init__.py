"""Finding events in a log of millions, for the audit log's page, API and exports.

- filters.py: the filters, each served by an index; search.py: free text over a trigram
  index;
- keyset.py: pages by id range (never OFFSET), with a time limit on the query;
- pagination.py: the API list's envelope, with a count that never reads the whole table;
- exports.py: CSV and JSON Lines streamed oldest first, the export itself recorded.

Recording (services.py, chain.py, context.py) and proving (verification.py) stay at the top
of audit/: every other app calls them, and they need none of this.
"""
