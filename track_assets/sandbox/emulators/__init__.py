"""The emulated services, one module (or package) each, over the shared sandbox server base."""
