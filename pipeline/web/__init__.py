"""The planner's download page (Starlette) and ``lkjip serve``."""

from pipeline.web.app import create_app

__all__ = ["create_app", "serve"]


def serve(*args, **kwargs):
    """See :func:`pipeline.web.serve.serve` (imported lazily: it pulls in uvicorn)."""
    from pipeline.web.serve import serve as _serve

    return _serve(*args, **kwargs)
