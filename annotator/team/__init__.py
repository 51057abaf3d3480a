"""Team projects on a PostgreSQL server: roles, row-level security, live changes.

A team project is one PostgreSQL database. ``annotator init --db URL`` makes it
and three group roles named after the database (roles are global to a server):
``DB_annotator``, ``DB_reviewer`` and ``DB_admin``. Each member logs in as
their own PostgreSQL role (:mod:`.roles`), and the database itself enforces
who reads and writes what (:mod:`.rls`), so a raw SQL query is held to the same
rules as the app. Every edit notifies the channel :data:`notify.CHANNEL`
(:mod:`.notify`). Everything here is core: no Qt.
"""

from __future__ import annotations

ROLES = ("annotator", "reviewer", "admin")
