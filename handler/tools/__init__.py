"""The author's tools: ``new`` (scaffold), ``check``, ``publish``, and mojibake repair.

They run on an author's machine against a site folder, and read it through the same engine the
server uses, so what ``check`` reports is what the server would meet.
"""
