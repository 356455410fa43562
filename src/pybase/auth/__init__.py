"""API tokens: the ``ApiToken`` table, its repository (all SQL) and service (create, check,
list, revoke). Only a SHA-256 hash of each token is stored; the token itself is shown once,
when it is created."""
