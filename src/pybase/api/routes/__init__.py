"""HTTP routes, one module per domain: :mod:`.jobs` (``/api/v1/extraction``) and
:mod:`.system` (``/health``, ``/metrics``)."""
