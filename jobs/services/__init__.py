"""Writes for the job board, one module per noun (as Zulip's `zerver/actions/`): `postings` (`posting_upsert`, the
one way a posting is written), `candidates`, `organisations` (an employer's public profile), `feed_imports` (feeds
sent through the API, imported by a worker) and `idempotency` (API writes sent with an Idempotency-Key are written
once). Import a function from the module that owns it."""
