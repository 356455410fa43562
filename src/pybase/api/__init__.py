"""The HTTP API (FastAPI): :func:`pybase.api.app.create_app`.

Importing this package imports nothing heavy; import :mod:`pybase.api.app` for the app.
"""
