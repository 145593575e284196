"""One verifying TLS context per process, shared by every HTTP client.

Building a context loads the CA bundle, about 70 ms on these machines; httpx builds one per
client unless given one, and the pipeline makes a client per service per phase (measured: 136
contexts, 9.3 s, in eight in-process runs of the test catalog). An `ssl.SSLContext` is safe to
share between connections and threads.
"""

from __future__ import annotations

import ssl
from functools import cache

import httpx


@cache
def tls_context() -> ssl.SSLContext:
    """httpx's default: certificates verified against certifi's bundle."""
    return httpx.create_ssl_context()
