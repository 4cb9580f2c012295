"""Record shapes that cross the boundary: API request/response bodies and bundle lines.

The API and the bundle reader share the input shapes, so a record means the same
thing whether it arrives over HTTP or in an NDJSON file.
"""
