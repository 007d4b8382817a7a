"""Database access, split by concern. There is one way to read and one way to write:

- **Writes** (and reads that a write depends on) go through the ORM ``Session`` of the
  request, ``DbSession`` (``db.session``), in a service function: helpers only ``flush``;
  the use case commits once, so nothing is ever half-done.
- **Hot reads** (the per-request session check, entry pages, tags) are Core statements run
  by the ``Reader`` (``db.reader``, ``ReaderDep``), which avoids a thread hop per request.

``db.base`` holds the declarative base, the UTC column type and id/time helpers;
``db.engine`` builds the engine.
"""
