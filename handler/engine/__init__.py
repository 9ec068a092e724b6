"""The Jekyll engine: reader -> documents -> renderer (Liquid, converters, layouts).

Pure functions and small classes over a :class:`~handler.store.Store` and strings: no HTTP, no
boto3, no environment. The server, the indexer and the author's tools share it.
"""
